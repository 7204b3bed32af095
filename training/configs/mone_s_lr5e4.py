"""Experiment (the shipped recipe until 2026-11-29): mone_s with the MoNE stage at lr 5e-4.

Command: python -m mone.train --config mone_s_lr5e4   (needs runs/dense_s/step-3000.pt)

Everything else is mone_s: dense_s step 3,000, then 6,000 MoNE steps. mone_s_router and mone_s_ln1
start from this config, because they were measured against it.

Measured on the test split (docs/results/experiments/mone_s_lr5e4*-eval.*; dense 92.6%), top-1 at
e_c 0.15 / 0.25 / 0.3 / 0.4 / 0.5 / 1:
- seed 0: 86.6 / 90.8 / 90.8 / 91.1 / 91.6 / 89.2%; router at e_c 0.3 2.6x (13.5% of object vs
  5.2% of background patches on the full expert); random router 85.2% at 0.5; nested-only D/8
  (MoNE weights, fixed router) 70.0%.
- seed 1: 89.5% at 0.25, 90.3% at 0.4, 90.6% at 0.5, 90.2% at 1; router 2.8x.
At lr 1e-3 (mone_s now) the router follows the moving object (4.7x and 5.3x for seeds 0 and 1) and
the two seeds average 91.55% at e_c 0.4 against 90.7% here: the router and the small experts were
held back by this learning rate, not by the task loss.
"""

from mone.config import load_config

CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "mone_s_lr5e4",
    "stages": [dict(name="mone", mode="mone", steps=6000, lr=5e-4, warmup=100)],
}
