#!/usr/bin/env bash
# MoNE-B from trained checkpoints to the app: the steps after the evaluation, on the machine the
# models ship from (it needs PyAV, jsonschema and, for int8, Node). train_gesture_b.sh ends with it;
# after a GPU session, `bash training/unpack_gpu_session.sh <files>` first puts the weights in runs/
# and the results in docs/results/gesture/.
#   1. the transfer check (mone.transfer: clips from an independent compositor; informative only)
#   2. ONNX export of both models (parity and timing checked), curves from eval.json
#   3. int8 weights for WASM where they pass the rule (mone.variants; skipped without Node)
#   4. one sample clip per class (mone.samples --dataset gestures), then both models' entries in
#      the model index (mone.model_index: numbers from the exports and checkpoints; camera frames
#      mirrored before them)
# Environment as train_gesture_b.sh (RESULTS, MODELS, MONE_RUNS, CONFIGS, DEVICE, TRANSFER_CLIPS),
# plus SAMPLES (default public/samples/gesture) and SAMPLE_ARGS (extra mone.samples arguments; the
# CPU test renders small ones).
set -euo pipefail
cd "$(dirname "$0")"
results=${RESULTS:-../docs/results/gesture}
models=${MODELS:-../public/models}
runs=${MONE_RUNS:-runs}
device=${DEVICE:-auto}
samples=${SAMPLES:-../public/samples/gesture}
cfg() { if [[ -n ${CONFIGS:-} ]]; then echo "$CONFIGS/$1.py"; else echo "$1"; fi; }
for f in "$runs/mone_b/final.pt" "$runs/dense_b/final.pt" "$results/eval.json"; do
  [[ -f $f ]] || {
    echo "ship_gesture_b.sh: $f is missing (train and evaluate first, or unpack_gpu_session.sh)" >&2
    exit 2
  }
done

python3 -m mone.transfer --checkpoint "$runs/mone_b/final.pt" --dense "$runs/dense_b/final.pt" \
  --clips "${TRANSFER_CLIPS:-540}" --device "$device" --no-progress \
  --out "$results/transfer.json" --sheet "$results/transfer-sheet.png" ||
  echo "ship_gesture_b.sh: the transfer check failed (informative only); going on" >&2
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
  echo "ship_gesture_b.sh: no Node/node_modules here: int8 weights skipped (python -m mone.variants ... --write)" >&2
fi

# shellcheck disable=SC2086 # SAMPLE_ARGS is a list of arguments
python3 -m mone.samples --dataset gestures --out "$samples" ${SAMPLE_ARGS:-}
rel=$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$samples/index.json" "$models")
task="hand gestures (27 classes, Jester's labels, synthetic)"
python3 -m mone.model_index --index "$models/index.json" --model vivit-dense-gesture-b \
  --checkpoint "$runs/dense_b/final.pt" --name "Dense ViViT-B (gestures, baseline)" --task "$task" \
  --samples "$rel" --mirrored
python3 -m mone.model_index --index "$models/index.json" --model mone-gesture-b \
  --checkpoint "$runs/mone_b/final.pt" --name "MoNE ViViT-B (gestures)" --task "$task" \
  --samples "$rel" --mirrored --baseline vivit-dense-gesture-b
