"""mone_s on benchmark 2: the shipped recipe, from dense_s_v2 at step 3000.

Command:  python -m mone.train --config mone_s_v2          (needs runs/dense_s_v2/step-3000.pt)
Measured: see README "Results" (benchmark 2) and docs/results/benchmark-v2/.
"""

from mone.config import load_config

CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "mone_s_v2",
    "benchmark": 2,
    "init_from": "runs/dense_s_v2/step-3000.pt",
}
