"""Writes the NumPy reference fixtures of the recurrent and attention layers.

For every case it writes a directory testdata/layers/<case>/ of .npy files: the inputs
(xs, or x/h_prev/c_prev for single steps, hs_enc for attention), the params (Wx, Wh, b;
Wx1..b2 for TimeBiLSTM), the initial state (h0, c0) when the case sets one, the upstream
gradient dout (and dc_next for the LSTM step), and NumPy's results: out, dx, one d<param> per
param, h/c/dh for the time layers, dh_prev/dc_prev/c_next for the steps, dhs_enc for
TimeAttention. The classes below are a NumPy port of the book's common/time_layers.py and
ch08/attention_layer.py following docs/layers.md, with the book's per-time-step loops,
float32 ('f') buffers and dtype behaviour. Deterministic: fixed seeds. Run with numpy==2.4.6.
"""
import json
import os

from book import sigmoid, softmax  # first: it pins NumPy's code paths
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers")


class RNN:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        h_next = np.tanh(np.dot(h_prev, Wh) + np.dot(x, Wx) + b)
        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next):
        Wx, Wh, b = self.params
        x, h_prev, h_next = self.cache
        dt = dh_next * (1 - h_next ** 2)
        db = np.sum(dt, axis=0)
        dWh = np.dot(h_prev.T, dt)
        dh_prev = np.dot(dt, Wh.T)
        dWx = np.dot(x.T, dt)
        dx = np.dot(dt, Wx.T)
        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db
        return dx, dh_prev


class LSTM:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        N, H = h_prev.shape
        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
        f = sigmoid(A[:, :H])
        g = np.tanh(A[:, H:2 * H])
        i = sigmoid(A[:, 2 * H:3 * H])
        o = sigmoid(A[:, 3 * H:])
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
        di = ds * g
        df = ds * c_prev
        do = dh_next * tanh_c_next
        dg = ds * i
        di *= i * (1 - i)
        df *= f * (1 - f)
        do *= o * (1 - o)
        dg *= (1 - g ** 2)
        dA = np.hstack((df, dg, di, do))
        dWh = np.dot(h_prev.T, dA)
        dWx = np.dot(x.T, dA)
        db = dA.sum(axis=0)
        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db
        dx = np.dot(dA, Wx.T)
        dh_prev = np.dot(dA, Wh.T)
        return dx, dh_prev, dc_prev


class GRU:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        H = Wh.shape[0]
        Wxz, Wxr, Wxh = Wx[:, :H], Wx[:, H:2 * H], Wx[:, 2 * H:]
        Whz, Whr, Whh = Wh[:, :H], Wh[:, H:2 * H], Wh[:, 2 * H:]
        bz, br, bh = b[:H], b[H:2 * H], b[2 * H:]
        z = sigmoid(np.dot(x, Wxz) + np.dot(h_prev, Whz) + bz)
        r = sigmoid(np.dot(x, Wxr) + np.dot(h_prev, Whr) + br)
        h_hat = np.tanh(np.dot(x, Wxh) + np.dot(r * h_prev, Whh) + bh)
        h_next = (1 - z) * h_prev + z * h_hat
        self.cache = (x, h_prev, z, r, h_hat)
        return h_next

    def backward(self, dh_next):
        Wx, Wh, b = self.params
        H = Wh.shape[0]
        Wxz, Wxr, Wxh = Wx[:, :H], Wx[:, H:2 * H], Wx[:, 2 * H:]
        Whz, Whr, Whh = Wh[:, :H], Wh[:, H:2 * H], Wh[:, 2 * H:]
        x, h_prev, z, r, h_hat = self.cache
        dh_hat = dh_next * z
        dh_prev = dh_next * (1 - z)
        dt = dh_hat * (1 - h_hat ** 2)
        dbh = np.sum(dt, axis=0)
        dWhh = np.dot((r * h_prev).T, dt)
        dhr = np.dot(dt, Whh.T)
        dWxh = np.dot(x.T, dt)
        dx = np.dot(dt, Wxh.T)
        dh_prev += r * dhr
        dz = dh_next * h_hat - dh_next * h_prev
        dt = dz * z * (1 - z)
        dbz = np.sum(dt, axis=0)
        dWhz = np.dot(h_prev.T, dt)
        dh_prev += np.dot(dt, Whz.T)
        dWxz = np.dot(x.T, dt)
        dx += np.dot(dt, Wxz.T)
        dr = dhr * h_prev
        dt = dr * r * (1 - r)
        dbr = np.sum(dt, axis=0)
        dWhr = np.dot(h_prev.T, dt)
        dh_prev += np.dot(dt, Whr.T)
        dWxr = np.dot(x.T, dt)
        dx += np.dot(dt, Wxr.T)
        self.grads[0][...] = np.hstack((dWxz, dWxr, dWxh))
        self.grads[1][...] = np.hstack((dWhz, dWhr, dWhh))
        self.grads[2][...] = np.hstack((dbz, dbr, dbh))
        return dx, dh_prev


class TimeRNN:
    """TimeRNN and TimeGRU share everything but the step class."""
    step = RNN

    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.h, self.dh, self.stateful = None, None, stateful

    def set_state(self, h):
        self.h = h

    def forward(self, xs):
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wh.shape[0]
        self.layers = []
        hs = np.empty((N, T, H), dtype='f')
        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype='f')
        for t in range(T):
            layer = self.step(*self.params)
            self.h = layer.forward(xs[:, t, :], self.h)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        D = Wx.shape[0]
        dxs = np.empty((N, T, D), dtype='f')
        dh = 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh = layer.backward(dhs[:, t, :] + dh)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs


class TimeGRU(TimeRNN):
    step = GRU


class TimeLSTM:
    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.h, self.c, self.dh, self.stateful = None, None, None, stateful

    def set_state(self, h, c=None):
        self.h, self.c = h, c

    def forward(self, xs):
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wh.shape[0]
        self.layers = []
        hs = np.empty((N, T, H), dtype='f')
        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype='f')
        if not self.stateful or self.c is None:
            self.c = np.zeros((N, H), dtype='f')
        for t in range(T):
            layer = LSTM(*self.params)
            self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        D = Wx.shape[0]
        dxs = np.empty((N, T, D), dtype='f')
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh, dc = layer.backward(dhs[:, t, :] + dh, dc)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs


class TimeBiLSTM:
    def __init__(self, Wx1, Wh1, b1, Wx2, Wh2, b2, stateful=False):
        self.forward_lstm = TimeLSTM(Wx1, Wh1, b1, stateful)
        self.backward_lstm = TimeLSTM(Wx2, Wh2, b2, stateful)
        self.params = self.forward_lstm.params + self.backward_lstm.params
        self.grads = self.forward_lstm.grads + self.backward_lstm.grads

    def forward(self, xs):
        o1 = self.forward_lstm.forward(xs)
        o2 = self.backward_lstm.forward(xs[:, ::-1])
        o2 = o2[:, ::-1]
        return np.concatenate((o1, o2), axis=2)

    def backward(self, dhs):
        H = dhs.shape[2] // 2
        do1 = dhs[:, :, :H]
        do2 = dhs[:, :, H:]
        dxs1 = self.forward_lstm.backward(do1)
        do2 = do2[:, ::-1]
        dxs2 = self.backward_lstm.backward(do2)
        dxs2 = dxs2[:, ::-1]
        return dxs1 + dxs2


class Softmax:
    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        sumdx = np.sum(dx, axis=1, keepdims=True)
        dx -= self.out * sumdx
        return dx


class WeightSum:
    def forward(self, hs, a):
        N, T, H = hs.shape
        ar = a.reshape(N, T, 1)
        t = hs * ar
        c = np.sum(t, axis=1)
        self.cache = (hs, ar)
        return c

    def backward(self, dc):
        hs, ar = self.cache
        N, T, H = hs.shape
        dt = dc.reshape(N, 1, H).repeat(T, axis=1)
        dar = dt * hs
        dhs = dt * ar
        da = np.sum(dar, axis=2)
        return dhs, da


class AttentionWeight:
    def __init__(self):
        self.softmax = Softmax()

    def forward(self, hs, h):
        N, T, H = hs.shape
        hr = h.reshape(N, 1, H)
        t = hs * hr
        s = np.sum(t, axis=2)
        a = self.softmax.forward(s)
        self.cache = (hs, hr)
        return a

    def backward(self, da):
        hs, hr = self.cache
        N, T, H = hs.shape
        ds = self.softmax.backward(da)
        dt = ds.reshape(N, T, 1).repeat(H, axis=2)
        dhs = dt * hr
        dhr = dt * hs
        dh = np.sum(dhr, axis=1)
        return dhs, dh


class Attention:
    def __init__(self):
        self.attention_weight_layer = AttentionWeight()
        self.weight_sum_layer = WeightSum()

    def forward(self, hs, h):
        a = self.attention_weight_layer.forward(hs, h)
        out = self.weight_sum_layer.forward(hs, a)
        self.attention_weight = a
        return out

    def backward(self, dout):
        dhs0, da = self.weight_sum_layer.backward(dout)
        dhs1, dh = self.attention_weight_layer.backward(da)
        return dhs0 + dhs1, dh


class TimeAttention:
    def forward(self, hs_enc, hs_dec):
        N, T, H = hs_dec.shape
        out = np.empty_like(hs_dec)
        self.layers = []
        for t in range(T):
            layer = Attention()
            out[:, t, :] = layer.forward(hs_enc, hs_dec[:, t, :])
            self.layers.append(layer)
        return out

    def backward(self, dout):
        N, T, H = dout.shape
        dhs_enc = 0
        dhs_dec = np.empty_like(dout)
        for t in range(T):
            dhs, dh = self.layers[t].backward(dout[:, t, :])
            dhs_enc += dhs
            dhs_dec[:, t, :] = dh
        return dhs_enc, dhs_dec


# ---------------------------------------------------------------- case writing

def write(case, kind, meta=None, **arrays):
    """Saves `arrays` and meta.json: the book class `kind` (what the Swift harness looks up
    in the layer registry) and any tolerance the case needs beyond the defaults."""
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    for name, a in arrays.items():
        np.save(os.path.join(d, name + ".npy"), np.asarray(a))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"type": kind, "numpy": np.__version__, **(meta or {})}, f, indent=1, sort_keys=True)
        f.write("\n")


def rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def time_case(case, cls, gates, N, T, D, H, wdtype, xdtype, seed, h0=None, c0=None, x_scale=1.0, meta=None):
    """A TimeRNN/TimeLSTM/TimeGRU case; h0/c0 are dtypes of a given initial state; x_scale
    widens xs (large pre-activations saturate the gates)."""
    rng = np.random.default_rng(seed)
    xs = rand(rng, (N, T, D), xdtype, x_scale)
    Wx = rand(rng, (D, gates * H), wdtype, 1 / np.sqrt(D))
    Wh = rand(rng, (H, gates * H), wdtype, 1 / np.sqrt(H))
    b = rand(rng, (gates * H,), wdtype, 0.5)
    dout = rand(rng, (N, T, H), 'f')
    layer = cls(Wx, Wh, b, stateful=True)
    extra = {}
    if h0 is not None:
        extra["h0"] = rand(rng, (N, H), h0)
    if c0 is not None:
        extra["c0"] = rand(rng, (N, H), c0)
    if cls is TimeLSTM:
        layer.set_state(extra.get("h0"), extra.get("c0"))
    else:
        layer.set_state(extra.get("h0"))
    out = layer.forward(xs)
    if cls is TimeLSTM:
        extra["c"] = layer.c
    h = layer.h
    dx = layer.backward(dout)
    dWx, dWh, db = layer.grads
    write(case, cls.__name__, meta, xs=xs, Wx=Wx, Wh=Wh, b=b, dout=dout, out=out, dx=dx, dWx=dWx,
          dWh=dWh, db=db, h=h, dh=layer.dh, **extra)


def bilstm_case(case, N, T, D, H, wdtype, xdtype, seed):
    rng = np.random.default_rng(seed)
    xs = rand(rng, (N, T, D), xdtype)
    p = {}
    for k in "12":
        p["Wx" + k] = rand(rng, (D, 4 * H), wdtype, 1 / np.sqrt(D))
        p["Wh" + k] = rand(rng, (H, 4 * H), wdtype, 1 / np.sqrt(H))
        p["b" + k] = rand(rng, (4 * H,), wdtype, 0.5)
    dout = rand(rng, (N, T, 2 * H), 'f')
    layer = TimeBiLSTM(*p.values())
    out = layer.forward(xs)
    dx = layer.backward(dout)
    grads = {"d" + k: g for k, g in zip(p, layer.grads)}
    write(case, "TimeBiLSTM", xs=xs, dout=dout, out=out, dx=dx, **p, **grads)


def attention_case(case, N, T_enc, T_dec, H, enc_dtype, dec_dtype, seed):
    rng = np.random.default_rng(seed)
    hs_enc = rand(rng, (N, T_enc, H), enc_dtype)
    hs_dec = rand(rng, (N, T_dec, H), dec_dtype)
    dout = rand(rng, (N, T_dec, H), dec_dtype)
    layer = TimeAttention()
    out = layer.forward(hs_enc, hs_dec)
    dhs_enc, dhs_dec = layer.backward(dout)
    write(case, "TimeAttention", hs_enc=hs_enc, xs=hs_dec, dout=dout, out=out, dx=dhs_dec, dhs_enc=dhs_enc)


def step_case(case, cls, gates, N, D, H, wdtype, xdtype, seed):
    """A single RNN/LSTM/GRU step, with outputs in the computation dtype."""
    rng = np.random.default_rng(seed)
    x = rand(rng, (N, D), xdtype)
    h_prev = rand(rng, (N, H), xdtype)
    Wx = rand(rng, (D, gates * H), wdtype, 1 / np.sqrt(D))
    Wh = rand(rng, (H, gates * H), wdtype, 1 / np.sqrt(H))
    b = rand(rng, (gates * H,), wdtype, 0.5)
    dout = rand(rng, (N, H), xdtype)
    layer = cls(Wx, Wh, b)
    arrays = dict(x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b, dout=dout)
    if cls is LSTM:
        c_prev = rand(rng, (N, H), xdtype)
        dc_next = rand(rng, (N, H), xdtype)
        out, c_next = layer.forward(x, h_prev, c_prev)
        dx, dh_prev, dc_prev = layer.backward(dout, dc_next)
        arrays.update(c_prev=c_prev, dc_next=dc_next, c_next=c_next, dc_prev=dc_prev)
    else:
        out = layer.forward(x, h_prev)
        dx, dh_prev = layer.backward(dout)
    dWx, dWh, db = layer.grads
    write(case, cls.__name__, out=out, dx=dx, dh_prev=dh_prev, dWx=dWx, dWh=dWh, db=db, **arrays)


def attention_parts_case(case, N, T, H, hs_dtype, h_dtype, seed):
    """WeightSum, AttentionWeight and Attention on one (hs, h) pair."""
    rng = np.random.default_rng(seed)
    hs = rand(rng, (N, T, H), hs_dtype)
    h = rand(rng, (N, H), h_dtype)
    a = softmax(rand(rng, (N, T), h_dtype))
    dc = rand(rng, (N, H), h_dtype)
    da = rand(rng, (N, T), h_dtype)
    ws = WeightSum()
    c = ws.forward(hs, a)
    ws_dhs, ws_da = ws.backward(dc)
    aw = AttentionWeight()
    aw_a = aw.forward(hs, h)
    aw_dhs, aw_dh = aw.backward(da)
    at = Attention()
    at_c = at.forward(hs, h)
    at_dhs, at_dh = at.backward(dc)
    write(case, "Attention", hs=hs, h=h, a=a, dc=dc, da=da,
          ws_c=c, ws_dhs=ws_dhs, ws_da=ws_da,
          aw_a=aw_a, aw_dhs=aw_dhs, aw_dh=aw_dh,
          at_c=at_c, at_a=at.attention_weight, at_dhs=at_dhs, at_dh=at_dh)


def main():
    f32, f64 = np.float32, np.float64
    for name, cls, gates in (("rnn", TimeRNN, 1), ("gru", TimeGRU, 3), ("lstm", TimeLSTM, 4)):
        time_case(f"{name}_f32", cls, gates, 2, 5, 4, 3, f32, f32, 1)
        time_case(f"{name}_f64", cls, gates, 2, 5, 4, 3, f64, f64, 2)
        time_case(f"{name}_mixed_w64_x32", cls, gates, 3, 4, 2, 3, f64, f32, 3)
        time_case(f"{name}_n1", cls, gates, 1, 4, 3, 2, f32, f32, 4)
        time_case(f"{name}_t1", cls, gates, 2, 1, 3, 4, f64, f64, 5)
        time_case(f"{name}_state_h", cls, gates, 2, 3, 3, 4, f32, f32, 6, h0=f32)
        time_case(f"{name}_state_h64_w32", cls, gates, 2, 3, 3, 4, f32, f32, 7, h0=f64)
        # T = 24 accumulates float32 rounding through many steps: atol 1e-5 for float32 results.
        time_case(f"{name}_long", cls, gates, 4, 24, 8, 16, f32, f32, 8, meta={"float32_atol": 1e-5})
    time_case("lstm_state_hc", TimeLSTM, 4, 2, 3, 3, 4, f32, f32, 9, h0=f32, c0=f32)
    time_case("lstm_state_hc_f64", TimeLSTM, 4, 2, 3, 3, 4, f64, f64, 10, h0=f64, c0=f64)
    # H = 21: the float32 vector path's blocks of eight columns and a tail in every row;
    # saturated: pre-activations beyond ±86, where the vector σ hands blocks to expf.
    time_case("lstm_wide", TimeLSTM, 4, 3, 6, 5, 21, f32, f32, 16)
    time_case("lstm_saturated", TimeLSTM, 4, 2, 4, 3, 9, f32, f32, 17, x_scale=80.0)
    bilstm_case("bilstm_f32", 2, 4, 3, 5, f32, f32, 11)
    bilstm_case("bilstm_f64", 2, 4, 3, 5, f64, f64, 12)
    bilstm_case("bilstm_mixed_w64_x32", 3, 3, 2, 2, f64, f32, 13)
    bilstm_case("bilstm_n1_t1", 1, 1, 3, 2, f32, f32, 14)
    attention_case("attn_f32", 2, 4, 3, 5, f32, f32, 15)
    attention_case("attn_f64", 2, 4, 3, 5, f64, f64, 16)
    attention_case("attn_mixed_enc64_dec32", 3, 5, 2, 4, f64, f32, 17)
    attention_case("attn_n1_t1", 1, 1, 1, 3, f32, f32, 18)
    for name, cls, gates in (("rnn", RNN, 1), ("gru", GRU, 3), ("lstm", LSTM, 4)):
        step_case(f"{name}_step_f32", cls, gates, 3, 4, 5, f32, f32, 19)
        step_case(f"{name}_step_f64", cls, gates, 3, 4, 5, f64, f64, 20)
        step_case(f"{name}_step_mixed_w64_x32", cls, gates, 2, 3, 2, f64, f32, 21)
    attention_parts_case("attn_parts_f32", 2, 4, 3, f32, f32, 22)
    attention_parts_case("attn_parts_f64", 2, 4, 3, f64, f64, 23)


if __name__ == "__main__":
    assert np.__version__ == "2.4.6", np.__version__
    main()
