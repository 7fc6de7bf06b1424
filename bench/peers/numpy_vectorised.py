"""The language model in NumPy written for speed, as a NumPy user who knows the tricks would:
x·Wx (+ b) for every time step hoisted out of the time loop as one product, so the loop holds
only h·Wh and the gates; in the backward, the per-step dA kept and dWx, dWh, dx each formed by one
product over all N·T rows; the embedding's gradient by one `np.add.at`; the softmax in place.
Same results as the book's classes (bench/numpy_run.py) up to float32 rounding.

Usage: python3 bench/peers/numpy_vectorised.py CASE/pipeline.json OUT_DIR
Prints one JSON line: phase seconds {"load", "compute", "save"}.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Phases, load_lm, save  # noqa: E402

import numpy as np  # noqa: E402


def sigmoid(x, out=None):
    out = np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def lm_forward_backward(xs, ts, p):
    """out (the mean loss), the params' gradients, lstm.h / .c (last step) and lstm.dh."""
    We, Wx, Wh, b, Wa, ba = (p[k] for k in ("embed.W", "lstm.Wx", "lstm.Wh", "lstm.b",
                                            "affine.W", "affine.b"))
    N, T = xs.shape
    V, D = We.shape
    H = Wh.shape[0]
    dt = We.dtype
    # forward
    x = We[xs.reshape(-1)]                        # (N·T, D), row n·T + t
    A = (x @ Wx + b).reshape(N, T, 4 * H)         # the hoisted product
    hs = np.empty((N, T, H), dt)
    cs = np.empty((N, T, H), dt)
    gates = np.empty((N, T, 4 * H), dt)           # f, g, i, o after their nonlinearities
    h = np.zeros((N, H), dt)
    c = np.zeros((N, H), dt)
    for t in range(T):
        a = A[:, t] + h @ Wh
        sigmoid(a[:, :H], out=a[:, :H])
        np.tanh(a[:, H:2 * H], out=a[:, H:2 * H])
        sigmoid(a[:, 2 * H:], out=a[:, 2 * H:])
        f, g, i, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        c = f * c + g * i
        h = o * np.tanh(c)
        gates[:, t], cs[:, t], hs[:, t] = a, c, h
    rh = hs.reshape(N * T, H)
    ys = rh @ Wa
    ys += ba
    ys -= ys.max(axis=1, keepdims=True)
    np.exp(ys, out=ys)
    ys /= ys.sum(axis=1, keepdims=True)
    rows = np.arange(N * T)
    flat_ts = ts.reshape(-1)
    mask = flat_ts != -1
    loss = -np.sum(np.log(ys[rows, flat_ts]) * mask) / mask.sum()
    # backward
    ys[rows, flat_ts] -= 1
    ys /= mask.sum()
    ys *= mask[:, None]
    dWa = rh.T @ ys
    dba = ys.sum(axis=0)
    dhs = (ys @ Wa.T).reshape(N, T, H)
    dA = np.empty((N, T, 4 * H), dt)
    dh = np.zeros((N, H), dt)
    dc = np.zeros((N, H), dt)
    for t in reversed(range(T)):
        a = gates[:, t]
        f, g, i, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        c_prev = cs[:, t - 1] if t > 0 else np.zeros((N, H), dt)
        dh_t = dhs[:, t] + dh
        tanh_c = np.tanh(cs[:, t])
        ds = dc + (dh_t * o) * (1 - tanh_c ** 2)
        dc = ds * f
        d = dA[:, t]
        d[:, :H] = ds * c_prev * f * (1 - f)
        d[:, H:2 * H] = ds * i * (1 - g ** 2)
        d[:, 2 * H:3 * H] = ds * g * i * (1 - i)
        d[:, 3 * H:] = dh_t * tanh_c * o * (1 - o)
        dh = d @ Wh.T
    rdA = dA.reshape(N * T, 4 * H)
    h_prev = np.concatenate([np.zeros((N, 1, H), dt), hs[:, :-1]], axis=1).reshape(N * T, H)
    dWx = x.T @ rdA
    dWh = h_prev.T @ rdA
    db = rdA.sum(axis=0)
    dx = rdA @ Wx.T
    dWe = np.zeros_like(We)
    np.add.at(dWe, xs.reshape(-1), dx)
    return {"out": np.float64(loss), "embed.dW": dWe, "lstm.dWx": dWx, "lstm.dWh": dWh,
            "lstm.db": db, "lstm.h": hs[:, -1], "lstm.c": cs[:, -1], "lstm.dh": dh,
            "affine.dW": dWa, "affine.db": dba}


def main(pipeline, out_dir):
    phases = Phases()
    xs, ts, params = load_lm(pipeline)
    phases.mark("load")
    results = lm_forward_backward(xs, ts, params)
    phases.mark("compute")
    save(out_dir, results)
    phases.mark("save")
    phases.print()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
