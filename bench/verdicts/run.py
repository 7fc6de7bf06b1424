"""Runs tl-run on the verdict-calibration batches and prints the verdicts.

    python3 bench/verdicts/run.py [--count 120] [--seed 2024] [--tl-run PATH] [--jobs N]
                                  [--regenerate] [--verbose] [-- TL-RUN OPTIONS]

1. Generates both batches (bench/verdicts/gen.py --twins) unless bench/data/verdicts/ and
   bench/data/verdicts_twins/ already hold that --count and --seed; builds the release tl-run
   if the binary is missing.
2. `tl-run DIR/pipeline.json --batch DIR --report DIR/report.json` on the correct batch, then
   on the twins (options after `--` are passed to both runs, to try other tolerances).
3. Prints how many correct cases pass (all should), their failures with the arrays that failed,
   how many twins are caught on the changed array (all should), and the names of the twins that
   pass, by changed array, with the range of the changed elements' magnitudes (--verbose: each
   one). Exit status 0 when both are complete, else 1.

tl-run's results are written into each case's out/, so bench/verdicts/stats.py afterwards
measures the run just made (with --jobs 1 OpenBLAS uses every core, with more it is held to
one thread, and the float32 results differ in the last bits between the two).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(REPO, "bench", "data")
CORRECT = os.path.join(DATA, "verdicts")
TWINS = os.path.join(DATA, "verdicts_twins")
TL_RUN = os.path.join(REPO, ".build", "release", "tl-run")


def batch_matches(root, count, seed):
    try:
        with open(os.path.join(root, "batch.json")) as f:
            made = json.load(f)
    except (OSError, ValueError):
        return False
    return made.get("count") == count and made.get("seed") == seed


def ensure_batches(count, seed, regenerate):
    if not regenerate and batch_matches(CORRECT, count, seed) and batch_matches(TWINS, count, seed):
        return
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--count", str(count),
                    "--seed", str(seed), "--out", CORRECT, "--twins", "--twins-out", TWINS],
                   check=True)


def ensure_tl_run(path):
    if os.path.exists(path):
        return
    if path != TL_RUN:
        sys.exit(f"run.py: no tl-run at {path}")
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product",
                    "tl-run"], cwd=REPO, check=True)


def run_batch(tl_run, root, jobs, extra):
    report = os.path.join(root, "report.json")
    argv = [tl_run, os.path.join(root, "pipeline.json"), "--batch", root, "--report", report]
    if jobs:
        argv += ["--jobs", str(jobs)]
    done = subprocess.run(argv + extra, stdout=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        print(f"tl-run exited {done.returncode} on {root} (errors below)")
    with open(report) as f:
        return json.load(f)


def failed_arrays(case):
    arrays = (case.get("comparison") or {}).get("arrays", [])
    return [a for a in arrays if a.get("status") != "pass"]


def describe(array):
    worst = array.get("max_abs_diff", {})
    return (f"{array['name']} ({array.get('mismatched')}/{array.get('total')} elements, "
            f"max abs diff {worst.get('value')} at {worst.get('index', [])})")


def summarize_correct(report):
    cases = report["cases"]
    passed = [c for c in cases if c["status"] == "pass"]
    print(f"correct batch: {len(passed)}/{len(cases)} cases pass")
    by_array = {}
    for case in cases:
        if case["status"] == "pass":
            continue
        if case["status"] == "error":
            print(f"  {case['name']}: error: {case.get('message')}")
            continue
        bad = failed_arrays(case)
        for array in bad:
            by_array.setdefault(array["name"], []).append(case["name"])
        print(f"  {case['name']}: " + "; ".join(describe(a) for a in bad))
    if by_array:
        print("  failing arrays: " + ", ".join(f"{k} in {len(v)} cases"
                                                for k, v in sorted(by_array.items())))
    return len(passed) == len(cases)


def summarize_twins(report, verbose):
    cases = report["cases"]
    caught, missed, other = [], [], []
    for case in cases:
        with open(os.path.join(case["directory"], "twin.json")) as f:
            twin = json.load(f)
        bad = {a["name"] for a in failed_arrays(case)}
        if case["status"] == "error":
            other.append((case, twin, f"error: {case.get('message')}"))
        elif twin["array"] in bad:
            caught.append(case)
            if bad - {twin["array"]}:
                also = ", ".join(sorted(bad - {twin["array"]}))
                other.append((case, twin, "also failed " + also))
        elif bad:
            missed.append((case, twin))
            other.append((case, twin, "failed only on " + ", ".join(sorted(bad))))
        else:
            missed.append((case, twin))
    print(f"twin batch: {len(caught)}/{len(cases)} twins caught on the changed array, "
          f"{len(missed)} not caught")
    by_array = {}
    for case, twin in missed:
        by_array.setdefault(twin["array"], []).append((case, twin))
    for array, group in sorted(by_array.items()):
        sizes = [abs(t["correct"]) for _, t in group]
        print(f"  not caught on {array}: {len(group)} (changed element |e| "
              f"{min(sizes):.2g}..{max(sizes):.2g}): " + " ".join(c["name"] for c, _ in group))
        if verbose:
            for case, twin in group:
                print(f"    {case['name']}: {array}{twin['index']} {twin['correct']:.6g} → "
                      f"{twin['twin']:.6g} ({twin['relative_change']:+.2%}; array scale "
                      f"{twin['array_scale']:.3g})")
    for case, twin, note in other:
        print(f"  {case['name']}: {note}")
    return len(caught) == len(cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--tl-run", default=TL_RUN)
    parser.add_argument("--jobs", type=int, default=0, help="tl-run --jobs (default: its own)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="one line per twin not caught")
    parser.add_argument("extra", nargs=argparse.REMAINDER,
                        help="after --: options passed to tl-run (e.g. --rtol 1e-5 --atol 0)")
    args = parser.parse_args()
    extra = args.extra[1:] if args.extra[:1] == ["--"] else args.extra
    ensure_tl_run(args.tl_run)
    ensure_batches(args.count, args.seed, args.regenerate)
    if extra:
        print("tl-run options: " + " ".join(extra))
    correct = summarize_correct(run_batch(args.tl_run, CORRECT, args.jobs, extra))
    twins = summarize_twins(run_batch(args.tl_run, TWINS, args.jobs, extra), args.verbose)
    sys.exit(0 if correct and twins else 1)


if __name__ == "__main__":
    main()
