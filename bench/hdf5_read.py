"""Times reading a chunked, gzip-compressed float32 4096×4096 HDF5 dataset: h5py against
`tl-run inspect FILE.h5:/data` (which reads the dataset through libhdf5 and computes
min/max/mean and NaN/Inf counts). A benchmark, not a test; bench/hdf5_read.sh runs it.

  python3 bench/hdf5_read.py write FILE.h5          # writes /data (seeded, 64 MiB raw)
  python3 bench/hdf5_read.py time FILE.h5 TL_RUN [--repeat N]
"""

import argparse
import statistics
import subprocess
import time

import h5py
import numpy as np

SHAPE = (4096, 4096)


def write(path):
    """A seeded float32 array rounded to 3 decimals (so gzip has something to gain), stored in
    h5py's default chunk shape with gzip level 4."""
    data = np.round(np.random.default_rng(7).standard_normal(SHAPE), 3).astype(np.float32)
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("data", data=data, chunks=True, compression="gzip", compression_opts=4)
        print(f"wrote {path}:/data {dset.dtype} {dset.shape} chunks {dset.chunks} gzip 4")


def timed(label, repeat, action):
    """Runs `action` `repeat` times and prints the best and median wall time."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    print(f"{label:<44} best {min(times) * 1000:8.1f} ms   median {statistics.median(times) * 1000:8.1f} ms")


def h5py_read(path):
    with h5py.File(path, "r") as f:
        return f["data"][()]


def h5py_inspect(path):
    """What `inspect` computes, in NumPy: the read plus min/max/mean and NaN/Inf counts."""
    a = h5py_read(path)
    return a.min(), a.max(), a.mean(dtype=np.float64), np.isnan(a).sum(), np.isinf(a).sum()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["write", "time"])
    parser.add_argument("file")
    parser.add_argument("tl_run", nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.command == "write":
        write(args.file)
        return
    print(f"h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version}), numpy {np.__version__}")
    timed("h5py read", args.repeat, lambda: h5py_read(args.file))
    timed("h5py read + min/max/mean/NaN/Inf", args.repeat, lambda: h5py_inspect(args.file))
    command = [args.tl_run, "inspect", f"{args.file}:/data"]
    print(subprocess.run(command, check=True, capture_output=True, text=True).stdout.rstrip())
    timed("tl-run inspect (process, read, statistics)", args.repeat,
          lambda: subprocess.run(command, check=True, capture_output=True))


if __name__ == "__main__":
    main()
