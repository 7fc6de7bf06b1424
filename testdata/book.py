"""The book's common/functions.py ("Deep Learning from Scratch 2", MIT licence): sigmoid,
softmax and cross_entropy_error, the one copy the layer generators share
(gen_layers_core.py, gen_layers_recurrent.py). They are the oracle of every layer fixture.

Import it before numpy: it pins the code paths NumPy and its bundled OpenBLAS take on x86-64
to the AVX2 ones (no AVX-512 loops in NumPy, OpenBLAS's Haswell kernels), the paths the
committed fixtures were computed with. On a machine with AVX-512 the default paths round some
float32 results differently in the last bits; pinned, the generators rewrite every fixture
byte for byte on any x86-64 machine. (An explicit NPY_DISABLE_CPU_FEATURES or
OPENBLAS_CORETYPE in the environment wins.)
"""
import os
import platform

if platform.machine() in ("x86_64", "AMD64"):
    os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4")
    os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")

import numpy as np  # noqa: E402  (after the pins, which numpy reads when it loads)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    if x.ndim == 2:
        x = x - x.max(axis=1, keepdims=True)
        x = np.exp(x)
        x /= x.sum(axis=1, keepdims=True)
    elif x.ndim == 1:
        x = x - np.max(x)
        x = np.exp(x) / np.sum(np.exp(x))
    return x


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
