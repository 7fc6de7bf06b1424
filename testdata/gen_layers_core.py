"""Writes the fixtures of the feed-forward layers (module TLLayers, one harness: LayerFixtureTests).

For every case it writes testdata/layers/<case>/ holding:
  meta.json    {"type": book class, "numpy": version, "precision_of_inputs": true, and
               "ratio"/"train"/"seed" for dropout}
  x.npy        the chain input (integer ids for the embeddings)
  ts.npy       labels of the loss layers; mask_in.npy a dropout mask given as input
  W.npy, b.npy the params, under the book's names
  dout.npy     the upstream gradient (a 0-d float64 for the losses, used as a Python float)
  out.npy, dx.npy, dW.npy, db.npy, mask.npy   what NumPy computed (dx absent for ids)
and testdata/kernel_sums/ with float32 vectors and their np.sum (pairwise) and a matrix
with np.sum(axis=0) (sequential), so the sum kernels can be checked bit for bit.

The layer classes below port the book's common/layers.py and common/time_layers.py (MIT
licence) line by line, on top of its common/functions.py (book.py), so the fixtures carry
NumPy's own semantics and dtype rules. Deterministic: every case draws from np.random.seed(...) with a fixed seed.
Run with numpy==2.4.6 (testdata/requirements.txt): python3 testdata/gen_layers_core.py
"""
import json
import os
import shutil

from book import cross_entropy_error, sigmoid, softmax  # first: it pins NumPy's code paths
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers")
KERNEL_SUMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_sums")


# ---- common/layers.py ----------------------------------------------------------------------
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        W, = self.params
        out = np.dot(x, W)
        self.x = x
        return out

    def backward(self, dout):
        W, = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        self.grads[0][...] = dW
        return dx


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        out = np.dot(x, W) + b
        self.x = x
        return out

    def backward(self, dout):
        W, b = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        db = np.sum(dout, axis=0)
        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        sumdx = np.sum(dx, axis=1, keepdims=True)
        dx -= self.out * sumdx
        return dx


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)
        loss = cross_entropy_error(self.y, self.t)
        return loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout
        dx = dx / batch_size
        return dx


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx


class SigmoidWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = 1 / (1 + np.exp(-x))
        self.loss = cross_entropy_error(np.c_[1 - self.y, self.y], self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = (self.y - self.t) * dout / batch_size
        return dx


class Dropout:
    def __init__(self, dropout_ratio=0.5):
        self.params, self.grads = [], []
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            return x * self.mask
        else:
            return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask


class Embedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx):
        W, = self.params
        self.idx = idx
        out = W[idx]
        return out

    def backward(self, dout):
        dW, = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)
        return None


# ---- common/time_layers.py -----------------------------------------------------------------
class TimeEmbedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.layers = None
        self.W = W

    def forward(self, xs):
        N, T = xs.shape
        V, D = self.W.shape
        out = np.empty((N, T, D), dtype='f')
        self.layers = []
        for t in range(T):
            layer = Embedding(self.W)
            out[:, t, :] = layer.forward(xs[:, t])
            self.layers.append(layer)
        return out

    def backward(self, dout):
        N, T, D = dout.shape
        grad = 0
        for t in range(T):
            layer = self.layers[t]
            layer.backward(dout[:, t, :])
            grad += layer.grads[0]
        self.grads[0][...] = grad
        return None


class TimeAffine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        rx = x.reshape(N * T, -1)
        out = np.dot(rx, W) + b
        self.x = x
        return out.reshape(N, T, -1)

    def backward(self, dout):
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        dout = dout.reshape(N * T, -1)
        rx = x.reshape(N * T, -1)
        db = np.sum(dout, axis=0)
        dW = np.dot(rx.T, dout)
        dx = np.dot(dout, W.T)
        dx = dx.reshape(*x.shape)
        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx


class TimeSoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None
        self.ignore_label = -1

    def forward(self, xs, ts):
        N, T, V = xs.shape
        if ts.ndim == 3:
            ts = ts.argmax(axis=2)
        mask = (ts != self.ignore_label)
        xs = xs.reshape(N * T, V)
        ts = ts.reshape(N * T)
        mask = mask.reshape(N * T)
        ys = softmax(xs)
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
        dx = dx.reshape((N, T, V))
        return dx


class TimeSigmoidWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.xs_shape = None
        self.layers = None

    def forward(self, xs, ts):
        N, T = xs.shape
        self.xs_shape = xs.shape
        self.layers = []
        loss = 0
        for t in range(T):
            layer = SigmoidWithLoss()
            loss += layer.forward(xs[:, t], ts[:, t])
            self.layers.append(layer)
        return loss / T

    def backward(self, dout=1):
        N, T = self.xs_shape
        dxs = np.empty(self.xs_shape, dtype='f')
        dout *= 1 / T
        for t in range(T):
            layer = self.layers[t]
            dxs[:, t] = layer.backward(dout)
        return dxs


class TimeDropout:
    def __init__(self, dropout_ratio=0.5):
        self.params, self.grads = [], []
        self.dropout_ratio = dropout_ratio
        self.mask = None
        self.train_flg = True

    def forward(self, xs):
        if self.train_flg:
            flg = np.random.rand(*xs.shape) > self.dropout_ratio
            scale = 1 / (1.0 - self.dropout_ratio)
            self.mask = flg.astype(np.float32) * scale
            return xs * self.mask
        else:
            return xs

    def backward(self, dout):
        return dout * self.mask


# ---- writing cases -------------------------------------------------------------------------
CLASSES = {
    "MatMul": MatMul, "Affine": Affine, "Softmax": Softmax, "Sigmoid": Sigmoid,
    "SoftmaxWithLoss": SoftmaxWithLoss, "SigmoidWithLoss": SigmoidWithLoss, "Dropout": Dropout,
    "Embedding": Embedding, "TimeEmbedding": TimeEmbedding, "TimeAffine": TimeAffine,
    "TimeSoftmaxWithLoss": TimeSoftmaxWithLoss, "TimeSigmoidWithLoss": TimeSigmoidWithLoss,
    "TimeDropout": TimeDropout,
}
PARAM_NAMES = {"MatMul": ["W"], "Affine": ["W", "b"], "Embedding": ["W"],
               "TimeEmbedding": ["W"], "TimeAffine": ["W", "b"]}
LOSSES = {"SoftmaxWithLoss", "SigmoidWithLoss", "TimeSoftmaxWithLoss", "TimeSigmoidWithLoss"}


def save(directory, name, array):
    np.save(os.path.join(directory, name + ".npy"), np.asarray(array))


def write_case(name, kind, x, dout, params=(), ts=None, ratio=None, train=True, seed=None,
               mask_in=None):
    """Runs the book's layer forward then backward once and saves inputs and results."""
    directory = os.path.join(ROOT, name)
    os.makedirs(directory)
    # The Swift layers do a float32 input's work in float32 even where NumPy's result is
    # float64 (the float64 loss of a float32 sum): results are held to the least precise input.
    meta = {"type": kind, "numpy": np.__version__, "precision_of_inputs": True}
    args = [ratio] if ratio is not None else []
    layer = CLASSES[kind](*params, *args)
    for pname, p in zip(PARAM_NAMES.get(kind, []), params):
        save(directory, pname, p)
    save(directory, "x", x)
    if ratio is not None:
        meta["ratio"] = ratio
    if kind in ("Dropout", "TimeDropout"):
        meta["train"] = train
    if seed is not None:
        meta["seed"] = seed
        np.random.seed(seed)
    if ts is not None:
        save(directory, "ts", ts)
        out = layer.forward(x, ts)
    elif kind == "Dropout":
        out = layer.forward(x, train_flg=train)
    elif kind == "TimeDropout":
        layer.train_flg = train
        out = layer.forward(x)
    else:
        out = layer.forward(x)
    if mask_in is not None:  # the layer drew its mask from a seed; the Swift side is given it
        save(directory, "mask_in", layer.mask)
    save(directory, "out", out)
    save(directory, "dout", dout)
    if kind in LOSSES:
        dx = layer.backward(float(dout))
    elif kind in ("Dropout", "TimeDropout") and not train:
        # The book's backward raises TypeError after an eval forward (mask is None,
        # docs/layers.md §5.8); the port backpropagates through the eval forward:
        # x·(1 − ratio), or the identity.
        dx = dout * (1.0 - ratio) if kind == "Dropout" else dout
    else:
        dx = layer.backward(dout)
    if dx is not None:
        save(directory, "dx", dx)
    for pname, g in zip(PARAM_NAMES.get(kind, []), layer.grads):
        save(directory, "d" + pname, g)
    if kind in ("Dropout", "TimeDropout") and train:
        save(directory, "mask", layer.mask)
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def rnd(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def feedforward_cases(rng):
    f32, f64 = np.float32, np.float64
    for tag, dt in (("f32", f32), ("f64", f64)):
        write_case(f"affine_{tag}", "Affine", rnd(rng, (4, 3), dt), rnd(rng, (4, 5), dt),
                   (rnd(rng, (3, 5), dt), rnd(rng, (5,), dt)))
        write_case(f"matmul_{tag}", "MatMul", rnd(rng, (4, 3), dt), rnd(rng, (4, 6), dt),
                   (rnd(rng, (3, 6), dt),))
        write_case(f"softmax_{tag}", "Softmax", rnd(rng, (3, 7), dt) * 3, rnd(rng, (3, 7), dt))
        write_case(f"sigmoid_{tag}", "Sigmoid", rnd(rng, (2, 3, 4), dt) * 4, rnd(rng, (2, 3, 4), dt))
    write_case("affine_x64_w32", "Affine", rnd(rng, (3, 4), f64), rnd(rng, (3, 2), f32),
               (rnd(rng, (4, 2), f32), rnd(rng, (2,), f32)))
    write_case("affine_b64", "Affine", rnd(rng, (3, 4), f32), rnd(rng, (3, 2), f32),
               (rnd(rng, (4, 2), f32), rnd(rng, (2,), f64)))
    write_case("affine_n1_f32", "Affine", rnd(rng, (1, 4), f32), rnd(rng, (1, 3), f32),
               (rnd(rng, (4, 3), f32), rnd(rng, (3,), f32)))
    onehot = np.eye(5, dtype=np.int32)[[0, 3, 3, 1]]  # SimpleCBOW's int32 one-hot rows
    write_case("matmul_onehot_i32", "MatMul", onehot, rnd(rng, (4, 3), f64), (rnd(rng, (5, 3), f32),))
    for tag, dt in (("f32", f32), ("f64", f64)):
        write_case(f"embedding_{tag}", "Embedding", np.array([[1, 1, 2], [0, 5, 1]]),
                   rnd(rng, (2, 3, 3), dt), (rnd(rng, (6, 3), dt),))
    write_case("embedding_i32_negative", "Embedding", np.array([4, -1, 0, -6, 4], dtype=np.int32),
               rnd(rng, (5, 2), f32), (rnd(rng, (6, 2), f32),))
    write_case("embedding_u8_w32_dout64", "Embedding", np.array([2, 2, 2, 0], dtype=np.uint8),
               rnd(rng, (4, 3), f64), (rnd(rng, (3, 3), f32),))


def loss_and_dropout_cases(rng):
    f32, f64 = np.float32, np.float64
    write_case("softmax_loss_f32", "SoftmaxWithLoss", rnd(rng, (4, 5), f32), np.float64(1.0),
               ts=np.array([0, 4, 2, 4]))
    write_case("softmax_loss_f64_onehot", "SoftmaxWithLoss", rnd(rng, (3, 4), f64), np.float64(0.5),
               ts=np.eye(4, dtype=np.int64)[[3, 0, 1]])
    write_case("softmax_loss_label_minus1", "SoftmaxWithLoss", rnd(rng, (3, 4), f32), np.float64(1.0),
               ts=np.array([-1, 2, 0], dtype=np.int32))
    write_case("sigmoid_loss_f32_i32", "SigmoidWithLoss", rnd(rng, (6,), f32) * 3, np.float64(1.0),
               ts=np.array([1, 0, 0, 1, 1, 0], dtype=np.int32))
    write_case("sigmoid_loss_f32_u8", "SigmoidWithLoss", rnd(rng, (5,), f32), np.float64(2.0),
               ts=np.array([1, 1, 0, 1, 0], dtype=np.uint8))
    write_case("sigmoid_loss_f64_i64", "SigmoidWithLoss", rnd(rng, (9,), f64), np.float64(1.0),
               ts=np.array([1, 0, 1, 1, 0, 0, 1, 0, 1]))
    write_case("dropout_f32_seeded", "Dropout", rnd(rng, (3, 5), f32), rnd(rng, (3, 5), f32),
               ratio=0.4, seed=7)
    write_case("dropout_f64_mask_given", "Dropout", rnd(rng, (2, 6), f64), rnd(rng, (2, 6), f64),
               seed=11, mask_in=True)
    write_case("dropout_f32_eval", "Dropout", rnd(rng, (2, 3), f32), rnd(rng, (2, 3), f32),
               ratio=0.3, train=False)


def time_cases(rng):
    f32, f64 = np.float32, np.float64
    ids = np.array([[2, 5, 1, 4], [3, 2, 7, 2], [0, 0, 9, 2]])
    write_case("time_embedding_f32_i32", "TimeEmbedding", ids.astype(np.int32),
               rnd(rng, (3, 4, 3), f32), (rnd(rng, (10, 3), f32),))
    write_case("time_embedding_w64_i64", "TimeEmbedding", ids, rnd(rng, (3, 4, 3), f64),
               (rnd(rng, (10, 3), f64),))
    write_case("time_embedding_u8_repeated", "TimeEmbedding", np.array([[1, 1, 1], [1, 3, 1]], np.uint8),
               rnd(rng, (2, 3, 2), f32), (rnd(rng, (4, 2), f32),))
    write_case("time_embedding_w32_dout64", "TimeEmbedding", ids, rnd(rng, (3, 4, 3), f64),
               (rnd(rng, (10, 3), f32),))
    write_case("time_embedding_t1", "TimeEmbedding", np.array([[3], [-1]]), rnd(rng, (2, 1, 2), f32),
               (rnd(rng, (5, 2), f32),))
    write_case("time_embedding_n1", "TimeEmbedding", np.array([[0, 4, 4]], np.int16), rnd(rng, (1, 3, 2), f64),
               (rnd(rng, (5, 2), f64),))
    for tag, dt in (("f32", f32), ("f64", f64)):
        write_case(f"time_affine_{tag}", "TimeAffine", rnd(rng, (2, 3, 4), dt), rnd(rng, (2, 3, 5), dt),
                   (rnd(rng, (4, 5), dt), rnd(rng, (5,), dt)))
    write_case("time_affine_x64_w32", "TimeAffine", rnd(rng, (2, 3, 4), f64), rnd(rng, (2, 3, 2), f32),
               (rnd(rng, (4, 2), f32), rnd(rng, (2,), f32)))
    write_case("time_affine_b64", "TimeAffine", rnd(rng, (2, 2, 3), f32), rnd(rng, (2, 2, 2), f32),
               (rnd(rng, (3, 2), f32), rnd(rng, (2,), f64)))
    write_case("time_affine_n1_t1", "TimeAffine", rnd(rng, (1, 1, 3), f32), rnd(rng, (1, 1, 4), f32),
               (rnd(rng, (3, 4), f32), rnd(rng, (4,), f32)))
    write_case("time_affine_long_f32", "TimeAffine", rnd(rng, (4, 40, 6), f32), rnd(rng, (4, 40, 7), f32),
               (rnd(rng, (6, 7), f32), rnd(rng, (7,), f32)))
    ts = np.array([[0, 3, -1], [2, -1, 4]], dtype=np.int32)
    write_case("time_softmax_loss_f32_ignore", "TimeSoftmaxWithLoss", rnd(rng, (2, 3, 5), f32),
               np.float64(1.0), ts=ts)
    write_case("time_softmax_loss_f64_i64", "TimeSoftmaxWithLoss", rnd(rng, (3, 2, 4), f64),
               np.float64(1.0), ts=np.array([[0, 3], [1, 1], [2, 0]]))
    write_case("time_softmax_loss_f32_onehot", "TimeSoftmaxWithLoss", rnd(rng, (2, 2, 3), f32),
               np.float64(0.25), ts=np.eye(3, dtype=np.float32)[[[2, 0], [1, 1]]])
    write_case("time_softmax_loss_t1_u8", "TimeSoftmaxWithLoss", rnd(rng, (3, 1, 4), f32),
               np.float64(1.0), ts=np.array([[3], [0], [1]], dtype=np.uint8))
    write_case("time_softmax_loss_long_f32", "TimeSoftmaxWithLoss", rnd(rng, (5, 40, 11), f32) * 2,
               np.float64(1.0), ts=rng.integers(-1, 11, size=(5, 40)))
    write_case("time_sigmoid_loss_f32_i64", "TimeSigmoidWithLoss", rnd(rng, (3, 4), f32) * 2,
               np.float64(1.0), ts=rng.integers(0, 2, size=(3, 4)))
    write_case("time_sigmoid_loss_f64_i32", "TimeSigmoidWithLoss", rnd(rng, (2, 5), f64),
               np.float64(1.0), ts=rng.integers(0, 2, size=(2, 5)).astype(np.int32))
    write_case("time_sigmoid_loss_f32_u8", "TimeSigmoidWithLoss", rnd(rng, (4, 3), f32),
               np.float64(3.0), ts=rng.integers(0, 2, size=(4, 3)).astype(np.uint8))
    write_case("time_dropout_f32_seeded", "TimeDropout", rnd(rng, (2, 3, 4), f32), rnd(rng, (2, 3, 4), f32),
               seed=1234)
    write_case("time_dropout_f64_ratio03_mask_given", "TimeDropout", rnd(rng, (2, 4, 3), f64),
               rnd(rng, (2, 4, 3), f64), ratio=0.3, seed=99, mask_in=True)
    write_case("time_dropout_f32_eval", "TimeDropout", rnd(rng, (2, 2, 3), f32), rnd(rng, (2, 2, 3), f32),
               train=False)


def notebook_cases():
    """The two seed notebooks (/work/shared/seeds), with their exact np.random.seed(1234) draws."""
    np.random.seed(1234)
    V, D = 10, 3
    embed_W = np.random.randn(V, D)
    N, T = 2, 4
    xs = np.array([[2, 5, 1, 4], [3, 2, 7, 8]])
    dout = np.random.randn(N, T, D)
    write_case("notebook_time_embedding", "TimeEmbedding", xs, dout, (embed_W,))

    np.random.seed(1234)
    D, H = 1, 5
    W = np.random.randn(D, H)
    b = np.zeros(H)
    N, T = 4, 5
    x = np.random.randn(N, T, D)
    dout = np.random.randn(N, T, H)
    write_case("notebook_time_affine", "TimeAffine", x, dout, (W, b))


def kernel_sums(rng):
    """float32 vectors with np.sum (pairwise) and a matrix with np.sum(axis=0) (row by row)."""
    directory = KERNEL_SUMS
    os.makedirs(directory)
    for n in (5, 8, 77, 128, 129, 300, 1000, 4099):
        a = (rnd(rng, (n,), np.float32) * 10) ** 3
        save(directory, f"vector_{n}", a)
        save(directory, f"sum_{n}", np.sum(a))
    m = (rnd(rng, (300, 6), np.float32) * 10) ** 3
    save(directory, "matrix", m)
    save(directory, "sum_axis0", np.sum(m, axis=0))
    column = (rnd(rng, (300, 1), np.float32) * 10) ** 3
    save(directory, "column", column)
    save(directory, "column_sum_axis0", np.sum(column, axis=0))


def main():
    assert np.__version__ == "2.4.6", f"fixtures are pinned to numpy 2.4.6, not {np.__version__}"
    shutil.rmtree(ROOT, ignore_errors=True)
    shutil.rmtree(KERNEL_SUMS, ignore_errors=True)
    rng = np.random.default_rng(20240611)
    feedforward_cases(rng)
    loss_and_dropout_cases(rng)
    time_cases(rng)
    notebook_cases()
    kernel_sums(rng)


if __name__ == "__main__":
    main()
