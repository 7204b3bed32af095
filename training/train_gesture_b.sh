#!/usr/bin/env bash
# MoNE-B end to end on one CUDA GPU (any step also runs on the CPU, slowly). Every training step
# resumes: re-running after a kill continues where it stopped.
#   1. nested_b: the nested model (dense steps first, then every width each step: MatViViT), then
#      the gate: nested-only top-1 per width on the test split (gate.json); stops here when the gate
#      fails (GATE=ignore goes on anyway)
#   2. mone_b from the nested model: the shipped gesture model
#   3. dense_b: the dense baseline with MoNE-B's training FLOPs
#   4. evaluation on the test split (MoNE, random router, nested-only, dense)
#   5. ship_gesture_b.sh: the transfer check (mone.transfer: clips from an independent compositor;
#      informative, it never stops the recipe), ONNX export of both, int8 weights for WASM where they
#      pass the rule (mone.variants: accuracy on the test split, and timing on onnxruntime and on
#      onnxruntime-web, so it needs Node and node_modules; skipped with a message without them),
#      the sample clips and both models' entries in the model index
# Environment: RESULTS (default docs/results/gesture), MODELS (default public/models), MONE_RUNS (the
# runs folder, default training/runs), CONFIGS (a folder of stand-in configs with the same names:
# the CPU smoke test uses tiny ones), DEVICE (auto|cpu|cuda), TRANSFER_CLIPS (default 540), SAMPLES
# and SAMPLE_ARGS (ship_gesture_b.sh).
set -euo pipefail
cd "$(dirname "$0")"
results=${RESULTS:-../docs/results/gesture}
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
bash ship_gesture_b.sh
