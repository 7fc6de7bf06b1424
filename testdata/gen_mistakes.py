"""Writes testdata/mistakes/<case>/: one tl-run case per porting mistake of docs/pipeline.md §7.

Each case is a NumPy "port" of the book's layers with exactly ONE mistake (or none, or random
noise, for the cases that must get no diagnosis). The port's results, intermediates included
(LAYER.out, LAYER.dx: pipelines/tlrun_case.py's record_intermediates), are the case's
reference, so `tl-run CASE/pipeline.json` finds the difference and names the mistake. The
classes are the book's, from gen_layers_core.py and gen_layers_recurrent.py; each mistake is a
small subclass or patch of one of them. cases.json lists every case with the layer and kind
the tests expect (kind null: no diagnosis). Deterministic: fixed seeds. Run with numpy==2.4.6.
"""
import contextlib
import json
import os
import shutil
import sys

import book  # noqa: F401  (first: it pins NumPy's code paths)
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pipelines"))
import gen_layers_core as core  # noqa: E402
import gen_layers_recurrent as rec  # noqa: E402
from tlrun_case import record_intermediates, write_case  # noqa: E402

OUT = os.path.join(HERE, "mistakes")
CASES = []


def case(name, layers, input, dout=None, layer=None, kind=None, step=None, gates=None, change=None, comparison=None):
    """Writes the case with the port's results as its reference and lists what tests expect.
    `change` (given the recorded results, returns the reference) adds noise or drops the
    intermediates; `comparison` ("pass" or "fail") is what the comparison must give, where the
    tests check it."""
    expected = record_intermediates(input, layers, dout)
    if change is not None:
        expected = change(expected)
    write_case(os.path.join(OUT, name), input=input, layers=layers, dout=dout, expected=expected)
    entry = {"case": name, "layer": layer, "kind": kind, "step": step, "gates": gates}
    if comparison is not None:
        entry["comparison"] = comparison
    CASES.append(entry)


def relative_noise(rng, level):
    """Every float array of 1 or more dimensions times (1 + level·N(0, 1)), in its dtype: a
    correct port that rounds differently, a few tolerances off (the 0-d loss kept)."""
    def change(expected):
        return {k: (v * (1 + level * rng.standard_normal(v.shape))).astype(v.dtype)
                if isinstance(v, np.ndarray) and v.ndim and v.dtype.kind == "f" else v
                for k, v in expected.items()}
    return change


def without_intermediates(expected):
    """The reference as a port without record_intermediates would write it."""
    return {k: v for k, v in expected.items() if not (k.endswith(".out") or k.endswith(".dx"))}


def rnd(rng, shape, dtype=np.float64, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


@contextlib.contextmanager
def patched(module, name, value):
    """Replaces module.name (a step class the book's time layer builds by name) for a while."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def lstm_params(rng, D, H, gates=4):
    return {"Wx": rnd(rng, (D, gates * H), scale=1 / np.sqrt(D)), "Wh": rnd(rng, (H, gates * H), scale=1 / np.sqrt(H)),
            "b": rnd(rng, (gates * H,), scale=0.5)}


# ---- the mistakes --------------------------------------------------------------------------
class LSTMGatesIFGO(rec.LSTM):
    """gate-order: the blocks of A read as [i, f, g, o] instead of the book's [f, g, i, o]."""

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        N, H = h_prev.shape
        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
        i = rec.sigmoid(A[:, :H])
        f = rec.sigmoid(A[:, H:2 * H])
        g = np.tanh(A[:, 2 * H:3 * H])
        o = rec.sigmoid(A[:, 3 * H:])
        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, b = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache
        tanh_c_next = np.tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c_next ** 2)
        dc_prev = ds * f
        di = ds * g * i * (1 - i)
        df = ds * c_prev * f * (1 - f)
        do = dh_next * tanh_c_next * o * (1 - o)
        dg = ds * i * (1 - g ** 2)
        dA = np.hstack((di, df, dg, do))  # this port's block order
        self.grads[0][...] = np.dot(x.T, dA)
        self.grads[1][...] = np.dot(h_prev.T, dA)
        self.grads[2][...] = dA.sum(axis=0)
        return np.dot(dA, Wx.T), np.dot(dA, Wh.T), dc_prev


class GRUGatesRZH(rec.GRU):
    """gate-order: the GRU's blocks read as [r, z, h] instead of [z, r, h]."""

    def _swap(self, array):
        H = self.params[1].shape[0]
        return np.concatenate((array[..., H:2 * H], array[..., :H], array[..., 2 * H:]), axis=-1)

    def forward(self, x, h_prev):
        self.params = [self._swap(p) for p in self.params]
        out = super().forward(x, h_prev)
        return out

    def backward(self, dh_next):
        dx, dh_prev = super().backward(dh_next)
        self.grads = [self._swap(g) for g in self.grads]
        return dx, dh_prev


class TimeAffineDWTransposed(core.TimeAffine):
    """transposed: the weight gradient stored as dW.T."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads = [self.grads[0].T.copy(), self.grads[1]]
        return dx


class TimeAffineUsesWT(core.TimeAffine):
    """transposed: a square W used as W.T in the forward (and consistently in the backward)."""

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        self.x = x
        return (np.dot(x.reshape(N * T, -1), W.T) + b).reshape(N, T, -1)

    def backward(self, dout):
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        d, rx = dout.reshape(N * T, -1), x.reshape(N * T, -1)
        self.grads[0][...] = np.dot(rx.T, d).T
        self.grads[1][...] = np.sum(d, axis=0)
        return np.dot(d, W).reshape(N, T, D)


class TimeAffineDBTwice(core.TimeAffine):
    """scaled: db summed twice (db += the same sum)."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads[1] += dout.reshape(-1, dout.shape[-1]).sum(axis=0)
        return dx


class TimeAffineAccumulating(core.TimeAffine):
    """accumulated-grads: grads added to those of the previous backward (here: the same
    backward run twice, as a training loop without zeroing would)."""

    def backward(self, dout):
        super().backward(dout)
        first = [g.copy() for g in self.grads]
        dx = super().backward(dout)
        for g, earlier in zip(self.grads, first):
            g += earlier
        return dx


class EmbeddingOverwrite(core.Embedding):
    """embedding-overwrite: dW[idx] = dout (a repeated id keeps its last row only)."""

    def backward(self, dout):
        dW, = self.grads
        dW[...] = 0
        dW[self.idx] = dout
        return None


class TimeSoftmaxNoMask(core.TimeSoftmaxWithLoss):
    """missing-ignore-mask: labels -1 counted (NumPy reads them as the last class), divided by N·T."""

    def forward(self, xs, ts):
        N, T, V = xs.shape
        ys = core.softmax(xs.reshape(N * T, V))
        flat = ts.reshape(N * T)
        loss = -np.sum(np.log(ys[np.arange(N * T), flat])) / (N * T)
        self.cache = (flat, ys, (N, T, V))
        return loss

    def backward(self, dout=1):
        flat, ys, (N, T, V) = self.cache
        dx = ys.copy()
        dx[np.arange(N * T), flat] -= 1
        return (dx * dout / (N * T)).reshape(N, T, V)


class TimeSoftmaxWrongCount(core.TimeSoftmaxWithLoss):
    """missing-ignore-mask: the mask applied, but the mean taken over N·T instead of the valid labels."""

    def forward(self, xs, ts):
        loss = super().forward(xs, ts)
        mask = self.cache[2]
        return loss * mask.sum() / mask.size

    def backward(self, dout=1):
        mask = self.cache[2]
        return super().backward(dout) * mask.sum() / mask.size


class TimeLSTMKeepsC(rec.TimeLSTM):
    """state-not-reset: set_state(h) keeps the c of the previous forward."""

    def set_state(self, h, c=None):
        self.h = h
        if c is not None:
            self.c = c


class TimeRNNNoCarry(rec.TimeRNN):
    """no-bptt-carry: each step's backward gets dhs[:, t] alone, dh not carried back."""

    def backward(self, dhs):
        N, T, H = dhs.shape
        dxs = np.empty((N, T, self.params[0].shape[0]), dtype='f')
        grads = [0, 0, 0]
        dh = 0
        for t in reversed(range(T)):
            dx, dh = self.layers[t].backward(dhs[:, t, :])
            dxs[:, t, :] = dx
            for i, grad in enumerate(self.layers[t].grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs


class TimeLSTMNoCarry(rec.TimeLSTM):
    """no-bptt-carry: dh (carry_h False) or dc (carry_c False) not carried to step t-1."""

    def __init__(self, Wx, Wh, b, carry_h=True, carry_c=True):
        super().__init__(Wx, Wh, b)
        self.carry_h, self.carry_c = carry_h, carry_c

    def backward(self, dhs):
        N, T, H = dhs.shape
        dxs = np.empty((N, T, self.params[0].shape[0]), dtype='f')
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh, dc = layer.backward(dhs[:, t, :] + (dh if self.carry_h else 0), dc if self.carry_c else 0)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs


class TimeLSTMWithStep(rec.TimeLSTM):
    """The book's TimeLSTM whose forward builds its steps from `step_class`."""
    step_class = rec.LSTM

    def forward(self, xs):
        with patched(rec, "LSTM", self.step_class):
            return super().forward(xs)


class TimeGRUNoCarry(TimeRNNNoCarry):
    """no-bptt-carry: TimeGRU's dh not carried to step t-1."""
    step = rec.GRU


class TimeSoftmaxLossPlus(core.TimeSoftmaxWithLoss):
    """No kind: the loss 0.01 too large, its gradient right (a 0-d loss is never `scaled`)."""

    def forward(self, xs, ts):
        return super().forward(xs, ts) + 0.01


class TimeAffineDWOverT(core.TimeAffine):
    """scaled: dW divided by T, a mean over time where the book sums."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads[0][...] /= dout.shape[1]
        return dx


class TimeEmbeddingOneLate(core.TimeEmbedding):
    """time-shift: out[:, t] holds step t-1's rows (off by one), step 0 its own."""

    def forward(self, xs):
        out = super().forward(xs)
        return np.concatenate((out[:, :1], out[:, :-1]), axis=1)


class TimeAffineReversed(core.TimeAffine):
    """time-shift: out written reversed in time."""

    def forward(self, x):
        return super().forward(x)[:, ::-1].copy()


class TimeBiLSTMSwapped(rec.TimeBiLSTM):
    """concat-order: (o2, o1) instead of (o1, o2), the backward splitting dhs the same way."""

    def forward(self, xs):
        out = super().forward(xs)
        H = out.shape[2] // 2
        return np.concatenate((out[:, :, H:], out[:, :, :H]), axis=2)

    def backward(self, dhs):
        H = dhs.shape[2] // 2
        return super().backward(np.concatenate((dhs[:, :, H:], dhs[:, :, :H]), axis=2))


class TimeDropoutUnscaled:
    """dropout-scale: TimeDropout's mask not scaled by 1/(1 - ratio)."""

    def __init__(self, flg):
        self.params, self.grads, self.mask = [], [], flg.astype(np.float32)

    def forward(self, xs):
        return xs * self.mask

    def backward(self, dout):
        return dout * self.mask


class Noisy:
    """No mistake, random noise on every result: must get no diagnosis."""

    def __init__(self, inner, rng):
        self.inner, self.rng = inner, rng

    @property
    def grads(self):
        return [g + self.rng.standard_normal(g.shape) * 0.05 for g in self.inner.grads]

    def forward(self, x):
        out = self.inner.forward(x)
        return out + (self.rng.standard_normal(out.shape) * 0.05).astype(out.dtype)

    def backward(self, dout):
        dx = self.inner.backward(dout)
        return dx + (self.rng.standard_normal(dx.shape) * 0.05).astype(dx.dtype)


# ---- the cases -----------------------------------------------------------------------------
def main():
    shutil.rmtree(OUT, ignore_errors=True)
    rng = np.random.default_rng(140)
    N, T, D, H = 2, 5, 3, 4

    xs = rnd(rng, (N, T, D))
    p = lstm_params(rng, D, H)
    dout = rnd(rng, (N, T, H), np.float32)
    with patched(rec, "LSTM", LSTMGatesIFGO):
        port = rec.TimeLSTM(**p)
        case("gate_order_lstm", [{"name": "lstm", "type": "TimeLSTM", "params": p, "port": port}], xs, dout,
             "lstm", "gate-order", step=0, gates=["f", "g", "i", "o"])

    p = lstm_params(rng, D, H, gates=3)
    port = rec.TimeGRU(**p)
    port.step = GRUGatesRZH
    case("gate_order_gru", [{"name": "gru", "type": "TimeGRU", "params": p, "port": port}], xs, dout,
         "gru", "gate-order")

    W, b = rnd(rng, (D, 5)), rnd(rng, (5,))
    dout5 = rnd(rng, (N, T, 5))
    case("transposed", [{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b},
                         "port": TimeAffineDWTransposed(W.copy(), b.copy())}], xs, dout5, "affine", "transposed")
    Ws, douts = rnd(rng, (D, D)), rnd(rng, (N, T, D))
    case("transposed_weight", [{"name": "affine", "type": "TimeAffine", "params": {"W": Ws, "b": b[:D].copy()},
                                "port": TimeAffineUsesWT(Ws.copy(), b[:D].copy())}], xs, douts, "affine", "transposed")
    case("scaled", [{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b},
                     "port": TimeAffineDBTwice(W.copy(), b.copy())}], xs, dout5, "affine", "scaled")
    case("accumulated_grads", [{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b},
                                "port": TimeAffineAccumulating(W.copy(), b.copy())}], xs, dout5,
         "affine", "accumulated-grads")
    case("time_reversed", [{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b},
                            "port": TimeAffineReversed(W.copy(), b.copy())}], xs, dout5, "affine", "time-shift", step=0)

    V = 6
    ids = rng.integers(0, V, size=(N, T)).astype(np.int64)
    ids[0, :3] = 2  # repeated ids in one step's batch and across steps
    ids[1, 0] = 2
    We = rnd(rng, (V, D))
    doute = rnd(rng, (N, T, D), np.float32)
    with patched(core, "Embedding", EmbeddingOverwrite):
        case("embedding_overwrite", [{"name": "embed", "type": "TimeEmbedding", "params": {"W": We},
                                      "port": core.TimeEmbedding(We.copy())}], ids, doute, "embed",
             "embedding-overwrite")
    case("time_shift", [{"name": "embed", "type": "TimeEmbedding", "params": {"W": We},
                         "port": TimeEmbeddingOneLate(We.copy())}], ids, doute, "embed", "time-shift", step=1)

    scores = rnd(rng, (N, T, V))
    ts = rng.integers(0, V, size=(N, T)).astype(np.int64)
    ts[0, 3:] = -1
    ts[1, 4] = -1
    case("missing_ignore_mask", [{"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": ts},
                                  "port": TimeSoftmaxNoMask()}], scores, None, "loss", "missing-ignore-mask")
    case("ignore_mask_wrong_count", [{"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": ts},
                                      "port": TimeSoftmaxWrongCount()}], scores, None, "loss", "missing-ignore-mask")

    p = lstm_params(rng, D, H)
    h0 = rnd(rng, (N, H), np.float32)
    port = TimeLSTMKeepsC(**p, stateful=True)
    port.forward(xs)  # an earlier batch leaves c behind
    port.set_state(h0)
    case("state_not_reset", [{"name": "lstm", "type": "TimeLSTM", "params": p, "state": {"h": h0}, "port": port}],
         xs, dout, "lstm", "state-not-reset", step=0)

    p = lstm_params(rng, D, H, gates=1)
    case("no_bptt_carry", [{"name": "rnn", "type": "TimeRNN", "params": p, "port": TimeRNNNoCarry(**p)}], xs, dout,
         "rnn", "no-bptt-carry")

    pb = {}
    for k in "12":
        pb.update({name + k: value for name, value in lstm_params(rng, D, 3).items()})
    doutb = rnd(rng, (N, T, 6), np.float32)
    case("concat_order", [{"name": "bilstm", "type": "TimeBiLSTM", "params": pb, "port": TimeBiLSTMSwapped(*pb.values())}],
         xs, doutb, "bilstm", "concat-order", step=0)

    flg = rng.random((N, T, D)) > 0.3
    mask = flg.astype(np.float32) * np.float32(1 / (1 - 0.3))
    case("dropout_scale", [{"name": "drop", "type": "TimeDropout", "ratio": 0.3, "mask": mask,
                            "port": TimeDropoutUnscaled(flg)}], xs, dout5[..., :D].copy(), "drop", "dropout-scale")

    # No mistake: passes, no diagnosis.
    p = lstm_params(rng, D, H)
    case("correct", [{"name": "lstm", "type": "TimeLSTM", "params": p, "port": rec.TimeLSTM(**p)}], xs, dout)
    # Randomly wrong: fails, and no kind may be named.
    case("random_noise", [{"name": "lstm", "type": "TimeLSTM", "params": p,
                           "port": Noisy(rec.TimeLSTM(**p), np.random.default_rng(7))}], xs, dout)

    # --isolate: four layers, only the third's backward wrong (its dx doubled).
    p = lstm_params(rng, D, H)
    Wa, ba = rnd(rng, (H, V)), rnd(rng, (V,))
    ts = rng.integers(0, V, size=(N, T)).astype(np.int64)

    class AffineDXTwice(core.TimeAffine):
        def backward(self, dout):
            return 2 * super().backward(dout)

    layers = [
        {"name": "embed", "type": "TimeEmbedding", "params": {"W": We}, "port": core.TimeEmbedding(We.copy())},
        {"name": "lstm", "type": "TimeLSTM", "params": p, "port": rec.TimeLSTM(**p)},
        {"name": "affine", "type": "TimeAffine", "params": {"W": Wa, "b": ba}, "port": AffineDXTwice(Wa.copy(), ba.copy())},
        {"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": ts}, "port": core.TimeSoftmaxWithLoss()},
    ]
    case("isolate_chain", layers, ids, None, "affine", "scaled")

    more_cases()

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1)
        f.write("\n")


def chain32(rng, N=3, T=6, V=7, D=5, H=4, lstm_step=None, loss=None):
    """A float32 TimeEmbedding → TimeLSTM → TimeAffine → TimeSoftmaxWithLoss chain and its
    ids, with the book's ports (the LSTM's step class `lstm_step`, the loss port `loss` where
    given)."""
    xs = rng.integers(0, V, (N, T)).astype(np.int64)
    ts = rng.integers(0, V, (N, T)).astype(np.int64)
    ts[0, :2] = -1
    W = rnd(rng, (V, D), np.float32, 0.5)
    p = {k: v.astype(np.float32) for k, v in lstm_params(rng, D, H).items()}
    Wa, ba = rnd(rng, (H, V), np.float32, 0.5), rnd(rng, (V,), np.float32, 0.1)
    lstm = TimeLSTMWithStep(**{k: v.copy() for k, v in p.items()})
    lstm.step_class = lstm_step or rec.LSTM
    layers = [
        {"name": "embed", "type": "TimeEmbedding", "params": {"W": W}, "port": core.TimeEmbedding(W.copy())},
        {"name": "lstm", "type": "TimeLSTM", "params": p, "port": lstm},
        {"name": "affine", "type": "TimeAffine", "params": {"W": Wa, "b": ba}, "port": core.TimeAffine(Wa.copy(), ba.copy())},
        {"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": ts},
         "port": loss if loss is not None else core.TimeSoftmaxWithLoss()},
    ]
    return xs, layers


def more_cases():
    """The cases added after the first set, from their own seed (the first set's files stay
    as they were): ports that are right but a few tolerances off (no diagnosis), a 0-d loss
    off (no `scaled`), a gate order found without the intermediates, each carry of TimeLSTM
    (and TimeGRU's) dropped, and a stateful port given its state."""
    rng = np.random.default_rng(141)
    N, T, D, H, V = 3, 6, 5, 4, 7

    # Right, a few tolerances off: no diagnosis. An embedding whose ids never repeat within a
    # step (there dW[ids] = dout is np.add.at), its dW off by 6e-6 (float32 atol 1e-5).
    for seed in range(3):
        ids = np.stack([rng.permutation(V)[:N] for _ in range(T)], axis=1).astype(np.int64)
        W = rnd(rng, (V, D), np.float32)
        dout = rnd(rng, (N, T, D), np.float32)

        def dw_noise(expected, noise=rnd(rng, (V, D), np.float64, 6e-6)):
            expected["embed.dW"] = (expected["embed.dW"] + noise).astype(np.float32)
            return expected
        case(f"small_noise_embedding_{seed}", [{"name": "embed", "type": "TimeEmbedding", "params": {"W": W},
                                               "port": core.TimeEmbedding(W.copy())}], ids, dout, change=dw_noise)
    # A four-layer chain, every array 3e-5 relative noise.
    for seed in range(4):
        xs, layers = chain32(rng)
        case(f"small_noise_chain_{seed}", layers, xs, change=relative_noise(rng, 3e-5))

    # The loss 0.01 off, its gradient right: fails, and no kind fits.
    xs, layers = chain32(rng, loss=TimeSoftmaxLossPlus())
    case("loss_off", layers, xs, comparison="fail")

    # gate-order with no intermediates in the reference: found on the LSTM, not on the loss.
    xs, layers = chain32(rng, lstm_step=LSTMGatesIFGO)
    case("gate_order_no_intermediates", layers, xs, None, "lstm", "gate-order", change=without_intermediates)

    # no-bptt-carry, each carry of TimeLSTM dropped, and TimeGRU's.
    xs = rnd(rng, (N, T, D), np.float32)
    dout = rnd(rng, (N, T, H), np.float32)
    for name, carry_h, carry_c in (("dh", False, True), ("dc", True, False), ("both", False, False)):
        p = {k: v.astype(np.float32) for k, v in lstm_params(rng, D, H).items()}
        case(f"no_bptt_carry_lstm_{name}", [{"name": "lstm", "type": "TimeLSTM", "params": p,
                                             "port": TimeLSTMNoCarry(**p, carry_h=carry_h, carry_c=carry_c)}],
             xs, dout, "lstm", "no-bptt-carry")
    p = {k: v.astype(np.float32) for k, v in lstm_params(rng, D, H, gates=3).items()}
    case("no_bptt_carry_gru", [{"name": "gru", "type": "TimeGRU", "params": p, "port": TimeGRUNoCarry(**p)}],
         xs, dout, "gru", "no-bptt-carry")

    # A right stateful port given its initial state: record_intermediates calls set_state.
    p = {k: v.astype(np.float32) for k, v in lstm_params(rng, D, H).items()}
    h0 = rnd(rng, (N, H), np.float32)
    case("state_given", [{"name": "lstm", "type": "TimeLSTM", "params": p, "state": {"h": h0},
                          "port": rec.TimeLSTM(**p, stateful=True)}], xs, dout, comparison="pass")

    # scaled by 1/T: named as such.
    W, b = rnd(rng, (D, H), np.float32), rnd(rng, (H,), np.float32)
    case("scaled_over_t", [{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b},
                            "port": TimeAffineDWOverT(W.copy(), b.copy())}], xs, dout, "affine", "scaled")


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", np.__version__
    main()
