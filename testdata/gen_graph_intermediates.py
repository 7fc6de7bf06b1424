"""Writes testdata/graph_intermediates/: what `tl-run --intermediates` writes for a version-2 run
(pipeline.md §6.2), computed by the book's model classes as ported in gen_models.py.

    python3 testdata/gen_graph_intermediates.py          (numpy==2.4.6, h5py==3.16.0)

For each case below, testdata/graph_intermediates/<case>/ holds, as .npy files, every value of
the model's graph (pipeline.md §6.3) under its node name, its gradient as VALUE.grad, and each
layer node's own backward result as NODE.dx (absent where the book's backward returns None),
taken from the book's forward and backward of the inputs and params of testdata/models/<case>
(with "train", of the last step). Layer values and gradients are what each layer's forward
returned and its backward was given and returned (every layer's backward is called with the
whole gradient of its output); the glue values are the book's own expressions (PeekyDecoder's
np.repeat, np.concatenate, dhs0 + dhs1, lstm.dh + np.sum(dhs, axis=1); the Encoder's
dhs = np.zeros_like(hs); dhs[:, -1, :] = dh). `loss.grad` is the book's dout=1, written as a
0-d float64 (the dtype tl-run starts backward with). Deterministic: no random numbers.
"""
import book  # noqa: F401  (pins NumPy's CPU code paths; before numpy)

import os
import shutil
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_models as gm  # noqa: E402

ROOT = os.path.join(HERE, "graph_intermediates")
MODELS_ROOT = os.path.join(HERE, "models")
CASES = {
    "seq2seq_f32": "Seq2seq",
    "peeky_seq2seq_f32": "PeekySeq2seq",
    "peeky_seq2seq_f64": "PeekySeq2seq",
    "seq2seq_sgd_f32": "Seq2seq",
}


def load_params(directory):
    npz = os.path.join(directory, "params.npz")
    if os.path.exists(npz):
        with np.load(npz) as f:
            return {k: f[k] for k in f.files}
    params = {}
    with h5py.File(os.path.join(directory, "params.h5"), "r") as f:
        f.visititems(lambda name, obj: params.__setitem__(name.replace("/", "."), obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return params


def recorded(layer, name, log):
    """Wraps layer's forward and backward: log[name] gets the forward's output and the
    backward's dout and dx of the latest call."""
    forward, backward = layer.forward, layer.backward

    def f(*args, **kwargs):
        out = forward(*args, **kwargs)
        log[name] = {"x": np.array(args[0], copy=True), "out": np.array(out, copy=True)}
        return out

    def b(dout=1):
        dx = backward(dout)
        log[name]["dout"] = np.array(dout, dtype=np.float64) if np.isscalar(dout) else dout.copy()
        log[name]["dx"] = None if dx is None else dx.copy()
        return dx

    layer.forward, layer.backward = f, b


def intermediates(model_name, model, log, encoder_dh):
    layer_names = {"encoder.embed": model.encoder.embed, "encoder.lstm": model.encoder.lstm,
                   "decoder.embed": model.decoder.embed, "decoder.lstm": model.decoder.lstm,
                   "decoder.affine": model.decoder.affine, "loss": model.softmax}
    result = {}
    for name in layer_names:
        entry = log[name]
        result[name] = entry["out"]
        result[name + ".grad"] = entry["dout"]
        if entry["dx"] is not None:
            result[name + ".dx"] = entry["dx"]
    result["loss"] = np.asarray(log["loss"]["out"])
    if model_name == "PeekySeq2seq":
        hs_enc = log["encoder.lstm"]["out"]
        h = hs_enc[:, -1, :]
        N, T = log["decoder.embed"]["x"].shape
        H = h.shape[1]
        result["h"] = np.ascontiguousarray(h)
        result["hs"] = np.repeat(h, T, axis=0).reshape(N, T, H)
        result["decoder.lstm_in"] = log["decoder.lstm"]["x"]
        result["decoder.affine_in"] = log["decoder.affine"]["x"]
        daffine, dlstm = log["decoder.affine"]["dx"], log["decoder.lstm"]["dx"]
        result["decoder.affine_in.grad"] = daffine
        result["decoder.lstm_in.grad"] = dlstm
        result["hs.grad"] = daffine[:, :, :H] + dlstm[:, :, :H]  # the book's dhs = dhs0 + dhs1
        result["h.grad"] = encoder_dh[0]  # lstm.dh + np.sum(dhs, axis=1), what the encoder gets
        assert np.array_equal(result["h.grad"], model.decoder.lstm.dh + np.sum(result["hs.grad"], axis=1))
    return result


def run(case, model_name):
    directory = os.path.join(MODELS_ROOT, case)
    params = load_params(directory)
    model = gm.MODELS[model_name](params)
    log, encoder_dh = {}, []
    for name, layer in {"encoder.embed": model.encoder.embed, "encoder.lstm": model.encoder.lstm,
                        "decoder.embed": model.decoder.embed, "decoder.lstm": model.decoder.lstm,
                        "decoder.affine": model.decoder.affine, "loss": model.softmax}.items():
        recorded(layer, name, log)
    encoder_backward = model.encoder.backward

    def backward(dh):
        encoder_dh[:] = [dh.copy()]
        return encoder_backward(dh)

    model.encoder.backward = backward
    if os.path.exists(os.path.join(directory, "xs.npy")):
        model.forward(np.load(os.path.join(directory, "xs.npy")), np.load(os.path.join(directory, "ts.npy")))
        model.backward()
    else:  # the training case: SGD lr 0.5 (its pipeline.json), the Trainer's inner loop
        optimizer = gm.SGD(lr=0.5)
        k = 0
        while os.path.exists(os.path.join(directory, f"xs_{k}.npy")):
            model.forward(np.load(os.path.join(directory, f"xs_{k}.npy")),
                          np.load(os.path.join(directory, f"ts_{k}.npy")))
            model.backward()
            ps, gs = gm.remove_duplicate(model.params, model.grads)
            optimizer.update(ps, gs)
            k += 1
    return intermediates(model_name, model, log, encoder_dh)


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    for case, model_name in CASES.items():
        target = os.path.join(ROOT, case)
        os.makedirs(target)
        for name, array in sorted(run(case, model_name).items()):
            np.save(os.path.join(target, name + ".npy"), array)
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
