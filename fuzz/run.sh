#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each one: first on its committed seed corpus, then
# fuzzing for SECONDS_PER_TARGET seconds (default 15, a minute in all).
#
#   bash fuzz/run.sh [--strict] [--keep-going] [--target NAME]... [SECONDS_PER_TARGET]
#
# NAME is npy, npz, pipeline-json, hdf5 or safetensors (default: all five). Prints, per target, the runs,
# the crashes (crash, timeout and out-of-memory files) and where they are: fuzz/findings/NAME/.
# Exits 1 when an input of the committed corpus crashes, which is deterministic. A crash
# found by fuzzing is reported but fails the run only with --strict: it depends on the random
# seed, and fuzz/README.md lists crashes the readers still have. --keep-going fuzzes on after a
# crash (libFuzzer's fork mode, one job), for long campaigns; 0 seconds replays the corpus only.
set -euo pipefail
cd "$(dirname "$0")"

seconds=15
strict=0
keep_going=0
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --strict) strict=1 ;;
    --keep-going) keep_going=1 ;;
    --target) selected+=("$2"); shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) seconds="$1" ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

declare -A binary=(
  [npy]=FuzzNPY [npz]=FuzzNPZ [pipeline-json]=FuzzPipelineJSON [hdf5]=FuzzHDF5 [safetensors]=FuzzSafeTensors)
targets=(npy npz pipeline-json hdf5 safetensors)
if [ ${#selected[@]} -gt 0 ]; then targets=("${selected[@]}"); fi
for name in "${targets[@]}"; do
  if [ -z "${binary[$name]:-}" ]; then
    echo "run.sh: unknown target '$name' (npy, npz, pipeline-json, hdf5, safetensors)" >&2
    exit 2
  fi
done

build=(swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
mkdir -p .work
start=$(date +%s)
if ! "${build[@]}" >.work/build.log 2>&1; then
  tail -n 60 .work/build.log >&2
  echo "run.sh: the build of fuzz/ failed (whole log: fuzz/.work/build.log)" >&2
  exit 1
fi
bin="$("${build[@]}" --show-bin-path)"
echo "fuzz build: $(($(date +%s) - start)) s"

# A Swift trap must reach libFuzzer's signal handler (which saves the input), not Swift's
# backtracer; leaks are not findings (the Swift runtime and libhdf5 keep caches for good).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export HDF5_USE_FILE_LOCKING=FALSE
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1)

status=0
summary=()
for name in "${targets[@]}"; do
  exe="$bin/${binary[$name]}"
  findings="findings/$name"
  work=".work/$name"
  log=".work/$name.log"
  mkdir -p "$findings" "$work"

  # 1. Every committed input, once: must never crash.
  replay=ok
  if ! "$exe" "${common[@]}" -runs=0 -artifact_prefix="$findings/corpus-" corpus/"$name" \
    >".work/$name.replay.log" 2>&1; then
    replay=CRASH
    status=1
    echo "== $name: the committed corpus crashes; see fuzz/.work/$name.replay.log" >&2
    tail -n 40 ".work/$name.replay.log" >&2
  fi

  # 2. Fuzzing, from the committed corpus and whatever earlier runs added in .work/.
  runs=0
  crashes=0
  if [ "$seconds" -gt 0 ]; then
    before=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    mode=()
    if [ "$keep_going" = 1 ]; then
      mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    "$exe" "${common[@]}" "${mode[@]}" -max_total_time="$seconds" \
      -artifact_prefix="$findings/" "$work" corpus/"$name" >"$log" 2>&1 || true
    after=$(find "$findings" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    crashes=$((after - before))
    if [ "$keep_going" = 1 ]; then
      runs=$(grep -oE '^#[0-9]+:' "$log" | tail -n 1 | tr -dc 0-9)
    else
      runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tr -dc 0-9)
      if [ -z "$runs" ]; then runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -dc 0-9); fi
    fi
    if [ "$crashes" -gt 0 ] && [ "$strict" = 1 ]; then status=1; fi
  fi
  line="$name: corpus $replay ($(find corpus/"$name" -type f | wc -l) inputs), ${seconds} s fuzzing: ${runs:-0} runs, $crashes crashes"
  summary+=("$line")
  echo "== $line"
  if [ "$crashes" -gt 0 ]; then
    find "$findings" -maxdepth 1 -type f -newer ".work/$name.replay.log" \
      \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sed 's|^|   fuzz/|'
    grep -m 3 -E 'Swift runtime failure|ERROR: (AddressSanitizer|libFuzzer)|Fatal error' "$log" | sed 's/^/   /' || true
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
echo "(logs: fuzz/.work/NAME.log; triage crash files with: python3 fuzz/triage.py)"
exit "$status"
