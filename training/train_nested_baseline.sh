#!/usr/bin/env bash
# The nested-only baseline trained on its own (MatViViT, configs/nested_s.py) and the full
# comparison with it: run after train_shipped.sh (~30 min more on 2 CPU cores; resumable).
#   1. nested_s: dense baseline step 3000, then 6000 steps with every token of a step on one width
#      drawn from {D/8, D/4, D/2, D} — the same steps and learning rate as mone_s
#   2. evaluate_and_export.sh again, now with the trained nested-only curve: the evaluation (JSON,
#      plot, table) and both models' metadata, so the app's charts show that curve too
set -euo pipefail
cd "$(dirname "$0")"
python3 -m mone.train --config nested_s --no-progress
bash evaluate_and_export.sh --nested runs/nested_s/final.pt
