#!/usr/bin/env bash
# Runs the README's Slurm scripts (shards.sbatch, merge.sbatch), taken unchanged from README.md,
# on a single-node Slurm 22.05 that this script starts on loopback and stops at the end:
# munged, slurmctld and slurmd run as root, straight from their binaries (no systemd), with
# every file under a temporary directory. A batch of 30 cases runs as
#   1. the script's own array (0-31, 4 CPUs a task: two shards empty), merged by merge.sbatch;
#   2. a stepped array (--array=0-9:3) and a task rerun with `scontrol requeue`;
#   3. an offset array (--array=5-8), then one case's reference changed and the array run again
#      with one task lost: the merge refuses the stale report that task left; a plain
#      `sbatch --array=6` rerun exits 2 before running; `TL_RUN_SHARD` makes it work;
#   4. an array of listed ids (--array=0,2,5): every task exits 2 and no case runs;
# and each merged verdict is checked. Needs root (or sudo) for the packages and the daemons.
# Usage: bash .ci/slurm-test.sh [TL-RUN-BINARY]   (default: the debug build, built if missing)
# TL_SKIP_SLURM=1 skips it (say, on a machine without root); TL_SLURM_PORT moves the daemons'
# ports (default 16817 and 16818, on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TL_SKIP_SLURM:-}" = 1 ]; then
  echo "slurm-test: skipped (TL_SKIP_SLURM=1)" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # CI runs as root and must run it; a developer without root gets the rest of .ci/test.
  if [ -n "${CI:-}" ]; then
    echo "slurm-test: munged, slurmctld and slurmd run here as root: run as root, or set TL_SKIP_SLURM=1" >&2
    exit 1
  fi
  echo "slurm-test: skipped (not root; munged, slurmctld and slurmd need root)" >&2
  exit 0
fi
repo=$PWD
start_time=$SECONDS
bash .ci/setup --slurm

binary=${1:-}
if [ -z "$binary" ]; then
  [ -x "$(swift build --show-bin-path)/tl-run" ] || swift build --product tl-run
  binary="$(swift build --show-bin-path)/tl-run"
fi
bin_dir=$(mktemp -d /tmp/tl-run-slurm-bin.XXXXXX)
ln -s "$(realpath "$binary")" "$bin_dir/tl-run"

work=$(mktemp -d /tmp/tl-run-slurm.XXXXXX)
chmod 755 "$work"
ctld_port=${TL_SLURM_PORT:-16817}
slurmd_port=$((ctld_port + 1))
export SLURM_CONF=$work/etc/slurm.conf

stop_daemons() {
  set +e
  if [ -f "$work/slurmctld.pid" ]; then scancel --quiet --user=root 2>/dev/null; fi
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$bin_dir"
  if [ "${keep:-}" = 1 ]; then echo "slurm-test: left $work" >&2; else rm -rf "$work"; fi
}
trap stop_daemons EXIT

fail() {
  echo "slurm-test: FAIL: $*" >&2
  for log in "$work"/slurmctld.log "$work"/slurmd.log; do
    echo "--- tail $log" >&2
    tail -n 20 "$log" >&2 || true
  done
  keep=1
  exit 1
}

# --- the daemons -------------------------------------------------------------------------
mkdir -p "$work/etc" "$work/state" "$work/spool" "$work/munge"
chmod 711 "$work/munge"
install -m 600 /etc/munge/munge.key "$work/munge/munge.key" 2>/dev/null \
  || dd if=/dev/urandom of="$work/munge/munge.key" bs=1 count=128 status=none
chmod 600 "$work/munge/munge.key"
munged --force --socket="$work/munge/socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" --log-file="$work/munge/munged.log"

cat >"$SLURM_CONF" <<EOF
ClusterName=tlrun
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MinJobAge=3600
SchedulerParameters=sched_interval=2
# The script asks 4 CPUs a task; the node claims 16 (config_overrides: whatever the hardware
# has), so four tasks run at once.
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=16 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF" -N localhost
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.5
done
sinfo -h -o %T | grep -q idle || fail "the node never became idle"
echo "slurm-test: Slurm $(sinfo -V | cut -d' ' -f2) up in $((SECONDS - start_time)) s" >&2

# --- the README's scripts, unchanged ----------------------------------------------------
# The ```sh block whose second line starts with "# NAME".
readme_block() {
  awk -v name="# $1" '
    /^```sh$/ { inside = 1; n = 0; next }
    inside && /^```$/ {
      if (index(lines[2], name) == 1) { for (i = 1; i <= n; i++) print lines[i]; exit }
      inside = 0; next
    }
    inside { lines[++n] = $0 }
  ' "$repo/README.md"
}
readme_block shards.sbatch >"$work/shards.sbatch"
readme_block merge.sbatch >"$work/merge.sbatch"
grep -q '^tl-run batch pipeline.json' "$work/shards.sbatch" || fail "no shards.sbatch block in README.md"
grep -q '^tl-run merge-reports' "$work/merge.sbatch" || fail "no merge.sbatch block in README.md"

# A run directory: pipeline.json, W.npy, b.npy beside it, and 30 cases c00…c29 made from the
# fixture batch: 28 that pass, c28 with a broken input (error), c29 with a wrong reference.
new_run() {
  local run=$work/$1 fixture=$repo/testdata/batch i
  mkdir -p "$run/cases"
  cp "$fixture/pipeline.json" "$fixture/W.npy" "$fixture/b.npy" "$work/shards.sbatch" "$work/merge.sbatch" "$run/"
  for i in $(seq 0 27); do
    cp -r "$fixture/cases/case_$((i % 5 + 1))" "$run/cases/$(printf c%02d "$i")"
  done
  cp -r "$fixture/cases/case_6_broken_input" "$run/cases/c28"
  cp -r "$fixture/cases/case_7_wrong_reference" "$run/cases/c29"
  rm -rf "$run"/cases/*/out
  mkdir -p "$run/logs" "$run/reports"  # as the README says: before sbatch
  echo "$run"
}

# Submits in the run directory as the README does (PATH carries tl-run into the jobs).
submit() {
  (cd "$1" && shift && PATH="$bin_dir:$PATH" sbatch --parsable "$@")
}

# Waits until no job of the given ids is pending or running (at most $2 s).
wait_jobs() {
  local ids=$1 limit=${2:-300} waited=0
  while [ -n "$(squeue -h -j "$ids" -t PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING -o %i 2>/dev/null)" ]; do
    [ "$waited" -lt "$limit" ] || fail "jobs $ids still running after $limit s"
    sleep 1
    waited=$((waited + 1))
  done
}

# The exit codes (ExitCode=S:signal) of a job's records, one a line, sorted.
exit_codes() {
  scontrol show job "$1" | grep -o 'ExitCode=[0-9]*:[0-9]*' | sort | uniq -c | sed 's/^ *//'
}

# "cases passed mismatched errors exit_status" of a merged report.
verdict() {
  tr -d ' \n' <"$1" | grep -o '"summary":{[^}]*}' \
    | sed -E 's/.*"cases":([0-9]+).*"errors":([0-9]+).*"exit_status":([0-9]+).*"mismatched":([0-9]+).*"passed":([0-9]+).*/\1 \5 \4 \2 \3/'
}

expect_verdict() {
  local got
  got=$(verdict "$1")
  [ "$got" = "$2" ] || fail "$1: verdict '$got', expected '$2' (cases passed mismatched errors exit)"
  echo "slurm-test: $3: $got (at $((SECONDS - start_time)) s)" >&2
}

# Merge as the README does (merge.sbatch after the array) and wait for both.
array_then_merge() {
  local run=$1 jid mid
  shift
  jid=$(submit "$run" "$@" shards.sbatch)
  mid=$(submit "$run" --dependency=afterany:"$jid" merge.sbatch)
  wait_jobs "$jid,$mid"
  echo "$jid $mid"
}

# --- 1. the script's own array: --array=0-31 --cpus-per-task=4 -----------------------------
run=$(new_run plain)
read -r jid mid < <(array_then_merge "$run")
expect_verdict "$run/reports/all.json" "30 28 1 1 2" "plain array 0-31"
[ "$(ls "$run"/reports/shard-*.json | wc -l)" = 32 ] || fail "plain: expected 32 shard reports"
exit_codes "$mid" | grep -q 'ExitCode=2:0' || fail "plain: the merge job did not exit 2: $(exit_codes "$mid")"
grep -q "shard 3/32 from SLURM_ARRAY_TASK_ID=3 of array job $jid" "$run/logs/${jid}_3.log" \
  || fail "plain: task 3's log does not say its shard"
[ -f "$run/logs/$mid-merge.log" ] || fail "plain: no merge log"

# --- 2. stepped array, and a lost task requeued --------------------------------------------
run=$(new_run stepped)
read -r jid mid < <(array_then_merge "$run" --array=0-9:3 --cpus-per-task=1)
expect_verdict "$run/reports/all.json" "30 28 1 1 2" "stepped array 0-9:3"
grep -q '"shard_source" : "shard 2/4 from SLURM_ARRAY_TASK_ID=6 ' "$run/reports/shard-6.json" \
  || fail "stepped: task 6 is not shard 2/4"
# Lose task 6's work, then requeue it the Slurm way: it runs again as shard 2/4.
rm "$run/reports/shard-6.json" "$run/reports/all.json"
scontrol requeue "${jid}_6"
# Slurm holds a requeued job back about two minutes (BeginTime); the test does not wait for it.
scontrol update JobId="${jid}_6" StartTime=now
wait_jobs "$jid"
mid=$(submit "$run" merge.sbatch)
wait_jobs "$mid"
expect_verdict "$run/reports/all.json" "30 28 1 1 2" "stepped, task 6 requeued"

# --- 3. offset array; stale report; rerun of a lost task in a new array job -----------------
run=$(new_run offset)
read -r jid mid < <(array_then_merge "$run" --array=5-8 --cpus-per-task=1)
expect_verdict "$run/reports/all.json" "30 28 1 1 2" "offset array 5-8"
# c05 (position 5: shard 1/4, task 6) gets a wrong reference; the array runs again, held, and
# its task 6 is cancelled before it starts: the old shard-6.json stays, from the earlier run.
rm -rf "$run/cases/c05/expected"
cp -r "$run/cases/c29/expected" "$run/cases/c05/expected"
rm "$run/reports/all.json"
jid2=$(submit "$run" --hold --array=5-8 --cpus-per-task=1 shards.sbatch)
scancel "${jid2}_6"
scontrol release "$jid2"
mid=$(submit "$run" --dependency=afterany:"$jid2" merge.sbatch)
wait_jobs "$jid2,$mid"
[ ! -f "$run/reports/all.json" ] || fail "offset: a merge with a stale report wrote $(verdict "$run/reports/all.json")"
grep -q 'different runs' "$run/logs/$mid-merge.log" || fail "offset: the merge did not refuse the stale report: $(cat "$run/logs/$mid-merge.log")"
grep -q 'shard-6.json (shard 1/4)' "$run/logs/$mid-merge.log" || fail "offset: the refusal does not name shard-6.json"
echo "slurm-test: offset, stale shard-6.json refused" >&2
# The easy rerun without the count: exits 2 before running, leaves shard-6.json alone.
before=$(stat -c %Y.%s "$run/reports/shard-6.json")
jid3=$(submit "$run" --array=6 --cpus-per-task=1 shards.sbatch)
wait_jobs "$jid3"
exit_codes "$jid3" | grep -q 'ExitCode=2:0' || fail "offset: sbatch --array=6 did not exit 2"
grep -q 'scontrol requeue' "$run/logs/${jid3}_6.log" || fail "offset: sbatch --array=6 does not say how to rerun"
[ "$(stat -c %Y.%s "$run/reports/shard-6.json")" = "$before" ] || fail "offset: sbatch --array=6 touched shard-6.json"
# With TL_RUN_SHARD, as the README says; then the merge.
jid4=$(submit "$run" --array=6 --cpus-per-task=1 --export=ALL,TL_RUN_SHARD=1/4 shards.sbatch)
wait_jobs "$jid4"
mid=$(submit "$run" merge.sbatch)
wait_jobs "$mid"
expect_verdict "$run/reports/all.json" "30 27 2 1 2" "offset, changed reference, task 6 rerun in job $jid4"
grep -q "array jobs $jid2, $jid4" "$run/logs/$mid-merge.log" || fail "offset: the merge does not name both array jobs"
tr -d ' \n' <"$run/reports/all.json" | grep -o '"name":"c05",[^{}]*"status":"[a-z]*"' | grep -q '"status":"mismatch"' \
  || fail "offset: c05 does not mismatch"

# --- 4. an array of listed ids: every task refuses, nothing runs ----------------------------
run=$(new_run listed)
jid=$(submit "$run" --array=0,2,5 --cpus-per-task=1 shards.sbatch)
wait_jobs "$jid"
[ "$(exit_codes "$jid")" = "3 ExitCode=2:0" ] || fail "listed: expected 3 tasks exiting 2: $(exit_codes "$jid")"
[ -z "$(find "$run/cases" -name out)" ] || fail "listed: a case ran"
[ -z "$(ls "$run/reports")" ] || fail "listed: a report was written"
grep -q 'not one range' "$run/logs/${jid}_0.log" || fail "listed: task 0 does not say why"
echo "slurm-test: listed array 0,2,5 refused in every task" >&2

echo "slurm-test: passed in $((SECONDS - start_time)) s" >&2
