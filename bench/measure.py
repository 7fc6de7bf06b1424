"""Runs a command as a whole process and measures it: wall time, and the child's own peak
resident memory from os.wait4's rusage (per child, unlike RUSAGE_CHILDREN, whose ru_maxrss
is the largest of all children so far)."""

import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Run:
    seconds: float
    peak_mb: float  # ru_maxrss, KiB on Linux, shown in MiB
    status: int
    stdout: str
    stderr: str


def run_once(argv, env=None, cwd=None):
    """One run of argv; stdout/stderr go to temporary files so wait4 can reap the child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, process.returncode,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


@dataclass
class Summary:
    median_s: float
    min_s: float
    max_s: float
    peak_mb: float  # the largest over the runs
    runs: int


def summarize(runs):
    times = [r.seconds for r in runs]
    return Summary(statistics.median(times), min(times), max(times),
                   max(r.peak_mb for r in runs), len(runs))
