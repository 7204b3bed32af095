"""Quick checks behind ../README.md: can a dense D=128 ViViT learn the rendered gestures (64 px and
patch 8 unless --size/--patch say otherwise; the B model's input is 112/16), and under which
simplifications? Fresh clips every step (each used in --reuse steps), a fixed validation set of
270 clips at the full scene law (or at the simplified one where asked), mean training loss and val
top-1 every 100 steps, seed 0 (--seed: init and data). The simplifications are label-independent:
--clean draws at difficulty 0, --noclutter removes the person, props and second hand, --plainbg
flattens the background, --bighand scales the gesturing hand, --classes N keeps classes 0..N-1
(--class-list I,J,..: those classes), --curr HOLD,RAMP eases every clip for HOLD steps and then a
share falling to 0 over RAMP steps (as TrainConfig.curriculum; eased = hand_scene.ease of a clip
drawn at difficulty 0). Two levers on the tubelet embedding: --init-pool K makes its initial
filters constant over KxK pixels (at init a 112/16 token is then a 56/8 token of the pooled
frames), --embed-lr S scales its lr (as TrainConfig.embed_lr_scale). --pool map replaces the mean
over each time step's tokens by attention pooling (big_vision's "map" head: a learned query over
the tokens, then an MLP); --stem conv makes tokens with the model's ConvStem. --aux W adds, with
weight W, two training-only losses on the spatial transformer's output taken from the scene law
(privileged information a renderer has and a camera does not): the gesturing hand's 18 pose
channels at each time step from the step's mean token (MSE on standardised channels, where the
hand is present) and its per-patch mask from each token (BCE on the covered share); --aux-parts
pose|mask trains only one of them (both are still measured and logged).

    cd training && python configs/experiments/gesture_proxy/checks/learnability.py --lr 3e-4 --curr 300,500
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # training/, for `mone`

from mone.config import TrainConfig, load_config  # noqa: E402
from mone.data import to_input  # noqa: E402
from mone.datasets import gesture_spec  # noqa: E402
from mone.hand_render import render  # noqa: E402
from mone.hand_scene import HC, HS, OS, SC, ease, frame_times, hand_states, sample_scenes  # noqa: E402
from mone.model import MoNEViViT  # noqa: E402
from mone.train import Trainee  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--reuse", type=int, default=4)
    ap.add_argument("--clean", action="store_true")
    ap.add_argument("--noclutter", action="store_true")
    ap.add_argument("--plainbg", action="store_true")
    ap.add_argument("--bighand", type=float, default=1.0)
    ap.add_argument("--classes", type=int, default=27)
    ap.add_argument("--class-list", default="", help="comma-separated class ids (instead of --classes)")
    ap.add_argument("--curr", default="", help="HOLD,RAMP")
    ap.add_argument("--size", type=int, default=64, help="input pixels (the B model: 112)")
    ap.add_argument("--patch", type=int, default=8, help="patch pixels (the B model: 16)")
    ap.add_argument("--init-pool", type=int, default=1, help="tubelet init smooth over KxK pixels")
    ap.add_argument("--embed-lr", type=float, default=1.0, help="lr scale of the tubelet embedding")
    ap.add_argument("--seed", type=int, default=0, help="model init and data (clips, val set) seed")
    ap.add_argument("--pool", choices=("mean", "map"), default="mean", help="per-step token pooling")
    ap.add_argument("--stem", choices=("linear", "conv"), default="linear", help="ModelConfig.stem")
    ap.add_argument("--aux", type=float, default=0.0, help="weight of the pose and mask losses")
    ap.add_argument("--aux-parts", choices=("both", "pose", "mask"), default="both", help="--aux trains")
    ap.add_argument("--tag", default="")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    base = load_config("experiments/gesture_proxy/dense_g64_clean").to_dict()
    model = {**base["model"], "image_size": a.size, "patch_size": a.patch, "stem": a.stem}
    cfg = TrainConfig.from_dict({**base, "model": model, "scene": {"difficulty": 0.0 if a.clean else 1.0}})
    spec = gesture_spec(cfg)

    def make(split: str, idx: np.ndarray, easy: bool = False):
        labels = idx % a.classes if a.classes < 27 else None
        if a.class_list:
            keep = np.array([int(c) for c in a.class_list.split(",")])
            labels = keep[idx % len(keep)]
        pack = sample_scenes(
            a.seed, split, idx, dataclasses.replace(spec, difficulty=0.0) if easy else spec, labels
        )
        if easy:
            pack = ease(pack)
        if a.noclutter:
            pack.scene[:, SC["person"]] = 0
            pack.object_static[:, :, OS["present"]] = 0
            pack.hand_static[:, 1, HS["present"]] = 0
        if a.plainbg:
            pack.scene[:, SC["bg_contrast"]] = 0
        if a.bighand != 1.0:
            pack.hands[:, 0, HC["log_size"], 0] += math.log(a.bighand)
        video, mask = render(pack, spec, device="cpu", compile=True)
        states = hand_states(pack, frame_times(spec), spec.duration)[:, 0]  # (B, T, 18): hand 0
        pose = states.reshape(len(pack), -1, spec.tubelet, states.shape[-1]).mean(2)  # (B, T', 18)
        present = pack.hand_static[:, 0, HS["present"]]
        return to_input(video), pack.label, pose, present, mask.flatten(2)

    val_x, val_y, val_pose, val_present, _ = make("val", np.arange(270))
    seen = val_present > 0.5  # standardise the pose targets with the val set's statistics
    pose_mu, pose_sd = val_pose[seen].mean((0, 1)), val_pose[seen].std((0, 1)).clamp_min(1e-3)
    model = MoNEViViT(cfg.model)
    if a.init_pool > 1:
        pooled_tubelet_init(model, a.init_pool)
    if a.pool == "map":
        model.ln_spatial = MapPool(cfg.model.dim, cfg.model.heads)
    trainee = Trainee(model)
    feats = {}
    model.ln_spatial.register_forward_hook(lambda m, i, o: feats.__setitem__("tokens", o))
    pose_head, mask_head = nn.Linear(cfg.model.dim, val_pose.shape[-1]), nn.Linear(cfg.model.dim, 1)
    embed = list(model.embed.parameters())
    rest = [p for p in model.parameters() if all(p is not q for q in embed)]
    if a.aux:
        rest += [*pose_head.parameters(), *mask_head.parameters()]
    groups = [dict(params=embed, scale=a.embed_lr), dict(params=rest, scale=1.0)]
    opt = torch.optim.AdamW(groups, lr=a.lr, weight_decay=0.05)
    per_chunk, chunks, losses, aux_losses, t0 = a.batch // a.reuse, [], [], [], time.time()
    for s in range(a.steps):
        ids = np.arange(s * per_chunk, (s + 1) * per_chunk)
        easy = np.zeros(per_chunk, bool)
        if a.curr:
            hold, ramp = map(int, a.curr.split(","))
            share = 1.0 if s < hold else max(0.0, 1 - (s - hold) / ramp)
            easy = np.random.default_rng([7, s]).random(per_chunk) < share
        parts = [make("train", ids[m], flag) for m, flag in ((easy, True), (~easy, False)) if m.any()]
        chunk = tuple(torch.cat([p[k] for p in parts]) for k in range(5))
        chunks = [*chunks, chunk][-a.reuse :]
        x, y, pose, present, mask = (torch.cat([c[k] for c in chunks]) for k in range(5))
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (s + 1) / 50) * g["scale"]
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = trainee(x, [None])[0][0]
        loss = ce = F.cross_entropy(logits.float(), y, label_smoothing=0.1)
        if a.aux:
            tokens = feats["tokens"].float()  # (B * T', N, D)
            pred = pose_head(tokens.mean(1)).reshape(pose.shape)
            err = ((pred - (pose - pose_mu) / pose_sd) ** 2).mean((1, 2))
            loss_pose = (err * present).sum() / present.sum().clamp_min(1.0)
            loss_mask = F.binary_cross_entropy_with_logits(mask_head(tokens)[..., 0], mask.flatten(0, 1))
            use_pose, use_mask = a.aux_parts in ("both", "pose"), a.aux_parts in ("both", "mask")
            loss = loss + a.aux * (use_pose * loss_pose + use_mask * loss_mask)
            aux_losses.append((loss_pose.item(), loss_mask.item()))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(ce.item())
        if (s + 1) % 100 == 0:
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
                hits = [
                    (trainee(val_x[i : i + 90], [None])[0][0].argmax(-1) == val_y[i : i + 90])
                    for i in (0, 90, 180)
                ]
            row = dict(tag=a.tag, step=s + 1, loss=round(float(np.mean(losses[-100:])), 3))
            row.update(val=round(float(torch.cat(hits).float().mean()), 3), s=round(time.time() - t0))
            if aux_losses:
                row.update(pose=round(float(np.mean([v[0] for v in aux_losses[-100:]])), 3))
                row.update(mask=round(float(np.mean([v[1] for v in aux_losses[-100:]])), 3))
            print(json.dumps(row), flush=True)


class MapPool(nn.Module):
    """Attention pooling in place of the model's final spatial LayerNorm: returns (B', 1, D), so the
    model's mean over the token axis that follows leaves it as it is."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.query = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.att = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_mlp = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ln(x)
        y = self.att(self.query.expand(len(x), -1, -1), h, h, need_weights=False)[0]
        return y + self.mlp(self.ln_mlp(y))


@torch.no_grad()
def pooled_tubelet_init(model: MoNEViViT, k: int) -> None:
    """The model's tubelet init with spatial filters constant over KxK pixel blocks, scaled so that
    at init a patch P token equals a patch P/K token of the KxK-average-pooled frames."""
    c = model.cfg
    p = c.patch_size // k
    r = torch.randn(c.dim, 3, p, p) / (3 * p * p) ** 0.5
    r = r.repeat_interleave(k, 2).repeat_interleave(k, 3).flatten(1) / (k * k)
    model.set_tubelet_filters(r)


if __name__ == "__main__":
    main()
