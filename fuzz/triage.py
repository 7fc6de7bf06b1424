#!/usr/bin/env python3
"""Groups the libFuzzer targets' crash files by signature and minimizes one of each.

    python3 fuzz/triage.py [--minimize SECONDS] [NAME ...]

NAME is a target (npy, npz, pipeline-json, hdf5; default all). Each crash-*, timeout-* and
oom-* file in fuzz/findings/NAME/ is replayed once under its target; the signature is the kind
(the Swift runtime failure, the sanitizer's error, out-of-memory, timeout) and the first frame
of the project's code (Sources/, not fuzz/). With --minimize, the first file of each signature
is shrunk with libFuzzer's -minimize_crash for up to SECONDS and saved as
fuzz/findings/NAME/min-SLUG; a summary is written to fuzz/findings/triage.md.
"""

import argparse
import collections
import hashlib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = {"npy": "FuzzNPY", "npz": "FuzzNPZ", "pipeline-json": "FuzzPipelineJSON",
          "hdf5": "FuzzHDF5"}
ENV = dict(os.environ, SWIFT_BACKTRACE="enable=no", HDF5_USE_FILE_LOCKING="FALSE",
           ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1")
FLAGS = ["-timeout=10", "-rss_limit_mb=2048", "-malloc_limit_mb=2048"]


def bin_path():
    return subprocess.run(
        ["swift", "build", "-c", "release", "-Xswiftc", "-sanitize=fuzzer,address",
         "-Xswiftc", "-parse-as-library", "--show-bin-path"],
        cwd=HERE, capture_output=True, text=True, check=True).stdout.strip()


def demangle(symbols):
    if not symbols:
        return {}
    done = subprocess.run(["swift", "demangle", "--simplified", "--compact"],
                          input="\n".join(symbols), capture_output=True, text=True)
    return dict(zip(symbols, done.stdout.splitlines()))


def signature(output):
    kind = "crash"
    for pattern in [r"ERROR: libFuzzer: (out-of-memory \(malloc\(\d+\)\)|out-of-memory|timeout)",
                    r"ERROR: AddressSanitizer: ([\w-]+)",
                    r"(Fatal error: [^\n]*)",
                    r"ERROR: libFuzzer: (deadly signal)"]:
        found = re.search(pattern, output)
        if found:
            kind = found.group(1)
            break
    kind = re.sub(r"\d{3,}", "N", kind)
    trap = re.search(r"#\d+ 0x[0-9a-f]+ in (Swift runtime failure: [^/\n]*?) /", output)
    if trap and kind == "deadly signal":
        kind = trap.group(1)
    frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (\S+) (\S+)", output)
    own = [(f, loc) for f, loc in frames if "/Sources/" in loc and "/fuzz/" not in loc]
    if own:
        symbol, location = own[0]
        name = demangle([symbol]).get(symbol, symbol)
        where = location.split("/Sources/")[-1]
        return f"{kind} at {where} ({name})"
    lib = [(f, loc) for f, loc in frames if "lib" in loc and "asan" not in loc
           and "fuzzer" not in loc]
    if lib:
        return f"{kind} in {os.path.basename(lib[0][1])} ({lib[0][0]})"
    return kind


def slug(text):
    """A file name for a signature: readable, and unique by a hash of the whole of it."""
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return re.sub(r"[^A-Za-z0-9]+", "-", text)[:50].strip("-") + "-" + digest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=list(BINARY))
    parser.add_argument("--minimize", type=int, default=0)
    args = parser.parse_args()
    binaries = bin_path()
    report = ["# Triage of the libFuzzer findings", ""]
    for name in args.names:
        directory = os.path.join(HERE, "findings", name)
        if not os.path.isdir(directory):
            continue
        files = sorted(f for f in os.listdir(directory)
                       if re.match(r"(crash|timeout|oom)-", f))
        groups = collections.OrderedDict()
        for file in files:
            path = os.path.join(directory, file)
            done = subprocess.run([os.path.join(binaries, BINARY[name])] + FLAGS + [path],
                                  env=ENV, capture_output=True, text=True, errors="replace")
            sig = signature(done.stdout + done.stderr) if done.returncode else "does not reproduce"
            groups.setdefault(sig, []).append(path)
        print(f"== {name}: {len(files)} files, {len(groups)} signatures")
        report.append(f"## {name}: {len(files)} files, {len(groups)} signatures\n")
        for sig, paths in groups.items():
            shown = os.path.relpath(paths[0], os.path.dirname(HERE))
            if args.minimize and sig != "does not reproduce":
                target = os.path.join(directory, "min-" + slug(sig))
                subprocess.run([os.path.join(binaries, BINARY[name])] + FLAGS +
                               ["-minimize_crash=1", f"-max_total_time={args.minimize}",
                                f"-exact_artifact_path={target}", paths[0]],
                               env=ENV, capture_output=True)
                # HDF5 files rarely shrink: the library needs most of the file to reach a crash.
                if os.path.exists(target):
                    shown = os.path.relpath(target, os.path.dirname(HERE)) + \
                        f" ({os.path.getsize(target)} bytes)"
            print(f"  {len(paths):4d}x {sig}\n        {shown}")
            report.append(f"- {len(paths)}× `{sig}` — `{shown}`")
        report.append("")
    os.makedirs(os.path.join(HERE, "findings"), exist_ok=True)
    with open(os.path.join(HERE, "findings", "triage.md"), "w") as out:
        out.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
