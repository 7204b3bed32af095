"""Experiment: can a linear function of the router's input pick out the moving object?

    cd training && python ../bench/experiments/router_probe.py runs/mone_s/final.pt

Takes the trained model's router input (tubelet embedding + position, what `MoNEViViT.route` reads)
on 4,000 training and 1,000 validation clips, fits a logistic probe to the per-patch object masks
(on x, on LN(x), on x without the position embedding) and scores each like the router-quality
measure of the evaluation, at e_c = 0.3 (4 full-expert tokens per step of 64): the share of object
patches among each step's top 4 versus the share of background patches. The trained router is
scored the same way (its full-expert probability). A probe far above the router means the router
could express the object and is limited by what the task loss asks of it, not by being linear.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from mone.checkpoint import load_checkpoint
from mone.config import load_config
from mone.data import to_input
from mone.model import patchify
from mone.train import load_split

TOP = 4  # full-expert tokens per step at e_c = 0.3 with 64 tokens


def router_inputs(model, cfg, split: str, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    data = load_split(cfg, split, Path("data-cache"), progress=False)
    m = model.cfg
    xs = []
    with torch.no_grad():
        for s in range(0, n, 200):
            video = to_input(data["video"][s : s + 200])
            xs.append(model.embed(patchify(video, m.tubelet_size, m.patch_size)) + model.pos_spatial)
    x = torch.cat(xs).reshape(-1, m.tokens_per_step, m.dim)
    return x, torch.as_tensor(data["mask"][:n].reshape(-1, m.tokens_per_step)).float()


def top_share(score: torch.Tensor, obj: torch.Tensor) -> tuple[float, float, float]:
    chosen = torch.zeros_like(obj).scatter_(1, score.topk(TOP, dim=1).indices, 1.0)
    o = float((chosen * obj).sum() / obj.sum())
    b = float((chosen * (1 - obj)).sum() / (1 - obj).sum())
    return o, b, o / b


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = load_checkpoint(Path(sys.argv[1])).eval()
    cfg = load_config("mone_s")
    x_tr, y_tr = router_inputs(model, cfg, "train", 4000)
    x_va, y_va = router_inputs(model, cfg, "val", 1000)
    print(f"object patches: {float(y_va.mean()):.1%} of all")
    with torch.no_grad():
        router = model.router(x_va).softmax(-1)[..., -1]
    rows = {"trained router (full-expert probability)": top_share(router, y_va)}
    d = model.cfg.dim
    for name, f in {
        "linear probe on x": lambda x: x,
        "linear probe on LN(x)": lambda x: F.layer_norm(x, (d,)),
        "linear probe on x - position": lambda x: x - model.pos_spatial,
    }.items():
        f_tr, f_va = f(x_tr).detach(), f(x_va).detach()
        w = torch.zeros(d, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        opt = torch.optim.Adam([w, b], lr=1e-2)
        for _ in range(300):
            loss = F.binary_cross_entropy_with_logits(f_tr @ w + b, y_tr)
            opt.zero_grad()
            loss.backward()
            opt.step()
        rows[name] = top_share((f_va @ w).detach(), y_va)
    for name, (o, b, r) in rows.items():
        print(f"{name:45s} object {o:6.1%}  background {b:6.1%}  ratio {r:5.1f}x")


if __name__ == "__main__":
    main()
