"""Writes testdata/zero_size/: pipelines in which one dimension is zero (N, T, D, H, V, M, C,
T_enc, T_dec), for every layer type of the registry and the six version-2 models, in float32 and
float64, plus training steps on empty batches and generation of zero ids.

Every case is a directory testdata/zero_size/<case>/ holding
  pipeline.json   a version-1 chain of one layer, or a version-2 `model` pipeline
  *.npy           its inputs and params (params.npz for the models)
  meta.json       {"numpy": version, "book": "computes" | "raises", "book_error": the exception
                  the book's code raised, "warnings": NumPy's RuntimeWarnings, "message": words
                  tl-run's one error line must hold}
  expected/       NumPy's results under tl-run's names, when the book's code computes

What tl-run must do (ZeroSizeCLITests): where the book's code computes, exit 0 with every result
equal to NumPy's (empty arrays of the right shape and dtype, a loss of nan where NumPy divides
0 by 0 with a RuntimeWarning); where it raises (softmax's max over an empty axis, an id out of
range of an empty table, 0 / 0 in plain Python, an index into an empty time axis), exit 2 with
one line naming the pipeline and the layer. Never a signal, a hang or a huge allocation.

Two results are the book's value in the shape every other size gives them (the book hands back
a Python 0 where its loop over time runs no step): a recurrent layer's `dh` with T = 0 is zeros
(N, H) in the computation dtype, and TimeAttention's `dhs_enc` with T_dec = 0 is zeros like
hs_enc in the dtype the pair promotes to.

The layer classes are the book's (ported in gen_layers_core.py, gen_layers_recurrent.py, and the
models in gen_models.py). Deterministic: fixed seeds. Run with numpy==2.4.6:
    python3 testdata/gen_zero_size.py
"""
import json
import os
import shutil
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import book  # noqa: E402,F401  (first: it pins NumPy's code paths)
import numpy as np  # noqa: E402
import gen_layers_core as core  # noqa: E402
import gen_layers_recurrent as rec  # noqa: E402
import gen_models as models  # noqa: E402

ROOT = os.path.join(HERE, "zero_size")
F32, F64 = np.float32, np.float64
TOLERANCE = {F32: {"rtol": 1e-5, "atol": 1e-6}, F64: {"rtol": 1e-9, "atol": 1e-10}}


def tag(dt):
    return "f32" if dt == F32 else "f64"


def rnd(rng, shape, dt):
    return rng.standard_normal(shape).astype(dt)


# ---- running the book's code -----------------------------------------------------------------
def book_run(compute):
    """compute() → results; returns (results or None, error text or None, warning texts)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.seterr(all="warn")
        try:
            results = compute()
            error = None
        except Exception as e:  # noqa: BLE001  (the book's exception is the case's point)
            results, error = None, f"{type(e).__name__}: {e}"
    texts = sorted({str(w.message) for w in caught})
    return results, error, texts


PARAMS = {"Embedding": ["W"], "TimeEmbedding": ["W"], "MatMul": ["W"], "Affine": ["W", "b"],
          "TimeAffine": ["W", "b"], "TimeRNN": ["Wx", "Wh", "b"], "TimeLSTM": ["Wx", "Wh", "b"],
          "TimeGRU": ["Wx", "Wh", "b"],
          "TimeBiLSTM": ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"]}
LOSSES = {"SoftmaxWithLoss", "SigmoidWithLoss", "TimeSoftmaxWithLoss", "TimeSigmoidWithLoss"}
RECURRENT = {"TimeRNN": rec.TimeRNN, "TimeLSTM": rec.TimeLSTM, "TimeGRU": rec.TimeGRU}


def layer_results(kind, x, params, ts=None, hs_enc=None, dout=None, seed=None, ratio=0.5):
    """The book's layer forward then backward, its results under tl-run's names (layer "L")."""
    r = {}
    if kind in RECURRENT:
        layer = RECURRENT[kind](*params)
        r["out"] = layer.forward(x)
        r["dx"] = layer.backward(dout)
        N, H = x.shape[0], params[1].shape[0]
        compute = np.result_type(np.float32, *params, dout)  # the dtype a step's dh has
        r["L.h"] = layer.h
        if kind == "TimeLSTM":
            r["L.c"] = layer.c
        r["L.dh"] = layer.dh if np.ndim(layer.dh) == 2 else np.zeros((N, H), compute)
    elif kind == "TimeBiLSTM":
        layer = rec.TimeBiLSTM(*params)
        r["out"] = layer.forward(x)
        r["dx"] = layer.backward(dout)
    elif kind == "TimeAttention":
        layer = rec.TimeAttention()
        r["out"] = layer.forward(hs_enc, x)
        dhs_enc, r["dx"] = layer.backward(dout)
        if np.ndim(dhs_enc) == 0:
            dhs_enc = np.zeros(hs_enc.shape, np.result_type(hs_enc, x, dout))
        r["L.dhs_enc"] = dhs_enc
    else:
        layer = core.CLASSES[kind](*params, *([ratio] if "Dropout" in kind else []))
        if seed is not None:
            np.random.seed(seed)
        if kind in LOSSES:
            r["out"] = np.asarray(layer.forward(x, ts))
            r["dx"] = layer.backward(1.0)
        else:
            r["out"] = layer.forward(x)
            r["dx"] = layer.backward(dout)
            if "Dropout" in kind:
                r["L.mask"] = layer.mask
        if kind in ("Embedding", "TimeEmbedding"):
            del r["dx"]
    if kind in PARAMS:
        grads = layer.grads
        for name, g in zip(PARAMS[kind], grads):
            r["L.d" + name] = g
    return {k: np.asarray(v) for k, v in r.items()}


def save(directory, name, array):
    np.save(os.path.join(directory, name + ".npy"), np.asarray(array))


def write_meta(d, results, error, texts, message):
    """message: the words of tl-run's one error line; empty when tl-run computes NumPy's results.
    Where the book's code raises tl-run must refuse; where it computes, tl-run refuses only the
    cases documented as refused (a recurrent layer with T = 0, an empty decoder slice)."""
    assert error is None or message, (d, error)
    meta = {"numpy": np.__version__, "book": "computes" if error is None else "raises",
            "tl_run": "refuses" if message else "computes"}
    if error is not None:
        meta["book_error"] = error
    if message:
        meta["message"] = message
    if texts:
        meta["warnings"] = texts
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    if results is not None:
        os.makedirs(os.path.join(d, "expected"))
        for name, a in results.items():
            save(os.path.join(d, "expected"), name, a)


def layer_case(name, kind, x, params=(), ts=None, hs_enc=None, dout=None, seed=None, message=()):
    """One version-1 pipeline of the layer `kind` named "L"; `message`: the words tl-run's error
    line must hold when the book's code raises."""
    d = os.path.join(ROOT, name)
    os.makedirs(d)
    layer = {"name": "L", "type": kind}
    save(d, "x", x)
    if kind in PARAMS:
        layer["params"] = {}
        for pname, p in zip(PARAMS[kind], params):
            save(d, pname, p)
            layer["params"][pname] = pname + ".npy"
    if ts is not None:
        save(d, "ts", ts)
        layer["inputs"] = {"ts": "ts.npy"}
    if hs_enc is not None:
        save(d, "hs_enc", hs_enc)
        layer["inputs"] = {"hs_enc": "hs_enc.npy"}
    if seed is not None:
        layer["seed"] = seed
    pipeline = {"version": 1, "name": name, "input": "x.npy", "layers": [layer]}
    if dout is not None:
        save(d, "dout", dout)
        pipeline["dout"] = "dout.npy"
    results, error, texts = book_run(
        lambda: layer_results(kind, x, params, ts=ts, hs_enc=hs_enc, dout=dout, seed=seed))
    pipeline["outputs"] = "out"
    if not message:
        pipeline["reference"] = "expected"
        pipeline["tolerance"] = TOLERANCE[F64 if x.dtype == F64 else F32]
    with open(os.path.join(d, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")
    write_meta(d, results, error, texts, list(message))


# ---- the layer cases -------------------------------------------------------------------------
def forward_shape(kind, x, params, hs_enc=None):
    """The shape of the book's forward output, by its shape rules (no compute)."""
    if kind in ("Embedding", "TimeEmbedding"):
        return x.shape + (params[0].shape[1],)
    if kind in ("Affine", "MatMul", "TimeAffine"):
        return x.shape[:-1] + (params[0].shape[1],)
    if kind in RECURRENT:
        return x.shape[:2] + (params[1].shape[0],)
    if kind == "TimeBiLSTM":
        return x.shape[:2] + (2 * params[1].shape[0],)
    return x.shape  # Softmax, Sigmoid, Dropout, TimeDropout, TimeAttention


def dout_dtype(kind, x, params):
    if kind in RECURRENT or kind in ("TimeBiLSTM", "TimeEmbedding"):
        return F32
    if kind == "Embedding":
        return params[0].dtype
    return np.result_type(x, *params)


def layer_cases():
    rng = np.random.default_rng(20261206)
    N, T, D, H, V, M, C = 2, 3, 4, 3, 5, 3, 4

    def case(name, kind, x, params=(), ts=None, hs_enc=None, seed=None, message=()):
        dout = None
        if kind not in LOSSES:
            dout = rnd(rng, forward_shape(kind, x, params, hs_enc), dout_dtype(kind, x, params))
        layer_case(name, kind, x, params, ts=ts, hs_enc=hs_enc, dout=dout, seed=seed, message=message)

    def ids(shape, v):
        return rng.integers(0, max(v, 1), shape) if v > 0 else np.zeros(shape, np.int64)

    for dt in (F32, F64):
        t = tag(dt)
        # Embedding / TimeEmbedding: ids (N,) / (N,T), W (V,D)
        for dims in ({"N": 0}, {"D": 0}, {"V": 0}, {"V": 0, "N": 0}):
            s = {"N": N, "T": T, "V": V, "D": D, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            out_of_range = ["L", "Embedding", "out of"]
            msg = out_of_range if s["V"] == 0 and s["N"] > 0 else []
            case(f"embedding_{label}_{t}", "Embedding", ids((s["N"],), s["V"]) if s["V"] else
                 np.ones((s["N"],), np.int64), (rnd(rng, (s["V"], s["D"]), dt),), message=msg)
        for dims in ({"N": 0}, {"T": 0}, {"D": 0}, {"V": 0}):
            s = {"N": N, "T": T, "V": V, "D": D, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            xs = ids((s["N"], s["T"]), s["V"]) if s["V"] else np.ones((s["N"], s["T"]), np.int64)
            msg = ["L", "TimeEmbedding", "out of"] if s["V"] == 0 else []
            case(f"time_embedding_{label}_{t}", "TimeEmbedding", xs, (rnd(rng, (s["V"], s["D"]), dt),),
                 message=msg)
        # Affine / MatMul: x (N,D), W (D,M)
        for dims in ({"N": 0}, {"D": 0}, {"M": 0}):
            s = {"N": N, "D": D, "M": M, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            x = rnd(rng, (s["N"], s["D"]), dt)
            case(f"affine_{label}_{t}", "Affine", x, (rnd(rng, (s["D"], s["M"]), dt), rnd(rng, (s["M"],), dt)))
            case(f"matmul_{label.replace('m0', 'h0')}_{t}", "MatMul", x, (rnd(rng, (s["D"], s["M"]), dt),))
        # TimeAffine: x (N,T,D), W (D,M)
        for dims in ({"N": 0}, {"T": 0}, {"D": 0}, {"M": 0}):
            s = {"N": N, "T": T, "D": D, "M": M, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            msg = ["L", "TimeAffine", "N·T = 0"] if s["N"] * s["T"] == 0 else []
            case(f"time_affine_{label}_{t}", "TimeAffine", rnd(rng, (s["N"], s["T"], s["D"]), dt),
                 (rnd(rng, (s["D"], s["M"]), dt), rnd(rng, (s["M"],), dt)), message=msg)
        # Softmax, Sigmoid: x (N,C)
        case(f"softmax_n0_{t}", "Softmax", rnd(rng, (0, C), dt))
        case(f"softmax_c0_{t}", "Softmax", rnd(rng, (N, 0), dt), message=["L", "Softmax", "C = 0"])
        case(f"softmax_n0_c0_{t}", "Softmax", rnd(rng, (0, 0), dt), message=["L", "Softmax", "C = 0"])
        case(f"sigmoid_n0_{t}", "Sigmoid", rnd(rng, (0, C), dt))
        case(f"sigmoid_c0_{t}", "Sigmoid", rnd(rng, (N, 0), dt))
        # SoftmaxWithLoss: x (B,C), ts (B,) labels or (B,C) one-hot
        case(f"softmax_loss_b0_{t}", "SoftmaxWithLoss", rnd(rng, (0, C), dt), ts=np.zeros((0,), np.int64),
             message=["L", "SoftmaxWithLoss", "B = 0"])
        case(f"softmax_loss_b0_onehot_{t}", "SoftmaxWithLoss", rnd(rng, (0, C), dt),
             ts=np.zeros((0, C), np.int64), message=["L", "SoftmaxWithLoss", "B = 0"])
        case(f"softmax_loss_c0_{t}", "SoftmaxWithLoss", rnd(rng, (N, 0), dt), ts=np.zeros((N,), np.int64),
             message=["L", "SoftmaxWithLoss", "C = 0"])
        case(f"sigmoid_loss_b0_{t}", "SigmoidWithLoss", rnd(rng, (0,), dt), ts=np.zeros((0,), np.int64),
             message=["L", "SigmoidWithLoss", "B = 0"])
        # Dropout, TimeDropout
        case(f"dropout_n0_{t}", "Dropout", rnd(rng, (0, D), dt), seed=3)
        case(f"dropout_d0_{t}", "Dropout", rnd(rng, (N, 0), dt), seed=3)
        case(f"time_dropout_n0_{t}", "TimeDropout", rnd(rng, (0, T, D), dt), seed=3)
        case(f"time_dropout_t0_{t}", "TimeDropout", rnd(rng, (N, 0, D), dt), seed=3)
        # TimeSoftmaxWithLoss: xs (N,T,V), ts (N,T)
        for dims in ({"N": 0}, {"T": 0}, {"V": 0}, {"N": 0, "V": 0}):
            s = {"N": N, "T": T, "V": V, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            msg = ["L", "TimeSoftmaxWithLoss", "V = 0"] if s["V"] == 0 else []
            case(f"time_softmax_loss_{label}_{t}", "TimeSoftmaxWithLoss", rnd(rng, (s["N"], s["T"], s["V"]), dt),
                 ts=ids((s["N"], s["T"]), s["V"]), message=msg)
        # TimeSigmoidWithLoss: xs (N,T), ts (N,T)
        case(f"time_sigmoid_loss_n0_{t}", "TimeSigmoidWithLoss", rnd(rng, (0, T), dt),
             ts=np.zeros((0, T), np.int64), message=["L", "TimeSigmoidWithLoss", "N = 0"])
        case(f"time_sigmoid_loss_t0_{t}", "TimeSigmoidWithLoss", rnd(rng, (N, 0), dt),
             ts=np.zeros((N, 0), np.int64), message=["L", "TimeSigmoidWithLoss", "T = 0"])
        # TimeRNN, TimeLSTM, TimeGRU, TimeBiLSTM: xs (N,T,D), Wx (D,gH), Wh (H,gH), b (gH,)
        for kind, gates in (("TimeRNN", 1), ("TimeLSTM", 4), ("TimeGRU", 3), ("TimeBiLSTM", 4)):
            for dims in ({"N": 0}, {"T": 0}, {"D": 0}, {"H": 0}):
                s = {"N": N, "T": T, "D": D, "H": H, **dims}
                label = "_".join(f"{k.lower()}0" for k in dims)
                one = (rnd(rng, (s["D"], gates * s["H"]), dt), rnd(rng, (s["H"], gates * s["H"]), dt),
                       rnd(rng, (gates * s["H"],), dt))
                params = one if kind != "TimeBiLSTM" else one + tuple(p.copy() for p in one)
                name = {"TimeRNN": "rnn", "TimeLSTM": "lstm", "TimeGRU": "gru", "TimeBiLSTM": "bilstm"}[kind]
                msg = ["L", kind, "at least one time step"] if s["T"] == 0 else []
                case(f"{name}_{label}_{t}", kind, rnd(rng, (s["N"], s["T"], s["D"]), dt), params, message=msg)
        # TimeAttention: hs_dec (N,T_dec,H), hs_enc (N,T_enc,H)
        for dims in ({"N": 0}, {"T_enc": 0}, {"T_dec": 0}, {"H": 0}, {"T_enc": 0, "T_dec": 0}, {"N": 0, "T_enc": 0}):
            # H = 0 with a long hs_enc: the one-column path once wrote T_enc values into T_enc·0
            s = {"N": N, "T_enc": 5000 if "H" in dims else 5, "T_dec": T, "H": H, **dims}
            label = "_".join(f"{k.lower()}0" for k in dims)
            msg = ["L", "TimeAttention", "T_enc = 0"] if s["T_enc"] == 0 and s["T_dec"] > 0 else []
            case(f"attention_{label}_{t}", "TimeAttention", rnd(rng, (s["N"], s["T_dec"], s["H"]), dt),
                 hs_enc=rnd(rng, (s["N"], s["T_enc"], s["H"]), dt), message=msg)


# ---- the model cases -------------------------------------------------------------------------
def model_case(name, c, message=()):
    """A version-2 `model` pipeline; c as gen_models.run takes it."""
    d = os.path.join(ROOT, name)
    os.makedirs(d)
    pipeline = {"version": 2, "name": name, "model": c["model"]}
    if "train" in c:
        for key in ("xs", "ts"):
            for k, a in enumerate(c[key]):
                save(d, f"{key}_{k}", a)
        pipeline["inputs"] = {key: [f"{key}_{k}.npy" for k in range(len(c[key]))] for key in ("xs", "ts")}
    else:
        pipeline["inputs"] = {}
        for key in ("xs", "ts"):
            if key in c:
                save(d, key, c[key])
                pipeline["inputs"][key] = key + ".npy"
    np.savez(os.path.join(d, "params.npz"), **{n: c["params"][n] for n in models.param_names(c["model"])})
    pipeline["params"] = "params.npz"
    for key in ("seed", "train", "generate"):
        if key in c:
            pipeline[key] = c[key]
    results, error, texts = book_run(lambda: models.run(c, models.PORT)[0])
    pipeline["outputs"] = "out"
    if "generate" in c and results is not None and results["sampled"].size == 0:
        results["sampled"] = np.zeros(0, np.int64)  # the book's empty list, as every other K's int64 ids
    if not message:
        pipeline["reference"] = "expected"
        if "generate" not in c:
            pipeline["tolerance"] = TOLERANCE[F32 if c["dtype"] == "f32" else F64]
    with open(os.path.join(d, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")
    write_meta(d, results, error, texts, list(message))


SNAKE = {"SimpleRnnlm": "simple_rnnlm", "Rnnlm": "rnnlm", "BetterRnnlm": "better_rnnlm",
         "Seq2seq": "seq2seq", "PeekySeq2seq": "peeky_seq2seq", "AttentionSeq2seq": "attention_seq2seq"}


def model_cases():
    seed = 900
    for model in models.MODELS:
        seq2seq = model in models.SEQ2SEQ
        dims_list = [{"N": 0}, {"D": 0}, {"H": 0}, {"V": 0}]
        dims_list += [{"T_enc": 0}, {"T_dec": 0}] if seq2seq else [{"T": 0}]
        for dt in (F32, F64):
            for dims in dims_list:
                seed += 1
                rng = np.random.default_rng(seed)
                s = {**models.SIZES[model], **dims}
                if model == "BetterRnnlm" and ("D" in dims or "H" in dims):
                    s["D"] = s["H"] = 0  # the tied affine W is embed.W transposed: H = D
                with np.errstate(divide="ignore"):  # 1/sqrt(0) scales an empty param
                    p = models.make_params(model, s, dt, rng)
                label = "_".join(f"{k.lower()}0" for k in dims)
                xs, ts = batch(model, s, rng)
                c = {"model": model, "dtype": tag(dt), "params": p, "xs": xs, "ts": ts}
                if model == "BetterRnnlm":
                    c["seed"] = 5
                model_case(f"{SNAKE[model]}_{label}_{tag(dt)}", c, message=model_message(model, s))
    # Training steps on empty batches (N = 0), between non-empty ones.
    for model, opt in (("Rnnlm", "Adam"), ("Seq2seq", "SGD"), ("BetterRnnlm", "Momentum")):
        for dt in (F32, F64):
            seed += 1
            rng = np.random.default_rng(seed)
            s = models.SIZES[model]
            p = models.make_params(model, s, dt, rng)
            batches = [batch(model, {**s, "N": n}, rng) for n in (0, s["N"], 0)]
            c = {"model": model, "dtype": tag(dt), "params": p, "xs": [b[0] for b in batches],
                 "ts": [b[1] for b in batches],
                 "train": {"steps": 3, "optimizer": {"type": opt}, "max_grad": 1.0}}
            if model == "BetterRnnlm":
                c["seed"] = 5
            model_case(f"{SNAKE[model]}_train_empty_batches_{tag(dt)}", c, message=["model.", "N·T = 0", "train step 0"])
    # Training steps with an empty param dimension (H = 0, D = 0): clip_grads over empty grads.
    for model, opt, dims in (("Rnnlm", "Adam", {"H": 0}), ("Seq2seq", "SGD", {"D": 0}),
                             ("AttentionSeq2seq", "Adam", {"H": 0})):
        for dt in (F32, F64):
            seed += 1
            rng = np.random.default_rng(seed)
            s = {**models.SIZES[model], **dims}
            with np.errstate(divide="ignore"):
                p = models.make_params(model, s, dt, rng)
            batches = [batch(model, s, rng) for _ in range(2)]
            c = {"model": model, "dtype": tag(dt), "params": p, "xs": [b[0] for b in batches],
                 "ts": [b[1] for b in batches],
                 "train": {"steps": 2, "optimizer": {"type": opt}, "max_grad": 1.0}}
            label = "_".join(f"{k.lower()}0" for k in dims)
            model_case(f"{SNAKE[model]}_train_{label}_{tag(dt)}", c, message=[])
    # Generation of zero ids.
    for model in models.SEQ2SEQ:
        for dt in (F32, F64):
            seed += 1
            rng = np.random.default_rng(seed)
            s = models.SIZES[model]
            c = {"model": model, "dtype": tag(dt), "params": models.make_params(model, s, dt, rng),
                 "xs": rng.integers(0, s["V"], (1, s["T_enc"])),
                 "generate": {"start_id": 1, "sample_size": 0}}
            model_case(f"{SNAKE[model]}_generate_0_{tag(dt)}", c, message=[])


def batch(model, s, rng):
    """ids (N, T) or (N, T_enc) and (N, T_dec + 1): ones where V = 0 (every id is then out of range)."""
    V = s["V"]
    if model in models.SEQ2SEQ:
        shapes = ((s["N"], s["T_enc"]), (s["N"], s["T_dec"] + 1))
    else:
        shapes = ((s["N"], s["T"]), (s["N"], s["T"]))
    return tuple(rng.integers(0, V, sh) if V > 0 else np.ones(sh, np.int64) for sh in shapes)


def model_message(model, s):
    """The words of tl-run's error line for a case the book's code refuses (checked against the
    book's exception when the case is written: a case that computes must have no message)."""
    if s["N"] == 0 or s.get("T", 1) == 0:
        return ["model.", "TimeAffine", "N·T = 0"] if model not in models.SEQ2SEQ and s.get("T", 1) > 0 \
            else ["model.", "N·T = 0"] if s["N"] == 0 else ["model.", "at least one time step"]
    if s["V"] == 0:
        return ["model.loss", "V = 0"]
    if s.get("T_enc", 1) == 0:
        return ["model.encoder.lstm", "at least one time step"]
    if s.get("T_dec", 1) == 0:
        return ["model.decoder.embed.in", "'ts[:, :-1]' is empty for T = 1"]
    return []


def main():
    assert np.__version__ == "2.4.6", f"fixtures are pinned to numpy 2.4.6, not {np.__version__}"
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(ROOT)
    layer_cases()
    model_cases()
    summary()


def summary():
    """Prints each case: what the book's code does, its exception, NumPy's warnings."""
    for name in sorted(os.listdir(ROOT)):
        with open(os.path.join(ROOT, name, "meta.json")) as f:
            meta = json.load(f)
        print(f"{name:45s} {meta['book']:9s} {meta.get('book_error', '')[:70]} {meta.get('warnings', '')}")


if __name__ == "__main__":
    main()
