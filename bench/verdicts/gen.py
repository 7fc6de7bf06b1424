"""Writes the verdict-calibration batch: many language-model cases of random sizes, each with
the book-style NumPy reference, for `tl-run PIPELINE.json --batch DIR`.

    python3 bench/verdicts/gen.py [--count 120] [--seed 2024] [--out DIR]
                                  [--twins] [--twins-out DIR]      (numpy==2.4.6)

DIR (default bench/data/verdicts/, git-ignored) gets:
  pipeline.json   the shared chain TimeEmbedding → TimeLSTM → TimeAffine → TimeSoftmaxWithLoss,
                  float32, every source relative (found in the case), outputs "out", reference
                  "expected", no tolerance (tl-run's defaults decide)
  batch.json      how the batch was made (count, seed, numpy version)
  caseNNN/        xs.npy, ts.npy (int32 or int64; some labels -1, ignored), embed_W.npy,
                  lstm_Wx.npy, lstm_Wh.npy, lstm_b.npy, affine_W.npy, affine_b.npy, case.json
                  (sizes, dtypes, init, ignored labels), and expected/ holding every array
                  tl-run writes for this chain: out (the float64 loss), embed.dW, lstm.dWx,
                  lstm.dWh, lstm.db, lstm.h, lstm.c, lstm.dh, affine.dW, affine.db

Sizes per case, from np.random.default_rng((seed, case index)): N in 1..20 and T in 1..35
uniform; V in 10..2000, D and H in 4..128 log-uniform (small sizes as often as large ones).
case000 has every size at its maximum, case001 at its minimum. Params are the book's Rnnlm
init (ch06/rnnlm.py: embed W randn/100, Wx randn/sqrt(D), Wh randn/sqrt(H), affine W
randn/sqrt(H), zero biases) for "book" cases; "wide" cases use a unit-scale embedding and
randn·0.1 biases instead, so the LSTM's gates and the softmax are not all near their
midpoints. The reference is computed by bench/numpy_run.py (the classes of
testdata/gen_layers_*.py), reading back the files just written.

With --twins, TWINS_DIR (default bench/data/verdicts_twins/) gets the same cases (inputs
hard-linked) whose reference differs from the correct one in ONE element of ONE array: among
the gradients (embed.dW, lstm.dWx, lstm.dWh, lstm.db, lstm.dh, affine.dW, affine.db) the array
of smallest scale max|e|, and in it an element drawn among those with |e| >= 0.1 * max|e|,
multiplied by 1.01 or 0.99. caseNNN/twin.json records the array, index and both values.

Existing batch directories written by this script are replaced; any other is refused.
"""
import argparse
import json
import math
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "bench"))
import numpy_run  # noqa: E402  (the book-style chain; it imports testdata/gen_layers_*.py)

DEFAULT_OUT = os.path.join(REPO, "bench", "data", "verdicts")
DEFAULT_TWINS = os.path.join(REPO, "bench", "data", "verdicts_twins")

PIPELINE = {
    "version": 1,
    "name": "verdicts: TimeEmbedding → TimeLSTM → TimeAffine → TimeSoftmaxWithLoss",
    "input": "xs.npy",
    "layers": [
        {"name": "embed", "type": "TimeEmbedding", "params": {"W": "embed_W.npy"}},
        {"name": "lstm", "type": "TimeLSTM",
         "params": {"Wx": "lstm_Wx.npy", "Wh": "lstm_Wh.npy", "b": "lstm_b.npy"}},
        {"name": "affine", "type": "TimeAffine",
         "params": {"W": "affine_W.npy", "b": "affine_b.npy"}},
        {"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": "ts.npy"}},
    ],
    "outputs": "out",
    "reference": "expected",
}

RANGES = {"N": (1, 20), "T": (1, 35), "V": (10, 2000), "D": (4, 128), "H": (4, 128)}
TWIN_CHANGE = 0.01  # ±1 % of the element's value


def case_names(count):
    width = max(3, len(str(count - 1)))
    return [f"case{i:0{width}d}" for i in range(count)]


def log_uniform(rng, lo, hi):
    return int(min(hi, max(lo, round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))))


def draw_sizes(rng, index):
    if index == 0:
        return {k: hi for k, (lo, hi) in RANGES.items()}
    if index == 1:
        return {k: lo for k, (lo, hi) in RANGES.items()}
    return {
        "N": int(rng.integers(RANGES["N"][0], RANGES["N"][1] + 1)),
        "T": int(rng.integers(RANGES["T"][0], RANGES["T"][1] + 1)),
        "V": log_uniform(rng, *RANGES["V"]),
        "D": log_uniform(rng, *RANGES["D"]),
        "H": log_uniform(rng, *RANGES["H"]),
    }


def make_case(rng, index):
    """The input arrays (file name → array) and the case's description."""
    s = draw_sizes(rng, index)
    N, T, V, D, H = s["N"], s["T"], s["V"], s["D"], s["H"]
    init = "book" if index < 2 else str(rng.choice(["book", "wide"]))
    xs_dtype = np.dtype(rng.choice(["int32", "int64"]))
    ts_dtype = np.dtype(rng.choice(["int32", "int64"]))
    rn = lambda *shape: rng.standard_normal(shape)  # noqa: E731  (float64 draws, as randn)
    f32 = lambda a: np.asarray(a).astype("f")  # noqa: E731
    if init == "book":  # ch06/rnnlm.py
        embed_W = f32(rn(V, D) / 100)
        lstm_b, affine_b = np.zeros(4 * H, "f"), np.zeros(V, "f")
    else:
        embed_W = f32(rn(V, D))
        lstm_b, affine_b = f32(rn(4 * H) * 0.1), f32(rn(V) * 0.1)
    arrays = {
        "embed_W.npy": embed_W,
        "lstm_Wx.npy": f32(rn(D, 4 * H) / np.sqrt(D)),
        "lstm_Wh.npy": f32(rn(H, 4 * H) / np.sqrt(H)),
        "lstm_b.npy": lstm_b,
        "affine_W.npy": f32(rn(H, V) / np.sqrt(H)),
        "affine_b.npy": affine_b,
        "xs.npy": rng.integers(0, V, size=(N, T)).astype(xs_dtype),
    }
    ts = rng.integers(0, V, size=(N, T)).astype(ts_dtype)
    ignore_fraction = float(rng.uniform(0.0, 0.3)) if N * T > 1 else 0.0
    ignored = rng.random((N, T)) < ignore_fraction
    if ignored.all():  # the loss needs one counted label (all ignored is a NaN loss, docs/layers.md §5.7)
        ignored.flat[int(rng.integers(0, N * T))] = False
    ts[ignored] = -1
    arrays["ts.npy"] = ts
    info = dict(s, init=init, xs_dtype=str(xs_dtype), ts_dtype=str(ts_dtype),
                ignored=int(ignored.sum()), counted=int(N * T - ignored.sum()))
    return arrays, info


def prepare(directory):
    """An empty directory, replacing one this script wrote before; refuses any other."""
    if os.path.exists(directory):
        if os.listdir(directory) and not os.path.exists(os.path.join(directory, "batch.json")):
            sys.exit(f"gen.py: {directory} exists and is not a verdicts batch; not touching it")
        shutil.rmtree(directory)
    os.makedirs(directory)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_correct(root, count, seed):
    prepare(root)
    write_json(os.path.join(root, "pipeline.json"), PIPELINE)
    for index, name in enumerate(case_names(count)):
        case = os.path.join(root, name)
        os.makedirs(os.path.join(case, "expected"))
        rng = np.random.default_rng((seed, index))
        arrays, info = make_case(rng, index)
        for file_name, array in arrays.items():
            np.save(os.path.join(case, file_name), array)
        results = numpy_run.compute(PIPELINE, case)
        for result, array in results.items():
            np.save(os.path.join(case, "expected", result + ".npy"), np.asarray(array))
        info["rng_seed"] = [seed, index]
        info["outputs"] = sorted(results)
        write_json(os.path.join(case, "case.json"), info)
    write_json(os.path.join(root, "batch.json"), {
        "kind": "verdicts", "count": count, "seed": seed, "numpy": np.__version__,
        "ranges": RANGES})


def link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def is_gradient(result):
    return "." in result and result.split(".", 1)[1].startswith("d")


def write_twins(correct, twins, count, seed):
    prepare(twins)
    shutil.copy2(os.path.join(correct, "pipeline.json"), os.path.join(twins, "pipeline.json"))
    for index, name in enumerate(case_names(count)):
        source, case = os.path.join(correct, name), os.path.join(twins, name)
        os.makedirs(os.path.join(case, "expected"))
        for entry in os.listdir(source):
            if os.path.isfile(os.path.join(source, entry)):
                link_or_copy(os.path.join(source, entry), os.path.join(case, entry))
        expected = {f[:-4]: np.load(os.path.join(source, "expected", f))
                    for f in sorted(os.listdir(os.path.join(source, "expected")))}
        scales = {k: float(np.max(np.abs(a))) for k, a in expected.items()
                  if is_gradient(k) and a.size and np.max(np.abs(a)) > 0}
        target = min(scales, key=lambda k: (scales[k], k))
        array = expected[target].copy()
        rng = np.random.default_rng((seed, index, 1))
        candidates = np.flatnonzero(np.abs(array) >= 0.1 * scales[target])
        flat = int(rng.choice(candidates))
        sign = int(rng.choice([1, -1]))
        old = array.flat[flat]
        array.flat[flat] = array.dtype.type(float(old) * (1 + sign * TWIN_CHANGE))
        new = array.flat[flat]
        for result in expected:
            path = os.path.join(case, "expected", result + ".npy")
            if result == target:
                np.save(path, array)
            else:
                link_or_copy(os.path.join(source, "expected", result + ".npy"), path)
        write_json(os.path.join(case, "twin.json"), {
            "array": target, "index": [int(i) for i in np.unravel_index(flat, array.shape)],
            "flat_index": flat, "dtype": str(array.dtype), "correct": float(old),
            "twin": float(new), "relative_change": float((new - old) / old), "sign": sign,
            "array_scale": scales[target], "element_over_scale": float(abs(old)) / scales[target],
            "gradient_scales": scales})
    write_json(os.path.join(twins, "batch.json"), {
        "kind": "verdicts_twins", "count": count, "seed": seed, "numpy": np.__version__,
        "correct": os.path.relpath(correct, twins), "change": TWIN_CHANGE})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--twins", action="store_true", help="also write the twin batch")
    parser.add_argument("--twins-out", default=DEFAULT_TWINS)
    args = parser.parse_args()
    if args.count < 2:
        parser.error("--count must be at least 2 (case000 and case001 are the size extremes)")
    write_correct(args.out, args.count, args.seed)
    print(f"wrote {args.count} cases to {args.out}")
    if args.twins:
        write_twins(args.out, args.twins_out, args.count, args.seed)
        print(f"wrote {args.count} twins to {args.twins_out}")


if __name__ == "__main__":
    main()
