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
       python3 bench/sgemm_peak.py --products   — the book-size language model's seven products
                                                   over all N·T rows (x·Wx; TimeAffine's x·W,
                                                   dx, dW; TimeLSTM's dWx, dWh, dxs) back to
                                                   back, as one OpenBLAS call each on its
                                                   threads, into memory written before (no page
                                                   faults): best of 7, ms each and in all, and
                                                   that over the 2000³ floor of the same FLOPs:
                                                   a reference for tl-run's compute, which adds
                                                   the 70 time-step products (4.7 GFLOP) and
                                                   splits its products for a busy core.
"""

import ctypes
import json
import os
import sys
import time

import numpy as np

DEBIAN_OPENBLAS = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"
ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112


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


def model_products(library, n=20, t=35, d=650, h=650, v=10000, repeats=7):
    """{product: best seconds} of the language model's products over all N·T rows, timed back
    to back (the best of `repeats` rounds for each, and of the rounds' totals), float32."""
    gemm = library.cblas_sgemm
    gemm.restype = None
    gemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, ctypes.c_void_p, ctypes.c_int,
                     ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_void_p, ctypes.c_int]
    rng = np.random.default_rng(0)
    rows, g = n * t, 4 * h
    arrays = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in (
        ("x", (rows, d)), ("Wx", (d, g)), ("hs", (rows, h)), ("W", (h, v)), ("dscores", (rows, v)),
        ("dA", (rows, g)))}
    out = {name: np.ones(shape, np.float32) for name, shape in (
        ("A", (rows, g)), ("scores", (rows, v)), ("dx", (rows, h)), ("dW", (h, v)), ("dWx", (d, g)),
        ("dWh", (h, g)), ("dxs", (rows, d)))}
    trans = lambda flag: TRANS if flag else NO_TRANS  # noqa: E731
    # (name, op(A) transposed, A, op(B) transposed, B, C, m, n, k): C = op(A)·op(B), row-major.
    products = [("x·Wx", False, "x", False, "Wx", "A", rows, g, d),
                ("affine x·W", False, "hs", False, "W", "scores", rows, v, h),
                ("affine dx = dscores·Wᵀ", False, "dscores", True, "W", "dx", rows, h, v),
                ("affine dW = xᵀ·dscores", True, "hs", False, "dscores", "dW", h, v, rows),
                ("lstm dWx = xᵀ·dA", True, "x", False, "dA", "dWx", d, g, rows),
                ("lstm dWh = h_prevᵀ·dA", True, "hs", False, "dA", "dWh", h, g, rows),
                ("lstm dxs = dA·Wxᵀ", False, "dA", True, "Wx", "dxs", rows, d, g)]
    best = {name: float("inf") for name, *_ in products}
    best["all"] = float("inf")
    for round_ in range(repeats + 1):  # the first round warms OpenBLAS's threads and buffers
        total = 0.0
        for name, ta, a, tb, b, c, m, n_, k in products:
            a, b, c = arrays[a], arrays[b], out[c]
            started = time.perf_counter()
            gemm(ROW_MAJOR, trans(ta), trans(tb), m, n_, k, 1.0, a.ctypes.data, a.shape[1],
                 b.ctypes.data, b.shape[1], 0.0, c.ctypes.data, c.shape[1])
            seconds = time.perf_counter() - started
            total += seconds
            if round_:
                best[name] = min(best[name], seconds)
        if round_:
            best["all"] = min(best["all"], total)
    flops = sum(2 * m * n_ * k for *_, m, n_, k in products)
    return best, flops


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
    if argv == ["--products"]:
        library = ctypes.CDLL(DEBIAN_OPENBLAS)
        core = select_core_like_tl_run(library)
        best, flops = model_products(library)
        rate = cblas_gflops(library, np.float32, 2000, 2000, 2000, repeats=3)
        floor = flops / rate / 1e9
        print(json.dumps({
            "openblas_core": core, "products_ms": {k: round(s * 1e3, 1) for k, s in best.items()},
            "products_gflop": round(flops / 1e9, 2), "products_gflops": round(flops / best["all"] / 1e9, 1),
            "openblas_sgemm_square2000": round(rate, 1),
            "products_over_floor": round(best["all"] / floor, 3)},
            ensure_ascii=False))
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
