#!/usr/bin/env bash
# Where tl-run spends its time on one case: perf with DWARF call graphs, summarised per layer
# (forward/backward, inclusive) and per kind of work (GEMM, page faults, copies, exp/tanh,
# OpenBLAS spinning; self), for the main thread and the OpenBLAS worker separately.
#
#   [PERF_FREQ=HZ] bash bench/profile.sh [CASE] [TL_RUN]
#
# CASE is a directory under bench/data (default lm-float32; run `python3 bench/run.py` once to
# generate it). The recording goes to bench/data/CASE/perf.data (git-ignored; ~100 MB a second
# at the default 1999 Hz: lower PERF_FREQ for long cases).
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-lm-float32}
TL_RUN=${2:-.build/release/tl-run}
DIR=bench/data/$CASE
[ -f "$DIR/pipeline.json" ] || { echo "no $DIR/pipeline.json: run python3 bench/run.py --only $CASE" >&2; exit 2; }
echo "$CASE at ${PERF_FREQ:-1999} Hz; load $(cut -d' ' -f1-3 /proc/loadavg)"
perf record -q -F "${PERF_FREQ:-1999}" --call-graph dwarf,65528 -o "$DIR/perf.data" -- \
  "$TL_RUN" "$DIR/pipeline.json" >/dev/null
perf script -i "$DIR/perf.data" -F tid,ip,sym 2>/dev/null | python3 bench/perf_summary.py
