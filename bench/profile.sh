#!/usr/bin/env bash
# Where tl-run spends its time on one case: perf with DWARF call graphs, summarised per layer
# (forward/backward), per kind of work (GEMM, page faults, copies, exp/tanh) and per thread.
#
#   bash bench/profile.sh [CASE] [TL_RUN]   (CASE: a directory under bench/data, default
#                                            lm-float32; run bench/run.py once to generate it)
#
# Shares are of the main thread's samples (inclusive), so they add up across layers; the
# OpenBLAS worker thread is summarised separately (it shows whether GEMMs really run on two
# cores or the worker spins in sched_yield). perf.data goes to bench/data/CASE/perf.data.
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-lm-float32}
TL_RUN=${2:-.build/release/tl-run}
DIR=bench/data/$CASE
DATA=$DIR/perf.data
[ -f "$DIR/pipeline.json" ] || { echo "no $DIR/pipeline.json: run python3 bench/run.py --only $CASE" >&2; exit 2; }

perf record -q -F 1999 --call-graph dwarf,65528 -o "$DATA" -- "$TL_RUN" "$DIR/pipeline.json" >/dev/null
perf script -i "$DATA" -F tid 2>/dev/null | sort -n | uniq -c > "$DIR/perf.threads"
MAIN=$(awk 'NR==1 {print $2}' "$DIR/perf.threads")
ALL=$(awk '{s += $1} END {print s}' "$DIR/perf.threads")
MAIN_N=$(awk 'NR==1 {print $1}' "$DIR/perf.threads")
echo "$CASE: $ALL samples at 1999 Hz; main thread (tid $MAIN) $MAIN_N; load: $(cut -d' ' -f1-3 /proc/loadavg)"

perf report -i "$DATA" --tid "$MAIN" --percentage relative --children --sort sym -g none 2>/dev/null | grep -v '^#' \
  > "$DIR/perf.main.txt"
share() {  # the largest inclusive share among symbols matching $1, as % of the main thread
  grep -E "$1" "$DIR/perf.main.txt" | awk '{gsub("%", "", $1); print $1}' | sort -nr |
    awk 'NR == 1 {best = $1} END {printf "%5.1f%%", best + 0}'
}
printf "%-34s %s\n" "phase / work (main thread)" "share"
while IFS='|' read -r label pattern; do
  printf "%-34s %s\n" "$label" "$(share "$pattern")"
done <<'EOF'
read inputs|LoadedCase.*load
run the chain|ChainExecutor.*run_13
TimeEmbedding forward|TimeEmbeddingC7forward
TimeEmbedding backward|TimeEmbeddingC8backward
TimeLSTM/GRU/RNN forward|TimeRecurrentLayerC7forward
TimeLSTM/GRU/RNN backward|TimeRecurrentLayerC8backward
TimeAffine forward|TimeAffineC7forward
TimeAffine backward|TimeAffineC8backward
TimeSoftmaxWithLoss forward|TimeSoftmaxWithLossC7forward
TimeSoftmaxWithLoss backward|TimeSoftmaxWithLossC8backward
write outputs|ArrayIO.*write|NPY.*write
GEMM kernel (self)|[sd]gemm_kernel
GEMM packing (self)|[sd]gemm_(it|in|on|ot)copy
page faults (first touch)|exc_page_fault
memset/memmove/memcpy|__mem(set|move|cpy)
exp (softmax, sigmoid)|__exp
tanh|__tanh
EOF
echo "OpenBLAS worker thread(s), top symbols (share of that thread's samples):"
tail -n +2 "$DIR/perf.threads" | while read -r n tid; do
  echo "  tid $tid: $n samples"
  perf report -i "$DATA" --tid "$tid" --percentage relative --no-children --sort sym -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' | head -4 | sed 's/^/    /'
done
