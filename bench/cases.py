"""The benchmark workloads, and their generation under bench/data/CASE/ (pipeline.json plus
the .npy inputs). Generation is deterministic (fixed seeds) and happens once: a case whose
case.json already records the same definition is left as it is.

Shape letters as in the book: N batch, T time steps, D input size, H hidden size, V vocabulary.
"""

import json
import os
from dataclasses import asdict, dataclass

import numpy as np

T_STEPS = 35  # the ch06 language model's time size


@dataclass(frozen=True)
class Case:
    """One workload: a chain of layers at given sizes and float dtype."""

    name: str
    group: str  # a: language model, b: TimeAffine, c: single layers, d: sweep, x: extra
    dtype: str
    layers: tuple  # layer types in chain order
    N: int = 20
    T: int = T_STEPS
    D: int = 650
    H: int = 650
    V: int = 10000
    note: str = ""

    @property
    def flops(self):
        """Multiply-add FLOPs of the GEMMs of forward + backward (affine: 3 products)."""
        NT = self.N * self.T
        total = 0
        for kind in self.layers:
            if kind == "TimeAffine":
                total += 3 * 2 * NT * self.D_affine * self.V
            elif kind in ("TimeLSTM", "TimeGRU", "TimeRNN"):
                gates = {"TimeLSTM": 4, "TimeGRU": 3, "TimeRNN": 1}[kind]
                total += 3 * 2 * NT * (self.D + self.H) * gates * self.H
        return total

    @property
    def D_affine(self):
        """The affine's input width: H after a recurrent layer, D otherwise."""
        recurrent = any(k in ("TimeLSTM", "TimeGRU", "TimeRNN") for k in self.layers)
        return self.H if recurrent else self.D


LM = ("TimeEmbedding", "TimeLSTM", "TimeAffine", "TimeSoftmaxWithLoss")
LM_NO_LSTM = ("TimeEmbedding", "TimeAffine", "TimeSoftmaxWithLoss")
SWEEP_NT = (175, 700, 2800, 11200)


def all_cases():
    """Every workload of the benchmark, in the order the tables show them."""
    cases = []
    for dt in ("float32", "float64"):
        cases.append(Case(f"lm-{dt}", "a", dt, LM, note="ch06 language model"))
    for dt in ("float32", "float64"):
        cases.append(Case(f"affine-{dt}", "b", dt, ("TimeAffine",), note="GEMM-bound"))
    for dt in ("float32", "float64"):
        cases.append(Case(f"lstm-{dt}", "c", dt, ("TimeLSTM",)))
        cases.append(Case(f"gru-{dt}", "c", dt, ("TimeGRU",), D=100, H=100))
        cases.append(Case(f"rnn-{dt}", "c", dt, ("TimeRNN",), D=100, H=100))
        cases.append(Case(f"embedding-{dt}", "c", dt, ("TimeEmbedding",)))
    for dt in ("float32", "float64"):
        for nt in SWEEP_NT:
            cases.append(Case(f"sweep-{nt}-{dt}", "d", dt, LM, N=nt // T_STEPS, note=f"N·T={nt}"))
    for dt in ("float32", "float64"):
        cases.append(
            Case(f"lm-nolstm-{dt}", "x", dt, LM_NO_LSTM, note="language model without its LSTM"))
    return cases


LAYER_NAMES = {"TimeEmbedding": "embed", "TimeLSTM": "lstm", "TimeGRU": "gru", "TimeRNN": "rnn",
               "TimeAffine": "affine", "TimeSoftmaxWithLoss": "loss"}


def _normal(rng, shape, dtype, scale):
    return (rng.standard_normal(shape, dtype=np.float64) * scale).astype(dtype)


def _arrays_and_layers(case, rng):
    """The input arrays (file name → array) and the pipeline's layer objects."""
    dt, N, T, D, H, V = case.dtype, case.N, case.T, case.D, case.H, case.V
    names = LAYER_NAMES
    arrays, layers = {}, []
    first = case.layers[0]
    if first == "TimeEmbedding":
        arrays["xs.npy"] = rng.integers(0, V, size=(N, T), dtype=np.int32)
    else:
        arrays["xs.npy"] = _normal(rng, (N, T, D), dt, 1.0)
    width = D
    for kind in case.layers:
        name = names[kind]
        entry = {"name": name, "type": kind}
        if kind == "TimeEmbedding":
            arrays[f"{name}_W.npy"] = _normal(rng, (V, D), dt, 0.01)
            entry["params"] = {"W": f"{name}_W.npy"}
        elif kind in ("TimeLSTM", "TimeGRU", "TimeRNN"):
            gates = {"TimeLSTM": 4, "TimeGRU": 3, "TimeRNN": 1}[kind]
            arrays[f"{name}_Wx.npy"] = _normal(rng, (width, gates * H), dt, 1 / np.sqrt(width))
            arrays[f"{name}_Wh.npy"] = _normal(rng, (H, gates * H), dt, 1 / np.sqrt(H))
            arrays[f"{name}_b.npy"] = _normal(rng, (gates * H,), dt, 0.1)
            entry["params"] = {p: f"{name}_{p}.npy" for p in ("Wx", "Wh", "b")}
            width = H
        elif kind == "TimeAffine":
            M = V
            arrays[f"{name}_W.npy"] = _normal(rng, (width, M), dt, 1 / np.sqrt(width))
            arrays[f"{name}_b.npy"] = _normal(rng, (M,), dt, 0.1)
            entry["params"] = {"W": f"{name}_W.npy", "b": f"{name}_b.npy"}
            width = M
        elif kind == "TimeSoftmaxWithLoss":
            arrays["ts.npy"] = rng.integers(0, V, size=(N, T), dtype=np.int32)
            entry["inputs"] = {"ts": "ts.npy"}
        layers.append(entry)
    if case.layers[-1] != "TimeSoftmaxWithLoss":
        arrays["dout.npy"] = _normal(rng, (N, T, width), dt, 1.0)
    return arrays, layers


def generate(case, root):
    """Writes the case under root/NAME unless it is already there; returns the pipeline path."""
    directory = os.path.join(root, case.name)
    pipeline_path = os.path.join(directory, "pipeline.json")
    stamp_path = os.path.join(directory, "case.json")
    stamp = json.dumps(asdict(case), sort_keys=True)
    if os.path.exists(stamp_path) and os.path.exists(pipeline_path):
        with open(stamp_path) as f:
            if f.read() == stamp:
                return pipeline_path
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(_seed(case))
    arrays, layers = _arrays_and_layers(case, rng)
    for file_name, array in arrays.items():
        np.save(os.path.join(directory, file_name), array)
    pipeline = {"version": 1, "name": case.name, "input": "xs.npy", "layers": layers,
                "outputs": "out"}
    if "dout.npy" in arrays:
        pipeline["dout"] = "dout.npy"
    with open(pipeline_path, "w") as f:
        json.dump(pipeline, f, indent=2)
    with open(stamp_path, "w") as f:
        f.write(stamp)
    return pipeline_path


def _seed(case):
    """A fixed seed per case name (Python's str hash is salted per process, so not that)."""
    return sum((i + 1) * b for i, b in enumerate(case.name.encode())) % 2**32
