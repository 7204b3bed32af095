#!/usr/bin/env bash
# Evaluate the shipped runs on the test split (JSON, plot, markdown table), then export both models
# into public/models with those curves in their metadata (+ golden vectors, parity check), then
# their int8 weights for WASM where they pass the rule (mone.variants; a new export needs new ones).
# Arguments go on to mone.evaluate: train_nested_baseline.sh adds --nested runs/nested_s/final.pt.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m mone.evaluate --mone runs/mone_s/final.pt --dense runs/dense_s/final.pt "$@" \
  --out ../docs/results/eval.json --plot ../docs/results/accuracy-vs-gmacs.png --markdown ../docs/results/eval.md
python3 -m mone.export --checkpoint runs/mone_s/final.pt --out ../public/models --name mone-vivit-s \
  --eval ../docs/results/eval.json --check
python3 -m mone.export --checkpoint runs/dense_s/final.pt --out ../public/models --name vivit-dense-s \
  --dense --eval ../docs/results/eval.json --check
python3 -m mone.variants --model ../public/models/mone-vivit-s.onnx --config mone_s --write
python3 -m mone.variants --model ../public/models/vivit-dense-s.onnx --config dense_s --write
