#!/usr/bin/env bash
# Times `tl-run PIPELINE.json --batch DIR` on many tiny TimeAffine cases (N=2, T=4, D=3, H=5)
# against one `python3` process per case doing the same with NumPy (bench/batch/case.py).
#
#   bench/batch/run.sh                 CASES=1000 SAMPLE=50 JOBS=<cores> by default
#   SCRATCH=.build-release bench/batch/run.sh   use another SwiftPM scratch path
#
# tl-run runs every case; each timing is the best of 3 runs. Python runs only the first
# SAMPLE cases, one process each, and the total for all cases is extrapolated from them.
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${CASES:-1000}
SAMPLE=${SAMPLE:-50}
JOBS=${JOBS:-$(nproc)}
scratch=()
if [ -n "${SCRATCH:-}" ]; then scratch=(--scratch-path "$SCRATCH"); fi

swift build -c release --static-swift-stdlib --product tl-run "${scratch[@]}" >&2
BIN="$(swift build -c release --static-swift-stdlib "${scratch[@]}" --show-bin-path)/tl-run"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tl-run-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
python3 bench/batch/gen.py "$WORK" "$CASES"

now() { date +%s.%N; }
# best_of_3 JOBS: prints the best wall time of three full batches, in seconds.
best_of_3() {
  local best="" start end status
  for _ in 1 2 3; do
    start=$(now)
    status=0
    "$BIN" "$WORK/pipeline.json" --batch "$WORK/cases" --jobs "$1" --report "$WORK/report.json" > "$WORK/tl-run.txt" || status=$?
    end=$(now)
    if [ "$status" -ne 0 ]; then tail -3 "$WORK/tl-run.txt" >&2; echo "tl-run exited $status" >&2; exit 1; fi
    best=$(python3 -c "import sys; t=$end-$start; b='$best'; print(min(t, float(b)) if b else t)")
  done
  echo "$best"
}

tl_jobs=$(best_of_3 "$JOBS")
tl_one=$(best_of_3 1)
tail -1 "$WORK/tl-run.txt"

start=$(now)
for name in $(ls "$WORK/cases" | head -n "$SAMPLE"); do
  python3 bench/batch/case.py "$WORK" "$name"
done
end=$(now)

python3 - "$CASES" "$SAMPLE" "$JOBS" "$tl_jobs" "$tl_one" "$start" "$end" <<'PY'
import sys
cases, sample, jobs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tl_jobs, tl_one, start, end = map(float, sys.argv[4:])
py = (end - start) / sample
print(f"cases                      {cases} (TimeAffine N=2 T=4 D=3 H=5, float64)")
print(f"tl-run --batch --jobs {jobs:<4} {tl_jobs:8.3f} s total  {1000 * tl_jobs / cases:7.3f} ms/case  (best of 3)")
print(f"tl-run --batch --jobs 1    {tl_one:8.3f} s total  {1000 * tl_one / cases:7.3f} ms/case  (best of 3)")
print(f"python3 + NumPy per case   {py * cases:8.3f} s total  {1000 * py:7.3f} ms/case  (measured on {sample} processes, extrapolated)")
print(f"ratio python / tl-run      {py * cases / tl_jobs:8.1f}x  (--jobs {jobs}),  {py * cases / tl_one:.1f}x (--jobs 1)")
PY
