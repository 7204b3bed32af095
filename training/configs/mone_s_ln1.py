"""Experiment: mone_s_lr5e4 (the shipped recipe when this was measured) with the router reading
LN(x) (the first block's own pre-LN) instead of x.

Why: a linear probe on the router's input, fitted to the object masks (4,000 training clips), puts
4 tokens per step on the moving object 10x more often than on background when it reads x, and 40x
when it reads LN(x), while the trained router reaches 2.7x (issue 3 asks 3x). Everything else is
mone_s_lr5e4. Command: python -m mone.train --config mone_s_ln1

Measured (test split, docs/results/experiments/mone_s_ln1-eval.json): worse than mone_s_lr5e4 on
what it was meant to fix. Router at e_c = 0.3: 7.4% of object vs 6.1% of background patches on the
full expert (1.2x; mone_s_lr5e4 2.6x); top-1 at e_c 0.25 / 0.4 / 0.5: 89.3 / 90.8 / 91.5%
(mone_s_lr5e4 90.8 / 91.1 / 91.6%), but 91.0% at e_c = 1 (mone_s_lr5e4 89.2%). The router it learns
matters more (random router at e_c = 0.15: 62.9% vs 77.8%) without following the object: task loss
alone does not ask for the object. Kept as the record of that experiment; the shipped model reads x.
"""

import dataclasses

from mone.config import load_config

_base = load_config("mone_s_lr5e4")
CONFIG = {
    **_base.to_dict(),
    "name": "mone_s_ln1",
    "model": dataclasses.replace(_base.model, router_input="ln1").to_dict(),
}
