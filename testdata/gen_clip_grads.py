"""Writes testdata/clip_grads/: grads before and after the book's clip_grads (common/util.py),
for the bit-for-bit test of tl-run's Trainer.clipGrads (Tests/TLGraphTests/ClipGradsTests.swift).

    python3 testdata/gen_clip_grads.py          (numpy==2.4.6, testdata/requirements.txt)

For each case CASE/ holds g0.npy, g1.npy, ... (the grads), clipped0.npy, ... (after
clip_grads(grads, max_norm)) and meta.json {"max_norm", "count", "numpy"}. The grads' sizes
cross NumPy's pairwise-sum boundaries (8, 128, a split at a multiple of 8; tl-run's parallel
split above 2^18 elements is checked against its serial recursion in Swift, without a large
fixture), with magnitudes spread over decades so that the sum's order shows in its bits: the
"model" cases are checked here to give a rate whose bits differ from the rate of a float64
sequential sum of the squares (the order tl-run used before), so the test can tell them apart.
Deterministic: np.random.default_rng(seed), seed = 2024 + 100·case index + the first k in
0..99 whose grads meet that condition (k = 0 for the "small" case).
"""
import json
import os
import shutil

import book  # noqa: F401  first: it pins NumPy's code paths
import numpy as np

from gen_models import clip_grads  # the book's common/util.py, verbatim

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clip_grads")


def rate_of(grads, max_norm, sequential):
    total = 0
    for g in grads:
        term = np.sum(g ** 2)
        if sequential:  # a float64 loop in C order, then rounded to the grads' dtype
            acc = 0.0
            for v in g.astype(np.float64).ravel().tolist():
                acc += v * v
            term = g.dtype.type(acc)
        total += term
    total = np.sqrt(total)
    return max_norm / (total + 1e-6)


CASES = [
    # name, dtype, shapes, max_norm
    ("small_f32", np.float32, [(5,), (3, 43), (129,)], 0.5),
    ("model_f32", np.float32, [(30, 65), (65, 100), (260,), (4099,)], 0.25),
    ("model_f64", np.float64, [(30, 65), (65, 100), (260,), (4099,)], 0.25),
]


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    for index, (name, dtype, shapes, max_norm) in enumerate(CASES):
        for k in range(100):
            rng = np.random.default_rng(2024 + 100 * index + k)
            grads = []
            for shape in shapes:
                scale = 10.0 ** rng.uniform(-4, 1, size=shape)
                grads.append((rng.standard_normal(shape) * scale).astype(dtype))
            numpy_rate = rate_of(grads, max_norm, sequential=False)
            sequential_rate = rate_of(grads, max_norm, sequential=True)
            if numpy_rate != sequential_rate or not name.startswith("model"):
                break
        assert numpy_rate < 1, f"{name}: no clipping"
        assert numpy_rate != sequential_rate or not name.startswith("model"), f"{name}: same rate"
        clipped = [g.copy() for g in grads]
        clip_grads(clipped, max_norm)
        directory = os.path.join(ROOT, name)
        os.makedirs(directory)
        for i, (g, c) in enumerate(zip(grads, clipped)):
            np.save(os.path.join(directory, f"g{i}.npy"), g)
            np.save(os.path.join(directory, f"clipped{i}.npy"), c)
        with open(os.path.join(directory, "meta.json"), "w") as f:
            json.dump({"max_norm": max_norm, "count": len(grads), "numpy": np.__version__}, f)
        print(name, "seed", 2024 + 100 * index + k, "rate", repr(numpy_rate), "sequential float64 sum's rate", repr(sequential_rate))


if __name__ == "__main__":
    main()
