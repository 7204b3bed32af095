"""dense_s on benchmark 2 (distractors that move in place; mone.data.BENCHMARKS), for the question
whether a harder benchmark makes the nested-only D/8 model fall behind (issue 3's "compute matters").

Command:  python -m mone.train --config dense_s_v2          (then mone_s_v2 and nested_s_v2)
Measured: see README "Results" (benchmark 2) and docs/results/benchmark-v2/.
"""

from mone.config import load_config

CONFIG = {**load_config("dense_s").to_dict(), "name": "dense_s_v2", "benchmark": 2}
