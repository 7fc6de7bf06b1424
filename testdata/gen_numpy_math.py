"""Writes testdata/numpy_math/: NumPy's float32 np.exp and np.log on chosen inputs, for the
bit-for-bit tests of tl-run's NumPyExp and NumPyLog (Sources/TLKernels/, docs/layers.md §10).

    python3 testdata/gen_numpy_math.py          (numpy==2.4.6)

exp_x.npy  float32 (n,): the inputs
exp_y.npy  float32 (n,): np.exp(exp_x), as NumPy's pinned AVX2/FMA3 loop computes it
log_x.npy, log_y.npy     the same for np.log

The inputs: special values (±0, ±inf, NaNs of several payloads, the smallest and largest
floats), the loop's boundaries and their neighbours (the overflow and underflow limits, the
first subnormal results, quadrant 128, the subnormal-scaling split at quadrant −125, rounding
ties of x·log2 e), inputs whose emulated fused multiply-adds meet a double-rounding midpoint
(tl-run recomputes those with fmaf), then random float32s: uniform over [−104, 89], log-uniform
magnitudes of both signs, softmax-like values in [−30, 0] and random bit patterns. For log:
±0, ±inf, NaNs, negative numbers, subnormals, the largest float, powers of two and 1 with
their neighbours, the √½ fold at several exponents, midpoint inputs, then probabilities
uniform in (0, 1], log-uniform magnitudes and random bit patterns.
Deterministic (np.random.default_rng(13) and (14)); book.py pins NumPy's CPU paths first.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import book  # noqa: E402,F401  (pins NumPy's code paths; before numpy)
import numpy as np  # noqa: E402

OUT = os.path.join(HERE, "numpy_math")


def bits(*patterns):
    return np.array(patterns, dtype=np.uint32).view(np.float32)


def neighbours(values, k=3):
    """Each value and its k float32 neighbours on either side."""
    v = np.asarray(values, dtype=np.float32).view(np.int32).astype(np.int64)
    out = [v + d for d in range(-k, k + 1)]
    return np.concatenate(out).astype(np.uint32).view(np.float32)


def inputs():
    rng = np.random.default_rng(13)
    special = bits(0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
                   0x7F800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x00000001, 0x80000001, 0x00800000,
                   0x80800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x3F800000, 0xBF800000, 0x3F000000)
    limits = np.array([88.72283935546875, -103.97208404541015625,  # overflow / underflow limits
                       88.3762626647949,  # x·log2 e = 127.5: quadrant 128 from here
                       -87.33654475,  # the smallest normal result
                       -86.64339757, -86.9899711608887,  # quadrant −125 / −125.5
                       -103.2789306640625, -102.9323616027832,  # the smallest subnormal results
                       0.34657359, -0.34657359, 1.03972077, -1.03972077], dtype=np.float32)
    # Rounding ties of quadrant = rint(x·log2 e): x near (k + 1/2)·ln 2.
    ties = ((np.arange(-150, 128) + 0.5) * np.log(2)).astype(np.float32)
    midpoints = bits(  # the double-rounding midpoints of the emulation (found by a sweep)
        0x398AE557, 0x3D2B4000, 0x3D51E060, 0x3D51E0A0, 0x3DC4AEE0, 0x3E1D3980, 0x3E83D600,
        0x3E86A400, 0x3EA14000, 0x3EC2E430, 0x3EDC4DF0, 0x3F086218, 0x3F4A07F4, 0x3F81090C,
        0x3FC51948, 0x400EE92A, 0xBCE9BE00, 0xBD5D7200, 0xBE800000, 0xBEA00000, 0xBF0A23B8,
        0xBF5A8218, 0xBF74BD38)
    uniform = rng.uniform(-104, 89, 2000).astype(np.float32)
    magnitudes = (10.0 ** rng.uniform(-40, 2, 600)).astype(np.float32)
    signed = magnitudes * np.where(rng.random(600) < 0.5, -1, 1).astype(np.float32)
    softmax = rng.uniform(-30, 0, 600).astype(np.float32)
    patterns = rng.integers(0, 2 ** 32, 600, dtype=np.uint64).astype(np.uint32).view(np.float32)
    return np.concatenate([special, neighbours(limits), neighbours(ties, 1), midpoints, uniform,
                           signed, softmax, patterns]).astype(np.float32)


def log_inputs():
    rng = np.random.default_rng(14)
    special = bits(0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
                   0x7F800001, 0x00000001, 0x00000002, 0x007FFFFF, 0x00400000, 0x00800000,
                   0x7F7FFFFF, 0x80000001, 0xBF800000, 0xC2C80000)
    powers = neighbours((2.0 ** np.arange(-149, 128)).astype(np.float32), 1)
    ones = neighbours(np.array([1.0, 0.5, 2.0], dtype=np.float32), 40)
    fold = neighbours((np.float32(np.sqrt(0.5)) * (2.0 ** np.arange(-140, 120, 7))).astype(np.float32), 2)
    midpoints = bits(  # the double-rounding midpoints of the emulation (found by a sweep)
        0x3C00000E, 0x3C000038, 0x3C000540, 0x3C001C62, 0x3C00B6C4, 0x3C01012B, 0x3C0131C9,
        0x3C015A9C)
    probabilities = (1 - rng.random(1500)).astype(np.float32)
    magnitudes = (10.0 ** rng.uniform(-45, 38.5, 800)).astype(np.float32)
    patterns = rng.integers(0, 2 ** 32, 500, dtype=np.uint64).astype(np.uint32).view(np.float32)
    return np.concatenate([special, powers, ones, fold, midpoints, probabilities, magnitudes,
                           patterns]).astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, function, x in (("exp", np.exp, inputs()), ("log", np.log, log_inputs())):
        with np.errstate(all="ignore"):
            y = function(x)
        assert x.dtype == y.dtype == np.float32
        np.save(os.path.join(OUT, f"{name}_x.npy"), x)
        np.save(os.path.join(OUT, f"{name}_y.npy"), y)
        print(f"numpy {np.__version__}: np.{name} of {x.size} inputs -> {OUT}")


if __name__ == "__main__":
    main()
