#!/usr/bin/env bash
# Remakes docs/pictures/html-gate-order.png, the README's picture of `tl-run --html`: a NumPy
# "port" of the book's TimeLSTM (N=4, T=24, D=8, H=16, float64) that reads the gate blocks of A
# as [i, f, g, o] instead of the book's [f, g, i, o] (testdata/gen_mistakes.py's LSTMGatesIFGO)
# writes the reference; tl-run runs the book's layer on the same weights and draws the page,
# which headless Chromium screenshots.
# Needs: a built tl-run (swift build), python3 with numpy 2.4.6, chromium. Run from the
# repository root.
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/gate_order" <<'PY'
import sys
sys.path.insert(0, "testdata")
sys.path.insert(0, "pipelines")
import book  # noqa: F401  (first: it pins NumPy's code paths)
import numpy as np
import gen_mistakes as m
import gen_layers_recurrent as rec
from tlrun_case import record_intermediates, write_case

rng = np.random.default_rng(14)
N, T, D, H = 4, 24, 8, 16
xs = m.rnd(rng, (N, T, D))
p = m.lstm_params(rng, D, H)
dout = m.rnd(rng, (N, T, H))
with m.patched(rec, "LSTM", m.LSTMGatesIFGO):
    layers = [{"name": "lstm", "type": "TimeLSTM", "params": p, "port": rec.TimeLSTM(**p)}]
    expected = record_intermediates(xs, layers, dout)
write_case(sys.argv[1], input=xs, layers=layers, dout=dout, expected=expected, name="a port with gates [i, f, g, o]")
PY
(cd "$work" && "$root/.build/debug/tl-run" gate_order/pipeline.json --html page.html >/dev/null) || true
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --force-color-profile=srgb --user-data-dir="$work/profile" --window-size=1000,1250 \
  --screenshot="$root/docs/pictures/html-gate-order.png" "file://$work/page.html" 2>/dev/null
ls -l docs/pictures/html-gate-order.png
