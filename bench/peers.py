"""The issue-18 table: tl-run against its peers on the book-size language model, and (with
--train) one training step of AttentionSeq2seq and BetterRnnlm against the book's NumPy code.

    python3 bench/peers.py                  # LM peers, 5 runs per side, + the training steps
    python3 bench/peers.py --runs 3 --no-train
    python3 bench/peers.py --native-kernels  # without a set OPENBLAS_CORETYPE (see below)
    python3 bench/peers.py --pause 2         # every run after 2 s idle (see below)

Language model (bench/cases.py's lm-float32: TimeEmbedding → TimeLSTM → TimeAffine →
TimeSoftmaxWithLoss, N=20, T=35, V=10000, D=H=650), as whole processes, interleaved (one
untimed warm-up each, then --runs rounds of every side in turn):
  tl-run           the release binary, --timings (its compute = forward + backward phases)
  numpy-book       bench/numpy_run.py, the book's classes
  numpy-vectorised bench/peers/numpy_vectorised.py
  jax              bench/peers/jax_lm.py (jit + lax.scan; compile apart from steady state)
  torch            bench/peers/torch_lm.py, only when `import torch` works
Every peer's arrays are compared with tl-run's (`tl-run compare`, rtol/atol 1e-3); a peer whose
numbers disagree is flagged in its row. The GEMM floor is the FLOPs of the model's products
(3 × 2·N·T·H·V for the affine, 3 × 2·N·T·(D+H)·4H for the LSTM) over the best sgemm rate
bench/sgemm_peak.py measures in the same run (2000³; Debian's OpenBLAS or NumPy's). Because
this machine's sgemm rate swings between ~180 and ~310 GFLOP/s from one second to the next
(other tenants of its host), a second floor is taken under the rounds' own conditions: Debian's
sgemm 2000³ (best of 3) just before and just after tl-run's run in every round, their mean as
that round's rate, and tl-run's compute over that round's floor, as a median over the rounds.
The headroom line says what issue 18's whole-process target (tl-run at most half the vectorised
NumPy's whole process) leaves tl-run's compute once its own time outside the compute phases
(start, load, write, exit) is taken off, as a multiple of the GEMM floor.
Training steps: bench/train_step.py's cases against bench/numpy_train.py, same interleaving,
outputs compared at the training tolerance (rtol 1e-4, atol 1e-5).
Every side, and the floor, runs in this process's environment as it started. Where that sets
OPENBLAS_CORETYPE (this machine's environment sets Haswell for every process), all of them run
those kernels; --native-kernels drops the variable so that each OpenBLAS picks its own for the
CPU. The table's header says which.
--pause S sleeps S seconds before every timed run of every side. Back to back, a run reuses
memory the previous process has just freed; on a virtual machine that reports free memory to its
host, the huge pages of a run after a pause of a second or more cost several times more to
clear (bench/fresh_pages.py measures it). A user's single run is usually of that kind.
Writes bench/data/peers.{json,md}.
"""

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

# The environment every side runs in: this process's as it started. train_step imports the
# fixture generators, whose testdata/book.py pins NumPy and OpenBLAS to their AVX2 paths
# (OPENBLAS_CORETYPE=Haswell) in os.environ for byte-identical fixtures; handed on, that pin
# made tl-run and the NumPy peers run OpenBLAS's Haswell kernels at half this machine's sgemm
# rate (an AVX-512 Xeon), which no user's run does.
ENVIRONMENT = dict(os.environ)

import cases as case_table  # noqa: E402
import train_step  # noqa: E402
from measure import kernel_environment, kernel_note, run_once  # noqa: E402

PHASE = re.compile(r"^\s*([0-9.]+) ms  (\S+(?: \S+)*)$", re.M)


def non_negative(text):
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds >= 0, got {text}")
    return value


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side (default 5)")
    parser.add_argument("--tl-run", default=os.path.join(ROOT, ".build/release/tl-run"))
    parser.add_argument("--no-train", action="store_true", help="skip the training-step cases")
    parser.add_argument("--no-lm", action="store_true", help="skip the language-model peers")
    parser.add_argument("--no-jax", action="store_true", help="skip JAX")
    parser.add_argument("--threads", type=int, help="OPENBLAS_NUM_THREADS for every side")
    parser.add_argument("--native-kernels", action="store_true",
                        help="drop OPENBLAS_CORETYPE from every side's environment (measure.py)")
    parser.add_argument("--pause", type=non_negative, default=0.0,
                        help="seconds idle before every timed run of every side (default 0; "
                             "see bench/fresh_pages.py)")
    return parser.parse_args()


def load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def timings(stderr):
    """tl-run --timings: {phase name: seconds}."""
    return {name: float(ms) / 1e3 for ms, name in PHASE.findall(stderr)}


def tl_compute(stderr):
    """tl-run's compute: its layers' forward and backward phases and the weight gradients
    finished after them ("affine grads": TimeAffine's dW, partly computed beside the LSTM's
    backward) for a chain, or its one "compute" phase (a version-2 model)."""
    phases = timings(stderr)
    layers = [s for name, s in phases.items() if name.endswith((" forward", " backward", " grads"))]
    return sum(layers) if layers else phases.get("compute", 0.0)


def compare(tl_run, ours, theirs, rtol, atol):
    result = run_once([tl_run, "compare", ours, theirs, "--rtol", str(rtol), "--atol", str(atol)])
    if result.status == 0:
        return f"same (rtol {rtol}, atol {atol})"
    lines = [l for l in (result.stdout + result.stderr).splitlines() if "FAIL" in l or "fail" in l]
    return f"DIFFERS (exit {result.status}): " + " | ".join(lines[:3])


def interleave(sides, runs, env, probe=None, pause=0.0):
    """sides: {name: (argv, compute_of(run) -> seconds)}; warm-up each, then runs rounds.
    probe: (argv, value_of(run)) run before and just after the first side's run in every
    round (just before it unless pause is set); the pairs come back as "probe". pause: seconds
    of sleep right before every timed run (after the probe), so that each starts on memory the
    machine has had time to give back."""
    results = {name: {"runs": [], "computes": []} for name in sides}
    probes = []
    for name, (argv, _) in sides.items():
        warm = run_once(argv, env=env)
        if warm.status != 0:
            results[name]["error"] = (warm.stderr.strip().splitlines() or [f"exit {warm.status}"])[-1]
    def probed():
        measured = run_once(probe[0], env=env)
        return probe[1](measured) if measured.status == 0 else None

    first = next(iter(sides))
    for _ in range(runs):
        for name, (argv, compute_of) in sides.items():
            if "error" in results[name]:
                continue
            before = probed() if probe and name == first else None
            time.sleep(pause)
            run = run_once(argv, env=env)
            if probe and name == first:
                probes.append((before, probed()))
            results[name]["runs"].append(run)
            results[name]["computes"].append(compute_of(run))
    summary = {}
    for name, r in results.items():
        if "error" in r:
            summary[name] = {"error": r["error"]}
            continue
        walls = [run.seconds for run in r["runs"]]
        middle = sorted(range(len(walls)), key=lambda i: walls[i])[len(walls) // 2]
        summary[name] = {"wall_s": statistics.median(walls), "min_s": min(walls),
                         "compute_s": statistics.median(r["computes"]), "computes": r["computes"],
                         "peak_mb": max(run.peak_mb for run in r["runs"]),
                         "median_run": r["runs"][middle]}
    if probe:
        summary["probe"] = probes
    return summary


def peer_json(key):
    return lambda run: json.loads(run.stdout.strip().splitlines()[-1])[key]


def lm_table(args, env, data, gemm):
    case = next(c for c in case_table.all_cases() if c.name == "lm-float32")
    pipeline = case_table.generate(case, data)
    directory = os.path.dirname(pipeline)
    out = lambda name: os.path.join(directory, "out_" + name)
    sides = {"tl-run": ([args.tl_run, pipeline, "--timings"], lambda r: tl_compute(r.stderr)),
             "numpy-book": ([sys.executable, os.path.join(HERE, "numpy_run.py"), pipeline,
                             out("numpy")], peer_json("compute")),
             "numpy-vectorised": ([sys.executable, os.path.join(HERE, "peers", "numpy_vectorised.py"),
                                   pipeline, out("vectorised")], peer_json("compute"))}
    if not args.no_jax and importlib.util.find_spec("jax"):
        sides["jax"] = ([sys.executable, os.path.join(HERE, "peers", "jax_lm.py"), pipeline,
                         out("jax")], peer_json("compute"))
    if importlib.util.find_spec("torch"):
        sides["torch"] = ([sys.executable, os.path.join(HERE, "peers", "torch_lm.py"), pipeline,
                           out("torch")], peer_json("compute"))
    before = load()
    square = ([sys.executable, os.path.join(HERE, "sgemm_peak.py"), "--square"],
              peer_json("openblas_sgemm_square2000"))
    summary = interleave(sides, args.runs, env, probe=square, pause=args.pause)
    round_rates = summary.pop("probe")
    after = load()
    tl_out = os.path.join(directory, "out")
    for name, row in summary.items():
        if name != "tl-run" and "error" not in row:
            row["check"] = compare(args.tl_run, tl_out, out({"numpy-book": "numpy"}.get(
                name, name.replace("numpy-", ""))), 1e-3, 1e-3)
        if name in ("jax", "torch") and "error" not in row:
            phases = json.loads(row["median_run"].stdout.strip().splitlines()[-1])
            row["first_s"] = phases.get("first")
            row["compile_s"] = phases.get("compile")
            row["import_s"] = phases.get("import")
    N, T, D, H, V = case.N, case.T, case.D, case.H, case.V
    NT = N * T
    lstm_fwd = 2 * NT * (D + H) * 4 * H
    affine_fwd = 2 * NT * H * V
    # The affine's dW is computed partly beside the LSTM's backward loop and finished in
    # "affine grads", so the backward's GFLOP/s is given for the three phases together.
    flops = {"lstm forward": lstm_fwd, "affine forward": affine_fwd,
             "backward (affine + lstm + affine grads)": 2 * lstm_fwd + 2 * affine_fwd}
    rate = max(v for k, v in (gemm or {}).items() if k.endswith("sgemm_square2000")) if gemm else None
    floor = case.flops / rate / 1e9 if rate else None
    tl = summary["tl-run"]
    layers = timings(tl["median_run"].stderr) if "error" not in tl else {}
    # tl-run's time outside its compute phases (start, load, write, exit), in its median run.
    outside = tl["median_run"].seconds - tl_compute(tl["median_run"].stderr) if "error" not in tl else None
    backward = ("affine backward", "lstm backward", "affine grads")
    if all(name in layers for name in backward[:2]):
        layers["backward (affine + lstm + affine grads)"] = sum(layers.get(name, 0.0) for name in backward)
    # The same rounds' floors: each round's sgemm rate as the mean of the ones taken just
    # before and just after its tl-run run.
    paired = [(c, (a + b) / 2) for c, (a, b) in zip(tl.get("computes", []), round_rates) if a and b]
    rates = [r for _, r in paired]
    per_round = [c / (case.flops / r / 1e9) for c, r in paired]
    rounds = {"rates": round_rates, "median_rate": statistics.median(rates) if rates else None,
              "median_ratio": statistics.median(per_round) if per_round else None}
    return {"load_before": before, "load_after": after, "sides": summary, "flops": case.flops,
            "sgemm_rate": rate, "floor_s": floor, "rounds": rounds, "layers": layers, "layer_flops": flops,
            "tl_outside_s": outside}


def train_table(args, env, data):
    rows = {}
    for name in train_step.CASES:
        pipeline = train_step.generate(name, data)
        directory = os.path.dirname(pipeline)
        sides = {"tl-run": ([args.tl_run, pipeline, "--timings"], lambda r: tl_compute(r.stderr)),
                 "numpy-book": ([sys.executable, os.path.join(HERE, "numpy_train.py"), pipeline,
                                 os.path.join(directory, "out_numpy")], peer_json("compute"))}
        before = load()
        summary = interleave(sides, args.runs, env, pause=args.pause)
        summary["load_before"], summary["load_after"] = before, load()
        if "error" not in summary["tl-run"] and "error" not in summary["numpy-book"]:
            summary["check"] = compare(args.tl_run, os.path.join(directory, "out"),
                                       os.path.join(directory, "out_numpy"), 1e-4, 1e-5)
        rows[name] = summary
    return rows


def fmt(seconds):
    return "—" if seconds is None else f"{seconds:.3f} s"


def headroom(lm, share=0.5, peer="numpy-vectorised"):
    """What issue 18's whole-process target (tl-run at most `share` of the peer's whole process)
    leaves tl-run's compute phases, after tl-run's own time outside them in its median run
    (process start, reading the inputs, writing the outputs, exit), and that as a multiple of
    the GEMM floor. Near 1.0 the target asks for every product at the sgemm 2000³ rate with
    nothing between them (no softmax, no packing, no page faults)."""
    tl, other = lm["sides"]["tl-run"], lm["sides"].get(peer)
    outside = lm.get("tl_outside_s")
    if not lm["floor_s"] or other is None or "error" in tl or "error" in other or outside is None:
        return []
    budget = share * other["wall_s"]
    left = budget - outside
    return [f"Headroom: {share:g} × {peer} = {budget:.3f} s; tl-run outside its compute phases "
            f"(start, load, write, exit) {outside * 1e3:.1f} ms; so its compute may take "
            f"{left:.3f} s = {left / lm['floor_s']:.2f} × the GEMM floor (it took "
            f"{tl['compute_s'] / lm['floor_s']:.2f} ×)"]


def render(results):
    lines = [results["kernels"], ""]
    if results.get("pause"):
        lines[-1:-1] = [f"Every timed run started after {results['pause']:g} s idle "
                        "(--pause; what that costs fresh memory: bench/fresh_pages.py)"]
    lm = results.get("lm")
    if lm:
        tl = lm["sides"]["tl-run"]
        lines += [f"## Language model, float32 (N=20, T=35, V=10000, D=H=650), "
                  f"medians of {results['runs']} interleaved runs",
                  f"load average before {lm['load_before']}, after {lm['load_after']}", "",
                  "| tool | whole process | compute only | tl-run/peer (whole) | tl-run/peer (compute) "
                  "| peak RSS | notes |", "|---|---|---|---|---|---|---|"]
        for name, row in lm["sides"].items():
            if "error" in row:
                lines.append(f"| {name} | error: {row['error']} | | | | | |")
                continue
            notes = []
            if row.get("first_s") is not None:
                notes.append(f"first call {row['first_s']:.3f} s")
            if row.get("compile_s") is not None:
                notes.append(f"compile {row['compile_s']:.3f} s")
            if row.get("import_s") is not None:
                notes.append(f"import {row['import_s']:.2f} s")
            if "check" in row:
                notes.append(row["check"])
            ratio = "" if name == "tl-run" or "error" in tl else \
                f"{tl['wall_s'] / row['wall_s']:.2f}"
            cratio = "" if name == "tl-run" or "error" in tl else \
                f"{tl['compute_s'] / row['compute_s']:.2f}"
            lines.append(f"| {name} | {fmt(row['wall_s'])} | {fmt(row['compute_s'])} | {ratio} | "
                         f"{cratio} | {row['peak_mb']:.0f} MB | {'; '.join(notes)} |")
        if lm["floor_s"]:
            lines += ["", f"GEMM floor: {lm['flops'] / 1e9:.1f} GFLOP at {lm['sgemm_rate']:.1f} GFLOP/s "
                      f"(best sgemm 2000³ this run) = {lm['floor_s']:.3f} s; tl-run compute / floor = "
                      + ("—" if "error" in tl else f"{tl['compute_s'] / lm['floor_s']:.2f}")]
            lines += headroom(lm)
        rounds = lm.get("rounds") or {}
        if rounds.get("median_ratio"):
            rates = [r for pair in rounds["rates"] for r in pair if r]
            lines += [f"Floor per round (sgemm 2000³, best of 3, just before and just after each round's "
                      f"tl-run run, their mean): {min(rates):.1f}–{max(rates):.1f} GFLOP/s, median of the "
                      f"means {rounds['median_rate']:.1f}; tl-run compute / its round's floor, median over "
                      f"the rounds = {rounds['median_ratio']:.2f}"]
        if lm["layers"]:
            lines += ["", "tl-run phases (median run, --timings):", "",
                      "| phase | time | GFLOP/s |", "|---|---|---|"]
            for name, seconds in lm["layers"].items():
                f = lm["layer_flops"].get(name)
                rate = f"{f / seconds / 1e9:.1f}" if f and seconds > 0 else ""
                lines.append(f"| {name} | {seconds * 1e3:.1f} ms | {rate} |")
    train = results.get("train")
    if train:
        lines += ["", f"## One training step (forward, backward, remove_duplicate, clip_grads, Adam), "
                  f"float32, medians of {results['runs']} interleaved runs", "",
                  "| case | tl-run whole | NumPy (book) whole | ratio | tl-run compute | NumPy compute "
                  "| ratio | load before / after | check |", "|---|---|---|---|---|---|---|---|---|"]
        for name, row in train.items():
            tl, np_ = row["tl-run"], row["numpy-book"]
            if "error" in tl or "error" in np_:
                lines.append(f"| {name} | {tl.get('error', '')} | {np_.get('error', '')} | | | | | | |")
                continue
            lines.append(f"| {name} | {fmt(tl['wall_s'])} | {fmt(np_['wall_s'])} | "
                         f"{tl['wall_s'] / np_['wall_s']:.2f} | {fmt(tl['compute_s'])} | "
                         f"{fmt(np_['compute_s'])} | {tl['compute_s'] / np_['compute_s']:.2f} | "
                         f"{row['load_before']} / {row['load_after']} | {row.get('check', '')} |")
    return "\n".join(lines)


def strip_runs(results):
    """The results without the raw runs (for the JSON file)."""
    def clean(side):
        return {k: v for k, v in side.items() if k != "median_run"} if isinstance(side, dict) else side
    out = dict(results)
    if "lm" in out:
        out["lm"] = dict(out["lm"], sides={k: clean(v) for k, v in out["lm"]["sides"].items()})
    if "train" in out:
        out["train"] = {n: {k: clean(v) for k, v in row.items()} for n, row in out["train"].items()}
    return out


def main():
    args = parse_arguments()
    if not os.path.exists(args.tl_run):
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product",
                        "tl-run"], cwd=ROOT, check=True)
    env = kernel_environment(ENVIRONMENT, args.native_kernels)
    if args.threads:
        env["OPENBLAS_NUM_THREADS"] = str(args.threads)
    data = os.path.join(HERE, "data")
    os.makedirs(data, exist_ok=True)
    results = {"runs": args.runs, "threads": args.threads, "kernels": kernel_note(env),
               "pause": args.pause}
    if not args.no_lm:
        print("measuring raw GEMM speed (bench/sgemm_peak.py)...", flush=True)
        probe = run_once([sys.executable, os.path.join(HERE, "sgemm_peak.py")], env=env)
        results["gemm"] = json.loads(probe.stdout) if probe.status == 0 else None
        print("language model: tl-run and its peers...", flush=True)
        results["lm"] = lm_table(args, env, data, results["gemm"])
    if not args.no_train:
        print("training steps...", flush=True)
        results["train"] = train_table(args, env, data)
    text = render(results)
    print("\n" + text)
    with open(os.path.join(data, "peers.json"), "w") as f:
        json.dump(strip_runs(results), f, indent=2)
    with open(os.path.join(data, "peers.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
