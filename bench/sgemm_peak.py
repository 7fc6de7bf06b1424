"""The machine's raw GEMM speed, the yardstick for TimeAffine's GFLOP/s: cblas_sgemm and
cblas_dgemm of Debian's libopenblas.so.0 (OpenBLAS 0.3.21; when Debian's alternatives select
the pthreads build, as .ci/setup's packages do, it is the build whose static archive tl-run
links) called through ctypes, with
the kernels tl-run selects (select_core_like_tl_run), and
numpy's np.dot (numpy's wheel bundles its own OpenBLAS), at TimeAffine's forward shape
(N·T, D)·(D, M) and at a square 2000³.

Usage: python3 bench/sgemm_peak.py [NT D M]   — prints one JSON object (GFLOP/s, best of 5).
       python3 bench/sgemm_peak.py --square     — Debian's sgemm at 2000³ alone, best of 3 (~0.2 s:
                                                   peers.py's floor taken before every round).
"""

import ctypes
import json
import os
import sys
import time

import numpy as np

DEBIAN_OPENBLAS = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"
ROW_MAJOR, NO_TRANS = 101, 111


AVX512 = {"avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"}


def select_core_like_tl_run(library):
    """What tl-run does before its first product (Sources/TLKernels/BLASCore.swift): when
    OpenBLAS fell back to its SSE3 "Prescott" kernels for a CPU it does not know, re-run its
    kernel choice as OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2 + FMA) would.
    Returns the kernels' name."""
    library.openblas_get_corename.restype = ctypes.c_char_p
    name = library.openblas_get_corename().decode()
    if "OPENBLAS_CORETYPE" in os.environ or name != "Prescott":
        return name
    with open("/proc/cpuinfo") as f:
        flags = set(next((l for l in f if l.startswith("flags")), "").split())
    target = "SkylakeX" if AVX512 <= flags else "Haswell" if {"avx2", "fma"} <= flags else None
    if target:
        os.environ["OPENBLAS_CORETYPE"] = target
        library.gotoblas_dynamic_quit()
        library.gotoblas_dynamic_init()
        del os.environ["OPENBLAS_CORETYPE"]
    return library.openblas_get_corename().decode()


def _best_seconds(call, repeats=5):
    call()  # warm up threads and caches
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def cblas_gflops(library, dtype, m, k, n, repeats=5):
    """GFLOP/s of C = A·B with A (m,k), B (k,n) through cblas_[sd]gemm of `library`."""
    gemm = library.cblas_sgemm if dtype == np.float32 else library.cblas_dgemm
    scalar = ctypes.c_float if dtype == np.float32 else ctypes.c_double
    gemm.restype = None
    gemm.argtypes = [ctypes.c_int] * 6 + [scalar, ctypes.c_void_p, ctypes.c_int,
                     ctypes.c_void_p, ctypes.c_int, scalar, ctypes.c_void_p, ctypes.c_int]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    c = np.empty((m, n), dtype=dtype)

    def call():
        gemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1.0, a.ctypes.data, k,
             b.ctypes.data, n, 0.0, c.ctypes.data, n)

    seconds = _best_seconds(call, repeats)
    assert np.allclose(c[:2, :2], a[:2] @ b[:, :2], rtol=1e-3, atol=1e-3)
    return 2 * m * k * n / seconds / 1e9


def numpy_gflops(dtype, m, k, n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    return 2 * m * k * n / _best_seconds(lambda: np.dot(a, b)) / 1e9


def main(argv):
    if argv == ["--square"]:
        library = ctypes.CDLL(DEBIAN_OPENBLAS)
        core = select_core_like_tl_run(library)
        rate = cblas_gflops(library, np.float32, 2000, 2000, 2000, repeats=3)
        print(json.dumps({"openblas_core": core, "openblas_sgemm_square2000": round(rate, 1)}))
        return
    nt, d, m = (int(v) for v in argv) if len(argv) == 3 else (700, 650, 10000)
    library = ctypes.CDLL(DEBIAN_OPENBLAS)
    result = {"openblas_core": select_core_like_tl_run(library)}
    for label, dtype in (("sgemm", np.float32), ("dgemm", np.float64)):
        for shape_label, shape in (("affine", (nt, d, m)), ("square2000", (2000, 2000, 2000))):
            result[f"openblas_{label}_{shape_label}"] = cblas_gflops(library, dtype, *shape)
            result[f"numpy_{label}_{shape_label}"] = numpy_gflops(dtype, *shape)
    get_threads = getattr(library, "openblas_get_num_threads", None)
    result["openblas_threads"] = get_threads() if get_threads else None
    print(json.dumps({k: (round(v, 1) if isinstance(v, float) else v) for k, v in result.items()}))


if __name__ == "__main__":
    main(sys.argv[1:])
