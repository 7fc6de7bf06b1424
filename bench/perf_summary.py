"""Summarises `perf script -F tid,sym` output (DWARF call chains) of one tl-run process:
the share of each thread's samples whose call chain passes through a phase (inclusive), and
the share whose innermost frame is a kind of work (self), and the main thread's page faults
(first touches of fresh memory) by phase.

Usage: perf script -i perf.data -F tid,ip,sym | python3 bench/perf_summary.py
"""

import re
import sys
from collections import Counter, defaultdict

PHASES = [  # (label, regex over a frame's symbol): inclusive shares
    ("read inputs", r"LoadedCase.*load"),
    ("run the chain", r"ChainExecutor.*run_13"),
    ("TimeEmbedding forward", r"TimeEmbeddingC7forward"),
    ("TimeEmbedding backward", r"TimeEmbeddingC8backward"),
    ("TimeLSTM/GRU/RNN forward", r"TimeRecurrentLayerC7forward"),
    ("TimeLSTM/GRU/RNN backward", r"TimeRecurrentLayerC8backward"),
    ("TimeAffine forward", r"TimeAffineC7forward"),
    ("TimeAffine backward", r"TimeAffineC8backward"),
    ("TimeSoftmaxWithLoss forward", r"TimeSoftmaxWithLossC7forward"),
    ("TimeSoftmaxWithLoss backward", r"TimeSoftmaxWithLossC8backward"),
    ("write outputs", r"ArrayIO.*write|NPY.*write"),
    ("page faults (first touch)", r"exc_page_fault"),
]
WORK = [  # (label, regex over the innermost frame): self shares
    ("GEMM kernel", r"[sd]gemm_kernel"),
    ("GEMM packing / beta", r"[sd]gemm_(it|in|on|ot)copy|[sd]gemm_beta"),
    ("kernel: page fault, zeroing, mapping", r"clear_page|page_fault|folio|pte|_mm_|memcg|lru|rmap|alloc"),
    ("memset / memmove / memcpy", r"__mem(set|move|cpy)"),
    ("exp", r"__exp"),
    ("tanh", r"__tanh"),
    ("sched_yield spinning", r"sched_yield|__schedule|do_syscall_64|schedule"),
]


def samples(lines):
    """(tid, [frames innermost first]) per sample of `perf script -F tid,sym`."""
    tid, frames = None, []
    for line in lines:
        if not line.strip():
            if tid is not None:
                yield tid, frames
            tid, frames = None, []
        elif not line.startswith("\t"):  # " 9144 ": the sample's thread id
            tid = int(line.split()[0])
        else:
            frames.append(line.strip())
    if tid is not None:
        yield tid, frames


def main():
    by_thread = defaultdict(list)
    for tid, frames in samples(sys.stdin):
        by_thread[tid].append(frames)
    main_tid = min(by_thread)
    total = sum(len(v) for v in by_thread.values())
    print(f"{total} samples; main thread {main_tid}: {len(by_thread[main_tid])}; "
          + ", ".join(f"thread {t}: {len(v)}" for t, v in sorted(by_thread.items()) if t != main_tid))
    main_samples = by_thread[main_tid]
    print(f"{'main thread: phase (inclusive)':40} share")
    for label, pattern in PHASES:
        rx = re.compile(pattern)
        hits = sum(1 for frames in main_samples if any(rx.search(f) for f in frames))
        print(f"  {label:38} {100 * hits / len(main_samples):5.1f}%")
    # Where the first touches happen: each main-thread sample inside a page fault, by the most
    # specific phase on its call chain (workers' faults have no layer on their chains).
    faulting = [frames for frames in main_samples if any(re.search(r"exc_page_fault", f) for f in frames)]
    if faulting:
        print(f"{'main thread: page faults by phase':40} share of main")
        counts = Counter()
        specific = [(label, re.compile(p)) for label, p in PHASES if label not in ("run the chain", "page faults (first touch)")]
        for frames in faulting:
            label = next((l for l, rx in specific if any(rx.search(f) for f in frames)), "elsewhere")
            counts[label] += 1
        for label, n in counts.most_common():
            print(f"  {label:38} {100 * n / len(main_samples):5.1f}%")
        others = sum(1 for t, fl in by_thread.items() if t != main_tid
                     for frames in fl if any(re.search(r"exc_page_fault", f) for f in frames))
        print(f"  {'(other threads: page faults)':38} {others} samples")
    for tid, frame_lists in sorted(by_thread.items()):
        print(f"thread {tid} ({'main' if tid == main_tid else 'OpenBLAS worker'}): work (self)")
        counts = Counter()
        for frames in frame_lists:
            leaf = frames[0] if frames else ""
            label = next((l for l, p in WORK if re.search(p, leaf)), "other")
            counts[label] += 1
        for label, n in counts.most_common():
            print(f"  {label:38} {100 * n / len(frame_lists):5.1f}%")


if __name__ == "__main__":
    main()
