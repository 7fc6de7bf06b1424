"""Writes the example pipelines other than the seeds, with NumPy's results as references.

    python3 pipelines/generate_examples.py     (numpy==2.4.6, h5py==3.16.0)

The NumPy side is the book's code as ported in testdata/gen_layers_core.py and
testdata/gen_layers_recurrent.py (per-time-step loops, 'f' buffers), run in the chain's order:
  rnnlm        TimeEmbedding -> TimeRNN -> TimeAffine -> TimeSoftmaxWithLoss (float32, int32 ids,
               one ignored label), the ch05 language model
  lstm_h5      TimeLSTM with Wx, Wh, b and the initial h, c in weights.h5; reference in an .h5
  dropout      TimeAffine -> TimeDropout (the mask given) -> TimeAffine, float64 data
  attention    TimeAttention with hs_enc as an extra input; its dhs_enc is compared too
"""
import json
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testdata"))
import gen_layers_core as core  # noqa: E402
import gen_layers_recurrent as rec  # noqa: E402


def case_dir(case):
    path = os.path.join(HERE, case)
    os.makedirs(os.path.join(path, "expected"), exist_ok=True)
    return path


def save_all(case, arrays, expected):
    path = case_dir(case)
    for name, array in arrays.items():
        np.save(os.path.join(path, name + ".npy"), array)
    for name, array in expected.items():
        np.save(os.path.join(path, "expected", name + ".npy"), np.asarray(array))


def write_pipeline(case, pipeline):
    with open(os.path.join(HERE, case, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")


def rnnlm():
    rng = np.random.default_rng(5)
    N, T, V, D, H = 2, 5, 12, 4, 6
    f = lambda *shape: (rng.standard_normal(shape) * 0.5).astype("f")
    embed_W, Wx, Wh, b, W, bias = f(V, D), f(D, H), f(H, H), np.zeros(H, "f"), f(H, V), np.zeros(V, "f")
    xs = rng.integers(0, V, (N, T)).astype(np.int32)
    ts = rng.integers(0, V, (N, T)).astype(np.int32)
    ts[1, 3] = -1
    embed, rnn, affine, loss = core.TimeEmbedding(embed_W), rec.TimeRNN(Wx, Wh, b), core.TimeAffine(W, bias), core.TimeSoftmaxWithLoss()
    out = loss.forward(affine.forward(rnn.forward(embed.forward(xs))), ts)
    embed.backward(rnn.backward(affine.backward(loss.backward(1))))
    arrays = {"xs": xs, "ts": ts, "embed_W": embed_W, "rnn_Wx": Wx, "rnn_Wh": Wh, "rnn_b": b, "affine_W": W, "affine_b": bias}
    expected = {"out": np.float64(out), "embed.dW": embed.grads[0], "rnn.dWx": rnn.grads[0], "rnn.dWh": rnn.grads[1],
                "rnn.db": rnn.grads[2], "rnn.h": rnn.h, "rnn.dh": rnn.dh, "affine.dW": affine.grads[0], "affine.db": affine.grads[1]}
    save_all("rnnlm", arrays, expected)
    write_pipeline("rnnlm", {
        "version": 1, "name": "RNN language model (ch05)", "input": "xs.npy",
        "layers": [
            {"name": "embed", "type": "TimeEmbedding", "params": {"W": "embed_W.npy"}},
            {"name": "rnn", "type": "TimeRNN", "params": {"Wx": "rnn_Wx.npy", "Wh": "rnn_Wh.npy", "b": "rnn_b.npy"}},
            {"name": "affine", "type": "TimeAffine", "params": {"W": "affine_W.npy", "b": "affine_b.npy"}},
            {"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": "ts.npy"}},
        ],
        "reference": "expected",
        "tolerance": {"rtol": 1e-5, "atol": 1e-6},
    })


def lstm_h5():
    rng = np.random.default_rng(6)
    N, T, D, H = 3, 4, 5, 3
    f = lambda *shape: (rng.standard_normal(shape) * 0.5).astype("f")
    Wx, Wh, b, h0, c0 = f(D, 4 * H), f(H, 4 * H), f(4 * H), f(N, H), f(N, H)
    xs, dout = f(N, T, D), f(N, T, H)
    lstm = rec.TimeLSTM(Wx, Wh, b, stateful=True)
    lstm.set_state(h0, c0)
    hs = lstm.forward(xs)
    dxs = lstm.backward(dout)
    path = case_dir("lstm_h5")
    with h5py.File(os.path.join(path, "weights.h5"), "w") as w:
        for name, array in [("lstm/Wx", Wx), ("lstm/Wh", Wh), ("lstm/b", b), ("state/h", h0), ("state/c", c0)]:
            w.create_dataset(name, data=array, compression="gzip", shuffle=True)
    with h5py.File(os.path.join(path, "expected.h5"), "w") as e:
        for name, array in [("out", hs), ("dx", dxs), ("lstm/dWx", lstm.grads[0]), ("lstm/dWh", lstm.grads[1]),
                            ("lstm/db", lstm.grads[2]), ("lstm/h", lstm.h), ("lstm/c", lstm.c), ("lstm/dh", lstm.dh)]:
            e.create_dataset(name, data=array)
    os.rmdir(os.path.join(path, "expected"))
    np.save(os.path.join(path, "xs.npy"), xs)
    np.save(os.path.join(path, "dout.npy"), dout)
    write_pipeline("lstm_h5", {
        "version": 1, "name": "TimeLSTM with params in HDF5", "input": "xs.npy",
        "layers": [{"name": "lstm", "type": "TimeLSTM",
                    "params": {"Wx": "weights.h5:/lstm/Wx", "Wh": "weights.h5:/lstm/Wh", "b": "weights.h5:/lstm/b"},
                    "state": {"h": "weights.h5:/state/h", "c": "weights.h5:/state/c"}}],
        "dout": "dout.npy", "outputs": "out.h5", "reference": "expected.h5",
        "tolerance": {"rtol": 1e-5, "atol": 1e-6},
    })


def dropout():
    rng = np.random.default_rng(7)
    N, T, D, H, M = 2, 3, 4, 5, 3
    x, W1, b1, W2, b2 = (rng.standard_normal(s) for s in [(N, T, D), (D, H), (H,), (H, M), (M,)])
    dout = rng.standard_normal((N, T, M))
    np.random.seed(7)
    first, drop, second = core.TimeAffine(W1, b1), core.TimeDropout(0.4), core.TimeAffine(W2, b2)
    out = second.forward(drop.forward(first.forward(x)))
    dx = first.backward(drop.backward(second.backward(dout)))
    arrays = {"x": x, "dout": dout, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "mask": drop.mask}
    expected = {"out": out, "dx": dx, "first.dW": first.grads[0], "first.db": first.grads[1],
                "second.dW": second.grads[0], "second.db": second.grads[1], "drop.mask": drop.mask}
    save_all("dropout", arrays, expected)
    write_pipeline("dropout", {
        "version": 1, "name": "dropout chain with a given mask", "input": "x.npy",
        "layers": [
            {"name": "first", "type": "TimeAffine", "params": {"W": "W1.npy", "b": "b1.npy"}},
            {"name": "drop", "type": "TimeDropout", "ratio": 0.4, "mask": "mask.npy"},
            {"name": "second", "type": "TimeAffine", "params": {"W": "W2.npy", "b": "b2.npy"}},
        ],
        "dout": "dout.npy", "reference": "expected",
    })


def attention():
    rng = np.random.default_rng(8)
    N, T_enc, T_dec, H = 2, 5, 3, 4
    hs_enc, hs_dec, dout = (rng.standard_normal(s).astype("f") for s in [(N, T_enc, H), (N, T_dec, H), (N, T_dec, H)])
    attn = rec.TimeAttention()
    out = attn.forward(hs_enc, hs_dec)
    dhs_enc, dhs_dec = attn.backward(dout)
    save_all("attention", {"hs_enc": hs_enc, "hs_dec": hs_dec, "dout": dout},
             {"out": out, "dx": dhs_dec, "attn.dhs_enc": dhs_enc})
    write_pipeline("attention", {
        "version": 1, "name": "TimeAttention (ch08)", "input": "hs_dec.npy",
        "layers": [{"name": "attn", "type": "TimeAttention", "inputs": {"hs_enc": "hs_enc.npy"}}],
        "dout": "dout.npy", "reference": "expected",
        "tolerance": {"rtol": 1e-5, "atol": 1e-6},
    })


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", f"fixtures are pinned to numpy 2.4.6, found {np.__version__}"
    rnnlm()
    lstm_h5()
    dropout()
    attention()
