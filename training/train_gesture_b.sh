#!/usr/bin/env bash
# MoNE-B end to end on one CUDA GPU (any step also runs on the CPU, slowly). Every training step
# resumes: re-running after a kill continues where it stopped.
#   1. nested_b: the nested model, every width each step (MatViViT), then the gate: nested-only
#      top-1 per width on the test split (gate.json); stops here when the gate fails (GATE=ignore
#      goes on anyway)
#   2. mone_b from the nested model: the shipped gesture model
#   3. dense_b: the dense baseline with MoNE-B's training FLOPs
#   4. evaluation on the test split (MoNE, random router, nested-only, dense), then the transfer check
#      (mone.transfer: clips from an independent compositor; informative, it never stops the recipe)
#   5. ONNX export of both
#   6. int8 weights for WASM where they pass the rule (mone.variants: accuracy on the test split, and
#      timing on onnxruntime and on onnxruntime-web, so it needs Node and node_modules; skipped with
#      a message on a machine without them, e.g. the GPU machine: run it where the export lands)
# Environment: RESULTS (default docs/results/gesture), MODELS (default public/models), MONE_RUNS (the
# runs folder, default training/runs), CONFIGS (a folder of stand-in configs with the same names:
# the CPU smoke test uses tiny ones), DEVICE (auto|cpu|cuda), TRANSFER_CLIPS (default 540).
set -euo pipefail
cd "$(dirname "$0")"
results=${RESULTS:-../docs/results/gesture}
models=${MODELS:-../public/models}
runs=${MONE_RUNS:-runs}
device=${DEVICE:-auto}
cfg() { if [[ -n ${CONFIGS:-} ]]; then echo "$CONFIGS/$1.py"; else echo "$1"; fi; }

python3 -m mone.train --config "$(cfg nested_b)" --no-progress --device "$device"
gate=0
python3 -m mone.gate --checkpoint "$runs/nested_b/final.pt" --out "$results/gate.json" --device "$device" ||
  gate=$?
if ((gate == 3)) && [[ ${GATE:-} != ignore ]]; then
  echo "train_gesture_b.sh: the gate failed (see $results/gate.md); GATE=ignore goes on anyway" >&2
  exit 3
fi
((gate == 0 || gate == 3)) || exit "$gate"
python3 -m mone.train --config "$(cfg mone_b)" --no-progress --device "$device"
python3 -m mone.train --config "$(cfg dense_b)" --no-progress --device "$device"
python3 -m mone.evaluate --mone "$runs/mone_b/final.pt" --nested "$runs/nested_b/final.pt" \
  --dense "$runs/dense_b/final.pt" --device "$device" \
  --out "$results/eval.json" --plot "$results/accuracy-vs-gmacs.png" --markdown "$results/eval.md"
python3 -m mone.transfer --checkpoint "$runs/mone_b/final.pt" --dense "$runs/dense_b/final.pt" \
  --clips "${TRANSFER_CLIPS:-540}" --device "$device" --no-progress \
  --out "$results/transfer.json" --sheet "$results/transfer-sheet.png" ||
  echo "train_gesture_b.sh: the transfer check failed (informative only); going on" >&2
python3 -m mone.export --checkpoint "$runs/mone_b/final.pt" --out "$models" --name mone-gesture-b \
  --eval "$results/eval.json" --check
python3 -m mone.export --checkpoint "$runs/dense_b/final.pt" --out "$models" --name vivit-dense-gesture-b \
  --dense --eval "$results/eval.json" --check
if command -v node >/dev/null && [[ -d ../node_modules/onnxruntime-web ]]; then
  python3 -m mone.variants --model "$models/mone-gesture-b.onnx" --config "$(cfg mone_b)" --write \
    --report "$results/int8-mone.json"
  python3 -m mone.variants --model "$models/vivit-dense-gesture-b.onnx" --config "$(cfg dense_b)" --write \
    --report "$results/int8-dense.json"
else
  echo "train_gesture_b.sh: no Node/node_modules here: int8 weights skipped (python -m mone.variants ... --write)" >&2
fi
