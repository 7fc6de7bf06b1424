"""Checks tl-run's "layout": "keras" against Keras itself: keras.layers.LSTM and
keras.layers.GRU(reset_after=False), their gradients for a given dout equal tl-run's (not part
of `swift test`, which needs no Python).

    swift build
    python3 -m venv --system-site-packages /tmp/torchenv      # numpy 2.4.6
    /tmp/torchenv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    /tmp/torchenv/bin/pip install keras                        # Keras 3, run on PyTorch
    KERAS_BACKEND=torch /tmp/torchenv/bin/python testdata/check_keras_layouts.py .build/debug/tl-run

Keras 3 runs on the PyTorch backend here (TensorFlow is not needed): its variables are torch
Parameters, so autograd gives the gradients of `sum(out * dout)`. For each layer the script
sets random weights, saves them under Keras's names (`kernel`, `recurrent_kernel`, `bias`) in
an .npz, saves xs, dout and what Keras and autograd give (out, dx, `rnn.dkernel`,
`rnn.drecurrent_kernel`, `rnn.dbias`), and runs tl-run with `"layout": "keras"` on them
(float32: rtol 1e-5, atol 1e-6). Then it checks Keras's forward against its documented
equations, written out in NumPy (gates in Keras's order):

    LSTM:  i, f, c̃, o = split(x·kernel + h·recurrent_kernel + bias)   (σ, σ, tanh, σ)
           c' = f * c + i * c̃,   h' = o * tanh(c')
    GRU (reset_after=False): z, r = σ(x·K_z + h·U_z + b_z), σ(x·K_r + h·U_r + b_r)
           h̃ = tanh(x·K_h + (r * h)·U_h + b_h),   h' = z * h + (1 − z) * h̃

Prints one line per check and `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

NAMES = ["kernel", "recurrent_kernel", "bias"]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def keras_lstm_equations(xs, kernel, recurrent, bias):
    N, T, _ = xs.shape
    H = recurrent.shape[0]
    h, c, hs = np.zeros((N, H)), np.zeros((N, H)), np.zeros((N, T, H))
    for t in range(T):
        i, f, cc, o = np.split(xs[:, t] @ kernel + h @ recurrent + bias, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
        hs[:, t] = h
    return hs


def keras_gru_equations(xs, kernel, recurrent, bias):
    N, T, _ = xs.shape
    H = recurrent.shape[0]
    K, U, b = np.split(kernel, 3, axis=1), np.split(recurrent, 3, axis=1), np.split(bias, 3)
    h, hs = np.zeros((N, H)), np.zeros((N, T, H))
    for t in range(T):
        x = xs[:, t]
        z = sigmoid(x @ K[0] + h @ U[0] + b[0])
        r = sigmoid(x @ K[1] + h @ U[1] + b[1])
        hh = np.tanh(x @ K[2] + (r * h) @ U[2] + b[2])
        h = z * h + (1 - z) * hh
        hs[:, t] = h
    return hs


def run_case(binary, kind, N, T, D, H, seed, results):
    rng = np.random.default_rng(seed)
    if kind == "TimeLSTM":
        layer, gates, equations = keras.layers.LSTM(H, return_sequences=True), 4, keras_lstm_equations
    else:
        layer = keras.layers.GRU(H, return_sequences=True, reset_after=False)
        gates, equations = 3, keras_gru_equations
    layer.build((N, T, D))
    weights = [
        (rng.standard_normal((D, gates * H)) / np.sqrt(D)).astype("f"),
        (rng.standard_normal((H, gates * H)) / np.sqrt(H)).astype("f"),
        (rng.standard_normal(gates * H) * 0.5).astype("f"),
    ]
    layer.set_weights(weights)
    assert [v.path.split("/")[-1] for v in layer.trainable_weights] == NAMES, layer.trainable_weights
    xs = rng.standard_normal((N, T, D)).astype("f")
    dout = rng.standard_normal((N, T, H)).astype("f")
    xs_t = torch.tensor(xs, requires_grad=True)
    out = layer(xs_t)
    (out * torch.tensor(dout)).sum().backward()
    name = f"{kind} N={N} T={T} D={D} H={H} seed={seed}"

    with tempfile.TemporaryDirectory() as directory:
        np.savez(os.path.join(directory, "weights.npz"), **dict(zip(NAMES, weights)))
        np.save(os.path.join(directory, "xs.npy"), xs)
        np.save(os.path.join(directory, "dout.npy"), dout)
        expected = os.path.join(directory, "expected")
        os.makedirs(expected)
        reference = {"out": out.detach().numpy(), "dx": xs_t.grad.numpy()}
        for key, variable in zip(NAMES, layer.trainable_weights):
            reference["rnn.d" + key] = variable.value.grad.detach().numpy()
        for key, array in reference.items():
            np.save(os.path.join(expected, key + ".npy"), array)
        pipeline = {
            "version": 1,
            "name": f"Keras {name}",
            "input": "xs.npy",
            "layers": [{
                "name": "rnn", "type": kind, "layout": "keras",
                "params": {key: f"weights.npz:{key}" for key in NAMES},
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
        print(f"{'PASS' if ok else 'FAIL'} tl-run vs Keras + autograd, {name}: exit {run.returncode}")
        if not ok or os.environ.get("VERBOSE"):
            print(run.stdout + run.stderr)

    hs = equations(xs.astype("d"), *(w.astype("d") for w in weights))
    worst = np.abs(hs - out.detach().numpy()).max()
    ok = worst < 1e-5
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} documented equations vs Keras forward, {name}: max |diff| {worst:.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tl_run", nargs="?", default=".build/debug/tl-run", help="the built tl-run binary")
    arguments = parser.parse_args()
    print(f"keras {keras.__version__} ({keras.backend.backend()}), torch {torch.__version__}, numpy {np.__version__}")
    results = []
    for kind in ["TimeLSTM", "TimeGRU"]:
        for N, T, D, H, seed in [(2, 5, 3, 4, 0), (3, 7, 6, 5, 1), (1, 1, 2, 3, 2), (4, 12, 16, 32, 3)]:
            run_case(arguments.tl_run, kind, N, T, D, H, seed, results)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
