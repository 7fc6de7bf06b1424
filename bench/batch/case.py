"""One benchmark case the NumPy way, as a script per case would do it: what tl-run does per case.

    python3 bench/batch/case.py BATCH_DIR CASE_NAME

Loads W, b (beside the pipeline) and the case's x, dout; runs the book's TimeAffine forward and
backward; saves out, dx, affine.dW, affine.db to CASE/out_py/; compares each with expected/ by
np.allclose (torch's float64 defaults, rtol=atol=1e-7). Exit status 1 on a mismatch.
"""
import os
import sys

import numpy as np


def main():
    root, name = sys.argv[1], sys.argv[2]
    case = os.path.join(root, "cases", name)
    W = np.load(os.path.join(root, "W.npy"))
    b = np.load(os.path.join(root, "b.npy"))
    x = np.load(os.path.join(case, "x.npy"))
    dout = np.load(os.path.join(case, "dout.npy"))
    N, T, _ = x.shape
    rx, d2 = x.reshape(N * T, -1), dout.reshape(N * T, -1)
    results = {
        "out": (np.dot(rx, W) + b).reshape(N, T, -1),
        "dx": np.dot(d2, W.T).reshape(*x.shape),
        "affine.dW": np.dot(rx.T, d2),
        "affine.db": np.sum(d2, axis=0),
    }
    out = os.path.join(case, "out_py")
    os.makedirs(out, exist_ok=True)
    ok = True
    for key, array in results.items():
        np.save(os.path.join(out, key + ".npy"), array)
        expected = np.load(os.path.join(case, "expected", key + ".npy"))
        ok &= array.shape == expected.shape and bool(np.allclose(array, expected, rtol=1e-7, atol=1e-7))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
