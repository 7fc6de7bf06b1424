"""Checks that what tl-run writes as .safetensors is what the real `safetensors` package reads
and writes (safetensors==0.8.0, numpy==2.4.6; not part of `swift test`, which needs no Python).

    swift build && python3 testdata/check_safetensors_roundtrip.py [--tl-run .build/debug/tl-run]

For each case, tl-run converts arrays NumPy wrote (an `np.savez` archive, or a .safetensors the
package wrote, through an .npz) into a .safetensors file, and the script checks:

1. `safetensors.numpy.load_file` reads it: the same names, dtypes, shapes, and byte-for-byte
   equal values (NaN payloads, -0.0 and integer extremes included);
2. the file is byte for byte what `safetensors.numpy.save_file` writes for the same tensors
   (no metadata: `tl-run convert` carries tensors, not a file's `__metadata__`).

Prints one line per check and `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import safetensors
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_safetensors import dtype_tensors  # noqa: E402


def tl_run(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"tl-run {' '.join(arguments)}: exit {result.returncode}: {result.stderr.strip()}")


def same(expected, actual):
    """Names, dtypes, shapes and bytes equal; a list of differences."""
    problems = []
    if sorted(expected) != sorted(actual):
        problems.append(f"names {sorted(expected)} != {sorted(actual)}")
    for name in sorted(set(expected) & set(actual)):
        e, a = expected[name], actual[name]
        if e.dtype != a.dtype or e.shape != a.shape or e.tobytes() != a.tobytes():
            problems.append(f"{name}: {e.dtype}{e.shape} != {a.dtype}{a.shape} or bytes differ")
    return problems


def check_case(binary, label, source, tensors, work, results):
    """tl-run converts `source` to a .safetensors; the package must read `tensors` from it."""
    ours = os.path.join(work, f"{label}.tl-run.safetensors")
    tl_run(binary, "convert", source, ours, "--replace")
    problems = same(tensors, load_file(ours))
    results.append((f"{label}: the package reads what tl-run wrote", problems))
    theirs = os.path.join(work, f"{label}.package.safetensors")
    save_file(tensors, theirs)
    with open(ours, "rb") as a, open(theirs, "rb") as b:
        identical = a.read() == b.read()
    results.append((f"{label}: tl-run's file is byte for byte save_file's", [] if identical else ["files differ"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tl-run", default=os.path.join(HERE, "..", ".build", "debug", "tl-run"))
    binary = parser.parse_args().tl_run
    print(f"safetensors {safetensors.__version__}, numpy {np.__version__}, tl-run {os.path.relpath(binary)}")
    results = []
    with tempfile.TemporaryDirectory() as work:
        # NumPy's own arrays, through np.savez: every dtype with its extremes, NaN, -0.0.
        archive = os.path.join(work, "dtypes.npz")
        np.savez(archive, **dtype_tensors())
        check_case(binary, "np.savez dtypes", archive, dtype_tensors(), work, results)
        # The package's own files, through an .npz and back (names with dots, a slash and a
        # colon, which an .npz member keeps; 0-d and empty tensors).
        for name in ["dtypes", "names", "unpadded", "pretty"]:
            source = os.path.join(HERE, "safetensors", f"{name}.safetensors")
            tensors = load_file(source)
            middle = os.path.join(work, f"{name}.npz")
            tl_run(binary, "convert", source, middle, "--replace")
            check_case(binary, f"{name}.safetensors via .npz", middle, tensors, work, results)
    failed = 0
    for label, problems in results:
        print(("ok    " if not problems else "FAIL  ") + label + "".join("\n      " + p for p in problems))
        failed += bool(problems)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
