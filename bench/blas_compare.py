"""Which BLAS multiplies tl-run's shapes fastest on one thread: cblas_sgemm of Debian's
OpenBLAS (what tl-run links) with the kernels it picks itself and with those tl-run selects, of PyPI's scipy-openblas32 (a newer OpenBLAS, symbols prefixed
`scipy_`) and of Debian's BLIS (libblis4-pthread), through ctypes, each held to one thread.
Timed by the process CPU time (time.process_time, every thread), best of --repeat, so a loaded machine
disturbs the figures less than wall time would.

Shapes (row-major C(m,n) = op(A)·op(B), k the inner size), the LM's N=20, T=35, D=H=650, V=10000:
  step        20×650 · 650×2600          LSTM forward, h·Wh per step
  step-dh     20×2600 · (650×2600)ᵀ      LSTM backward, dA·Whᵀ per step
  step-half   20×650 · 650×1300          one of two column halves of a step (the split product)
  affine      700×650 · 650×10000        TimeAffine forward

Usage: python3 bench/blas_compare.py [--repeat R]      (libraries not installed are skipped)
"""

import ctypes
import glob
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112
SHAPES = {"step": (20, 650, 2600, False), "step-dh": (20, 2600, 650, True),
          "step-half": (20, 650, 1300, False), "affine": (700, 650, 10000, False)}


def libraries():
    """(name, cblas_sgemm) of each library, one at a time: Debian's OpenBLAS is measured with
    its own kernel choice before it is switched to tl-run's (one library, one choice at a time)."""
    debian = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"
    if os.path.exists(debian):
        import sgemm_peak
        lib = ctypes.CDLL(debian)
        lib.openblas_set_num_threads(1)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        yield f"debian-openblas-0.3.21 ({lib.openblas_get_corename().decode()})", lib.cblas_sgemm
        core = sgemm_peak.select_core_like_tl_run(lib)
        yield f"debian-openblas-0.3.21 as tl-run selects ({core})", lib.cblas_sgemm
    try:
        import scipy_openblas32
        path = os.path.join(scipy_openblas32.get_lib_dir(), "libscipy_openblas.so")
        lib = ctypes.CDLL(path)
        lib.scipy_openblas_set_num_threads(1)
        yield f"scipy-openblas32-{scipy_openblas32.__version__}", lib.scipy_cblas_sgemm
    except ImportError:
        pass
    for path in glob.glob("/usr/lib/x86_64-linux-gnu/blis-*/libblis.so.4"):
        lib = ctypes.CDLL(path)
        lib.bli_thread_set_num_threads(ctypes.c_long(1))
        yield "blis-" + os.path.basename(os.path.dirname(path)), lib.cblas_sgemm


def best_cpu_seconds(call, repeat):
    call()
    best = float("inf")
    for _ in range(repeat):
        before = time.process_time()
        call()
        best = min(best, time.process_time() - before)
    return best


def gflops(gemm, m, k, n, tb, repeat):
    gemm.restype = None
    gemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, ctypes.c_void_p, ctypes.c_int,
                     ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_void_p, ctypes.c_int]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
    c = np.empty((m, n), np.float32)

    def call():
        gemm(ROW_MAJOR, NO_TRANS, TRANS if tb else NO_TRANS, m, n, k, 1.0, a.ctypes.data, k,
             b.ctypes.data, k if tb else n, 0.0, c.ctypes.data, n)

    seconds = best_cpu_seconds(call, repeat)
    assert np.allclose(c, a @ (b.T if tb else b), rtol=1e-3, atol=1e-3)
    return 2 * m * k * n / seconds / 1e9


def main(argv):
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 30
    result = {}
    for name, gemm in libraries():
        result[name] = {shape: round(gflops(gemm, m, k, n, tb, repeat if shape != "affine" else
                                            max(3, repeat // 10)), 1)
                        for shape, (m, k, n, tb) in SHAPES.items()}
        print(name, json.dumps(result[name]), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
