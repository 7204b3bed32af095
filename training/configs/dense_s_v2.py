"""dense_s on benchmark 2 (distractors that move in place; mone.data.BENCHMARKS), for the question
whether a harder benchmark makes the nested-only D/8 model fall behind (issue 3's "compute matters").

Command:  python -m mone.train --config dense_s_v2          (then mone_s_v2 and nested_s_v2)
Measured (docs/results/benchmark-v2/, test split): 89.2% (dense_s on benchmark 1: 92.6%);
validation 78.7% at step 3000 (benchmark 1: 86.3%), 90.2% at the end.
"""

from mone.config import load_config

CONFIG = {**load_config("dense_s").to_dict(), "name": "dense_s_v2", "benchmark": 2}
