"""Training-step workloads (issue 13 item 6): one step of the book's Trainer inner loop —
forward, backward, remove_duplicate, clip_grads, Adam — of two of the book's models at the
book's own sizes, float32:

  train-attention  AttentionSeq2seq, the date-format task (ch08): V=59, D=16, H=256, N=128,
                   T_enc=29, T_dec=11 (ts of T_dec+1 ids, decoder fed ts[:, :-1]), max_grad 5.0
  train-better     BetterRnnlm, PTB (ch06/train_better_rnnlm.py): V=10000, D=H=650, N=20, T=35,
                   dropout 0.5 (seed 1984), tied affine W, max_grad 0.25

Each is written under bench/data/CASE/ as a version-2 `model` pipeline with `"train"`
(docs/pipeline.md §6.3–6.4), params.npz and xs_0/ts_0.npy; the NumPy side is the book's classes
as testdata/gen_models.py ports them (the code that writes the model fixtures), timed by
bench/numpy_train.py. Generation is deterministic and done once per definition.
Adam's lr is the book's (0.001) for both.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testdata"))
import gen_models  # noqa: E402

CASES = {
    "train-attention": {"model": "AttentionSeq2seq", "seed": 0, "max_grad": 5.0,
                        "sizes": dict(V=59, D=16, H=256, N=128, T_enc=29, T_dec=11),
                        "ids": np.int64},
    "train-better": {"model": "BetterRnnlm", "seed": 1984, "max_grad": 0.25,
                     "sizes": dict(V=10000, D=650, H=650, N=20, T=35), "ids": np.int32},
}
STEPS = 1
LR = 0.001


def definition(name):
    c = CASES[name]
    return json.dumps({"name": name, "model": c["model"], "seed": c["seed"], "steps": STEPS,
                       "max_grad": c["max_grad"], "sizes": c["sizes"], "lr": LR}, sort_keys=True)


def generate(name, root):
    """Writes bench/data/NAME/ unless its case.json already records this definition; returns
    the pipeline path."""
    c = CASES[name]
    directory = os.path.join(root, name)
    pipeline_path = os.path.join(directory, "pipeline.json")
    stamp_path = os.path.join(directory, "case.json")
    stamp = definition(name)
    if os.path.exists(stamp_path) and os.path.exists(pipeline_path):
        with open(stamp_path) as f:
            if f.read() == stamp:
                return pipeline_path
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(c["seed"])
    params = gen_models.make_params(c["model"], c["sizes"], np.float32, rng)
    np.savez(os.path.join(directory, "params.npz"),
             **{n: params[n] for n in gen_models.param_names(c["model"])})
    inputs = {"xs": [], "ts": []}
    for k in range(STEPS):
        xs, ts = gen_models.make_batch(c["model"], c["sizes"], c["ids"], rng)
        for key, array in (("xs", xs), ("ts", ts)):
            np.save(os.path.join(directory, f"{key}_{k}.npy"), array)
            inputs[key].append(f"{key}_{k}.npy")
    pipeline = {"version": 2, "name": f"{name}: {STEPS} Adam step(s), float32", "model": c["model"],
                "inputs": inputs, "params": "params.npz",
                "train": {"steps": STEPS, "optimizer": {"type": "Adam", "lr": LR},
                          "max_grad": c["max_grad"]},
                "outputs": "out"}
    if c["model"] == "BetterRnnlm":
        pipeline["seed"] = c["seed"]
        pipeline["dropout_ratio"] = 0.5
    with open(pipeline_path, "w") as f:
        json.dump(pipeline, f, indent=2)
    with open(stamp_path, "w") as f:
        f.write(stamp)
    return pipeline_path
