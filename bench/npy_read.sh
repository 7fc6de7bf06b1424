#!/usr/bin/env bash
# The foundation benchmark: reading a 400 MB float32 .npy from the page cache.
#
#   bash bench/npy_read.sh [TL_RUN [OTHER_TL_RUN]]   (TL_RUN: .build/release/tl-run)
#
# OTHER_TL_RUN, if given, is timed too, e.g. a build with the Swift runtime linked dynamically:
#   swift build -c release --scratch-path .build-dynamic
#
# Compares `tl-run inspect FILE` (map + min/max/mean/NaN/Inf in one pass) with
# `cat FILE > /dev/null` under hyperfine, then reports tl-run's peak RSS against the array's
# size. Targets: time ≤ 1.3 × cat's, peak RSS ≤ array size + a few MB.
# Also times `tl-run inspect` on a tiny file (the process's fixed start-up cost) and, for
# reference, with OPENBLAS_NUM_THREADS=1 (Debian's OpenBLAS starts spinning threads at load).
# The file (bench/data/read400.npy, git-ignored) is written once with NumPy, fixed seed.
set -euo pipefail
cd "$(dirname "$0")/.."
TL_RUN=${1:-.build/release/tl-run}
OTHER=${2:-}
DATA=bench/data
FILE=$DATA/read400.npy
SMALL=$DATA/read_small.npy
mkdir -p "$DATA"
[ -x "$TL_RUN" ] || swift build -c release --static-swift-stdlib --product tl-run

if [ ! -f "$FILE" ] || [ ! -f "$SMALL" ]; then
  python3 - "$FILE" "$SMALL" <<'EOF'
import sys
import numpy as np
a = np.random.default_rng(7).standard_normal(100_000_000, dtype=np.float32).reshape(10000, 10000)
a[1, 2], a[3, 4] = np.nan, np.inf  # one chunk takes the exact NaN/Inf path
np.save(sys.argv[1], a)
np.save(sys.argv[2], np.arange(10, dtype=np.float32))
EOF
fi
cat "$FILE" > /dev/null  # into the page cache

echo "== $TL_RUN inspect $FILE"
"$TL_RUN" inspect "$FILE"
JSON=$(mktemp)
hyperfine -N --warmup 3 --runs 20 --export-json "$JSON" \
  -n cat "cat $FILE" \
  -n "tl-run inspect" "$TL_RUN inspect $FILE" \
  -n "tl-run inspect (OPENBLAS_NUM_THREADS=1)" "env OPENBLAS_NUM_THREADS=1 $TL_RUN inspect $FILE" \
  -n "tl-run inspect tiny file (start-up)" "$TL_RUN inspect $SMALL" \
  ${OTHER:+-n "other: $OTHER inspect" "$OTHER inspect $FILE"} \
  ${OTHER:+-n "other: tiny file (start-up)" "$OTHER inspect $SMALL"} >/dev/null

peak_kb=$( { /usr/bin/time -f %M "$TL_RUN" inspect "$FILE" >/dev/null; } 2>&1 | tail -1)
base_kb=$( { /usr/bin/time -f %M "$TL_RUN" inspect "$SMALL" >/dev/null; } 2>&1 | tail -1)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the 2 cores skew these)"
python3 - "$JSON" "$FILE" "$peak_kb" "$base_kb" <<'EOF'
import json, os, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
cat = statistics.median(results["cat"]["times"])
print(f"{'command':42} {'median ms':>9} {'× cat':>6}")
for name, r in results.items():
    median = statistics.median(r["times"])
    print(f"{name:42} {median * 1e3:9.1f} {median / cat:6.2f}")
size_mb = (os.path.getsize(sys.argv[2]) - 128) / 2**20
peak_mb, base_mb = int(sys.argv[3]) / 1024, int(sys.argv[4]) / 1024
print(f"array {size_mb:.0f} MiB; tl-run peak RSS {peak_mb:.0f} MiB = array + "
      f"{peak_mb - size_mb:.1f} MiB; the same process on a tiny file: {base_mb:.1f} MiB, "
      f"so reading the array costs {peak_mb - base_mb - size_mb:+.1f} MiB beyond its size")
ratio = statistics.median(results["tl-run inspect"]["times"]) / cat
print(f"target ≤ 1.30 × cat: {'met' if ratio <= 1.3 else 'MISSED'} ({ratio:.2f}); "
      f"memory ≤ array + 16 MiB: {'met' if peak_mb - size_mb <= 16 else 'MISSED'} "
      f"(≤ array + start-up RSS + 4 MiB: {'met' if peak_mb - size_mb - base_mb <= 4 else 'MISSED'})")
EOF
rm -f "$JSON"
