"""Two tl-run builds on the cost-growth sweep (N·T = 175 … 11200, float32 and float64) and the
float64 language model, interleaved: "no worse than before" for a change (issue 18).

Usage: python3 bench/compare_builds.py OLD_TL_RUN NEW_TL_RUN [RUNS]   (default 3 runs)
Prints per case the median wall time of each build and new/old.
"""

import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as case_table  # noqa: E402
from measure import run_once  # noqa: E402


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binaries = sys.argv[1:3]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    chosen = [c for c in case_table.all_cases() if c.name.startswith("sweep-") or c.name == "lm-float64"]
    data = os.path.join(HERE, "data")
    print("load", os.getloadavg())
    for case in chosen:
        pipeline = case_table.generate(case, data)
        times = {b: [] for b in binaries}
        for b in binaries:
            run_once([b, pipeline])  # warm-up
        for _ in range(runs):
            for b in binaries:
                times[b].append(run_once([b, pipeline]).seconds)
        old, new = (statistics.median(times[b]) for b in binaries)
        print(f"{case.name}: old {old:.3f} s, new {new:.3f} s, new/old {new / old:.2f}", flush=True)
    print("load", os.getloadavg())


if __name__ == "__main__":
    main()
