"""What fresh memory costs a process here, and how that depends on the pause before it.

    python3 bench/fresh_pages.py                   # 64 MB, pauses 0, 0.25, 0.5, 1, 2, 3 s
    python3 bench/fresh_pages.py --mb 128 --rounds 5 --pauses 0 1 3

Every tl-run run (and every NumPy peer) gets its arrays from fresh anonymous memory, which the
kernel clears at the first write. tl-run asks for transparent huge pages (MADV_HUGEPAGE, as
NumPy's allocator does for large arrays); the kernel's own default here is 4 KiB pages. On a
bare machine a fresh 2 MiB huge page costs ~0.1–0.3 ms. In a virtual machine whose guest
reports free memory to its host (free page reporting, `page_reporting.page_reporting_order`;
the host then drops those pages), a huge page the guest takes from such reported memory makes
the host fault in and clear its 512 pages of 4 KiB first: several milliseconds. The guest reports
free blocks of that order about a second after they were freed, so what a run pays depends on
how long the machine was idle before it: back to back, the pages the previous process freed are
still there; after a pause, they are gone.

For each pause, in a fresh child process each time (as a run would be), this maps --mb MB,
advises huge pages (or 4 KiB pages: --small), and writes it 2 MiB at a time, timing each
block's first write against a second write of the same block (the memset alone). Prints, per
pause: the median and the slowest block's extra cost per 2 MiB, and how many blocks took more
than 2 ms extra ("slow"). Standard library only (mmap, ctypes); Linux.
"""

import argparse
import ctypes
import mmap
import os
import statistics
import subprocess
import sys
import time

BLOCK = 2 << 20


def measure(mb, small):
    """In this process: the extra cost (ms) of the first write of each 2 MiB block."""
    length = mb << 20
    area = mmap.mmap(-1, length + BLOCK, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    base = ctypes.addressof(ctypes.c_char.from_buffer(area))
    start = (base + BLOCK - 1) // BLOCK * BLOCK  # whole huge pages only
    advice = mmap.MADV_NOHUGEPAGE if small else mmap.MADV_HUGEPAGE
    area.madvise(advice, start - base, length)
    extra = []
    for offset in range(0, length, BLOCK):
        address = start + offset
        t0 = time.perf_counter()
        ctypes.memset(address, 1, BLOCK)
        t1 = time.perf_counter()
        ctypes.memset(address, 2, BLOCK)
        t2 = time.perf_counter()
        extra.append(((t1 - t0) - (t2 - t1)) * 1e3)
    return extra


def setting(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return "(not there)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=64, help="megabytes per process (default 64)")
    parser.add_argument("--pauses", type=float, nargs="+", default=[0, 0.25, 0.5, 1, 2, 3],
                        help="seconds idle before each process (default 0 0.25 0.5 1 2 3)")
    parser.add_argument("--rounds", type=int, default=3, help="processes per pause (default 3)")
    parser.add_argument("--small", action="store_true", help="4 KiB pages (MADV_NOHUGEPAGE)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(" ".join(f"{x:.3f}" for x in measure(args.mb, args.small)))
        return
    print(f"transparent huge pages: {setting('/sys/kernel/mm/transparent_hugepage/enabled')}; "
          f"free page reporting order: "
          f"{setting('/sys/module/page_reporting/parameters/page_reporting_order')}")
    kind = "4 KiB pages" if args.small else "huge pages"
    print(f"{args.mb} MB of {kind} per process, {args.rounds} processes per pause; "
          f"extra cost of a block's first write, ms per 2 MiB")
    print("| pause before | median | slowest | slow blocks (> 2 ms) |")
    print("|---|---|---|---|")
    child = [sys.executable, os.path.abspath(__file__), "--child", "--mb", str(args.mb)]
    if args.small:
        child.append("--small")
    for pause in args.pauses:
        costs = []
        # One process back to back first, so that every pause starts from the same state.
        subprocess.run(child, check=True, capture_output=True)
        for _ in range(args.rounds):
            time.sleep(pause)
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            costs += [float(x) for x in out.split()]
        slow = sum(1 for c in costs if c > 2.0)
        print(f"| {pause:g} s | {statistics.median(costs):.2f} | {max(costs):.2f} "
              f"| {slow} of {len(costs)} |")


if __name__ == "__main__":
    main()
