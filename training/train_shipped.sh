#!/usr/bin/env bash
# Train, evaluate and export the shipped model end to end (about 30-60 min on 2 CPU cores).
# Every step resumes: re-running after a kill continues where it stopped.
#   1. dense ViViT baseline (configs/dense_s.py), keeping its step-1200 weights
#   2. MoNE (configs/mone_s.py), initialised from those weights
#   3. evaluation on the test split (JSON, plot, markdown table)
#   4. ONNX export of both models into public/models (+ metadata, golden vectors, parity check)
set -euo pipefail
cd "$(dirname "$0")"
python3 -m mone.train --config dense_s --no-progress
python3 -m mone.train --config mone_s --no-progress
python3 -m mone.evaluate --mone runs/mone_s/final.pt --dense runs/dense_s/final.pt \
  --out ../docs/results/eval.json --plot ../docs/results/accuracy-vs-gmacs.png --markdown ../docs/results/eval.md
python3 -m mone.export --checkpoint runs/mone_s/final.pt --out ../public/models --name mone-vivit-s \
  --eval ../docs/results/eval.json --check
python3 -m mone.export --checkpoint runs/dense_s/final.pt --out ../public/models --name vivit-dense-s \
  --dense --eval ../docs/results/eval.json --check
python3 -m mone.samples --out ../public/samples
