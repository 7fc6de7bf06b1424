"""Writes testdata/models/: the book's whole models (pipeline.md §6, version-2 `model` pipelines).

    python3 testdata/gen_models.py                      (numpy==2.4.6, h5py==3.16.0)
    python3 testdata/gen_models.py --book DIR           also re-run every case with the book's
                                                        own classes from a checkout DIR of
                                                        oreilly-japan/deep-learning-from-scratch-2
                                                        and require bit-identical results

Every case is a directory testdata/models/<case>/ holding
  pipeline.json     a "version": 2 pipeline in the `model` form of pipeline.md §6
  xs.npy, ts.npy    the word ids (forward cases); xs_K.npy, ts_K.npy one batch per training step
  params.npz | params.h5 | params/ | <name>.npy    the params under the §6 names
  expected/ (or expected.npz / expected.h5)        NumPy's results under the §6 output names
and testdata/models/manifest.json lists every case (model, dtype, what it checks, the clip rates
of its steps) and the finite-difference results of each model. testdata/models/README.md says
what each file holds and which choices were made where §6 is silent.

The models are the book's classes (ch05/simple_rnnlm.py, ch06/rnnlm.py, ch06/better_rnnlm.py,
ch07/seq2seq.py, ch07/peeky_seq2seq.py, ch08/attention_seq2seq.py, common/trainer.py's
remove_duplicate and Trainer.fit inner loop, common/util.py's clip_grads, common/optimizer.py;
MIT licence) ported line by line on top of the layer ports of gen_layers_core.py and
gen_layers_recurrent.py, taking their params from arrays instead of drawing them. Before writing,
the generator checks its own oracle: for every model, in float64 (the book's 'f' buffers made
float64 for the check only), the backward against central differences, each raw entry of
model.grads and the tied embedding's merged gradient; and for every training case, that a port
whose gradients differ by rounding-sized noise still meets the case's tolerance.
Deterministic: every case draws from np.random.default_rng(seed); dropout masks from
np.random.seed(seed) as the book's TimeDropout draws them.
"""
import argparse
import contextlib
import json
import os
import shutil
import sys
import types

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "models")
sys.path.insert(0, HERE)
import gen_layers_core as core  # noqa: E402  (TimeEmbedding, TimeAffine, TimeSoftmaxWithLoss, TimeDropout)
import gen_layers_recurrent as rec  # noqa: E402  (TimeRNN, TimeLSTM, TimeAttention)


# ---- the models ------------------------------------------------------------------------------
# Each class keeps the book's structure (layers, params/grads concatenated in the book's order)
# and takes its params from a dict under the names of pipeline.md §6.

class SimpleRnnlm:  # ch05/simple_rnnlm.py
    grad_names = ["embed.dW", "rnn.dWx", "rnn.dWh", "rnn.db", "affine.dW", "affine.db"]

    def __init__(self, p):
        self.layers = [
            core.TimeEmbedding(p["embed.W"]),
            rec.TimeRNN(p["rnn.Wx"], p["rnn.Wh"], p["rnn.b"], stateful=True),
            core.TimeAffine(p["affine.W"], p["affine.b"]),
        ]
        self.loss_layer = core.TimeSoftmaxWithLoss()
        self.rnn_layer = self.layers[1]
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, xs, ts):
        for layer in self.layers:
            xs = layer.forward(xs)
        loss = self.loss_layer.forward(xs, ts)
        return loss

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def states(self):
        return {"rnn.h": self.rnn_layer.h}


class Rnnlm:  # ch06/rnnlm.py
    grad_names = ["embed.dW", "lstm.dWx", "lstm.dWh", "lstm.db", "affine.dW", "affine.db"]

    def __init__(self, p):
        self.layers = [
            core.TimeEmbedding(p["embed.W"]),
            rec.TimeLSTM(p["lstm.Wx"], p["lstm.Wh"], p["lstm.b"], stateful=True),
            core.TimeAffine(p["affine.W"], p["affine.b"]),
        ]
        self.loss_layer = core.TimeSoftmaxWithLoss()
        self.lstm_layer = self.layers[1]
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, xs):
        for layer in self.layers:
            xs = layer.forward(xs)
        return xs

    def forward(self, xs, ts):
        score = self.predict(xs)
        loss = self.loss_layer.forward(score, ts)
        return loss

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def states(self):
        return {"lstm.h": self.lstm_layer.h, "lstm.c": self.lstm_layer.c}


class BetterRnnlm:  # ch06/better_rnnlm.py
    grad_names = ["embed.dW", "lstm1.dWx", "lstm1.dWh", "lstm1.db", "lstm2.dWx", "lstm2.dWh",
                  "lstm2.db", "affine.dW", "affine.db"]

    def __init__(self, p, dropout_ratio=0.5, untie=False):
        embed_W = p["embed.W"]
        # untie: the finite-difference check's own variant, with the affine W a separate array
        affine_W = p["affine.W"] if untie else embed_W.T  # weight tying!!
        self.layers = [
            core.TimeEmbedding(embed_W),
            core.TimeDropout(dropout_ratio),
            rec.TimeLSTM(p["lstm1.Wx"], p["lstm1.Wh"], p["lstm1.b"], stateful=True),
            core.TimeDropout(dropout_ratio),
            rec.TimeLSTM(p["lstm2.Wx"], p["lstm2.Wh"], p["lstm2.b"], stateful=True),
            core.TimeDropout(dropout_ratio),
            core.TimeAffine(affine_W, p["affine.b"]),
        ]
        self.loss_layer = core.TimeSoftmaxWithLoss()
        self.lstm_layers = [self.layers[2], self.layers[4]]
        self.drop_layers = [self.layers[1], self.layers[3], self.layers[5]]
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, xs, train_flg=False):
        for layer in self.drop_layers:
            layer.train_flg = train_flg
        for layer in self.layers:
            xs = layer.forward(xs)
        return xs

    def forward(self, xs, ts, train_flg=True):
        score = self.predict(xs, train_flg)
        loss = self.loss_layer.forward(score, ts)
        return loss

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            if isinstance(layer, core.TimeDropout) and not layer.train_flg:
                continue  # eval mode: the book raises TypeError (mask None); the identity here
            dout = layer.backward(dout)
        return dout

    def states(self):
        s = {}
        for name, layer in zip(("lstm1", "lstm2"), self.lstm_layers):
            s[name + ".h"], s[name + ".c"] = layer.h, layer.c
        for name, layer in zip(("drop1", "drop2", "drop3"), self.drop_layers):
            if layer.train_flg:
                s[name + ".mask"] = layer.mask
        return s


def top2_margin(score, margins):
    if margins is not None:
        s = np.sort(score.flatten())
        margins.append(float(s[-1] - s[-2]))


class Encoder:  # ch07/seq2seq.py
    def __init__(self, p):
        self.embed = core.TimeEmbedding(p["encoder.embed.W"])
        self.lstm = rec.TimeLSTM(p["encoder.lstm.Wx"], p["encoder.lstm.Wh"], p["encoder.lstm.b"],
                                 stateful=False)
        self.params = self.embed.params + self.lstm.params
        self.grads = self.embed.grads + self.lstm.grads
        self.hs = None

    def forward(self, xs):
        xs = self.embed.forward(xs)
        hs = self.lstm.forward(xs)
        self.hs = hs
        return hs[:, -1, :]

    def backward(self, dh):
        dhs = np.zeros_like(self.hs)
        dhs[:, -1, :] = dh
        dout = self.lstm.backward(dhs)
        dout = self.embed.backward(dout)
        return dout


class Decoder:  # ch07/seq2seq.py
    def __init__(self, p):
        self.embed = core.TimeEmbedding(p["decoder.embed.W"])
        self.lstm = rec.TimeLSTM(p["decoder.lstm.Wx"], p["decoder.lstm.Wh"], p["decoder.lstm.b"],
                                 stateful=True)
        self.affine = core.TimeAffine(p["decoder.affine.W"], p["decoder.affine.b"])
        self.params, self.grads = [], []
        for layer in (self.embed, self.lstm, self.affine):
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, xs, h):
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        out = self.lstm.forward(out)
        score = self.affine.forward(out)
        return score

    def backward(self, dscore):
        dout = self.affine.backward(dscore)
        dout = self.lstm.backward(dout)
        dout = self.embed.backward(dout)
        dh = self.lstm.dh
        return dh

    def generate(self, h, start_id, sample_size, margins=None):
        sampled = []
        sample_id = start_id
        self.lstm.set_state(h)
        for _ in range(sample_size):
            x = np.array(sample_id).reshape((1, 1))
            out = self.embed.forward(x)
            out = self.lstm.forward(out)
            score = self.affine.forward(out)
            top2_margin(score, margins)
            sample_id = np.argmax(score.flatten())
            sampled.append(int(sample_id))
        return sampled


class Seq2seq:  # ch07/seq2seq.py
    grad_names = ["encoder.embed.dW", "encoder.lstm.dWx", "encoder.lstm.dWh", "encoder.lstm.db",
                  "decoder.embed.dW", "decoder.lstm.dWx", "decoder.lstm.dWh", "decoder.lstm.db",
                  "decoder.affine.dW", "decoder.affine.db"]
    encoder_class, decoder_class = Encoder, Decoder

    def __init__(self, p):
        self.encoder = self.encoder_class(p)
        self.decoder = self.decoder_class(p)
        self.softmax = core.TimeSoftmaxWithLoss()
        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs, ts):
        decoder_xs, decoder_ts = ts[:, :-1], ts[:, 1:]
        h = self.encoder.forward(xs)
        score = self.decoder.forward(decoder_xs, h)
        loss = self.softmax.forward(score, decoder_ts)
        return loss

    def backward(self, dout=1):
        dout = self.softmax.backward(dout)
        dh = self.decoder.backward(dout)
        dout = self.encoder.backward(dh)
        return dout

    def generate(self, xs, start_id, sample_size, margins=None):
        h = self.encoder.forward(xs)
        sampled = self.decoder.generate(h, start_id, sample_size, margins)
        return sampled

    def states(self):
        return {"encoder.lstm.h": self.encoder.lstm.h, "encoder.lstm.c": self.encoder.lstm.c,
                "decoder.lstm.h": self.decoder.lstm.h, "decoder.lstm.c": self.decoder.lstm.c}


class PeekyDecoder(Decoder):  # ch07/peeky_seq2seq.py (params as Decoder's, Wx (H+D, 4H), W (2H, V))
    def forward(self, xs, h):
        N, T = xs.shape
        N, H = h.shape
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        hs = np.repeat(h, T, axis=0).reshape(N, T, H)
        out = np.concatenate((hs, out), axis=2)
        out = self.lstm.forward(out)
        out = np.concatenate((hs, out), axis=2)
        score = self.affine.forward(out)
        self.cache = H
        return score

    def backward(self, dscore):
        H = self.cache
        dout = self.affine.backward(dscore)
        dout, dhs0 = dout[:, :, H:], dout[:, :, :H]
        dout = self.lstm.backward(dout)
        dembed, dhs1 = dout[:, :, H:], dout[:, :, :H]
        self.embed.backward(dembed)
        dhs = dhs0 + dhs1
        dh = self.lstm.dh + np.sum(dhs, axis=1)
        return dh

    def generate(self, h, start_id, sample_size, margins=None):
        sampled = []
        char_id = start_id
        self.lstm.set_state(h)
        H = h.shape[1]
        peeky_h = h.reshape(1, 1, H)
        for _ in range(sample_size):
            x = np.array([char_id]).reshape((1, 1))
            out = self.embed.forward(x)
            out = np.concatenate((peeky_h, out), axis=2)
            out = self.lstm.forward(out)
            out = np.concatenate((peeky_h, out), axis=2)
            score = self.affine.forward(out)
            top2_margin(score, margins)
            char_id = np.argmax(score.flatten())
            sampled.append(char_id)
        return sampled


class PeekySeq2seq(Seq2seq):
    decoder_class = PeekyDecoder


class AttentionEncoder(Encoder):  # ch08/attention_seq2seq.py
    def forward(self, xs):
        xs = self.embed.forward(xs)
        hs = self.lstm.forward(xs)
        return hs

    def backward(self, dhs):
        dout = self.lstm.backward(dhs)
        dout = self.embed.backward(dout)
        return dout


class AttentionDecoder:  # ch08/attention_seq2seq.py (TimeAttention has no params)
    def __init__(self, p):
        self.embed = core.TimeEmbedding(p["decoder.embed.W"])
        self.lstm = rec.TimeLSTM(p["decoder.lstm.Wx"], p["decoder.lstm.Wh"], p["decoder.lstm.b"],
                                 stateful=True)
        self.attention = rec.TimeAttention()
        self.affine = core.TimeAffine(p["decoder.affine.W"], p["decoder.affine.b"])
        self.params, self.grads = [], []
        for layer in (self.embed, self.lstm, self.affine):
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, xs, enc_hs):
        h = enc_hs[:, -1]
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        dec_hs = self.lstm.forward(out)
        c = self.attention.forward(enc_hs, dec_hs)
        out = np.concatenate((c, dec_hs), axis=2)
        score = self.affine.forward(out)
        return score

    def backward(self, dscore):
        dout = self.affine.backward(dscore)
        N, T, H2 = dout.shape
        H = H2 // 2
        dc, ddec_hs0 = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_hs1 = self.attention.backward(dc)
        ddec_hs = ddec_hs0 + ddec_hs1
        dout = self.lstm.backward(ddec_hs)
        dh = self.lstm.dh
        denc_hs[:, -1] += dh
        self.embed.backward(dout)
        return denc_hs

    def generate(self, enc_hs, start_id, sample_size, margins=None):
        sampled = []
        sample_id = start_id
        h = enc_hs[:, -1]
        self.lstm.set_state(h)
        for _ in range(sample_size):
            x = np.array([sample_id]).reshape((1, 1))
            out = self.embed.forward(x)
            dec_hs = self.lstm.forward(out)
            c = self.attention.forward(enc_hs, dec_hs)
            out = np.concatenate((c, dec_hs), axis=2)
            score = self.affine.forward(out)
            top2_margin(score, margins)
            sample_id = np.argmax(score.flatten())
            sampled.append(sample_id)
        return sampled


class AttentionSeq2seq(Seq2seq):
    encoder_class, decoder_class = AttentionEncoder, AttentionDecoder


MODELS = {"SimpleRnnlm": SimpleRnnlm, "Rnnlm": Rnnlm, "BetterRnnlm": BetterRnnlm,
          "Seq2seq": Seq2seq, "PeekySeq2seq": PeekySeq2seq, "AttentionSeq2seq": AttentionSeq2seq}


def param_names(model):
    """The §6 param names in the book's params order (BetterRnnlm's tied affine W left out)."""
    names = [g.replace(".d", ".", 1) for g in MODELS[model].grad_names]
    return [n for n in names if not (model == "BetterRnnlm" and n == "affine.W")]


# ---- common/trainer.py, common/util.py, common/optimizer.py ----------------------------------
def remove_duplicate(params, grads):
    params, grads = params[:], grads[:]  # copy list
    while True:
        find_flg = False
        L = len(params)
        for i in range(0, L - 1):
            for j in range(i + 1, L):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)
                elif params[i].ndim == 2 and params[j].ndim == 2 and \
                        params[i].T.shape == params[j].shape and np.all(params[i].T == params[j]):
                    grads[i] += grads[j].T
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)
                if find_flg:
                    break
            if find_flg:
                break
        if not find_flg:
            break
    return params, grads


def clip_grads(grads, max_norm):
    total_norm = 0
    for grad in grads:
        total_norm += np.sum(grad ** 2)
    total_norm = np.sqrt(total_norm)
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for grad in grads:
            grad *= rate


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = []
            for param in params:
                self.v.append(np.zeros_like(param))
        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = []
            for param in params:
                self.v.append(np.zeros_like(param))
        for i in range(len(params)):
            self.v[i] *= self.momentum
            self.v[i] -= self.lr * grads[i]
            params[i] += self.momentum * self.momentum * self.v[i]
            params[i] -= (1 + self.momentum) * self.lr * grads[i]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = []
            for param in params:
                self.h.append(np.zeros_like(param))
        for i in range(len(params)):
            self.h[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = []
            for param in params:
                self.h.append(np.zeros_like(param))
        for i in range(len(params)):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = [], []
            for param in params:
                self.m.append(np.zeros_like(param))
                self.v.append(np.zeros_like(param))
        self.iter += 1
        # lr_t is a NumPy float64 scalar: under NumPy 2 the update of a float32 param is
        # computed in float64 and cast back on `-=` (layers.md §2.7)
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


OPTIMIZERS = {"SGD": SGD, "Momentum": Momentum, "Nesterov": Nesterov, "AdaGrad": AdaGrad,
              "RMSprop": RMSprop, "Adam": Adam}


# ---- running a case --------------------------------------------------------------------------
class Impl:
    """What a run needs: this file's port, or (--book) the book's own classes."""

    def __init__(self, name, build, remove_duplicate, clip_grads, optimizers):
        self.name, self.build = name, build
        self.remove_duplicate, self.clip_grads, self.optimizers = remove_duplicate, clip_grads, optimizers


def build_port(model, params, dropout_ratio=0.5):
    if model == "BetterRnnlm":
        return BetterRnnlm(params, dropout_ratio)
    return MODELS[model](params)


PORT = Impl("port", build_port, remove_duplicate, clip_grads, OPTIMIZERS)


def grad_norm(grads):
    """clip_grads's norm, for the manifest (whether a step clipped)."""
    total = 0
    for g in grads:
        total += np.sum(g ** 2)
    return np.sqrt(total)


def run(case, impl, jitter=None):
    """One case the way §6 describes the run; returns {output name: array}.

    jitter: (rng, scale) adds scale·max|g|·U(−1, 1) to every raw gradient after each backward,
    standing in for a port whose sums round differently (see fragile); exact zeros are left
    alone."""
    params = {k: v.copy() for k, v in case["params"].items()}
    model = impl.build(case["model"], params, **case.get("model_args", {}))
    if "seed" in case:
        np.random.seed(case["seed"])
    results, info = {}, {}
    if "generate" in case:
        g = case["generate"]
        margins = [] if impl is PORT else None
        args = (case["xs"], g["start_id"], g["sample_size"])
        sampled = model.generate(*args, margins) if margins is not None else model.generate(*args)
        results["sampled"] = np.array(sampled)
        info["margins"] = margins
        return results, info
    grad_names = MODELS[case["model"]].grad_names
    fwd = {"train_flg": False} if case.get("train_flg") is False else {}
    if "train" not in case:
        loss = model.forward(case["xs"], case["ts"], **fwd)
        results["out"] = np.asarray(loss)
        try:
            model.backward()
        except TypeError:
            if impl is PORT or case.get("train_flg") is not False:
                raise
            info["book_backward"] = "TypeError (eval mode: the dropout mask is None)"
            return results, info
        for name, g in zip(grad_names, model.grads):
            results[name] = g.copy()
    else:
        tr = case["train"]
        opt_args = {k: v for k, v in tr["optimizer"].items() if k != "type"}
        optimizer = impl.optimizers[tr["optimizer"]["type"]](**opt_args)
        losses, info["clip_rate"], info["merged"] = [], [], []
        for k in range(tr["steps"]):
            loss = model.forward(case["xs"][k], case["ts"][k])
            model.backward()
            if jitter is not None:
                rng, scale = jitter
                for g in model.grads:  # exact zeros (rows of absent ids) stay exact in a port
                    g += (g != 0) * scale * np.abs(g).max() * rng.uniform(-1, 1, g.shape)
            raw = [g.copy() for g in model.grads]
            ps, gs = impl.remove_duplicate(model.params, model.grads)
            info["merged"].append(len(model.params) - len(ps))
            if tr.get("max_grad") is not None:
                info["clip_rate"].append(float(tr["max_grad"] / (grad_norm(gs) + 1e-6)))
                impl.clip_grads(gs, tr["max_grad"])
            optimizer.update(ps, gs)
            losses.append(loss)
        results["out"] = np.array(losses)
        for name, g in zip(grad_names, raw):
            results[name] = g
        for name in param_names(case["model"]):
            results[name] = params[name]
    for name, s in model.states().items():
        results[name] = np.asarray(s)
    return results, info


# ---- the book's own classes (--book) ---------------------------------------------------------
def book_impl(book_dir):
    """Imports the book's classes from a checkout and rebinds their layers to given params."""
    sys.modules.setdefault("matplotlib", types.ModuleType("matplotlib"))  # common/trainer.py
    sys.modules.setdefault("matplotlib.pyplot", types.ModuleType("matplotlib.pyplot"))
    sys.path[:0] = [book_dir, os.path.join(book_dir, "ch07")]
    from ch05.simple_rnnlm import SimpleRnnlm as B_SimpleRnnlm
    from ch06.rnnlm import Rnnlm as B_Rnnlm
    from ch06.better_rnnlm import BetterRnnlm as B_BetterRnnlm
    from ch07.seq2seq import Seq2seq as B_Seq2seq
    from peeky_seq2seq import PeekySeq2seq as B_PeekySeq2seq
    from ch08.attention_seq2seq import AttentionSeq2seq as B_AttentionSeq2seq
    from common import optimizer as B_opt
    from common.trainer import remove_duplicate as B_remove_duplicate
    from common.util import clip_grads as B_clip_grads

    def rebind(layer, arrays):
        for i, a in enumerate(arrays):
            layer.params[i] = a
            layer.grads[i] = np.zeros_like(a)
        if hasattr(layer, "W"):
            layer.W = layer.params[0]

    def collect(owner, layers):
        owner.params, owner.grads = [], []
        for layer in layers:
            owner.params += layer.params
            owner.grads += layer.grads

    def build(model, p, dropout_ratio=0.5):
        V = p[[k for k in p if k.endswith("embed.W")][0]].shape[0]
        if model in ("SimpleRnnlm", "Rnnlm", "BetterRnnlm"):
            D, H = p["embed.W"].shape[1], p[param_names(model)[2]].shape[0]
            if model == "BetterRnnlm":
                m = B_BetterRnnlm(V, D, H, dropout_ratio)
            else:
                m = {"SimpleRnnlm": B_SimpleRnnlm, "Rnnlm": B_Rnnlm}[model](V, D, H)
            names = param_names(model)
            if model == "BetterRnnlm":
                groups = [[p["embed.W"]], [], [p[n] for n in names[1:4]], [], [p[n] for n in names[4:7]],
                          [], [p["embed.W"].T, p["affine.b"]]]
            else:
                groups = [[p[n] for n in names[0:1]], [p[n] for n in names[1:4]], [p[n] for n in names[4:6]]]
            for layer, arrays in zip(m.layers, groups):
                rebind(layer, arrays)
            collect(m, m.layers)
            return m
        D, H = p["encoder.embed.W"].shape[1], p["encoder.lstm.Wh"].shape[0]
        cls = {"Seq2seq": B_Seq2seq, "PeekySeq2seq": B_PeekySeq2seq, "AttentionSeq2seq": B_AttentionSeq2seq}[model]
        m = cls(V, D, H)
        rebind(m.encoder.embed, [p["encoder.embed.W"]])
        rebind(m.encoder.lstm, [p["encoder.lstm." + n] for n in ("Wx", "Wh", "b")])
        rebind(m.decoder.embed, [p["decoder.embed.W"]])
        rebind(m.decoder.lstm, [p["decoder.lstm." + n] for n in ("Wx", "Wh", "b")])
        rebind(m.decoder.affine, [p["decoder.affine.W"], p["decoder.affine.b"]])
        collect(m.encoder, [m.encoder.embed, m.encoder.lstm])
        collect(m.decoder, [m.decoder.embed, m.decoder.lstm, m.decoder.affine])
        m.params = m.encoder.params + m.decoder.params
        m.grads = m.encoder.grads + m.decoder.grads
        m.states = lambda: Seq2seq.states(m)
        return m

    def build_with_states(model, p, dropout_ratio=0.5):
        m = build(model, p, dropout_ratio)
        if model == "SimpleRnnlm":
            m.states = lambda: {"rnn.h": m.rnn_layer.h}
        elif model == "Rnnlm":
            m.states = lambda: {"lstm.h": m.lstm_layer.h, "lstm.c": m.lstm_layer.c}
        elif model == "BetterRnnlm":
            m.states = lambda: BetterRnnlm.states(m)
        return m

    optimizers = {k: getattr(B_opt, k) for k in OPTIMIZERS}
    return Impl("book", build_with_states, B_remove_duplicate, B_clip_grads, optimizers)


# ---- the finite-difference check -------------------------------------------------------------
class _Float64Buffers:
    """numpy, except that the book's 'f' buffers are float64: for the finite-difference check
    only, so that central differences are not drowned by the float32 rounding of hs/out."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def empty(shape, dtype=float):
        return np.empty(shape, np.float64 if dtype == 'f' else dtype)

    @staticmethod
    def zeros(shape, dtype=float):
        return np.zeros(shape, np.float64 if dtype == 'f' else dtype)


@contextlib.contextmanager
def float64_buffers():
    saved = core.np, rec.np
    core.np = rec.np = _Float64Buffers()
    try:
        yield
    finally:
        core.np, rec.np = saved


def fd_check(model, sizes, seed, eps=1e-5):
    """Central differences of the float64 loss against every raw entry of model.grads (and,
    for BetterRnnlm, against the tied embedding's gradient merged by remove_duplicate)."""
    rng = np.random.default_rng(seed)
    p = make_params(model, sizes, np.float64, rng)
    xs, ts = make_batch(model, sizes, np.int64, rng)
    dropout_seed = 3
    untied = dict(p)
    if model == "BetterRnnlm":
        untied["affine.W"] = p["embed.W"].T.copy()
    report = {}
    with float64_buffers():
        def build(q, untie=False):
            if model == "BetterRnnlm":
                return BetterRnnlm(q, 0.5, untie=untie)
            return MODELS[model](q)

        def loss_of(q, untie=False):
            np.random.seed(dropout_seed)
            return float(build(q, untie).forward(xs, ts))

        np.random.seed(dropout_seed)
        m = build(p)
        m.forward(xs, ts)
        m.backward()
        grads = dict(zip(MODELS[model].grad_names, [g.copy() for g in m.grads]))
        checks = [(n, n.replace(".d", ".", 1), untied, True) for n in grads]
        if model == "BetterRnnlm":
            _, merged = remove_duplicate(m.params, m.grads)
            grads["embed.dW (tied, after remove_duplicate)"] = merged[0].copy()
            checks.append(("embed.dW (tied, after remove_duplicate)", "embed.W", p, False))
        for gname, pname, q, untie in checks:
            arr = q[pname]
            num = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + eps
                lp = loss_of(q, untie and model == "BetterRnnlm")
                arr[idx] = old - eps
                lm = loss_of(q, untie and model == "BetterRnnlm")
                arr[idx] = old
                num[idx] = (lp - lm) / (2 * eps)
            ana = grads[gname]
            assert ana.dtype == np.float64
            rel_norm = float(np.linalg.norm(ana - num) / np.linalg.norm(num))
            rel_max = float(np.abs(ana - num).max() / np.abs(num).max())
            report[gname] = {"rel_norm": rel_norm, "rel_max": rel_max, "elements": int(arr.size)}
            assert rel_norm < 1e-6 and rel_max < 1e-6, (model, gname, rel_norm, rel_max)
    return report


# ---- the data --------------------------------------------------------------------------------
SIZES = {
    "SimpleRnnlm": dict(V=7, D=3, H=4, N=2, T=5),
    "Rnnlm": dict(V=8, D=3, H=4, N=2, T=5),
    "BetterRnnlm": dict(V=8, D=4, H=4, N=2, T=4),  # tied: the affine W is (D, V), so H = D
    "Seq2seq": dict(V=9, D=3, H=4, N=3, T_enc=5, T_dec=4),
    "PeekySeq2seq": dict(V=9, D=3, H=4, N=3, T_enc=5, T_dec=4),
    "AttentionSeq2seq": dict(V=9, D=3, H=4, N=3, T_enc=5, T_dec=4),
}
SEQ2SEQ = ("Seq2seq", "PeekySeq2seq", "AttentionSeq2seq")


def make_params(model, s, dtype, rng, scale=1.0):
    """Random params under the §6 names, of moderate size so that every gate and softmax works
    away from saturation; biases are non-zero so that every bias path shows."""
    V, D, H = s["V"], s["D"], s["H"]
    r = lambda shape, sd: (rng.standard_normal(shape) * sd).astype(dtype)
    p = {}
    if model in SEQ2SEQ:
        p["encoder.embed.W"] = r((V, D), 0.8)
        p["encoder.lstm.Wx"] = r((D, 4 * H), 1 / np.sqrt(D))
        p["encoder.lstm.Wh"] = r((H, 4 * H), 1 / np.sqrt(H))
        p["encoder.lstm.b"] = r((4 * H,), 0.2)
        p["decoder.embed.W"] = r((V, D), 0.8)
        Din = H + D if model == "PeekySeq2seq" else D
        Hout = 2 * H if model in ("PeekySeq2seq", "AttentionSeq2seq") else H
        p["decoder.lstm.Wx"] = r((Din, 4 * H), 1 / np.sqrt(Din))
        p["decoder.lstm.Wh"] = r((H, 4 * H), 1 / np.sqrt(H))
        p["decoder.lstm.b"] = r((4 * H,), 0.2)
        p["decoder.affine.W"] = r((Hout, V), scale * 1.5 / np.sqrt(Hout))
        p["decoder.affine.b"] = r((V,), 0.2)
        return p
    p["embed.W"] = r((V, D), 0.8)
    if model == "SimpleRnnlm":
        p["rnn.Wx"], p["rnn.Wh"], p["rnn.b"] = r((D, H), 1 / np.sqrt(D)), r((H, H), 1 / np.sqrt(H)), r((H,), 0.2)
    elif model == "Rnnlm":
        p["lstm.Wx"], p["lstm.Wh"], p["lstm.b"] = r((D, 4 * H), 1 / np.sqrt(D)), r((H, 4 * H), 1 / np.sqrt(H)), r((4 * H,), 0.2)
    else:
        for k, Din in (("lstm1", D), ("lstm2", H)):
            p[k + ".Wx"], p[k + ".Wh"], p[k + ".b"] = r((Din, 4 * H), 1 / np.sqrt(Din)), r((H, 4 * H), 1 / np.sqrt(H)), r((4 * H,), 0.2)
    if model != "BetterRnnlm":
        p["affine.W"] = r((H, V), 1.5 / np.sqrt(H))
    p["affine.b"] = r((V,), 0.2)
    return p


def make_batch(model, s, id_dtype, rng, N=None):
    N = N or s["N"]
    if model in SEQ2SEQ:
        xs = rng.integers(0, s["V"], (N, s["T_enc"])).astype(id_dtype)
        ts = rng.integers(0, s["V"], (N, s["T_dec"] + 1)).astype(id_dtype)
    else:
        xs = rng.integers(0, s["V"], (N, s["T"])).astype(id_dtype)
        ts = rng.integers(0, s["V"], (N, s["T"])).astype(id_dtype)
    return xs, ts


# ---- writing ---------------------------------------------------------------------------------
F32_FWD = {"rtol": 1e-5, "atol": 1e-6}
F32_TRAIN = {"rtol": 1e-4, "atol": 1e-5}
F64 = {"rtol": 1e-9, "atol": 1e-10}
JITTER = {np.float32: 1e-6, np.float64: 1e-13}


def save_collection(directory, target, arrays):
    """arrays under their §6 names as a directory of .npy, an .npz or an .h5 (dots → groups)."""
    path = os.path.join(directory, target)
    if target.endswith(".npz"):
        np.savez(path, **arrays)
    elif target.endswith(".h5"):
        with h5py.File(path, "w") as f:
            for name, a in arrays.items():
                f.create_dataset("/" + name.replace(".", "/"), data=a)
    else:
        os.makedirs(path)
        for name, a in arrays.items():
            np.save(os.path.join(path, name + ".npy"), a)


def write_case(c, results):
    d = os.path.join(ROOT, c["name"])
    os.makedirs(d)
    pipeline = {"version": 2, "name": c["title"], "model": c["model"]}
    if "train" in c:
        for key in ("xs", "ts"):
            for k, a in enumerate(c[key]):
                np.save(os.path.join(d, f"{key}_{k}.npy"), a)
        pipeline["inputs"] = {key: [f"{key}_{k}.npy" for k in range(len(c[key]))] for key in ("xs", "ts")}
    else:
        pipeline["inputs"] = {}
        for key in ("xs", "ts"):
            if key in c:
                np.save(os.path.join(d, key + ".npy"), c[key])
                pipeline["inputs"][key] = key + ".npy"
    names = param_names(c["model"])
    form = c.get("params_form", "params.npz")
    if form == "object":  # one .npy per param, named in the pipeline
        pipeline["params"] = {}
        for n in names:
            np.save(os.path.join(d, n.replace(".", "_") + ".npy"), c["params"][n])
            pipeline["params"][n] = n.replace(".", "_") + ".npy"
    else:
        save_collection(d, form, {n: c["params"][n] for n in names})
        pipeline["params"] = form
    pipeline.update(c.get("model_args", {}))
    for key in ("train_flg", "seed", "train", "generate"):
        if key in c:
            pipeline[key] = c[key]
    reference = c.get("reference", "expected")
    pipeline["outputs"] = "out"
    pipeline["reference"] = reference
    if "generate" not in c:
        pipeline["tolerance"] = c["tolerance"]
    save_collection(d, reference, results)
    with open(os.path.join(d, "pipeline.json"), "w") as f:
        json.dump(pipeline, f, indent=2)
        f.write("\n")


def within(results, reference, tol):
    bad = []
    for name, e in reference.items():
        a = results[name]
        if a.shape != e.shape or a.dtype != e.dtype or not np.allclose(a, e, rtol=tol["rtol"], atol=tol["atol"]):
            bad.append(name)
    return bad


def identical(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


# ---- the cases -------------------------------------------------------------------------------
def generation_case(model, dt, seed):
    """The first seed from `seed` on whose greedy answer has at least three distinct ids, each
    chosen by a clear margin (so that a port's rounding cannot change the argmax)."""
    V, T_enc = SIZES[model]["V"], SIZES[model]["T_enc"]
    while True:
        r = np.random.default_rng(seed)
        c = {"model": model, "dtype": "f32" if dt == np.float32 else "f64",
             "params": make_params(model, SIZES[model], dt, r, scale=3.0),
             "xs": r.integers(0, V, (1, T_enc)).astype(np.int64),
             "generate": {"start_id": int(r.integers(0, V)), "sample_size": 6}}
        results, info = run(c, PORT)
        if len(set(results["sampled"].tolist())) >= 3 and min(info["margins"]) > 0.05:
            return c
        seed += 1


def first_norm(c):
    """The norm clip_grads computes in the first training step."""
    params = {k: v.copy() for k, v in c["params"].items()}
    model = PORT.build(c["model"], params, **c.get("model_args", {}))
    if "seed" in c:
        np.random.seed(c["seed"])
    model.forward(c["xs"][0], c["ts"][0])
    model.backward()
    return float(grad_norm(remove_duplicate(model.params, model.grads)[1]))


def fragile(c):
    """The outputs that a port whose gradients differ from NumPy's by rounding-sized noise
    (JITTER·max|g| on every non-zero element, after every backward; a correct float32 port
    differs by about 3e-7·max|g|, measured against float64) would carry beyond the case's
    tolerance. Adam, AdaGrad and RMSprop turn a gradient element near their epsilon (1e-7)
    into a step of nearly lr whose size hangs on that element's last digits."""
    reference, info = run(c, PORT)
    if any(abs(r - 1) < 1e-3 for r in info["clip_rate"]):
        return ["clip_rate"]  # whether clip_grads scales must not hang on rounding
    dt = np.float32 if c["dtype"] == "f32" else np.float64
    bad = set()
    for trial in range(3):
        jittered, _ = run(c, PORT, jitter=(np.random.default_rng(trial), JITTER[dt]))
        bad |= set(within(jittered, reference, c["tolerance"]))
    return sorted(bad)


def cases():
    f32, f64 = np.float32, np.float64
    out = []
    seed = [100]

    def rng():
        seed[0] += 1
        return np.random.default_rng(seed[0])

    def tag(dt):
        return "f32" if dt == f32 else "f64"

    def ids(model):
        return np.int64 if model in SEQ2SEQ else np.int32  # the book's seq2seq data / 'i' batches

    def forward_case(model, dt, **extra):
        r = rng()
        c = {"model": model, "dtype": tag(dt), "params": make_params(model, SIZES[model], dt, r),
             "tolerance": F32_FWD if dt == f32 else F64}
        c["xs"], c["ts"] = make_batch(model, SIZES[model], ids(model), r)
        c.update(extra)
        return c

    def train_case(model, dt, opt, steps=3, max_grad=None, **extra):
        base = seed[0] = seed[0] + 1
        for redraw in range(20):  # a fragile draw (see fragile) is drawn again from another seed
            r = np.random.default_rng(base + 100000 * redraw)
            c = {"model": model, "dtype": tag(dt), "params": make_params(model, SIZES[model], dt, r),
                 "tolerance": F32_TRAIN if dt == f32 else F64}
            batches = [make_batch(model, SIZES[model], ids(model), r) for _ in range(steps)]
            c["xs"], c["ts"] = [b[0] for b in batches], [b[1] for b in batches]
            c["train"] = {"steps": steps, "optimizer": opt}
            c.update(extra)
            if "dropout_ratio" in c:
                c["model_args"] = {"dropout_ratio": c.pop("dropout_ratio")}
            if max_grad == "auto":  # 0.8 of the first step's norm (2 digits): the first step clips
                c["train"]["max_grad"] = float(f"{0.8 * first_norm(c):.2g}")
            c["redraws"] = redraw
            if not fragile(c):
                return c
        raise AssertionError(f"no robust draw for {model} {opt}")

    for model in MODELS:
        snake = {"SimpleRnnlm": "simple_rnnlm", "Rnnlm": "rnnlm", "BetterRnnlm": "better_rnnlm",
                 "Seq2seq": "seq2seq", "PeekySeq2seq": "peeky_seq2seq",
                 "AttentionSeq2seq": "attention_seq2seq"}[model]
        drop = {"seed": 1984} if model == "BetterRnnlm" else {}
        out.append(dict(forward_case(model, f32, **drop), name=f"{snake}_f32",
                        title=f"{model}: forward and backward, float32"))
        out.append(dict(forward_case(model, f64, params_form="params.h5", **drop), name=f"{snake}_f64",
                        title=f"{model}: forward and backward, float64, params from .h5"))
        out.append(dict(train_case(model, f32, {"type": "Adam", "lr": 0.002}, max_grad="auto", **drop),
                        name=f"{snake}_adam_f32", title=f"{model}: 3 Adam steps (lr 0.002), float32"))
        out.append(dict(train_case(model, f64, {"type": "Adam"}, params_form="params.h5", **drop),
                        name=f"{snake}_adam_f64", title=f"{model}: 3 Adam steps (defaults), float64, params from .h5"))
        out.append(dict(train_case(model, f32, {"type": "SGD", "lr": 0.5}, **drop),
                        name=f"{snake}_sgd_f32", title=f"{model}: 3 SGD steps (lr 0.5), float32"))
        out.append(dict(train_case(model, f64, {"type": "SGD", "lr": 0.5}, steps=2, max_grad="auto", **drop),
                        name=f"{snake}_sgd_f64", title=f"{model}: 2 SGD steps (lr 0.5), float64"))
        if model in SEQ2SEQ:
            for dt in (f32, f64):
                out.append(dict(generation_case(model, dt, 500 + 100 * len(out)), name=f"{snake}_generate_{tag(dt)}",
                                title=f"{model}: greedy generate, 6 ids, {tag(dt)}"))
    # every optimizer on SimpleRnnlm (float32), book defaults where the JSON leaves them out
    for name, opt in (("momentum", {"type": "Momentum", "lr": 0.1}),
                      ("momentum_m05", {"type": "Momentum", "lr": 0.1, "momentum": 0.5}),
                      ("nesterov", {"type": "Nesterov", "lr": 0.1}),
                      ("adagrad", {"type": "AdaGrad", "lr": 0.1}),
                      ("rmsprop", {"type": "RMSprop", "lr": 0.01}),
                      ("rmsprop_decay09", {"type": "RMSprop", "lr": 0.01, "decay_rate": 0.9}),
                      ("adam_betas", {"type": "Adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.99})):
        args = ", ".join(f"{k} {v}" for k, v in opt.items() if k != "type")
        out.append(dict(train_case("SimpleRnnlm", f32, opt, max_grad="auto"), name=f"simple_rnnlm_{name}_f32",
                        title=f"SimpleRnnlm: 3 {opt['type']} steps ({args}), float32"))
    # the other optimizers on the other models, float64 and float32
    out.append(dict(train_case("Rnnlm", f64, {"type": "Momentum"}), name="rnnlm_momentum_f64",
                    title="Rnnlm: 3 Momentum steps (defaults), float64"))
    out.append(dict(train_case("Seq2seq", f64, {"type": "Nesterov", "lr": 0.05}, max_grad="auto"),
                    name="seq2seq_nesterov_f64", title="Seq2seq: 3 Nesterov steps, float64"))
    out.append(dict(train_case("PeekySeq2seq", f32, {"type": "AdaGrad"}), name="peeky_seq2seq_adagrad_f32",
                    title="PeekySeq2seq: 3 AdaGrad steps (defaults), float32"))
    out.append(dict(train_case("AttentionSeq2seq", f64, {"type": "RMSprop"}, max_grad="auto"),
                    name="attention_seq2seq_rmsprop_f64", title="AttentionSeq2seq: 3 RMSprop steps (defaults), float64"))
    out.append(dict(train_case("BetterRnnlm", f64, {"type": "AdaGrad", "lr": 0.05}, seed=99),
                    name="better_rnnlm_adagrad_f64", title="BetterRnnlm: 3 AdaGrad steps (lr 0.05), float64"))
    out.append(dict(train_case("BetterRnnlm", f32, {"type": "Nesterov", "lr": 0.05}, max_grad="auto", seed=7),
                    name="better_rnnlm_nesterov_f32", title="BetterRnnlm: 3 Nesterov steps, float32"))
    # BetterRnnlm: another ratio; eval mode; params from a directory of .npy
    out.append(dict(train_case("BetterRnnlm", f32, {"type": "Adam", "lr": 0.01}, seed=12345,
                               dropout_ratio=0.3), name="better_rnnlm_ratio03_adam_f32",
                    title="BetterRnnlm: dropout_ratio 0.3, 3 Adam steps, float32"))
    out.append(dict(forward_case("BetterRnnlm", f32, train_flg=False, params_form="params"),
                    name="better_rnnlm_eval_f32",
                    title="BetterRnnlm: train_flg false (no dropout), params from a directory"))
    # Rnnlm: an ignored label (-1), params named one by one, reference as .npz
    c = forward_case("Rnnlm", f32, params_form="object", reference="expected.npz")
    c["ts"][0, 2] = -1
    c["ts"][1, 4] = -1
    out.append(dict(c, name="rnnlm_ignore_label_f32", title="Rnnlm: two ignored labels (-1), params one by one"))
    # Seq2seq: int32 ids, reference as .h5, N = 1
    c = forward_case("Seq2seq", f32, reference="expected.h5")
    c["xs"], c["ts"] = c["xs"][:1].astype(np.int32), c["ts"][:1].astype(np.int32)
    out.append(dict(c, name="seq2seq_n1_i32_f32", title="Seq2seq: N = 1, int32 ids, reference as .h5"))
    # Rnnlm whose affine W equals embed W transposed by value (D = H), two distinct arrays:
    # remove_duplicate merges them in step 1 (affine W not updated), not in step 2 (values differ)
    r = rng()
    s = dict(SIZES["Rnnlm"], D=4)
    p = make_params("Rnnlm", s, f32, r)
    p["affine.W"] = p["embed.W"].T.copy()
    batches = [make_batch("Rnnlm", s, np.int32, r) for _ in range(2)]
    out.append({"model": "Rnnlm", "dtype": "f32", "params": p, "tolerance": F32_TRAIN,
                "xs": [b[0] for b in batches], "ts": [b[1] for b in batches],
                "train": {"steps": 2, "optimizer": {"type": "SGD", "lr": 0.5}},
                "name": "rnnlm_value_tied_sgd_f32",
                "title": "Rnnlm with affine.W == embed.W.T by value: merged by remove_duplicate in step 1 only"})
    for c in out:
        if "train" in c and "max_grad" in c["train"]:
            c["title"] += f", clip_grads {c['train']['max_grad']}"
        assert "dropout_ratio" not in c
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--book", help="a checkout of deep-learning-from-scratch-2: compare bit for bit")
    args = ap.parse_args()
    assert np.__version__ == "2.4.6", f"fixtures are pinned to numpy 2.4.6, not {np.__version__}"
    assert h5py.__version__ == "3.16.0", f"fixtures are pinned to h5py 3.16.0, not {h5py.__version__}"

    fd = {}
    for i, model in enumerate(MODELS):
        fd[model] = fd_check(model, SIZES[model], 7000 + i)
        worst = max(max(v["rel_norm"], v["rel_max"]) for v in fd[model].values())
        print(f"finite differences {model}: worst relative error {worst:.2e}")

    book = book_impl(os.path.abspath(args.book)) if args.book else None
    os.makedirs(ROOT, exist_ok=True)  # README.md stays; the cases and the manifest are rewritten
    for entry in os.listdir(ROOT):
        if os.path.isdir(os.path.join(ROOT, entry)):
            shutil.rmtree(os.path.join(ROOT, entry))
    manifest = {"numpy": np.__version__, "h5py": h5py.__version__, "finite_differences": fd, "cases": {}}
    all_cases = cases()
    assert len({c["name"] for c in all_cases}) == len(all_cases)
    for c in all_cases:
        if "model_args" in c:
            c["model_args"] = dict(c["model_args"])
        results, info = run(c, PORT)
        # the reference holds exactly what §6 says a run writes
        entry = {"model": c["model"], "dtype": c["dtype"], "title": c["title"]}
        if "generate" in c:
            assert min(info["margins"]) > 0.05 and len(set(results["sampled"].tolist())) >= 3
            entry["sampled"] = results["sampled"].tolist()
            entry["min_top2_margin"] = min(info["margins"])
        else:
            assert results["out"].dtype == np.float64
            if "train" in c:
                entry["losses"] = results["out"].tolist()
                entry["merged_by_remove_duplicate"] = info["merged"]
                if info["clip_rate"]:  # clip_grads scales when the rate is below 1
                    entry["clip_rate"] = info["clip_rate"]
                    assert min(info["clip_rate"]) < 1, (c["name"], info["clip_rate"])
                assert not fragile(c), c["name"]
                if c.get("redraws"):
                    entry["redraws"] = c["redraws"]
            else:
                entry["loss"] = float(results["out"])
        if book is not None:
            theirs, binfo = run(c, book)
            for name, a in theirs.items():
                assert identical(a, results[name]), (c["name"], name)
            assert set(theirs) == set(results) or "book_backward" in binfo, (c["name"], set(results) ^ set(theirs))
            if "book_backward" in binfo:  # the eval-mode case: the book cannot backpropagate
                print(f"{c['name']}: the book's backward raises {binfo['book_backward']}; loss compared")
        write_case(c, results)
        manifest["cases"][c["name"]] = entry
    with open(os.path.join(ROOT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(all_cases)} cases" + (", identical to the book's classes" if book else ""))


if __name__ == "__main__":
    main()
