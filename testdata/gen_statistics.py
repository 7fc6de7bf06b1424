"""Writes the fixtures of `NDArray.statistics()` (what `tl-run inspect` shows), float32/float64.

For every case it writes testdata/statistics/<case>.npy (the array) and
testdata/statistics/<case>_expected.npy, a float64 vector [min, max, mean, nan count, inf count]
computed by NumPy: np.nanmin, np.nanmax, the float64 mean of the non-NaN values
(np.mean(a[~isnan], dtype=float64), inf where they hold +inf), np.isnan/np.isinf counts.
min, max and mean are NaN in the vector where statistics() has none (no non-NaN value).

NumPy leaves the sign of a zero min or max unspecified; tl-run's element-by-element loop
takes the first zero for the min and the last zero for the max, so for the signed-zero case
the expected vector states that rule explicitly (see `signed_zeros`).
Sizes (up to 1000 elements) are chosen so that the Swift tests, run with 16-element chunks,
cross chunk boundaries, SIMD tails and the split between threads.
Deterministic (fixed seed). Run with numpy==2.4.6: python3 testdata/gen_statistics.py
"""
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "statistics")


def expected(a):
    valid = a[~np.isnan(a)]
    if valid.size == 0:
        low = high = mean = np.nan
    else:
        low, high = np.nanmin(a), np.nanmax(a)
        with np.errstate(over="ignore", invalid="ignore"):
            mean = np.mean(valid, dtype=np.float64)
    return np.array([low, high, mean, np.isnan(a).sum(), np.isinf(a).sum()], dtype=np.float64)


def signed_zeros(a, row):
    """The sign rule for a zero min / max (first zero, last zero)."""
    zeros = np.flatnonzero(a == 0)
    if row[0] == 0:
        row[0] = a[zeros[0]]
    if row[1] == 0:
        row[1] = a[zeros[-1]]
    return row


def cases(rng):
    f32, f64 = np.float32, np.float64
    normal = rng.standard_normal(1000).astype(f32)
    with_nan = normal.copy()
    with_nan[[0, 17, 33, 500, 999]] = np.nan
    with_inf = normal.copy()
    with_inf[[5, 40]] = np.inf
    both_inf = with_nan.copy()
    both_inf[[3, 64]] = [np.inf, -np.inf]
    offset = (1e6 + rng.standard_normal(999)).astype(f64)
    overflow = np.array([1e308, 1e308] + [-5.0] * 30, dtype=f64)
    zeros = np.zeros(203, dtype=f32)
    zeros[[0, 150]] = -0.0
    zeros[[7, 120]] = 1.5
    nonpositive = -np.abs(rng.standard_normal(77)).astype(f64)
    nonpositive[[2, 60]] = [0.0, -0.0]
    return {
        "normal_f32": normal,
        "nan_f32": with_nan,
        "inf_f32": with_inf,
        "both_inf_f32": both_inf,
        "all_nan_f64": np.full(40, np.nan, dtype=f64),
        "offset_f64": offset,
        "overflow_f64": overflow,
        "tail_f32": rng.standard_normal(13).astype(f32),
        "signed_zero_f32": zeros,
        "signed_zero_max_f64": nonpositive,
    }


def main():
    os.makedirs(ROOT, exist_ok=True)
    for name, array in cases(np.random.default_rng(20261123)).items():
        row = expected(array)
        if name.startswith("signed_zero"):
            row = signed_zeros(array, row)
        np.save(os.path.join(ROOT, f"{name}.npy"), array)
        np.save(os.path.join(ROOT, f"{name}_expected.npy"), row)


if __name__ == "__main__":
    main()
