"""The NumPy side of the benchmark: the book's classes as testdata/gen_layers_core.py and
testdata/gen_layers_recurrent.py implement them (common/time_layers.py's way: a new step
object per time step, per-step grads summed in reverse order, float32 'f' buffers for
hs/dxs/out, T private V×D grads in TimeEmbedding's backward). The code that writes the test
fixtures is the code timed here, so the two never drift apart.

Shape letters: N batch, T time steps, D input size, H hidden size, V vocabulary.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata"))
import gen_layers_core as core  # noqa: E402
import gen_layers_recurrent as rec  # noqa: E402

RECURRENT = {"TimeRNN": rec.TimeRNN, "TimeLSTM": rec.TimeLSTM, "TimeGRU": rec.TimeGRU}

PARAM_NAMES = {
    "TimeEmbedding": ["W"], "TimeAffine": ["W", "b"], "TimeSoftmaxWithLoss": [],
    "TimeRNN": ["Wx", "Wh", "b"], "TimeLSTM": ["Wx", "Wh", "b"], "TimeGRU": ["Wx", "Wh", "b"],
}


def make_layer(type_name, params):
    """The layer for a pipeline `type` with its params by the book's names (zero initial
    state, stateful=False, as the pipeline's defaults)."""
    if type_name in RECURRENT:
        return RECURRENT[type_name](params["Wx"], params["Wh"], params["b"])
    if type_name == "TimeEmbedding":
        return core.TimeEmbedding(params["W"])
    if type_name == "TimeAffine":
        return core.TimeAffine(params["W"], params["b"])
    if type_name == "TimeSoftmaxWithLoss":
        return core.TimeSoftmaxWithLoss()
    raise ValueError(f"bench NumPy side has no layer {type_name}")


def is_recurrent(layer):
    return isinstance(layer, tuple(RECURRENT.values()))


def has_memory(layer):
    """Whether the layer carries LSTM's memory c besides h."""
    return isinstance(layer, rec.TimeLSTM)
