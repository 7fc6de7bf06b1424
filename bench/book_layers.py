"""The NumPy side of the benchmark: the time layers computed the way the book's
common/time_layers.py computes them (one step object per time step, per-step grads summed
in reverse order, float32 'f' buffers for hs/dxs/out), following /work/shared/spec/layers.md.

Written for timing, not as a reference implementation: only the layers bench/ uses.
Shape letters: N batch, T time steps, D input size, H hidden size, V vocabulary.
"""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax_rows(x):
    """Row-wise softmax of a 2-D array, max subtracted, division in place (layers.md §3)."""
    x = x - x.max(axis=1, keepdims=True)
    x = np.exp(x)
    x /= x.sum(axis=1, keepdims=True)
    return x


class Embedding:
    """One step's row gather; its grad buffer is a private zeros-like-W (layers.md §4.8)."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx):
        self.idx = idx
        return self.params[0][idx]

    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        np.add.at(dW, self.idx, dout)


class TimeEmbedding:
    """xs (N,T) ids → out (N,T,D) float32; backward sums T private V×D buffers (§5.5)."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.layers = None

    def forward(self, xs):
        N, T = xs.shape
        V, D = self.params[0].shape
        out = np.empty((N, T, D), dtype="f")
        self.layers = []
        for t in range(T):
            layer = Embedding(self.params[0])
            out[:, t, :] = layer.forward(xs[:, t])
            self.layers.append(layer)
        return out

    def backward(self, dout):
        total = 0
        for t, layer in enumerate(self.layers):
            layer.backward(dout[:, t, :])
            total += layer.grads[0]
        self.grads[0][...] = total
        return None


class TimeAffine:
    """x (N,T,D) → (N,T,M) as one (N·T,D)·(D,M) product (§5.6)."""

    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        self.x = x
        return (np.dot(x.reshape(N * T, -1), W) + b).reshape(N, T, -1)

    def backward(self, dout):
        N, T, D = self.x.shape
        W, _ = self.params
        dout = dout.reshape(N * T, -1)
        rx = self.x.reshape(N * T, -1)
        self.grads[1][...] = np.sum(dout, axis=0)
        self.grads[0][...] = np.dot(rx.T, dout)
        return np.dot(dout, W.T).reshape(N, T, D)


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over the non-ignored (≠ −1) positions; float64 loss (§5.7)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, xs, ts):
        N, T, V = xs.shape
        mask = (ts != -1).reshape(N * T)
        ts = ts.reshape(N * T)
        ys = softmax_rows(xs.reshape(N * T, V))
        ls = np.log(ys[np.arange(N * T), ts])
        ls *= mask
        loss = -np.sum(ls)
        loss /= mask.sum()
        self.cache = (ts, ys, mask, (N, T, V))
        return loss

    def backward(self, dout=1):
        ts, ys, mask, (N, T, V) = self.cache
        dx = ys
        dx[np.arange(N * T), ts] -= 1
        dx *= dout
        dx /= mask.sum()
        dx *= mask[:, np.newaxis]
        return dx.reshape(N, T, V)


class RNNStep:
    """h_next = tanh(h_prev·Wh + x·Wx + b) for one step (§5.1)."""

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        h_next = np.tanh(np.dot(h_prev, Wh) + np.dot(x, Wx) + b)
        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next):
        Wx, Wh, _ = self.params
        x, h_prev, h_next = self.cache
        dt = dh_next * (1 - h_next**2)
        self.grads[2][...] = np.sum(dt, axis=0)
        self.grads[1][...] = np.dot(h_prev.T, dt)
        self.grads[0][...] = np.dot(x.T, dt)
        return np.dot(dt, Wx.T), np.dot(dt, Wh.T)


class LSTMStep:
    """One LSTM step, gate blocks packed [f | g | i | o] along the last axis (§5.3)."""

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        H = h_prev.shape[1]
        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
        f, g = sigmoid(A[:, :H]), np.tanh(A[:, H : 2 * H])
        i, o = sigmoid(A[:, 2 * H : 3 * H]), sigmoid(A[:, 3 * H :])
        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, _ = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache
        tanh_c = np.tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c**2)
        dc_prev = ds * f
        di = ds * g * (i * (1 - i))
        df = ds * c_prev * (f * (1 - f))
        do = dh_next * tanh_c * (o * (1 - o))
        dg = ds * i * (1 - g**2)
        dA = np.hstack((df, dg, di, do))
        self.grads[1][...] = np.dot(h_prev.T, dA)
        self.grads[0][...] = np.dot(x.T, dA)
        self.grads[2][...] = dA.sum(axis=0)
        return np.dot(dA, Wx.T), np.dot(dA, Wh.T), dc_prev


class GRUStep:
    """One GRU step with bias, blocks [z | r | h̃], h_next = (1−z)⊙h_prev + z⊙h̃ (§5.11)."""

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        H = Wh.shape[0]
        z = sigmoid(np.dot(x, Wx[:, :H]) + np.dot(h_prev, Wh[:, :H]) + b[:H])
        r = sigmoid(np.dot(x, Wx[:, H : 2 * H]) + np.dot(h_prev, Wh[:, H : 2 * H]) + b[H : 2 * H])
        h_hat = np.tanh(np.dot(x, Wx[:, 2 * H :]) + np.dot(r * h_prev, Wh[:, 2 * H :]) + b[2 * H :])
        self.cache = (x, h_prev, z, r, h_hat)
        return (1 - z) * h_prev + z * h_hat

    def backward(self, dh_next):
        Wx, Wh, _ = self.params
        H = Wh.shape[0]
        x, h_prev, z, r, h_hat = self.cache
        dh_prev = dh_next * (1 - z)
        dt = dh_next * z * (1 - h_hat**2)
        db_h, dWh_h = np.sum(dt, axis=0), np.dot((r * h_prev).T, dt)
        dhr = np.dot(dt, Wh[:, 2 * H :].T)
        dWx_h, dx = np.dot(x.T, dt), np.dot(dt, Wx[:, 2 * H :].T)
        dh_prev += r * dhr
        dt = (dh_next * h_hat - dh_next * h_prev) * z * (1 - z)
        db_z, dWh_z = np.sum(dt, axis=0), np.dot(h_prev.T, dt)
        dh_prev += np.dot(dt, Wh[:, :H].T)
        dWx_z = np.dot(x.T, dt)
        dx += np.dot(dt, Wx[:, :H].T)
        dt = dhr * h_prev * r * (1 - r)
        db_r, dWh_r = np.sum(dt, axis=0), np.dot(h_prev.T, dt)
        dh_prev += np.dot(dt, Wh[:, H : 2 * H].T)
        dWx_r = np.dot(x.T, dt)
        dx += np.dot(dt, Wx[:, H : 2 * H].T)
        self.grads[0][...] = np.hstack((dWx_z, dWx_r, dWx_h))
        self.grads[1][...] = np.hstack((dWh_z, dWh_r, dWh_h))
        self.grads[2][...] = np.hstack((db_z, db_r, db_h))
        return dx, dh_prev


class TimeRecurrent:
    """TimeRNN / TimeLSTM / TimeGRU: a new step per t, float32 hs and dxs buffers, zero
    initial state (stateful=False), grads summed over t in reverse (§5.2, §5.4, §5.12)."""

    def __init__(self, step_class, Wx, Wh, b):
        self.step_class = step_class
        self.lstm = step_class is LSTMStep
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.h = self.c = self.dh = None

    def forward(self, xs):
        N, T, _ = xs.shape
        H = self.params[1].shape[0]
        hs = np.empty((N, T, H), dtype="f")
        self.h = np.zeros((N, H), dtype="f")
        self.c = np.zeros((N, H), dtype="f") if self.lstm else None
        self.layers = []
        for t in range(T):
            layer = self.step_class(*self.params)
            if self.lstm:
                self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            else:
                self.h = layer.forward(xs[:, t, :], self.h)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        N, T, _ = dhs.shape
        D = self.params[0].shape[0]
        dxs = np.empty((N, T, D), dtype="f")
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            if self.lstm:
                dx, dh, dc = layer.backward(dhs[:, t, :] + dh, dc)
            else:
                dx, dh = layer.backward(dhs[:, t, :] + dh)
            dxs[:, t, :] = dx
            for k, grad in enumerate(layer.grads):
                grads[k] += grad
        for k, grad in enumerate(grads):
            self.grads[k][...] = grad
        self.dh = dh
        return dxs


def make_layer(type_name, params):
    """The layer for a pipeline `type` with its params by the book's names."""
    steps = {"TimeRNN": RNNStep, "TimeLSTM": LSTMStep, "TimeGRU": GRUStep}
    if type_name in steps:
        return TimeRecurrent(steps[type_name], params["Wx"], params["Wh"], params["b"])
    if type_name == "TimeEmbedding":
        return TimeEmbedding(params["W"])
    if type_name == "TimeAffine":
        return TimeAffine(params["W"], params["b"])
    if type_name == "TimeSoftmaxWithLoss":
        return TimeSoftmaxWithLoss()
    raise ValueError(f"bench NumPy side has no layer {type_name}")


PARAM_NAMES = {
    "TimeEmbedding": ["W"], "TimeAffine": ["W", "b"], "TimeSoftmaxWithLoss": [],
    "TimeRNN": ["Wx", "Wh", "b"], "TimeLSTM": ["Wx", "Wh", "b"], "TimeGRU": ["Wx", "Wh", "b"],
}
