"""Writes a benchmark batch for `tl-run PIPELINE.json --batch DIR`: many tiny TimeAffine cases.

    python3 bench/batch/gen.py OUT_DIR [CASES]      (numpy==2.4.6; CASES defaults to 1000)

OUT_DIR/pipeline.json with W.npy (D, H) and b.npy (H,) beside it, and OUT_DIR/cases/case_NNNN/
holding x.npy (N, T, D), dout.npy (N, T, H) and expected/ (out, dx, affine.dW, affine.db) from
the book's TimeAffine, with N=2, T=4, D=3, H=5, float64. Fixed seed: the same files every time.
"""
import json
import os
import sys

import numpy as np

N, T, D, H = 2, 4, 3, 5


def main():
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = np.random.default_rng(7)
    W = rng.standard_normal((D, H))
    b = rng.standard_normal(H)
    os.makedirs(os.path.join(root, "cases"), exist_ok=True)
    np.save(os.path.join(root, "W.npy"), W)
    np.save(os.path.join(root, "b.npy"), b)
    for i in range(count):
        case = os.path.join(root, "cases", f"case_{i:04d}")
        os.makedirs(os.path.join(case, "expected"), exist_ok=True)
        x = rng.standard_normal((N, T, D))
        dout = rng.standard_normal((N, T, H))
        np.save(os.path.join(case, "x.npy"), x)
        np.save(os.path.join(case, "dout.npy"), dout)
        rx, d2 = x.reshape(N * T, -1), dout.reshape(N * T, -1)
        expected = {
            "out": (rx @ W + b).reshape(N, T, -1),
            "dx": (d2 @ W.T).reshape(N, T, D),
            "affine.dW": rx.T @ d2,
            "affine.db": d2.sum(axis=0),
        }
        for name, array in expected.items():
            np.save(os.path.join(case, "expected", name + ".npy"), array)
    pipeline = {
        "version": 1,
        "name": "bench: TimeAffine",
        "input": "x.npy",
        "layers": [{"name": "affine", "type": "TimeAffine", "params": {"W": "W.npy", "b": "b.npy"}}],
        "dout": "dout.npy",
        "outputs": "out",
        "reference": "expected",
    }
    with open(os.path.join(root, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)


if __name__ == "__main__":
    main()
