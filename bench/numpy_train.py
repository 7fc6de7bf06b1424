"""Runs a bench training-step pipeline (bench/train_step.py) with the book's classes as
testdata/gen_models.py ports them: np.load the params and batches, gen_models.run (forward,
backward, remove_duplicate, clip_grads, the optimizer, K times), np.save what tl-run writes
(out = the per-step losses, the last raw grads, the updated params, states, masks).

Usage: python3 bench/numpy_train.py CASE/pipeline.json OUT_DIR
Prints one JSON line: phase seconds {"load", "compute", "save"}.
"""

import json
import os
import sys
import time

started = time.perf_counter()
# NumPy first, on the paths it picks for this CPU as a user's run would: gen_models imports
# testdata/book.py, whose pin to the AVX2 paths (for byte-identical fixtures) takes effect only
# if it runs before NumPy loads.
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata"))
import gen_models  # noqa: E402


def main(pipeline_path, out_dir):
    begin = time.perf_counter()
    case_dir = os.path.dirname(os.path.abspath(pipeline_path))
    with open(pipeline_path) as f:
        spec = json.load(f)
    with np.load(os.path.join(case_dir, spec["params"])) as archive:
        params = {k: archive[k] for k in archive.files}
    case = {"model": spec["model"], "params": params, "train": spec["train"],
            "xs": [np.load(os.path.join(case_dir, s)) for s in spec["inputs"]["xs"]],
            "ts": [np.load(os.path.join(case_dir, s)) for s in spec["inputs"]["ts"]]}
    if "seed" in spec:
        case["seed"] = spec["seed"]
    if "dropout_ratio" in spec:
        case["model_args"] = {"dropout_ratio": spec["dropout_ratio"]}
    loaded = time.perf_counter()
    results, _ = gen_models.run(case, gen_models.PORT)
    computed = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    for name, array in results.items():
        np.save(os.path.join(out_dir, name + ".npy"), array)
    saved = time.perf_counter()
    print(json.dumps({"import": begin - started, "load": loaded - begin,
                      "compute": computed - loaded, "save": saved - computed}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
