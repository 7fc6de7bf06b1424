"""What every peer of bench/peers.py shares: loading the language-model case a bench/cases.py
pipeline names (TimeEmbedding → TimeLSTM → TimeAffine → TimeSoftmaxWithLoss), saving the arrays
tl-run writes under tl-run's names, and the one JSON line of phase times a peer prints.

Shape letters as in the book: N batch, T time steps, D embedding size, H hidden size, V vocabulary.
"""

import json
import os
import time

import numpy as np


def load_lm(pipeline_path):
    """(xs, ts, params) of a bench language-model case; params by "LAYER.PARAM" names."""
    case_dir = os.path.dirname(os.path.abspath(pipeline_path))
    with open(pipeline_path) as f:
        spec = json.load(f)
    types = [layer["type"] for layer in spec["layers"]]
    if types != ["TimeEmbedding", "TimeLSTM", "TimeAffine", "TimeSoftmaxWithLoss"]:
        raise SystemExit(f"{pipeline_path}: the peers run the language model only, not {types}")
    params, ts = {}, None
    for layer in spec["layers"]:
        for pname, source in layer.get("params", {}).items():
            params[f"{layer['name']}.{pname}"] = np.load(os.path.join(case_dir, source))
        if "ts" in layer.get("inputs", {}):
            ts = np.load(os.path.join(case_dir, layer["inputs"]["ts"]))
    xs = np.load(os.path.join(case_dir, spec["input"]))
    return xs, ts, params


def save(out_dir, results):
    """np.save every array under tl-run's output name (out, LAYER.dPARAM, lstm.h / .c / .dh)."""
    os.makedirs(out_dir, exist_ok=True)
    for name, array in results.items():
        np.save(os.path.join(out_dir, name + ".npy"), np.asarray(array))


class Phases:
    """Wall-clock phase times since the process's own start of work (perf_counter)."""

    def __init__(self):
        self.last = time.perf_counter()
        self.seconds = {}

    def mark(self, name):
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now

    def print(self):
        print(json.dumps(self.seconds))
