"""Writes the layer cases of the framework layouts (docs/pipeline.md §8) under
testdata/layers/<case>/: TimeLSTM with "layout": "pytorch" and "keras", TimeGRU with
"layout": "keras" (reset_after=False).

Each case draws the params in the framework's layout (names and shapes as PyTorch's
state_dict or Keras's weights keep them), maps them to the book's Wx, Wh, b with NumPy, runs
the book's TimeLSTM / TimeGRU (gen_layers_recurrent.py) forward and backward with a given
dout, and maps dWx, dWh, db back into the framework's names and shapes, as autograd and Keras
give them: dweight_ih_l0 = dWxᵀ reordered, dbias_ih_l0 = dbias_hh_l0 = db reordered; dkernel,
drecurrent_kernel, dbias. The mapping is checked against the frameworks' own equations by
check_torch_lstm.py (PyTorch itself when installed) and check_keras_layouts.py. meta.json
holds the type and the layout. It also writes pipelines/lstm_pytorch/, the float32 PyTorch case
as a pipeline with its params in a .safetensors file. Deterministic: fixed seeds. Run with numpy==2.4.6 and safetensors==0.8.0.
"""
from book import sigmoid  # noqa: F401  first: it pins NumPy's code paths
import json
import os

import numpy as np

from gen_layers_recurrent import TimeGRU, TimeLSTM, rand, write

PIPELINES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pipelines")

# For each of the book's gate blocks, the framework's block that holds it, and its sign.
# Book LSTM [f, g, i, o]; PyTorch [i, f, g, o], Keras [i, f, c, o]. Book GRU [z, r, h];
# Keras GRU [z, r, h] with z·h + (1−z)·h̃, so the book's z is Keras's negated.
LSTM_ORDER, LSTM_SIGNS = [1, 2, 0, 3], [1, 1, 1, 1]
GRU_ORDER, GRU_SIGNS = [0, 1, 2], [-1, 1, 1]


def to_book(w, order, signs):
    """Framework blocks along the last axis → the book's order and signs."""
    blocks = np.split(w, len(order), axis=-1)
    return np.concatenate([signs[k] * blocks[order[k]] for k in range(len(order))], axis=-1).astype(w.dtype)


def from_book(g, order, signs):
    """The book's blocks along the last axis → the framework's order and signs."""
    blocks = np.split(g, len(order), axis=-1)
    out = [None] * len(order)
    for k in range(len(order)):
        out[order[k]] = signs[k] * blocks[k]
    return np.concatenate(out, axis=-1).astype(g.dtype)


def run_book(cls, xs, Wx, Wh, b, dout):
    layer = cls(Wx, Wh, b, stateful=True)
    out = layer.forward(xs)
    extra = {"h": layer.h}
    if cls is TimeLSTM:
        extra["c"] = layer.c
    dx = layer.backward(dout)
    extra["dh"] = layer.dh
    return out, dx, layer.grads, extra


def pytorch_lstm_case(case, N, T, D, H, dtype, seed):
    rng = np.random.default_rng(seed)
    xs = rand(rng, (N, T, D), dtype)
    k = 1 / np.sqrt(H)  # torch.nn.LSTM's init range
    p = {
        "weight_ih_l0": rng.uniform(-k, k, (4 * H, D)).astype(dtype),
        "weight_hh_l0": rng.uniform(-k, k, (4 * H, H)).astype(dtype),
        "bias_ih_l0": rng.uniform(-k, k, (4 * H,)).astype(dtype),
        "bias_hh_l0": rng.uniform(-k, k, (4 * H,)).astype(dtype),
    }
    dout = rand(rng, (N, T, H), 'f')
    Wx = to_book(p["weight_ih_l0"].T, LSTM_ORDER, LSTM_SIGNS)
    Wh = to_book(p["weight_hh_l0"].T, LSTM_ORDER, LSTM_SIGNS)
    b = to_book(p["bias_ih_l0"] + p["bias_hh_l0"], LSTM_ORDER, LSTM_SIGNS)
    out, dx, (dWx, dWh, db), extra = run_book(TimeLSTM, xs, Wx, Wh, b, dout)
    dbias = from_book(db, LSTM_ORDER, LSTM_SIGNS)
    grads = {
        "dweight_ih_l0": np.ascontiguousarray(from_book(dWx, LSTM_ORDER, LSTM_SIGNS).T),
        "dweight_hh_l0": np.ascontiguousarray(from_book(dWh, LSTM_ORDER, LSTM_SIGNS).T),
        "dbias_ih_l0": dbias, "dbias_hh_l0": dbias,
    }
    write(case, "TimeLSTM", {"layout": "pytorch"}, xs=xs, dout=dout, out=out, dx=dx, **p, **grads, **extra)
    return dict(xs=xs, dout=dout, out=out, dx=dx, **p, **grads, **extra)


def pytorch_pipeline(arrays):
    """pipelines/lstm_pytorch/: the lstm_pytorch_f32 case as a user would run it, the params
    in a .safetensors file under the names a model's state_dict gives them (`lstm.weight_ih_l0`),
    written by the `safetensors` package (0.8.0)."""
    from safetensors.numpy import save_file

    path = os.path.join(PIPELINES, "lstm_pytorch")
    os.makedirs(os.path.join(path, "expected"), exist_ok=True)
    params = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    save_file({"lstm." + name: arrays[name] for name in params}, os.path.join(path, "weights.safetensors"))
    for name in ("xs", "dout"):
        np.save(os.path.join(path, name + ".npy"), arrays[name])
    expected = {"out": arrays["out"], "dx": arrays["dx"]}
    for name in ["d" + p for p in params] + ["h", "c", "dh"]:
        expected["lstm." + name] = arrays[name]
    for name, array in expected.items():
        np.save(os.path.join(path, "expected", name + ".npy"), array)
    pipeline = {
        "version": 1,
        "name": "TimeLSTM with a torch.nn.LSTM's state_dict in safetensors",
        "input": "xs.npy",
        "layers": [{
            "name": "lstm",
            "type": "TimeLSTM",
            "layout": "pytorch",
            "params": {name: "weights.safetensors:lstm." + name for name in params},
        }],
        "dout": "dout.npy",
        "reference": "expected",
        "tolerance": {"rtol": 1e-05, "atol": 1e-06},
    }
    with open(os.path.join(path, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")


def keras_case(case, cls, gates, order, signs, N, T, D, H, dtype, seed):
    rng = np.random.default_rng(seed)
    xs = rand(rng, (N, T, D), dtype)
    p = {
        "kernel": rand(rng, (D, gates * H), dtype, 1 / np.sqrt(D)),
        "recurrent_kernel": rand(rng, (H, gates * H), dtype, 1 / np.sqrt(H)),
        "bias": rand(rng, (gates * H,), dtype, 0.5),
    }
    dout = rand(rng, (N, T, H), 'f')
    book = [to_book(p[name], order, signs) for name in p]
    out, dx, grads, extra = run_book(cls, xs, *book, dout)
    framework = {"d" + name: from_book(g, order, signs) for name, g in zip(p, grads)}
    write(case, cls.__name__, {"layout": "keras"}, xs=xs, dout=dout, out=out, dx=dx, **p, **framework, **extra)


def main():
    pytorch_pipeline(pytorch_lstm_case("lstm_pytorch_f32", 2, 5, 3, 4, 'f', 2001))
    pytorch_lstm_case("lstm_pytorch_f64", 3, 4, 5, 3, 'd', 2002)
    keras_case("lstm_keras_f32", TimeLSTM, 4, LSTM_ORDER, LSTM_SIGNS, 2, 5, 3, 4, 'f', 2003)
    keras_case("lstm_keras_f64", TimeLSTM, 4, LSTM_ORDER, LSTM_SIGNS, 3, 4, 5, 3, 'd', 2004)
    keras_case("gru_keras_f32", TimeGRU, 3, GRU_ORDER, GRU_SIGNS, 2, 5, 3, 4, 'f', 2005)
    keras_case("gru_keras_f64", TimeGRU, 3, GRU_ORDER, GRU_SIGNS, 3, 4, 5, 3, 'd', 2006)


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", np.__version__
    main()
