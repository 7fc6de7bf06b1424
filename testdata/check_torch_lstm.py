"""Checks tl-run's "layout": "pytorch" against PyTorch itself: a torch.nn.LSTM's gradients by
autograd equal tl-run's (not part of `swift test`, which needs no Python; PyTorch is heavy).

    swift build
    python3 -m venv --system-site-packages /tmp/torchenv      # numpy 2.4.6, safetensors 0.8.0
    /tmp/torchenv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    /tmp/torchenv/bin/python testdata/check_torch_lstm.py .build/debug/tl-run

What it does, the way a person checking a port would:

1. builds `torch.nn.LSTM(D, H, batch_first=True)` inside a model (so the state_dict's names are
   `lstm.weight_ih_l0`, …) with PyTorch's own random init, and saves `model.state_dict()` with
   `safetensors.torch.save_file`;
2. runs forward on random xs (N, T, D) and `out.backward(dout)` with a given dout, and saves
   xs, dout and what autograd gives as the reference: out, dx = xs.grad,
   `lstm.dweight_ih_l0` = weight_ih_l0.grad, …, and the final `lstm.h`, `lstm.c` (h_n, c_n);
3. writes a pipeline with `"layout": "pytorch"` whose params come from the .safetensors file,
   and runs tl-run on it: tl-run compares its results with autograd's (rtol 1e-5, atol 1e-6,
   float32) and exits 0 when every array agrees.

Then, independently of tl-run, it checks the mapping's algebra in NumPy against PyTorch's
documented equations (torch.nn.LSTM):

    i, f, g, o = split(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)     (i, f, o: sigmoid; g: tanh)
    c' = f * c + i * g,   h' = o * tanh(c')

computed straight from the state_dict's arrays, against PyTorch's output. Prints one line per
check and `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import save_file

PARAMS = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def torch_equations(xs, p):
    """torch.nn.LSTM's documented forward, in float64 NumPy from the state_dict's arrays."""
    N, T, _ = xs.shape
    H = p["weight_hh_l0"].shape[1]
    h, c = np.zeros((N, H)), np.zeros((N, H))
    hs = np.zeros((N, T, H))
    for t in range(T):
        a = xs[:, t] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T + p["bias_hh_l0"]
        i, f, g, o = np.split(a, 4, axis=1)
        i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[:, t] = h
    return hs, h, c


def run_case(binary, N, T, D, H, seed, results):
    torch.manual_seed(seed)
    model = torch.nn.Module()
    model.lstm = torch.nn.LSTM(D, H, batch_first=True)
    xs = torch.randn(N, T, D, requires_grad=True)
    dout = torch.randn(N, T, H)
    out, (h_n, c_n) = model.lstm(xs)
    out.backward(dout)
    name = f"N={N} T={T} D={D} H={H} seed={seed}"

    with tempfile.TemporaryDirectory() as directory:
        save_file(model.state_dict(), os.path.join(directory, "weights.safetensors"))
        np.save(os.path.join(directory, "xs.npy"), xs.detach().numpy())
        np.save(os.path.join(directory, "dout.npy"), dout.numpy())
        expected = os.path.join(directory, "expected")
        os.makedirs(expected)
        reference = {"out": out, "dx": xs.grad, "lstm.h": h_n[0], "lstm.c": c_n[0]}
        for param in PARAMS:
            reference["lstm.d" + param] = getattr(model.lstm, param).grad
        for key, tensor in reference.items():
            np.save(os.path.join(expected, key + ".npy"), tensor.detach().numpy())
        pipeline = {
            "version": 1,
            "name": f"torch.nn.LSTM {name}",
            "input": "xs.npy",
            "layers": [{
                "name": "lstm", "type": "TimeLSTM", "layout": "pytorch",
                "params": {p: f"weights.safetensors:lstm.{p}" for p in PARAMS},
            }],
            "dout": "dout.npy",
            "reference": "expected",
            "tolerance": {"rtol": 1e-5, "atol": 1e-6},
        }
        with open(os.path.join(directory, "pipeline.json"), "w") as f:
            json.dump(pipeline, f, indent=2)
        run = subprocess.run([binary, os.path.join(directory, "pipeline.json")], capture_output=True, text=True)
        ok = run.returncode == 0 and " 0 failed" in run.stdout
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} tl-run vs autograd, {name}: exit {run.returncode}")
        if not ok or os.environ.get("VERBOSE"):
            print(run.stdout + run.stderr)

    state = {k: v.detach().double().numpy() for k, v in model.lstm.state_dict().items()}
    hs, h, c = torch_equations(xs.detach().double().numpy(), state)
    worst = max(np.abs(hs - out.detach().numpy()).max(), np.abs(c - c_n[0].detach().numpy()).max())
    ok = worst < 1e-5
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} documented equations vs torch.nn.LSTM forward, {name}: max |diff| {worst:.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tl_run", nargs="?", default=".build/debug/tl-run", help="the built tl-run binary")
    arguments = parser.parse_args()
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    results = []
    for N, T, D, H, seed in [(2, 5, 3, 4, 0), (3, 7, 6, 5, 1), (1, 1, 2, 3, 2), (4, 12, 16, 32, 3)]:
        run_case(arguments.tl_run, N, T, D, H, seed, results)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
