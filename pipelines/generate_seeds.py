"""Writes the two seed pipelines, reproducing the notebooks in shared/seeds/ exactly.

    python3 pipelines/generate_seeds.py     (numpy==2.4.6, see testdata/requirements.txt)

seed_time_embedding/ and seed_time_affine/ each get the notebook's own inputs (same seed,
same draws in the same order, so the same numbers the notebook printed), a pipeline.json, and
expected/ with NumPy's results computed by the notebook's own TimeEmbedding / TimeAffine code.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(case, name, array):
    path = os.path.join(HERE, case, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


def write_pipeline(case, pipeline):
    with open(os.path.join(HERE, case, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")


def time_embedding():
    """The notebook time_embedding_notebook.txt, cells 2-3."""
    np.random.seed(1234)
    V, D, N, T = 10, 3, 2, 4
    W = np.random.randn(V, D)
    xs = np.array([[2, 5, 1, 4], [3, 2, 7, 8]])
    out = np.empty((N, T, D), dtype="f")
    for t in range(T):
        out[:, t, :] = W[xs[:, t]]
    dout = np.random.randn(N, T, D)
    grad = 0
    for t in range(T):
        dW = np.zeros_like(W)
        np.add.at(dW, xs[:, t], dout[:, t, :])
        grad += dW
    dW = np.zeros_like(W)
    dW[...] = grad
    case = "seed_time_embedding"
    save(case, "embed_W.npy", W)
    save(case, "xs.npy", xs)
    save(case, "dout.npy", dout)
    save(case, "expected/out.npy", out)
    save(case, "expected/embed.dW.npy", dW)
    write_pipeline(case, {
        "version": 1,
        "name": "seed: TimeEmbedding notebook",
        "input": "xs.npy",
        "layers": [{"name": "embed", "type": "TimeEmbedding", "params": {"W": "embed_W.npy"}}],
        "dout": "dout.npy",
        "outputs": "out",
        "reference": "expected",
    })


def time_affine():
    """The notebook time_affine_notebook.txt, cells 5-6."""
    np.random.seed(1234)
    D, H, N, T = 1, 5, 4, 5
    W = np.random.randn(D, H)
    b = np.zeros(H)
    x = np.random.randn(N, T, D)
    rx = x.reshape(N * T, -1)
    out = (np.dot(rx, W) + b).reshape(N, T, -1)
    dout = np.random.randn(N, T, H)
    d2 = dout.reshape(N * T, -1)
    db = np.sum(d2, axis=0)
    dW = np.dot(rx.T, d2)
    dx = np.dot(d2, W.T).reshape(*x.shape)
    case = "seed_time_affine"
    save(case, "affine_W.npy", W)
    save(case, "affine_b.npy", b)
    save(case, "x.npy", x)
    save(case, "dout.npy", dout)
    for name, array in [("out", out), ("dx", dx), ("affine.dW", dW), ("affine.db", db)]:
        save(case, f"expected/{name}.npy", array)
    write_pipeline(case, {
        "version": 1,
        "name": "seed: TimeAffine notebook",
        "input": "x.npy",
        "layers": [{"name": "affine", "type": "TimeAffine",
                    "params": {"W": "affine_W.npy", "b": "affine_b.npy"}}],
        "dout": "dout.npy",
        "outputs": "out",
        "reference": "expected",
    })


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", f"fixtures are pinned to numpy 2.4.6, found {np.__version__}"
    time_embedding()
    time_affine()
