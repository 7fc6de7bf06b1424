#!/usr/bin/env bash
# Times reading a chunked gzip float32 4096×4096 HDF5 dataset with h5py and with
# `tl-run inspect FILE.h5:/data` (a benchmark, not a test). Needs h5py (testdata/requirements.txt)
# and a release build: swift build -c release --static-swift-stdlib. Usage: bench/hdf5_read.sh [REPEAT]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tl_run="$root/.build/release/tl-run"
if [[ ! -x "$tl_run" ]]; then
  echo "no $tl_run: build it first with swift build -c release --static-swift-stdlib" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/hdf5_read.py" write "$work/bench.h5"
python3 "$root/bench/hdf5_read.py" time "$work/bench.h5" "$tl_run" --repeat "${1:-5}"
