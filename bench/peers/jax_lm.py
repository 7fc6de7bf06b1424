"""The language model in JAX on the CPU: the loss as a function of the params (and the initial
h, whose gradient is tl-run's lstm.dh), the LSTM as `lax.scan` over T, the gradients by
`jax.value_and_grad`, all under one `jax.jit`. The first call compiles; its time is reported as
"compile" apart from the steady state, "compute" (the median of --repeat further calls, default 3,
each waited for with block_until_ready).

Usage: python3 bench/peers/jax_lm.py CASE/pipeline.json OUT_DIR [--repeat K]
Prints one JSON line: phase seconds {"import", "load", "compile", "compute", "save"}; "first"
is the first call whole (compile + one run). Float64 cases need JAX_ENABLE_X64=1 (set here).
"""

import os
import statistics
import sys
import time

started = time.perf_counter()
os.environ.setdefault("JAX_ENABLE_X64", "1")  # keeps float64 cases float64; float32 stays float32
os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

from common import Phases, load_lm, save  # noqa: E402


def loss_and_states(p, h0, xs, ts):
    """The book's loss (mean over the N·T labels that are not -1) and the last (h, c)."""
    We, Wx, Wh, b, Wa, ba = (p[k] for k in ("embed.W", "lstm.Wx", "lstm.Wh", "lstm.b",
                                            "affine.W", "affine.b"))
    N, T = xs.shape
    H = Wh.shape[0]
    x = We[xs]                                        # (N, T, D)
    A = jnp.einsum("ntd,dg->tng", x, Wx) + b          # x·Wx hoisted, time-major

    def step(carry, a):
        h, c = carry
        a = a + h @ Wh
        f = jax.nn.sigmoid(a[:, :H])
        g = jnp.tanh(a[:, H:2 * H])
        i = jax.nn.sigmoid(a[:, 2 * H:3 * H])
        o = jax.nn.sigmoid(a[:, 3 * H:])
        c = f * c + g * i
        h = o * jnp.tanh(c)
        return (h, c), h

    (h, c), hs = lax.scan(step, (h0, jnp.zeros_like(h0)), A)
    scores = jnp.einsum("tnh,hv->ntv", hs, Wa) + ba  # (N, T, V)
    logp = jax.nn.log_softmax(scores, axis=-1)
    mask = ts != -1
    picked = jnp.take_along_axis(logp, jnp.where(mask, ts, 0)[..., None], axis=-1)[..., 0]
    loss = -jnp.sum(picked * mask) / jnp.sum(mask)
    return loss, (h, c)


grad_fn = jax.jit(jax.value_and_grad(loss_and_states, argnums=(0, 1), has_aux=True))


def main(pipeline, out_dir, repeat):
    phases = Phases()
    phases.seconds["import"] = phases.last - started
    xs, ts, params = load_lm(pipeline)
    p = {k: jnp.asarray(v) for k, v in params.items()}
    N, H = xs.shape[0], params["lstm.Wh"].shape[0]
    h0 = jnp.zeros((N, H), params["lstm.Wh"].dtype)
    xs_j, ts_j = jnp.asarray(xs), jnp.asarray(ts)
    phases.mark("load")
    before = time.perf_counter()
    result = jax.block_until_ready(grad_fn(p, h0, xs_j, ts_j))
    first = time.perf_counter() - before
    runs = []
    for _ in range(repeat):
        before = time.perf_counter()
        result = jax.block_until_ready(grad_fn(p, h0, xs_j, ts_j))
        runs.append(time.perf_counter() - before)
    phases.mark("compute_all")
    compute = statistics.median(runs)
    (loss, (h, c)), (grads, dh) = result
    out = {"out": np.float64(loss), "lstm.h": h, "lstm.c": c, "lstm.dh": dh}
    for name, g in grads.items():
        layer, pname = name.split(".")
        out[f"{layer}.d{pname}"] = np.asarray(g)
    save(out_dir, out)
    phases.mark("save")
    phases.seconds.pop("compute_all")
    phases.seconds.update({"first": first, "compile": max(first - compute, 0.0), "compute": compute})
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
