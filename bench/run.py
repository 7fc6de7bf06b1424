"""The tl-run benchmark: `python3 bench/run.py` (from the package root; see bench/README.md).

Generates the cases once under bench/data/ (git-ignored), then for each case runs the release
`tl-run PIPELINE.json` and the book-style NumPy script (bench/numpy_run.py) as whole
processes, alternately, --runs times each after one untimed warm-up, and prints the medians,
the tl-run/NumPy ratio and both sides' peak resident memory. A case whose layer type tl-run
does not register yet is reported as skipped (its NumPy time is still measured).
Results also go to bench/data/results.json and bench/data/results.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import cases as case_table  # noqa: E402
import report  # noqa: E402
from measure import kernel_environment, kernel_note, run_once, summarize  # noqa: E402

UNKNOWN_TYPE = re.compile(r'unknown layer type "(\w+)"')


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side (default 5)")
    parser.add_argument("--only", default="", help="regex: run only the cases it matches")
    parser.add_argument("--groups", default="abcdx",
                        help="letters of the groups to run: a LM, b TimeAffine, c single "
                             "layers, d sweep, x extra (default: all)")
    parser.add_argument("--float32-only", action="store_true", help="skip the float64 cases")
    parser.add_argument("--tl-run", default=os.path.join(ROOT, ".build/release/tl-run"),
                        help="the tl-run binary (default: .build/release/tl-run, built if absent)")
    parser.add_argument("--threads", type=int,
                        help="OPENBLAS_NUM_THREADS for both sides (default: OpenBLAS's own)")
    parser.add_argument("--no-sgemm", action="store_true", help="skip the raw GEMM yardstick")
    parser.add_argument("--native-kernels", action="store_true",
                        help="drop OPENBLAS_CORETYPE from every side's environment (measure.py)")
    return parser.parse_args()


def ensure_binary(path):
    if os.path.exists(path):
        return
    print(f"{path} is missing: swift build -c release --static-swift-stdlib --product tl-run",
          flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "tl-run"],
                   cwd=ROOT, check=True)


def selected_cases(args):
    pattern = re.compile(args.only) if args.only else None
    return [c for c in case_table.all_cases()
            if c.group in args.groups and (pattern is None or pattern.search(c.name))
            and not (args.float32_only and c.dtype == "float64")]


def measure_case(case, pipeline, args, env):
    """Warm-up, then alternate tl-run and NumPy runs; returns the row for the report."""
    directory = os.path.dirname(pipeline)
    tl_argv = [args.tl_run, pipeline, "--timings"]  # phase times on stderr; costs two clock reads a phase
    np_argv = [sys.executable, os.path.join(HERE, "numpy_run.py"), pipeline,
               os.path.join(directory, "out_numpy")]
    row = {"case": case.name, "group": case.group, "dtype": case.dtype, "note": case.note,
           "NT": case.N * case.T, "flops": case.flops}
    warm = run_once(tl_argv, env=env)
    skipped = UNKNOWN_TYPE.search(warm.stderr)
    if skipped:
        row["skipped"] = f"{skipped.group(1)} not registered in tl-run yet"
    elif warm.status != 0:
        row["error"] = (warm.stderr.strip().splitlines() or [f"exit {warm.status}"])[-1]
    np_warm = run_once(np_argv, env=env)
    if np_warm.status != 0:
        row["numpy_error"] = (np_warm.stderr.strip().splitlines() or ["?"])[-1]
        return row
    tl_runs, np_runs = [], []
    for _ in range(args.runs):
        if "skipped" not in row and "error" not in row:
            tl_runs.append(run_once(tl_argv, env=env))
        np_runs.append(run_once(np_argv, env=env))
    if tl_runs:
        row["tl"] = summarize(tl_runs).__dict__
        tl_computes = sorted(compute_seconds(r.stderr) for r in tl_runs)
        row["tl"]["compute_median_s"] = tl_computes[len(tl_computes) // 2]
        row["check"] = check_outputs(args.tl_run, directory, case.dtype)
    row["numpy"] = summarize(np_runs).__dict__
    computes = sorted(json.loads(r.stdout)["compute"] for r in np_runs)
    row["numpy"]["compute_median_s"] = computes[len(computes) // 2]
    return row


PHASE = re.compile(r"^\s*([0-9.]+) ms  \S+ (forward|backward|grads)$", re.M)


def compute_seconds(stderr):
    """The sum of tl-run's forward and backward phases and the weight gradients finished after
    them (`NAME grads`, --timings): the compute alone, without
    start-up, loading and writing, to set beside numpy_run.py's own "compute"."""
    return sum(float(ms) for ms, _ in PHASE.findall(stderr)) / 1e3


def check_outputs(tl_run, directory, dtype):
    """Sanity check that both sides computed the same thing (loose tolerance, not timed)."""
    rtol, atol = ("1e-3", "1e-3") if dtype == "float32" else ("1e-6", "1e-9")
    result = run_once([tl_run, "compare", os.path.join(directory, "out"),
                       os.path.join(directory, "out_numpy"), "--rtol", rtol, "--atol", atol])
    if result.status == 0:
        return f"same (rtol {rtol}, atol {atol})"
    lines = (result.stdout + result.stderr).strip().splitlines()
    return f"DIFFERS (exit {result.status}): " + " | ".join(lines[:3])


def main():
    args = parse_arguments()
    ensure_binary(args.tl_run)
    env = kernel_environment(os.environ, args.native_kernels)
    if args.threads:
        env["OPENBLAS_NUM_THREADS"] = str(args.threads)
    data = os.path.join(HERE, "data")
    os.makedirs(data, exist_ok=True)
    results = {"rows": [], "runs": args.runs, "threads": args.threads,
               "load_before": os.getloadavg()}
    if not args.no_sgemm:
        print("measuring raw GEMM speed (bench/sgemm_peak.py)...", flush=True)
        probe = run_once([sys.executable, os.path.join(HERE, "sgemm_peak.py")], env=env)
        results["gemm"] = json.loads(probe.stdout) if probe.status == 0 else None
    for case in selected_cases(args):
        print(f"{case.name}: generating", end="", flush=True)
        pipeline = case_table.generate(case, data)
        print(", measuring", flush=True)
        row = measure_case(case, pipeline, args, env)
        results["rows"].append(row)
        print("  " + report.one_line(row), flush=True)
    results["load_after"] = os.getloadavg()
    text = kernel_note(env) + "\n\n" + report.render(results)
    print("\n" + text)
    with open(os.path.join(data, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(data, "results.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
