"""Experiment: mone_s with the router and the alphas on a 30x learning rate and no weight decay.

Why: in the shipped mone_s the router barely leaves its initialisation (weight norm 1.02 vs ~1.15
at init) and the alphas end at 0.03-0.07. The router learns only through alpha * r, and with alpha
near 0 that signal is weak, so routing stays close to a random projection of the tokens (2.6x
object vs background at e_c = 0.3). Everything else is mone_s (same init, data, steps and budgets).
Command: python -m mone.train --config mone_s_router

Measured (test split, docs/results/experiments/mone_s_router-eval.json): the router target is met,
at an accuracy cost. Router at e_c = 0.3: 20.3% of object vs 4.2% of background patches on the
full expert (4.8x; mone_s 2.6x; validation during training: 4.6x after 1,000 steps, 4.7-5.3x
after that); alphas end at 0.15-0.42. Top-1 at e_c 0.25 / 0.4 / 0.5 / 1: 88.4 / 89.4 / 90.2 /
90.7% (mone_s 90.8 / 91.1 / 91.6 / 89.2%); random router at 0.5: 88.5% (mone_s 85.2%). A 10x
scale (same otherwise) was not enough: validation router ratio 6.7x after 1,000 steps, then
3.1 / 1.6 / 2.0 / 1.8x at 2,000-5,000. Kept as the record of that experiment and as the recipe
for a router that follows the moving object; the shipped model is mone_s.
"""

from mone.config import load_config

CONFIG = {
    **load_config("mone_s").to_dict(),
    "name": "mone_s_router",
    "router_lr_scale": 30.0,
    "router_weight_decay": 0.0,
}
