#!/usr/bin/env bash
# Remakes docs/pictures/html-gate-order.png, the README's picture of `tl-run --html`: the
# book's TimeLSTM case testdata/layers/lstm_long (N=4, T=24, D=8, H=16) run by a "port" whose
# weights hold the gate blocks as [i, f, g, o] instead of the book's [f, g, i, o], compared with
# NumPy's reference of the book's layer; the page screenshotted by headless Chromium.
# Needs: a built tl-run (swift build), python3 with numpy, chromium. Run from the repository root.
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case_dir="$work/gate_order"
mkdir -p "$case_dir/expected"
src=testdata/layers/lstm_long
cp "$src/xs.npy" "$src/dout.npy" "$case_dir/"
for name in out dx dWx dWh db; do
  target=$name
  case $name in dWx | dWh | db) target="lstm.$name" ;; esac
  cp "$src/$name.npy" "$case_dir/expected/$target.npy"
done
python3 - "$src" "$case_dir" <<'PY'
import sys
import numpy as np
src, out = sys.argv[1], sys.argv[2]
for name in ("Wx", "Wh", "b"):
    a = np.load(f"{src}/{name}.npy")
    f, g, i, o = np.split(a, 4, axis=-1)
    np.save(f"{out}/{name}.npy", np.concatenate([i, f, g, o], axis=-1))  # the port's order
PY
cat >"$case_dir/pipeline.json" <<'JSON'
{
  "version": 1,
  "name": "gate order [i, f, g, o]",
  "input": "xs.npy",
  "layers": [{"name": "lstm", "type": "TimeLSTM", "params": {"Wx": "Wx.npy", "Wh": "Wh.npy", "b": "b.npy"}}],
  "dout": "dout.npy",
  "outputs": "out",
  "reference": "expected"
}
JSON
(cd "$work" && "$root/.build/debug/tl-run" gate_order/pipeline.json --html page.html >/dev/null) || true
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --force-color-profile=srgb --user-data-dir="$work/profile" --window-size=1000,1250 \
  --screenshot="$root/docs/pictures/html-gate-order.png" "file://$work/page.html" 2>/dev/null
ls -l docs/pictures/html-gate-order.png
