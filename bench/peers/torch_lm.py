"""The language model in PyTorch eager mode on the CPU (optional: bench/peers.py runs it only
when `import torch` works; its wheel brings gigabytes of CUDA libraries, so the bench does not
install it). The same math as bench/peers/jax_lm.py: x·Wx hoisted, a Python loop over T for
h·Wh and the gates, the book's mean loss, gradients by autograd (h0 requires grad: its gradient
is tl-run's lstm.dh). "compute" is the median of --repeat calls after a first one ("first").

Usage: python3 bench/peers/torch_lm.py CASE/pipeline.json OUT_DIR [--repeat K]
Prints one JSON line: phase seconds {"import", "load", "first", "compute", "save"}.
"""

import os
import statistics
import sys
import time

started = time.perf_counter()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import Phases, load_lm, save  # noqa: E402


def forward_backward(params, xs, ts):
    p = {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in params.items()}
    We, Wx, Wh, b, Wa, ba = (p[k] for k in ("embed.W", "lstm.Wx", "lstm.Wh", "lstm.b",
                                            "affine.W", "affine.b"))
    N, T = xs.shape
    H = Wh.shape[0]
    h0 = torch.zeros((N, H), dtype=Wh.dtype, requires_grad=True)
    A = We[xs] @ Wx + b                               # (N, T, 4H)
    h, c = h0, torch.zeros_like(h0)
    hs = []
    for t in range(T):
        a = A[:, t] + h @ Wh
        f = torch.sigmoid(a[:, :H])
        g = torch.tanh(a[:, H:2 * H])
        i = torch.sigmoid(a[:, 2 * H:3 * H])
        o = torch.sigmoid(a[:, 3 * H:])
        c = f * c + g * i
        h = o * torch.tanh(c)
        hs.append(h)
    scores = torch.stack(hs, dim=1) @ Wa + ba
    mask = ts != -1
    logp = torch.log_softmax(scores, dim=-1)
    picked = logp.gather(-1, torch.where(mask, ts, torch.zeros_like(ts)).unsqueeze(-1)).squeeze(-1)
    loss = -(picked * mask).sum() / mask.sum()
    loss.backward()
    out = {"out": np.float64(loss.item()), "lstm.h": h.detach().numpy(),
           "lstm.c": c.detach().numpy(), "lstm.dh": h0.grad.numpy()}
    for name, tensor in p.items():
        layer, pname = name.split(".")
        out[f"{layer}.d{pname}"] = tensor.grad.numpy()
    return out


def main(pipeline, out_dir, repeat):
    phases = Phases()
    phases.seconds["import"] = phases.last - started
    xs, ts, params = load_lm(pipeline)
    xs_t, ts_t = torch.from_numpy(xs.astype(np.int64)), torch.from_numpy(ts.astype(np.int64))
    phases.mark("load")
    before = time.perf_counter()
    out = forward_backward(params, xs_t, ts_t)
    first = time.perf_counter() - before
    runs = []
    for _ in range(repeat):
        before = time.perf_counter()
        out = forward_backward(params, xs_t, ts_t)
        runs.append(time.perf_counter() - before)
    phases.mark("compute_all")
    save(out_dir, out)
    phases.mark("save")
    phases.seconds.pop("compute_all")
    phases.seconds.update({"first": first, "compute": statistics.median(runs)})
    phases.print()


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], repeat)
