"""nested_s on benchmark 2: the nested-only baseline (MatViViT), from dense_s_v2 at step 3000.

Command:  python -m mone.train --config nested_s_v2        (needs runs/dense_s_v2/step-3000.pt)
Measured (docs/results/benchmark-v2/, test split): 87.2 / 88.1 / 87.8 / 87.6% at D/8, D/4, D/2, D;
D/8 2.0 points below dense_s_v2 (89.2%), the same gap as on benchmark 1.
"""

from mone.config import load_config

CONFIG = {
    **load_config("nested_s").to_dict(),
    "name": "nested_s_v2",
    "benchmark": 2,
    "init_from": "runs/dense_s_v2/step-3000.pt",
}
