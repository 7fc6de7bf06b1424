"""Turn arrays from your own NumPy code into a tl-run case directory (NumPy only).

    import numpy as np, sys
    sys.path.insert(0, "path/to/tl-run/pipelines")
    from tlrun_case import write_case

    write_case(
        "cases/embed_affine",
        input=xs,                                   # the chain's first input
        layers=[
            {"name": "embed", "type": "TimeEmbedding", "params": {"W": embed_W}},
            {"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b}},
        ],
        dout=dout,                                  # omit when the last layer is a loss
        expected={"out": out, "embed.dW": embed.grads[0],
                  "affine.dW": affine.grads[0], "affine.db": affine.grads[1]},
    )

Then `tl-run cases/embed_affine/pipeline.json` runs the chain and compares with `expected/`.

The layout written is exactly the one tl-run reads (pipelines/README.md):
    CASE/pipeline.json          the pipeline file, "version": 1
    CASE/input.npy, CASE/dout.npy
    CASE/LAYER.PARAM.npy        params ("embed.W.npy"), extra inputs ("loss.ts.npy"),
                                state ("lstm.h.npy") and dropout masks ("drop.mask.npy")
    CASE/expected/NAME.npy      references under tl-run's result names: out, dx, LAYER.dPARAM,
                                LAYER.h / .c / .dh, LAYER.dhs_enc, LAYER.mask
Arrays keep their dtype: save what NumPy gave you, do not cast.

To let `tl-run --isolate` judge each layer by itself (docs/pipeline.md §7), record the port's
intermediates with `record_intermediates`: it runs your layer objects (the book's interface:
`forward(x)` or, for a loss, `forward(x, ts)`; `backward(dout)`; `grads`) as tl-run runs the
chain and returns every result under tl-run's names, `LAYER.out` and `LAYER.dx` included:

    expected = record_intermediates(xs, [
        {"name": "embed", "type": "TimeEmbedding", "params": {"W": W}, "port": my_embedding},
        {"name": "lstm", "type": "TimeLSTM", "params": {"Wx": Wx, "Wh": Wh, "b": b}, "port": my_lstm},
        {"name": "loss", "type": "TimeSoftmaxWithLoss", "inputs": {"ts": ts}, "port": my_loss},
    ])
    write_case("cases/mine", input=xs, layers=layers, expected=expected)

(`write_case` ignores the "port" key.)
Run this file directly for a small example: python3 pipelines/tlrun_case.py OUT_DIR
"""
import json
import os
import re

import numpy as np

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ARRAY_GROUPS = ("params", "inputs", "state")


def write_case(directory, input, layers, dout=None, expected=None, tolerance=None, name=None):
    """Write a case directory; returns the path of its pipeline.json."""
    os.makedirs(directory, exist_ok=True)
    pipeline = {"version": 1, "name": name or os.path.basename(os.path.abspath(directory)),
                "input": _save(directory, "input", input), "layers": []}
    used = set()
    for index, layer in enumerate(layers):
        entry = _layer_entry(directory, index, layer, used)
        pipeline["layers"].append(entry)
    if dout is not None:
        pipeline["dout"] = _save(directory, "dout", dout)
    if expected:
        for result, array in expected.items():
            _save(os.path.join(directory, "expected"), result, array)
        pipeline["reference"] = "expected"
    if tolerance:
        pipeline["tolerance"] = tolerance
    path = os.path.join(directory, "pipeline.json")
    with open(path, "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")
    return path


def _layer_entry(directory, index, layer, used):
    unknown = set(layer) - {"name", "type", "ratio", "train", "mask", "port", *ARRAY_GROUPS}
    if unknown:
        raise ValueError(f"layers[{index}]: unknown keys {sorted(unknown)}")
    if "type" not in layer:
        raise ValueError(f"layers[{index}]: 'type' is required (the book's class name)")
    layer_name = layer.get("name") or f"layer{index}"
    if not NAME.match(layer_name) or layer_name in used:
        raise ValueError(f"layers[{index}]: name {layer_name!r} is not a valid, unique identifier")
    used.add(layer_name)
    entry = {"name": layer_name, "type": layer["type"]}
    for group in ARRAY_GROUPS:
        if layer.get(group):
            entry[group] = {key: _save(directory, f"{layer_name}.{key}", array)
                            for key, array in layer[group].items()}
    for option in ("ratio", "train"):
        if option in layer:
            entry[option] = layer[option]
    if layer.get("mask") is not None:
        entry["mask"] = _save(directory, f"{layer_name}.mask", layer["mask"])
    return entry


def record_intermediates(input, layers, dout=None):
    """Run the port's layers ("port" of each layer dict) forward on `input`, then backward from
    `dout` (1 after a loss layer), and return the results under tl-run's names: out, dx (absent
    when the first backward returns None), LAYER.dPARAM in the order of the layer's "params",
    LAYER.h / LAYER.c / LAYER.dh where the port has them (recurrent layers), and the
    intermediates LAYER.out and LAYER.dx (absent where its backward returns None).

    A layer with a "state" ({"h": h0} or {"h": h0, "c": c0}) is given it as tl-run gives it
    (docs/pipeline.md §2 `state`): the port's `set_state(h, c)` is called before its forward,
    `c` None when absent, so the port must have the book's `set_state` (and be stateful)."""
    results, value, outs = {}, input, []
    for index, layer in enumerate(layers):
        port = layer["port"]
        state = layer.get("state")
        if state:
            if not hasattr(port, "set_state"):
                raise ValueError(f"layers[{index}]: has a 'state' but its port has no set_state(h, c=None)")
            port.set_state(state["h"]) if state.get("c") is None else port.set_state(state["h"], state["c"])
        ts = (layer.get("inputs") or {}).get("ts")
        value = port.forward(value) if ts is None else port.forward(value, ts)
        outs.append(value)
    results["out"] = value
    gradient = 1 if dout is None else dout
    dxs = [None] * len(layers)
    for index in reversed(range(len(layers))):
        if gradient is None:
            break
        gradient = layers[index]["port"].backward(gradient)
        dxs[index] = gradient
    if dxs and dxs[0] is not None:
        results["dx"] = dxs[0]
    for layer, out, dx in zip(layers, outs, dxs):
        name, port = layer["name"], layer["port"]
        for param, grad in zip(layer.get("params") or {}, getattr(port, "grads", [])):
            results[f"{name}.d{param}"] = grad
        for extra in ("h", "c", "dh"):
            if layer["type"] in ("TimeRNN", "TimeLSTM", "TimeGRU") and getattr(port, extra, None) is not None:
                results[f"{name}.{extra}"] = getattr(port, extra)
        results[f"{name}.out"] = out
        if dx is not None:
            results[f"{name}.dx"] = dx
    return results


def _save(directory, stem, array):
    """np.save under STEM.npy; returns the name relative to the case directory."""
    os.makedirs(directory, exist_ok=True)
    np.save(os.path.join(directory, stem + ".npy"), np.asarray(array))
    return stem + ".npy"


def _example(directory):
    """The TimeAffine notebook as a case: x (N,T,D), W (D,H), b (H,)."""
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((2, 4, 5))
    out = x.reshape(8, 3) @ W + b
    expected = {"out": out.reshape(2, 4, 5), "dx": (dout.reshape(8, 5) @ W.T).reshape(2, 4, 3),
                "affine.dW": x.reshape(8, 3).T @ dout.reshape(8, 5), "affine.db": dout.reshape(8, 5).sum(axis=0)}
    return write_case(directory, input=x, dout=dout, expected=expected,
                      layers=[{"name": "affine", "type": "TimeAffine", "params": {"W": W, "b": b}}])


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: python3 pipelines/tlrun_case.py OUT_DIR   (writes an example case)")
    print(_example(sys.argv[1]))
