"""The nested-only baseline trained on its own (MatViViT, paper Sec. 4): mone_s's recipe with the
MoNE stage replaced by a nested stage, where every token of a step uses one width drawn from
{D/8, D/4, D/2, D}.

Command:  bash training/train_nested_baseline.sh   (after train_shipped.sh: trains this, evaluates, exports)
          or by hand: python -m mone.train --config nested_s    (needs runs/dense_s/step-3000.pt)
          python -m mone.evaluate --mone runs/mone_s/final.pt --nested runs/nested_s/final.pt \
              --dense runs/dense_s/final.pt --out ...
Runtime:  6,000 steps: 33.6 min measured on one thread next to another run (0.34 s per step).

This is the baseline as the paper trains it, from the same dense step 3,000 and for the same 6,000
steps at the same learning rate. train_shipped.sh (60 minutes) evaluates the nested-only points of
the MoNE weights with a fixed router, which need no extra training; train_nested_baseline.sh then
re-evaluates with this model, which is what docs/results/eval.json and the exported metadata hold.

Measured on the test split (docs/results/experiments/nested_s-eval.*; dense 92.6%): 90.6 / 91.5 /
91.6 / 91.8% at D/8, D/4, D/2, D (0.055 / 0.081 / 0.131 / 0.232 GMACs), above mone_s at every
GMACs level (89.9% at 0.060, 90.9% at 0.080, 91.0% at 0.130) and D/8 only 2.0 points below dense:
trained on its own, every width solves almost all of this benchmark (issue 3 asks >= 10 points).
Validation at full width: 83.2% after 1,000 steps, 92.3% at the end.
"""

from mone.config import load_config

CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "nested_s",
    "stages": [dict(name="nested", mode="nested", steps=6000, lr=1e-3, warmup=100)],
}
