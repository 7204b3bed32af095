#!/usr/bin/env bash
# Train, evaluate and export the shipped model end to end (~60 min on 2 CPU cores with bf16).
# Every step resumes: re-running after a kill continues where it stopped.
#   1. dense ViViT baseline (configs/dense_s.py) to step 3000 (2 threads), keeping those weights
#   2. side by side, one thread each: the dense baseline to its end (9000 steps), and MoNE
#      (configs/mone_s.py: 6000 steps initialised from dense step 3000) — the shipped model
#   3-4. evaluate_and_export.sh: evaluation on the test split (JSON, plot, markdown table), then
#        ONNX export of both models into public/models (+ metadata, golden vectors, parity check)
#   5. the browser sample clips into public/samples
set -euo pipefail
cd "$(dirname "$0")"
python3 -m mone.train --config dense_s --no-progress --max-steps 3000
python3 -m mone.train --config dense_s --no-progress --threads 1 > runs/dense_s.rest.out 2>&1 &
dense=$!
python3 -m mone.train --config mone_s --no-progress --threads 1
wait "$dense" || { echo "dense_s failed: see training/runs/dense_s.rest.out" >&2; exit 1; }
bash evaluate_and_export.sh
python3 -m mone.samples --out ../public/samples
