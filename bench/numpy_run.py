"""Runs a bench pipeline.json with NumPy, the book's way, as one process: np.load every
input, forward then backward through the chain, np.save the same arrays tl-run writes
(out, dx, LAYER.dPARAM, LAYER.h / .c / .dh) into OUT_DIR.

Usage: python3 bench/numpy_run.py CASE_DIR/pipeline.json OUT_DIR
Prints one JSON line on stdout with the phase times in seconds (load, compute, save).
Only what bench/ generates is supported: .npy sources, a loss layer last or a dout file.
compute(spec, case_dir) returns the same arrays without writing them (bench/verdicts/gen.py).
"""

import json
import os
import sys
import time

import numpy as np

from book_layers import PARAM_NAMES, has_memory, is_recurrent, make_layer


def load(case_dir, source):
    if isinstance(source, (int, float)):
        return source
    return np.load(os.path.join(case_dir, source))


def load_chain(spec, case_dir):
    """The chain's input, its layers as (name, type, book layer, extra inputs) and dout, with
    every source np.load-ed from case_dir."""
    xs = load(case_dir, spec["input"])
    layers = []
    for entry in spec["layers"]:
        params = {k: load(case_dir, v) for k, v in entry.get("params", {}).items()}
        inputs = {k: load(case_dir, v) for k, v in entry.get("inputs", {}).items()}
        layers.append((entry["name"], entry["type"], make_layer(entry["type"], params), inputs))
    dout = load(case_dir, spec["dout"]) if "dout" in spec else 1
    return xs, layers, dout


def forward_backward(xs, layers, dout):
    """Forward then backward through the chain once; returns (out, the gradient of xs)."""
    value = xs
    for _, _, layer, inputs in layers:
        value = layer.forward(value, inputs["ts"]) if "ts" in inputs else layer.forward(value)
    out = np.asarray(value)
    grad = dout
    for _, _, layer, _ in reversed(layers):
        grad = layer.backward(grad)
    return out, grad


def results_of(layers, out, grad):
    """The arrays tl-run writes, by its names: out, dx, LAYER.dPARAM, LAYER.h / .c / .dh."""
    results = {"out": out}
    if grad is not None:
        results["dx"] = grad
    for name, type_name, layer, _ in layers:
        for pname, g in zip(PARAM_NAMES[type_name], layer.grads):
            results[f"{name}.d{pname}"] = g
        if is_recurrent(layer):
            results[f"{name}.h"] = layer.h
            if has_memory(layer):
                results[f"{name}.c"] = layer.c
            results[f"{name}.dh"] = np.asarray(layer.dh)
    return results


def compute(spec, case_dir):
    """Everything tl-run writes for the pipeline spec with sources in case_dir (name → array)."""
    xs, layers, dout = load_chain(spec, case_dir)
    out, grad = forward_backward(xs, layers, dout)
    return results_of(layers, out, grad)


def run(pipeline_path, out_dir):
    started = time.perf_counter()
    case_dir = os.path.dirname(os.path.abspath(pipeline_path))
    with open(pipeline_path) as f:
        spec = json.load(f)
    xs, layers, dout = load_chain(spec, case_dir)
    loaded = time.perf_counter()

    out, grad = forward_backward(xs, layers, dout)
    computed = time.perf_counter()

    results = results_of(layers, out, grad)
    os.makedirs(out_dir, exist_ok=True)
    for name, array in results.items():
        np.save(os.path.join(out_dir, name + ".npy"), array)
    saved = time.perf_counter()
    return {"load": loaded - started, "compute": computed - loaded, "save": saved - computed}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(json.dumps(run(sys.argv[1], sys.argv[2])))
