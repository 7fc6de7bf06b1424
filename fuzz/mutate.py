#!/usr/bin/env python3
"""Whole-process mutation fuzzer for the tl-run CLI.

The contract is about the process: a damaged file makes tl-run exit 2 with one line on
stderr that names the file; it never dies of a signal, never hangs, never exits with another
status, never prints several lines or raw control characters on stderr. This script mutates
the seed files (bit flips, interesting values in size/offset fields, truncations, splices,
chunk inserts and deletes; token edits for JSON), runs the release binary on each mutant with
a timeout, and records the exit-status histogram and every breach of the contract. It is
the better fit for HDF5: libhdf5 is C and not instrumented, and a crash inside it is a crash
of the process whatever the harness.

    python3 fuzz/mutate.py --format hdf5 --seconds 600
    python3 fuzz/mutate.py --format all --seconds 60 --tl-run .build/release/tl-run

Each finding is saved under fuzz/findings/mutate-FORMAT/ (git-ignored): the input and a .txt
with the command, the status and stderr. Findings are grouped by signature: the kind (signal,
timeout, status, multi-line stderr, control characters) and, for a signal, the first frame
of the project's code in Swift's backtrace (re-run once with the backtracer on).
"""

import argparse
import collections
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FORMATS = ["npy", "npz", "hdf5", "pipeline-json", "safetensors"]
EXTENSION = {"npy": ".npy", "npz": ".npz", "hdf5": ".h5", "pipeline-json": ".json", "safetensors": ".safetensors"}
INTERESTING = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
               0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000, 0x7FFFFFFFFFFFFFFF,
               0x8000000000000000, 0xFFFFFFFFFFFFFFFF]
JSON_VALUES = ['null', 'true', '0', '-1', '1e309', '-0', '1.5', '18446744073709551616',
               '9223372036854775807', '""', '"\\u0000"', '"\\ud800"', '"\\u001b[31m"', '[]',
               '{}', '[' * 64 + ']' * 64, '"x.npy"', '"weights.h5:/"', '"/dev/zero"',
               '"a.npz:"', '"../../../../etc/passwd"', '"\x01\x7f"']


def mutate_bytes(data, seeds, rng):
    data = bytearray(data)
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4, 8])):
        kind = rng.randrange(8)
        if not data:
            data = bytearray(rng.choice(seeds))
            continue
        at = rng.randrange(len(data))
        if kind == 0:  # bit flip
            data[at] ^= 1 << rng.randrange(8)
        elif kind == 1:  # random byte
            data[at] = rng.randrange(256)
        elif kind == 2:  # interesting value in a 1/2/4/8-byte little-endian field
            width = rng.choice([1, 2, 4, 8])
            value = rng.choice(INTERESTING) + rng.choice([0, 0, 0, -1, 1])
            value &= (1 << (8 * width)) - 1
            data[at:at + width] = value.to_bytes(width, "little")
        elif kind == 3:  # truncation
            del data[rng.randrange(len(data) + 1):]
        elif kind == 4:  # splice with another seed
            other = rng.choice(seeds)
            cut = rng.randrange(len(other) + 1)
            data = data[:at] + other[cut:]
        elif kind == 5:  # delete a chunk
            del data[at:at + rng.choice([1, 4, 16, 64, 512])]
        elif kind == 6:  # insert random bytes / duplicate a chunk
            chunk = data[at:at + rng.choice([1, 8, 64, 512])]
            if rng.random() < 0.5:
                chunk = bytes(rng.randrange(256) for _ in range(len(chunk)))
            data[at:at] = chunk
        else:  # add a small delta to a 4- or 8-byte field (sizes, offsets)
            width = rng.choice([4, 8])
            old = int.from_bytes(data[at:at + width].ljust(width, b"\0"), "little")
            value = (old + rng.choice([-64, -8, -1, 1, 8, 64, 4096])) % (1 << (8 * width))
            data[at:at + width] = value.to_bytes(width, "little")
    return bytes(data)


TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|[\[\]{}:,]')


def mutate_json(data, seeds, rng):
    if rng.random() < 0.15:
        return mutate_bytes(data, seeds, rng)
    tokens = [t for t in TOKEN.finditer(data)
              if rng.random() < 0.2 or t.group(0) not in (b",", b":", b"{", b"}", b"[", b"]")]
    if not tokens:
        return mutate_bytes(data, seeds, rng)
    token = rng.choice(tokens)
    start, end = token.span()
    kind = rng.randrange(5)
    if kind == 0:
        replacement = rng.choice(JSON_VALUES).encode("utf-8", "surrogatepass")
    elif kind == 1:  # a token from another seed (keys, layer types, paths)
        other = list(TOKEN.finditer(rng.choice(seeds)))
        replacement = rng.choice(other).group(0) if other else b""
    elif kind == 2:
        replacement = b""
    elif kind == 3:  # deep nesting
        depth = rng.choice([100, 1000, 100000])
        replacement = b"[" * depth + b"]" * depth
    else:  # a duplicated span
        replacement = token.group(0) + data[end:end + rng.randrange(1, 40)]
    return data[:start] + replacement + data[end:]


def load_seeds(fmt):
    if fmt == "pipeline-json":
        seeds = []
        for name in sorted(os.listdir(os.path.join(ROOT, "pipelines"))):
            path = os.path.join(ROOT, "pipelines", name, "pipeline.json")
            if os.path.isfile(path):
                seeds.append((os.path.join(ROOT, "pipelines", name), open(path, "rb").read()))
        return seeds
    directory = os.path.join(HERE, "corpus", fmt)
    return [(None, open(os.path.join(directory, name), "rb").read())
            for name in sorted(os.listdir(directory))]


def commands(fmt, path, scratch):
    """The commands one mutant is given to (each reads the whole file in its own way)."""
    if fmt == "pipeline-json":
        return [["run", path]]
    out = os.path.join(scratch, "out.npz" if fmt != "npz" else "out")
    return [["inspect", path], ["compare", path, path], ["convert", path, out]]


def run(binary, argv, cwd, timeout, backtrace=False):
    env = dict(os.environ)
    env["SWIFT_BACKTRACE"] = (
        "enable=yes,interactive=no,color=no,sanitize=no" if backtrace else "enable=no")
    start = time.monotonic()
    try:
        done = subprocess.run([binary] + argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout)
        return done.returncode, done.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired as expired:
        return None, expired.stderr or b"", time.monotonic() - start


def outcome(status):
    if status is None:
        return "timeout"
    if status < 0:
        try:
            return signal.Signals(-status).name
        except ValueError:
            return f"signal {-status}"
    return f"exit {status}"


CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def breaches(status, stderr):
    """The ways this process broke the contract (empty: none)."""
    found = []
    if status is None:
        found.append("timeout")
    elif status < 0:
        found.append(outcome(status))
    elif status not in (0, 1, 2):
        found.append(f"exit-{status}")
    text = stderr.rstrip(b"\n")
    if status == 2 and not text:
        found.append("exit-2-silent")
    if text.count(b"\n") > 0:
        found.append("stderr-multiline")
    if CONTROL.search(text):
        found.append("stderr-control-chars")
    return found


def normalize(line):
    """A stderr line with the details mutants differ in (numbers, paths, names) blanked."""
    line = line.decode("utf-8", "replace")
    line = re.sub(r"/dev/shm/[^\s:'\"]*|/tmp/[^\s:'\"]*", "PATH", line)
    # The member or dataset after the file's path is a name from the file, not the fault.
    line = re.sub(r"PATH:[^:]*: ", "PATH:NAME: ", line)
    line = re.sub(r"\(first: [^:]*: ", "(first: NAME: ", line)
    line = re.sub(r"'[^']*'", "'…'", line)
    line = re.sub(r"\d+", "N", line)
    return line[:160]


def frame_signature(stderr):
    """The first frame of the project's own code in a Swift backtrace."""
    text = stderr.decode("utf-8", "replace")
    reason = re.search(r"(Fatal error:.*|Swift runtime failure:[^*\n]*|Crash at .*|"
                       r"Program crashed: [^\n]*)", text)
    frames = [f for f in re.findall(r"^\s*\d+ .*? in (.*?) at (\S+)", text, re.M)
              if "/Sources/" in f[1] and "/fuzz/" not in f[1]]
    where = ""
    if frames:
        function, location = frames[0]
        where = f" at {function.strip()} {location.split('/Sources/')[-1]}"
    else:
        libs = re.findall(r"^\s*\d+ .*? in (\S+) in (lib\S+)", text, re.M)
        if libs:
            where = f" in {libs[0][1]}: {libs[0][0]}"
    # Sizes and addresses differ from mutant to mutant; the place and the kind do not.
    return re.sub(r"\d{3,}|0x[0-9a-f]+", "N", (reason.group(1).strip() if reason else "crash") + where)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--format", choices=FORMATS + ["all"], default="all")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--tl-run", dest="binary",
                        default=os.path.join(ROOT, ".build", "release", "tl-run"))
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--findings", default=os.path.join(HERE, "findings"))
    parser.add_argument("--json", help="also write the counts to this file")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"mutate.py: no tl-run at {args.binary} (swift build -c release --product tl-run)")
    formats = FORMATS if args.format == "all" else [args.format]
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="tl-run-mutate-", dir=base)
    stats = {}
    try:
        for index, fmt in enumerate(formats):
            budget = args.seconds / len(formats)
            stats[fmt] = fuzz_format(fmt, budget, args, rng, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"seed {seed}")
    for fmt, s in stats.items():
        hist = ", ".join(f"{k}: {v}" for k, v in sorted(s["histogram"].items()))
        print(f"{fmt}: {s['runs']} runs ({s['mutants']} mutants) in {s['seconds']:.0f} s; "
              f"{s['findings']} findings, {len(s['unique'])} unique; statuses: {hist}")
        for signature, (count, path) in sorted(s["unique"].items()):
            print(f"  {count:6d}x {signature}\n          {os.path.relpath(path, ROOT)}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"seed": seed, "formats": stats}, out, indent=2, default=list)
    return 1 if any(s["findings"] for s in stats.values()) else 0


def fuzz_format(fmt, budget, args, rng, work):
    seeds = load_seeds(fmt)
    seed_bytes = [data for _, data in seeds]
    mutator = mutate_json if fmt == "pipeline-json" else mutate_bytes
    histogram = collections.Counter()
    unique = {}
    findings = 0
    runs = mutants = 0
    save_dir = os.path.join(args.findings, f"mutate-{fmt}")
    # A pipeline is run in a private copy of its directory (its arrays are beside it).
    copies = {}
    start = time.monotonic()
    while time.monotonic() - start < budget:
        directory, data = rng.choice(seeds)
        mutant = mutator(data, seed_bytes, rng)
        mutants += 1
        scratch = os.path.join(work, "case")
        if fmt == "pipeline-json":
            if directory not in copies:
                copies[directory] = os.path.join(work, f"pipeline{len(copies)}")
                shutil.copytree(directory, copies[directory],
                                ignore=shutil.ignore_patterns("out", "out.*"))
            scratch = copies[directory]
            path = os.path.join(scratch, "pipeline.json")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
            os.makedirs(scratch)
            path = os.path.join(scratch, "input" + EXTENSION[fmt])
        with open(path, "wb") as out:
            out.write(mutant)
        for argv in commands(fmt, path, scratch):
            status, stderr, _ = run(args.binary, argv, scratch, args.timeout)
            runs += 1
            histogram[outcome(status)] += 1
            kinds = breaches(status, stderr)
            if not kinds:
                continue
            findings += 1
            if status is not None and status < 0:
                _, traced, _ = run(args.binary, argv, scratch, args.timeout, backtrace=True)
                detail = frame_signature(traced)
                stderr = stderr + b"\n--- with the backtracer ---\n" + traced
            elif status is None:
                detail = "hang"
            else:
                first = stderr.split(b"\n")[0]
                detail = normalize(first)
            signature = f"{argv[0]} {'+'.join(kinds)}: {detail}"
            if signature in unique:
                count, saved = unique[signature]
                unique[signature] = (count + 1, saved)
                continue
            os.makedirs(save_dir, exist_ok=True)
            digest = hashlib.sha1(mutant).hexdigest()[:12]
            saved = os.path.join(save_dir, f"{kinds[0]}-{argv[0]}-{digest}{EXTENSION[fmt]}")
            with open(saved, "wb") as out:
                out.write(mutant)
            shown = ["tl-run"] + [a.replace(path, "FILE").replace(scratch, "DIR") for a in argv]
            with open(saved + ".txt", "w") as note:
                note.write(f"signature: {signature}\ncommand: {' '.join(shown)}\n"
                           f"status: {outcome(status)}\nstderr:\n")
                note.write(stderr.decode("utf-8", "backslashreplace")[:20000])
            unique[signature] = (1, saved)
    return {"runs": runs, "mutants": mutants, "seconds": time.monotonic() - start,
            "findings": findings, "histogram": dict(histogram),
            "unique": {k: [c, p] for k, (c, p) in unique.items()}}


if __name__ == "__main__":
    sys.exit(main())
