"""Runs a command as a whole process and measures it: wall time, and its own peak resident
memory as GNU time reports it (%M, the ru_maxrss of wait4 on the command).

Why /usr/bin/time in between: Linux's ru_maxrss of an exec'd child starts from the hiwater
RSS of the memory it had before exec, which for a (v)forked child of this harness is the
harness's own (hundreds of MB after generating cases). Forked from the small `time` process,
the command's ru_maxrss is its own. RUSAGE_CHILDREN would be worse still: the largest child
so far. Without /usr/bin/time, os.wait4's figure is used and may be inflated that way."""

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


GNU_TIME = "/usr/bin/time"


def run_once(argv, env=None, cwd=None):
    """One run of argv; stdout/stderr go to temporary files so wait4 can reap the child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [GNU_TIME, "-f", "%M", "-o", peak.name, *argv] if os.path.exists(GNU_TIME) \
            else argv
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        reported = peak.read().split()
        peak_kb = int(reported[-1]) if reported and reported[-1].isdigit() else usage.ru_maxrss
        return Run(seconds, peak_kb / 1024, process.returncode,
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


def kernel_environment(env, native):
    """The environment for every side of a table: `env` as it is, or with `native` without
    OPENBLAS_CORETYPE, so that each OpenBLAS (Debian's in tl-run and the floor, NumPy's own)
    picks its kernels for this CPU. Some machines set the variable for every process
    (OPENBLAS_CORETYPE=Haswell runs OpenBLAS's AVX2 kernels on an AVX-512 CPU: on a Zen 5 EPYC,
    half the sgemm rate); tl-run, NumPy and the floor all honour it."""
    env = dict(env)
    if native:
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def kernel_note(env):
    """One line for a table's header: which OpenBLAS kernels the sides were told to run (JAX,
    where a table has it, uses no OpenBLAS)."""
    if "OPENBLAS_CORETYPE" in env:
        return (f"OpenBLAS kernels: OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']!r} from the "
                f"environment, for every OpenBLAS the table runs (OpenBLAS ignores an empty "
                f"or unknown value; --native-kernels drops it)")
    return "OpenBLAS kernels: each library's own choice for this CPU (OPENBLAS_CORETYPE unset)"
