"""Writes testdata/graph_mistakes/<case>/: version-2 "ports" of the book's seq2seq models, each
with ONE porting mistake (or none), for tl-run's diagnosis of graphs (docs/pipeline.md §7).

    python3 testdata/gen_graph_mistakes.py              (numpy==2.4.6)

Each port is one of gen_models.py's book classes (ch07/seq2seq.py, ch07/peeky_seq2seq.py,
ch08/attention_seq2seq.py) with one layer, concatenation or state edge changed. Its results and
every intermediate tl-run's --intermediates writes for a version-2 graph (pipeline.md §6.2:
each value VALUE, its gradient VALUE.grad, each layer node's NODE.dx), recorded from the port's
own forward and backward as gen_graph_intermediates.py records the book's, are the case's
reference (expected/). Each case holds pipeline.json (the `model` form); the first also
pipeline_graph.json (the same model written as a graph, pipelines/graph_attention_seq2seq).

cases.json lists each case with what the tests expect: the node and kind tl-run's diagnosis
names (kind null: no diagnosis), and the node and direction --isolate finds wrong by itself
(null: every node right). float32 params, the tolerance of testdata/models' float32 forward
cases. Deterministic: np.random.default_rng(seed) per case.
"""
import book  # noqa: F401  (first: it pins NumPy's code paths)

import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "pipelines"))
import gen_layers_core as core  # noqa: E402
import gen_layers_recurrent as rec  # noqa: E402
import gen_mistakes as gmis  # noqa: E402  (the v1 mistakes: LSTM gate order, dW.T, c kept)
import gen_models as gm  # noqa: E402

OUT = os.path.join(HERE, "graph_mistakes")
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
PARAMS = {"embed": ["W"], "lstm": ["Wx", "Wh", "b"], "affine": ["W", "b"], "attention": []}
CASES = []


# ---- the ports: the book's decoders with the concatenation order a knob and every glue value
# recorded under tl-run's value names -------------------------------------------------------
class PeekyPort(gm.PeekyDecoder):
    """ch07/peeky_seq2seq.py's PeekyDecoder; out_first: the LSTM's input concatenated as
    (out, hs) instead of the book's (hs, out), its backward splitting the same way."""

    out_first = False

    def forward(self, xs, h):
        N, T = xs.shape
        N, H = h.shape
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        hs = np.repeat(h, T, axis=0).reshape(N, T, H)
        lstm_in = np.concatenate((out, hs) if self.out_first else (hs, out), axis=2)
        out = self.lstm.forward(lstm_in)
        affine_in = np.concatenate((hs, out), axis=2)
        score = self.affine.forward(affine_in)
        self.cache = H
        self.glue = {"h": np.ascontiguousarray(h), "hs": hs, "decoder.lstm_in": lstm_in,
                     "decoder.affine_in": affine_in}
        return score

    def backward(self, dscore):
        H = self.cache
        dout = self.affine.backward(dscore)
        self.glue["decoder.affine_in.grad"] = dout
        dout, dhs0 = dout[:, :, H:], dout[:, :, :H]
        dout = self.lstm.backward(dout)
        self.glue["decoder.lstm_in.grad"] = dout
        D = dout.shape[2] - H
        if self.out_first:
            dembed, dhs1 = dout[:, :, :D], dout[:, :, D:]
        else:
            dembed, dhs1 = dout[:, :, H:], dout[:, :, :H]
        self.embed.backward(dembed)
        dhs = dhs0 + dhs1
        dh = self.lstm.dh + np.sum(dhs, axis=1)
        self.glue["hs.grad"], self.glue["h.grad"] = dhs, dh
        return dh


class AttentionPort(gm.AttentionDecoder):
    """ch08/attention_seq2seq.py's AttentionDecoder; dec_hs_first: the affine's input
    concatenated as (dec_hs, c) instead of the book's (c, dec_hs), its backward splitting the
    same way."""

    dec_hs_first = False

    def forward(self, xs, enc_hs):
        h = enc_hs[:, -1]
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        dec_hs = self.lstm.forward(out)
        c = self.attention.forward(enc_hs, dec_hs)
        out = np.concatenate((dec_hs, c) if self.dec_hs_first else (c, dec_hs), axis=2)
        self.glue = {"decoder.affine_in": out}
        score = self.affine.forward(out)
        return score

    def backward(self, dscore):
        dout = self.affine.backward(dscore)
        self.glue["decoder.affine_in.grad"] = dout
        N, T, H2 = dout.shape
        H = H2 // 2
        if self.dec_hs_first:
            ddec_hs0, dc = dout[:, :, :H], dout[:, :, H:]
        else:
            dc, ddec_hs0 = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_hs1 = self.attention.backward(dc)
        ddec_hs = ddec_hs0 + ddec_hs1
        dout = self.lstm.backward(ddec_hs)
        dh = self.lstm.dh
        denc_hs[:, -1] += dh
        self.embed.backward(dout)
        return denc_hs


class PlainDecoder(gm.Decoder):
    """ch07/seq2seq.py's Decoder; dh_twice: the dh it hands the encoder doubled."""

    dh_twice = False

    def backward(self, dscore):
        dh = super().backward(dscore)
        self.glue = {}
        return 2 * dh if self.dh_twice else dh


class Seq2seqPort(gm.Seq2seq):
    decoder_class = PlainDecoder


class PeekySeq2seqPort(gm.Seq2seq):
    decoder_class = PeekyPort


class AttentionSeq2seqPort(gm.Seq2seq):
    encoder_class, decoder_class = gm.AttentionEncoder, AttentionPort


PORTS = {"Seq2seq": Seq2seqPort, "PeekySeq2seq": PeekySeq2seqPort, "AttentionSeq2seq": AttentionSeq2seqPort}


# ---- the mistakes beyond the knobs --------------------------------------------------------
class AffineDXTwice(core.TimeAffine):
    """The affine's backward returning 2·dx (its grads right)."""

    def backward(self, dout):
        return 2 * super().backward(dout)


class TimeLSTMGatesIFGO(rec.TimeLSTM):
    """The LSTM's gate blocks read as [i, f, g, o] (gen_mistakes.py's LSTMGatesIFGO)."""

    def forward(self, xs):
        with gmis.patched(rec, "LSTM", gmis.LSTMGatesIFGO):
            return super().forward(xs)


# ---- recording ------------------------------------------------------------------------------
def record(layer, name, log):
    """Wraps layer's forward and backward: log[name] gets the forward's output and
    the backward's dout and dx (TimeAttention's dx: its dhs_dec, the gradient of its `in`)."""
    forward, backward = layer.forward, layer.backward

    def f(*args):
        out = forward(*args)
        log[name] = {"out": np.array(out, copy=True)}
        return out

    def b(dout=1):
        full = backward(dout)
        log[name]["dout"] = np.array(dout, dtype=np.float64) if np.isscalar(dout) else dout.copy()
        dx = full[1] if isinstance(full, tuple) else full
        log[name]["dx"] = None if dx is None else dx.copy()
        return full

    layer.forward, layer.backward = f, b


def layers_of(model):
    layers = {"encoder.embed": model.encoder.embed, "encoder.lstm": model.encoder.lstm,
              "decoder.embed": model.decoder.embed, "decoder.lstm": model.decoder.lstm}
    if hasattr(model.decoder, "attention"):
        layers["decoder.attention"] = model.decoder.attention
    layers["decoder.affine"] = model.decoder.affine
    layers["loss"] = model.softmax
    return layers


def run_port(model_name, params, xs, ts, setup=None, forwards=1):
    """The port's results and intermediates under tl-run's names (pipeline.md §6.2)."""
    model = PORTS[model_name]({k: v.copy() for k, v in params.items()})
    if setup:
        setup(model)
    layers = layers_of(model)
    log = {}
    for name, layer in layers.items():
        record(layer, name, log)
    for _ in range(forwards):  # an earlier forward leaves its state behind (state-not-reset)
        loss = model.forward(xs, ts)
    model.backward()
    results = {"out": np.asarray(loss)}
    for name, layer in layers.items():
        kind = name.split(".")[-1]
        for param, grad in zip(PARAMS.get(kind, []), getattr(layer, "grads", [])):
            results[f"{name}.d{param}"] = grad.copy()
    for name, state in model.states().items():
        results[name] = np.asarray(state)
    for name in layers:
        entry = log[name]
        results[name] = np.asarray(entry["out"])
        results[name + ".grad"] = entry["dout"]
        if entry["dx"] is not None:
            results[name + ".dx"] = entry["dx"]
    results.update(getattr(model.decoder, "glue", {}))
    return results


# ---- the cases ------------------------------------------------------------------------------
def case(name, model_name, seed, node=None, kind=None, wrong=None, direction=None, graph_form=False,
         **port):
    s = gm.SIZES[model_name]
    rng = np.random.default_rng(seed)
    params = gm.make_params(model_name, s, np.float32, rng)
    xs, ts = gm.make_batch(model_name, s, np.int64, rng)
    expected = run_port(model_name, params, xs, ts, **port)
    directory = os.path.join(OUT, name)
    os.makedirs(os.path.join(directory, "expected"))
    np.save(os.path.join(directory, "xs.npy"), xs)
    np.save(os.path.join(directory, "ts.npy"), ts)
    np.savez(os.path.join(directory, "params.npz"), **{n: params[n] for n in gm.param_names(model_name)})
    for key, array in sorted(expected.items()):
        np.save(os.path.join(directory, "expected", key + ".npy"), array)
    pipeline = {"version": 2, "name": f"{model_name} port: {name}", "model": model_name,
                "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "params.npz", "outputs": "out",
                "reference": "expected", "tolerance": TOLERANCE}
    write_json(os.path.join(directory, "pipeline.json"), pipeline)
    if graph_form:
        with open(os.path.join(HERE, "..", "pipelines", "graph_attention_seq2seq", "pipeline.json")) as f:
            graph = json.load(f)
        graph["name"] = f"{model_name} port as a graph: {name}"
        graph["tolerance"] = TOLERANCE
        write_json(os.path.join(directory, "pipeline_graph.json"), graph)
    CASES.append({"case": name, "model": model_name, "node": node, "kind": kind, "wrong": wrong,
                  "direction": direction, "graph_form": graph_form})


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def main():
    shutil.rmtree(OUT, ignore_errors=True)

    def set_attr(part, attr, value):
        return lambda model: setattr(getattr(model, part), attr, value)

    def retype(layer, cls):
        def setup(model):
            obj = model
            for part in layer.split("."):
                obj = getattr(obj, part)
            obj.__class__ = cls
        return setup

    # --isolate: one node's backward wrong; everything upstream of it differs in the model.
    case("attention_affine_dx_twice", "AttentionSeq2seq", 1, "decoder.affine", "scaled", "decoder.affine",
         "backward", graph_form=True, setup=retype("decoder.affine", AffineDXTwice))
    case("seq2seq_dh_twice", "Seq2seq", 2, "decoder.lstm", "scaled", "decoder.lstm", "backward",
         setup=set_attr("decoder", "dh_twice", True))
    # The kinds only version 2 builds.
    case("peeky_concat_order", "PeekySeq2seq", 3, "decoder.lstm_in", "concat-order", "decoder.lstm_in",
         "forward", setup=set_attr("decoder", "out_first", True))
    case("attention_concat_order", "AttentionSeq2seq", 4, "decoder.affine_in", "concat-order",
         "decoder.affine_in", "forward", setup=set_attr("decoder", "dec_hs_first", True))
    case("seq2seq_state_not_reset", "Seq2seq", 5, "decoder.lstm", "state-not-reset", "decoder.lstm", "forward",
         setup=retype("decoder.lstm", gmis.TimeLSTMKeepsC), forwards=2)
    # Version 1's kinds on a graph's node.
    case("seq2seq_gate_order", "Seq2seq", 6, "encoder.lstm", "gate-order", "encoder.lstm", "forward",
         setup=retype("encoder.lstm", TimeLSTMGatesIFGO))
    case("peeky_transposed", "PeekySeq2seq", 7, "decoder.affine", "transposed", "decoder.affine", "backward",
         setup=retype("decoder.affine", gmis.TimeAffineDWTransposed))
    # No mistake: every node right, no diagnosis.
    for i, model_name in enumerate(("Seq2seq", "PeekySeq2seq", "AttentionSeq2seq")):
        case("correct_" + model_name.lower(), model_name, 10 + i, graph_form=model_name == "AttentionSeq2seq")
    write_json(os.path.join(OUT, "cases.json"), CASES)
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", np.__version__
    main()
