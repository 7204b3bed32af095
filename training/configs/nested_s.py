"""The nested-only baseline trained on its own (MatViViT, paper Sec. 4): mone_s with a nested stage.
Command: bash training/train_nested_baseline.sh   (after train_shipped.sh: trains, evaluates, exports)
Outcome: 33.6 min on 1 thread; test top-1 90.6 / 91.5 / 91.6 / 91.8% at D/8 .. D (docs/results/eval.md)."""

from mone.config import load_config

# The baseline as the paper trains it, compared at equal footing: mone_s's init (dense step 3000),
# steps and learning rate, with every token of a step on one width drawn from {D/8, D/4, D/2, D}.
CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "nested_s",
    "stages": [dict(name="nested", mode="nested", steps=6000, lr=1e-3, warmup=100)],
}
