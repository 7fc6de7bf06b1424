"""Writes testdata/batch/: a batch of TimeAffine cases for `tl-run PIPELINE.json --batch DIR`.

    python3 testdata/gen_batch.py     (numpy==2.4.6, see testdata/requirements.txt)

testdata/batch/pipeline.json    one TimeAffine layer; W.npy (D, H) and b.npy (H,) sit beside it
                                and are shared by every case
testdata/batch/cases/CASE/      x.npy (N, T, D), dout.npy (N, T, H) and expected/ with NumPy's
                                out, dx, affine.dW, affine.db (the book's TimeAffine, float64)

Five cases are good (different N and T). Two are broken on purpose:
  case_6_broken_input     x.npy is cut short inside its data: the case is an error
  case_7_wrong_reference  expected/affine.dW.npy has one element off by 0.5: a mismatch
"""
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "batch")
D, H = 3, 5
SIZES = [(2, 4), (1, 1), (3, 2), (2, 6), (4, 3), (2, 4), (2, 3)]  # (N, T) per case


def save(relative, array):
    path = os.path.join(ROOT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


def time_affine(W, b, x, dout):
    """The book's TimeAffine forward and backward (common/time_layers.py)."""
    N, T, _ = x.shape
    rx = x.reshape(N * T, -1)
    out = (np.dot(rx, W) + b).reshape(N, T, -1)
    d2 = dout.reshape(N * T, -1)
    db = np.sum(d2, axis=0)
    dW = np.dot(rx.T, d2)
    dx = np.dot(d2, W.T).reshape(*x.shape)
    return {"out": out, "dx": dx, "affine.dW": dW, "affine.db": db}


def write_case(name, W, b, rng, N, T):
    x = rng.standard_normal((N, T, D))
    dout = rng.standard_normal((N, T, H))
    save(f"cases/{name}/x.npy", x)
    save(f"cases/{name}/dout.npy", dout)
    expected = time_affine(W, b, x, dout)
    for key, array in expected.items():
        save(f"cases/{name}/expected/{key}.npy", array)
    return expected


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    rng = np.random.default_rng(20240607)
    W = rng.standard_normal((D, H))
    b = rng.standard_normal(H)
    save("W.npy", W)
    save("b.npy", b)
    names = [f"case_{i}" for i in range(1, 6)] + ["case_6_broken_input", "case_7_wrong_reference"]
    for name, (N, T) in zip(names, SIZES):
        expected = write_case(name, W, b, rng, N, T)
    # case_6: keep the header, drop the last 8 bytes of data.
    path = os.path.join(ROOT, "cases/case_6_broken_input/x.npy")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-8])
    # case_7: NumPy's dW with one element moved, so exactly that element mismatches.
    dW = expected["affine.dW"].copy()
    dW[1, 2] += 0.5
    save("cases/case_7_wrong_reference/expected/affine.dW.npy", dW)
    pipeline = {
        "version": 1,
        "name": "batch: TimeAffine",
        "input": "x.npy",
        "layers": [{"name": "affine", "type": "TimeAffine", "params": {"W": "W.npy", "b": "b.npy"}}],
        "dout": "dout.npy",
        "outputs": "out",
        "reference": "expected",
    }
    with open(os.path.join(ROOT, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
