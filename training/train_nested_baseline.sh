#!/usr/bin/env bash
# The nested-only baseline trained on its own (MatViViT, configs/nested_s.py) and the full
# comparison with it: run after train_shipped.sh (~30 min more on 2 CPU cores; resumable).
#   1. nested_s: dense baseline step 3000, then 6000 steps with every token of a step on one width
#      drawn from {D/8, D/4, D/2, D} — the same steps and learning rate as mone_s
#   2. the test-split evaluation again, now with the trained nested-only curve (JSON, plot, table)
#   3. the metadata of both exported models, so the app's charts show that curve too
set -euo pipefail
cd "$(dirname "$0")"
python3 -m mone.train --config nested_s --no-progress
python3 -m mone.evaluate --mone runs/mone_s/final.pt --nested runs/nested_s/final.pt --dense runs/dense_s/final.pt \
  --out ../docs/results/eval.json --plot ../docs/results/accuracy-vs-gmacs.png --markdown ../docs/results/eval.md
python3 -m mone.export --checkpoint runs/mone_s/final.pt --out ../public/models --name mone-vivit-s \
  --eval ../docs/results/eval.json --check
python3 -m mone.export --checkpoint runs/dense_s/final.pt --out ../public/models --name vivit-dense-s \
  --dense --eval ../docs/results/eval.json --check
