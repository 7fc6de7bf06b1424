"""How far tl-run's results are from the NumPy references of the correct verdicts batch, per
array, to calibrate the default tolerances.

    python3 bench/verdicts/stats.py [DIR]        (default bench/data/verdicts; run run.py first)

Reads every case's out/ (what tl-run wrote) and expected/ (NumPy), in float64. Per case and
array, with e the reference, a tl-run's result, scale = max|e| and eps = 2^-23 (float32's
machine epsilon; for the float64 loss too, as its numerator is a float32 sum):

  scale_err   max|a−e| / scale                        the error relative to the array's scale
  elem_rel    max |a−e|/|e| over elements with |e| ≥ 0.1·scale
  eps_units   max|a−e| / (eps·scale)                  scale_err in float32 epsilons
  /sqrt(NT)   eps_units / sqrt(N·T);   /T   eps_units / T
  tol_use     max |a−e| / (atol + rtol·|e|) at tl-run's default tolerances for the reference
              dtype (float32 rtol 1.3e-6 atol 1e-5, float64 rtol 1e-7 atol 1e-7): > 1 fails

Printed per array: "fail", the number of cases over the default tolerance; the max of each
over all cases (with the case holding the largest eps_units), and the least-squares slopes of
log(eps_units) against log(N·T) and log(T) over the cases with a nonzero error (a slope near
0.5 against N·T means √(N·T) growth). Arrays that are all zero in a case (lstm.dWh at T = 1)
are left out of that case.
"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.normpath(os.path.join(HERE, "..", "data", "verdicts"))
EPS32 = float(np.finfo(np.float32).eps)
DEFAULT_TOLERANCE = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}  # tl-run's (rtol, atol)


def case_metrics(actual, expected):
    a, e = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if a.shape != e.shape:
        raise ValueError(f"shape {a.shape} ≠ reference {e.shape}")
    diff = np.abs(a - e)
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    if scale == 0.0:
        return None
    big = np.abs(e) >= 0.1 * scale
    max_diff = float(np.max(diff))
    rtol, atol = DEFAULT_TOLERANCE[str(np.asarray(expected).dtype)]
    return {"tol_use": float(np.max(diff / (atol + rtol * np.abs(e)))),
            "scale_err": max_diff / scale,
            "elem_rel": float(np.max(diff[big] / np.abs(e[big]))),
            "eps_units": max_diff / (EPS32 * scale)}


def slope(xs, ys):
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0 and x > 0]
    if len(points) < 3:
        return float("nan")
    px = np.array([p[0] for p in points])
    py = np.array([p[1] for p in points])
    if np.ptp(px) == 0:
        return float("nan")
    return float(np.polyfit(px, py, 1)[0])


def collect(root):
    rows = {}
    names = sorted(d for d in os.listdir(root)
                   if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    for name in names:
        case = os.path.join(root, name)
        with open(os.path.join(case, "case.json")) as f:
            info = json.load(f)
        for file_name in sorted(os.listdir(os.path.join(case, "expected"))):
            array = file_name[:-4]
            produced = os.path.join(case, "out", file_name)
            if not os.path.exists(produced):
                print(f"{name}: no tl-run result {array} (run bench/verdicts/run.py first)")
                continue
            expected = np.load(os.path.join(case, "expected", file_name))
            m = case_metrics(np.load(produced), expected)
            if m is None:
                continue
            m.update(case=name, N=info["N"], T=info["T"], dtype=str(expected.dtype))
            rows.setdefault(array, []).append(m)
    return rows, len(names)


def table(rows):
    header = ("array", "dtype", "cases", "fail", "tol_use", "scale_err", "elem_rel", "eps_units",
              "/sqrt(NT)",
              "/T", "slope NT", "slope T", "worst case")
    lines = [header]
    order = sorted(rows, key=lambda k: (k != "out", k))
    for array in order:
        ms = rows[array]
        nt = [m["N"] * m["T"] for m in ms]
        t = [m["T"] for m in ms]
        eps = [m["eps_units"] for m in ms]
        worst = max(ms, key=lambda m: m["eps_units"])
        lines.append((
            array, ms[0]["dtype"], str(len(ms)), str(sum(m["tol_use"] > 1 for m in ms)),
            f"{max(m['tol_use'] for m in ms):.3g}",
            f"{max(m['scale_err'] for m in ms):.3g}",
            f"{max(m['elem_rel'] for m in ms):.3g}",
            f"{max(eps):.3g}",
            f"{max(e / math.sqrt(n) for e, n in zip(eps, nt)):.3g}",
            f"{max(e / tt for e, tt in zip(eps, t)):.3g}",
            f"{slope(nt, eps):.2f}", f"{slope(t, eps):.2f}",
            f"{worst['case']} (N={worst['N']} T={worst['T']})"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) if i in (0, 1, 12) else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
                     for line in lines)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    rows, count = collect(root)
    print(f"{root}: {count} cases; eps = float32 epsilon {EPS32:.3g}; maxima over cases")
    print(table(rows))


if __name__ == "__main__":
    main()
