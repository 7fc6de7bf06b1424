"""Writes testdata/compare/isclose_cases.json: what numpy.isclose says for a table of edge cases.

Each row is one element pair compared as NumPy 2.4 compares arrays of that dtype:
    numpy.isclose(np.array([actual], dtype), np.array([expected], dtype), rtol, atol, equal_nan)
Values are written as str() of the typed NumPy scalar (the shortest repr in that dtype, and
"nan", "inf", "-inf", "-0.0"), so a reader parses them back to the exact same value.

Rows with "exact_integers": true are the deliberate exception: NumPy turns integer arrays into
float64 before subtracting, so int64/uint64 values beyond 2**53 that differ by 1 compare as
close; tl-run compares integers exactly and must say the opposite of "isclose" on those rows.

Regenerate: python3 testdata/gen_compare.py (numpy pinned in testdata/requirements.txt).
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).parent / "compare" / "isclose_cases.json"
NAN, INF = float("nan"), float("inf")


def float_cases(dtype):
    """Edge cases for one float dtype, including its own tolerance boundaries."""
    f = np.dtype(dtype).type
    info = np.finfo(dtype)
    tiny_sub = float(info.smallest_subnormal)
    big = float(info.max)
    one = f(1)
    # The default float tolerances of that dtype, and elements just around the boundary
    # atol + rtol*|1| as NumPy rounds it in this dtype.
    rtol, atol = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}[dtype]
    around = []
    for e in (one, f(0.37), f(3.3), f(1234.5), f(-77.7)):
        edge = e + (f(atol) + f(rtol) * abs(e))
        around += [(edge, e), (np.nextafter(edge, f(INF)), e), (np.nextafter(edge, f(-INF)), e)]
    rows = [(1.0, 1.0, 0, 0, True), (1.5, 1.0, 0.5, 0, True), (1.25, 1.0, 0, 0.25, True),
            (1.25, 1.0, 0, 0.2, True), (2.0, 1.0, 0.5, 0.5, True), (0.0, 1.0, 1.0, 0, True),
            (2.0, 1.0, 0.999, 0, True), (-1.0, 1.0, 1.0, 1.0, True), (0.5, 0.0, 0.1, 0.5, True),
            (0.5, 0.0, 1.0, 0.25, True),
            (NAN, NAN, 0, 0, True), (NAN, NAN, 0, 0, False), (NAN, 1.0, 1, 1, True),
            (1.0, NAN, 1, 1, True), (NAN, INF, 0, 0, True),
            (INF, INF, 0, 0, True), (-INF, -INF, 0, 0, True), (INF, -INF, 0, 0, True),
            (INF, 1.0, 1, 1e3, True), (1.0, INF, 1, 1e3, True), (INF, big, 1, 0, True),
            (-0.0, 0.0, 0, 0, True), (0.0, -0.0, 0, 0, True),
            (tiny_sub, 0.0, 0, 0, True), (tiny_sub, 0.0, 0, tiny_sub, True),
            (tiny_sub, -tiny_sub, 0, tiny_sub, True), (tiny_sub, -tiny_sub, 1, 0, True),
            (big, -big, 1, 0, True), (big, -big, 2, 0, True), (big, big, 0, 0, True),
            (float(np.nextafter(f(big), f(0))), big, 0, 0, True)]
    rows += [(float(a), float(e), rtol, atol, True) for a, e in around]
    return [(dtype, *row) for row in rows]


def int_cases():
    """Integer and bool rows: small values agree with NumPy; past 2**53 tl-run stays exact."""
    rows = [("int64", 5, 3, 0, 2, True, False), ("int64", 5, 3, 0, 1.9, True, False),
            ("int64", -7, 7, 1, 0, True, False), ("int64", -7, 7, 1, 7, True, False),
            ("int32", 2**31 - 1, -(2**31), 0, 0, True, False), ("uint8", 0, 255, 1, 0, True, False),
            ("uint8", 255, 0, 0, 254, True, False), ("int8", -128, 127, 0, 255, True, False),
            ("bool", True, False, 0, 0, True, False), ("bool", True, True, 0, 0, True, False),
            ("int64", 2**53 + 1, 2**53, 0, 0, True, True),
            ("int64", 2**63 - 1, 2**63 - 2, 0, 0, True, True),
            ("uint64", 2**64 - 1, 2**64 - 2, 0, 0, True, True)]
    return rows


def row_json(dtype, actual, expected, rtol, atol, equal_nan, exact_integers=False):
    a = np.array([actual], dtype=dtype)
    e = np.array([expected], dtype=dtype)
    with np.errstate(all="ignore"):
        close = bool(np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)[0])
    return {"dtype": dtype, "actual": str(a[0]), "expected": str(e[0]), "rtol": rtol, "atol": atol,
            "equal_nan": equal_nan, "isclose": close, "exact_integers": exact_integers}


def main():
    rows = [row_json(*r) for d in ("float16", "float32", "float64") for r in float_cases(d)]
    rows += [row_json(*r) for r in int_cases()]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": rows}, indent=1) + "\n")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
