"""mone_s on benchmark 2: the shipped recipe, from dense_s_v2 at step 3000.

Command:  python -m mone.train --config mone_s_v2          (needs runs/dense_s_v2/step-3000.pt)
Measured (docs/results/benchmark-v2/, test split): 84.5 / 86.8 / 87.25 / 87.05 / 86.9% at e_c 0.15 / 0.3 /
0.4 / 0.5 / 1, router 4.4x at e_c 0.3; below nested_s_v2 at every GMACs level.
"""

from mone.config import load_config

CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "mone_s_v2",
    "benchmark": 2,
    "init_from": "runs/dense_s_v2/step-3000.pt",
}
