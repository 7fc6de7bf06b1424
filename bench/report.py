"""The benchmark's tables (Markdown): medians, ratios, peak memory, GEMM GFLOP/s, sweep."""

GROUP_TITLES = {
    "a": "(a) ch06 language model: TimeEmbedding → TimeLSTM → TimeAffine → TimeSoftmaxWithLoss, "
         "N=20 T=35 V=10000 D=H=650",
    "b": "(b) TimeAffine alone, D=650 M=10000 N·T=700",
    "c": "(c) single layers, N=20 T=35: TimeLSTM D=H=650, TimeGRU/TimeRNN D=H=100, "
         "TimeEmbedding V=10000 D=650",
    "d": "(d) language model cost growth, T=35, N·T = 175 … 11200",
    "x": "(x) extra: the language model without its LSTM",
}


def _seconds(value):
    return f"{value:.3f}" if value is not None else "–"


def _mb(side):
    return f"{side['peak_mb']:.0f}" if side else "–"


def _ratio(row):
    tl, np_ = row.get("tl"), row.get("numpy")
    return tl["median_s"] / np_["median_s"] if tl and np_ else None


def _status(row):
    for key in ("skipped", "error", "numpy_error"):
        if key in row:
            return f"{key.replace('_', ' ')}: {row[key]}"
    return row.get("check", "")


def one_line(row):
    tl, np_ = row.get("tl"), row.get("numpy")
    parts = [f"tl-run {_seconds(tl and tl['median_s'])} s" if tl else "tl-run –",
             f"NumPy {_seconds(np_ and np_['median_s'])} s" if np_ else "NumPy –"]
    ratio = _ratio(row)
    if ratio:
        parts.append(f"ratio {ratio:.2f}")
    return ", ".join(parts) + (f"  [{_status(row)}]" if _status(row) else "")


def _main_table(rows):
    lines = [
        "| case | tl-run median s (compute only) | NumPy median s (compute only) | tl-run/NumPy | "
        "tl-run peak MB | NumPy peak MB | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        tl, np_ = row.get("tl"), row.get("numpy")
        ratio = _ratio(row)
        numpy_cell = (f"{np_['median_s']:.3f} ({np_['compute_median_s']:.3f})" if np_ else "–")
        lines.append(
            f"| {row['case']} | {_seconds(tl and tl['median_s'])}{_compute(tl)} | {numpy_cell} | "
            f"{f'{ratio:.2f}' if ratio else '–'} | {_mb(tl)} | {_mb(np_)} | {_status(row)} |")
    return lines


def _compute(side):
    """ " (0.123)": the median of the compute phases alone, when the runs reported them."""
    return f" ({side['compute_median_s']:.3f})" if side and "compute_median_s" in side else ""


def _gemm_lines(results):
    gemm = results.get("gemm")
    rows = [r for r in results["rows"] if r["group"] == "b"]
    if not gemm or not rows:
        return []
    lines = ["", "GFLOP/s of TimeAffine (3 GEMMs: forward, dW, dx; whole process incl. I/O) "
             "vs. one raw GEMM of the forward's shape (700×650)·(650×10000):", "",
             "| case | tl-run GFLOP/s (compute only) | NumPy GFLOP/s (compute only) | raw Debian OpenBLAS | "
             "raw numpy np.dot |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        kind = "sgemm" if row["dtype"] == "float32" else "dgemm"
        tl, np_ = row.get("tl"), row.get("numpy")
        tl_rate = (f"{row['flops'] / tl['median_s'] / 1e9:.1f} "
                   f"({row['flops'] / tl['compute_median_s'] / 1e9:.1f})" if tl else "–")
        np_rate = (f"{row['flops'] / np_['median_s'] / 1e9:.1f} "
                   f"({row['flops'] / np_['compute_median_s'] / 1e9:.1f})" if np_ else "–")
        lines.append(f"| {row['case']} | {tl_rate} | {np_rate} | "
                     f"{gemm[f'openblas_{kind}_affine']} | {gemm[f'numpy_{kind}_affine']} |")
    lines.append(f"\n(square 2000³: Debian sgemm {gemm['openblas_sgemm_square2000']}, dgemm "
                 f"{gemm['openblas_dgemm_square2000']} GFLOP/s; "
                 f"OpenBLAS threads: {gemm['openblas_threads']})")
    return lines


def _sweep_lines(rows):
    sweep = [r for r in rows if r["group"] == "d"]
    if not sweep:
        return []
    lines = ["", "Cost growth (each row relative to the previous N·T of the same dtype):", "",
             "| case | N·T | tl-run s | growth | NumPy s | growth | tl-run MB | NumPy MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    previous = {}
    for row in sweep:
        tl, np_ = row.get("tl"), row.get("numpy")
        before = previous.get(row["dtype"])
        def growth(side):
            now, then = row.get(side), before and before.get(side)
            return f"×{now['median_s'] / then['median_s']:.2f}" if now and then else "–"
        lines.append(
            f"| {row['case']} | {row['NT']} | {_seconds(tl and tl['median_s'])} | {growth('tl')} | "
            f"{_seconds(np_ and np_['median_s'])} | {growth('numpy')} | "
            f"{_mb(tl)} | {_mb(np_)} |")
        previous[row["dtype"]] = row
    return lines


def render(results):
    """All tables as Markdown text."""
    rows = results["rows"]
    load = " → ".join(f"{l[0]:.2f}" for l in (results.get("load_before"), results.get("load_after")) if l)
    lines = [f"Medians of {results['runs']} runs per side (after one warm-up), whole processes; "
             f"peak = max ru_maxrss over the runs. 1-min load average before → after: {load} "
             "(2 cores, shared)."]
    for group, title in GROUP_TITLES.items():
        group_rows = [r for r in rows if r["group"] == group]
        if group_rows:
            lines += ["", f"**{title}**", ""] + _main_table(group_rows)
    lines += _gemm_lines(results) + _sweep_lines(rows)
    return "\n".join(lines)
