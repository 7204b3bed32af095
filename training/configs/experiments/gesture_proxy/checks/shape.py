"""Can a model see the hand's shape in one frame? Open hand or two fingers, from single frames of the
six hand / two-finger pairs (classes 0-5 against 6-11: the same motions, so only the shape tells).
Frames are rendered once at the full scene law (--clean: difficulty 0), then each --model trains on
the same frames: vit:P[:EMBED_LR[:D]] (the dense ViViT, 4 spatial blocks, D=128 unless given, patch P,
the frame as a 2-frame tubelet; EMBED_LR as TrainConfig.embed_lr_scale) or cnn (four stride-2 conv
stages, a local-feature reference). Prints train loss and val top-1 (chance 50%) every --every steps.

    cd training && python configs/experiments/gesture_proxy/checks/shape.py --model vit:16:0.25 cnn
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # training/, for `mone`

from mone.data import to_input  # noqa: E402
from mone.hand_render import render  # noqa: E402
from mone.hand_scene import HS, OS, SC, GestureSpec, sample_scenes  # noqa: E402
from mone.model import ModelConfig, MoNEViViT, expert_groups  # noqa: E402

PAIRS = 6  # classes 0..5 (full hand) and 6..11 (two fingers) move alike, pair by pair


def frames(seed: int, split: str, clips: int, per_clip: int, spec: GestureSpec, plain: bool):
    """(clips * per_clip, H, W, 3) uint8 frames, their shape label (1 = two fingers) and the gesturing
    hand's per-patch mask (grid, grid). Frames come from time steps where that hand covers at least
    half its largest area in the clip. plain: no person, props or second hand, a flat background."""
    idx = np.arange(clips)
    labels = idx % (2 * PAIRS)
    pick = np.random.default_rng([seed, 99, len(split)])
    xs, ys, ms = [], [], []
    for s in range(0, clips, 64):
        pack = sample_scenes(seed, split, idx[s : s + 64], spec, labels[s : s + 64])
        if plain:
            pack.scene[:, SC["person"]] = 0
            pack.object_static[:, :, OS["present"]] = 0
            pack.hand_static[:, 1, HS["present"]] = 0
            pack.scene[:, SC["bg_contrast"]] = 0
        video, mask = render(pack, spec, device="cpu", compile=True)
        area = mask.flatten(2).sum(-1)  # (B, T // tubelet)
        for b in range(len(video)):
            ok = torch.nonzero(area[b] >= 0.5 * area[b].max()).flatten().numpy()
            steps = pick.choice(ok, per_clip, replace=len(ok) < per_clip)
            xs.append(video[b, steps * spec.tubelet])
            ms.append(mask[b, steps])
            ys += [int(labels[s + b] >= PAIRS)] * per_clip
    return torch.cat(xs), torch.tensor(ys), torch.cat(ms)


class SmallCNN(nn.Module):
    """Four conv stages (stride 2 each, 32..256 channels), global average pool, linear."""

    def __init__(self) -> None:
        super().__init__()
        layers, c = [], 3
        for w in (32, 64, 128, 256):
            layers += [nn.Conv2d(c, w, 3, 2, 1), nn.GroupNorm(8, w), nn.GELU()]
            layers += [nn.Conv2d(w, w, 3, 1, 1), nn.GroupNorm(8, w), nn.GELU()]
            c = w
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(c, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, 1, 3, H, W)
        return self.head(self.body(x[:, 0]).mean((2, 3)))


class ConvStemViT(nn.Module):
    """The ViT's spatial blocks on tokens from a conv stem (Xiao et al. 2021, "Early convolutions
    help transformers see better"): four 3x3 stride-2 convs (24..192 channels) and a 1x1 to D, in
    place of the linear patch embedding; one token per 16 px, as patch 16."""

    def __init__(self, vit: MoNEViViT) -> None:
        super().__init__()
        layers, c = [], 3
        for w in (24, 48, 96, 192):
            layers += [nn.Conv2d(c, w, 3, 2, 1), nn.GroupNorm(8, w), nn.GELU()]
            c = w
        self.stem = nn.Sequential(*layers, nn.Conv2d(c, vit.cfg.dim, 1))
        self.vit = vit

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, 1, 3, H, W)
        v = self.vit
        t = self.stem(x[:, 0]).flatten(2).transpose(1, 2) + v.pos_spatial  # (B, N, D)
        r = torch.zeros(*t.shape[:2], 1, device=t.device)
        for blk in v.spatial:
            t = blk(t, expert_groups([0] * (v.cfg.num_experts - 1) + [t.shape[1]]), r)
        return v.head(v.ln_out(v.ln_spatial(t).mean(1)))


def build(name: str, size: int) -> tuple[nn.Module, float]:
    """A model and its embedding's lr scale from a --model spec."""
    if name == "cnn":
        return SmallCNN(), 1.0
    if name.startswith("cvit"):
        dim = int(name.split(":")[1]) if ":" in name else 128
        cfg = ModelConfig(num_classes=2, frames=2, image_size=size, patch_size=16, dim=dim, heads=4)
        return ConvStemViT(MoNEViViT(cfg)), 1.0
    _, patch, *rest = name.split(":")
    embed_lr = float(rest[0]) if rest else 1.0
    dim = int(rest[1]) if len(rest) > 1 else 128
    cfg = ModelConfig(num_classes=2, frames=2, image_size=size, patch_size=int(patch), dim=dim, heads=4)
    vit = MoNEViViT(cfg)

    class Frame(nn.Module):  # one frame as a two-frame clip: the model's own tubelet embedding
        def __init__(self) -> None:
            super().__init__()
            self.vit = vit
            self.mask_head = nn.Linear(dim, 1)  # used by --aux only
            vit.ln_spatial.register_forward_hook(lambda m, i, o: setattr(self, "tokens", o))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.vit(x.expand(-1, 2, -1, -1, -1), None)[0]

        def mask_logits(self) -> torch.Tensor:  # (B, N) from the last forward's final tokens
            return self.mask_head(self.tokens).squeeze(-1)

    return Frame(), embed_lr


def train(name: str, a, data) -> None:
    torch.manual_seed(a.seed)
    (tx, ty, tm), (vx, vy, _) = data
    model, embed_lr = build(name, a.size)
    aux = a.aux if name.startswith("vit:") else 0.0
    if aux and model.vit.cfg.patch_size != 16:
        raise SystemExit("--aux needs patch 16 (the renderer's mask grid)")
    embed = [p for n, p in model.named_parameters() if n.startswith("vit.embed.")]
    rest = [p for n, p in model.named_parameters() if not n.startswith("vit.embed.")]
    groups = [dict(params=rest, scale=1.0)] + ([dict(params=embed, scale=embed_lr)] if embed else [])
    opt = torch.optim.AdamW(groups, lr=a.lr, weight_decay=0.05)
    order = torch.Generator().manual_seed(a.seed)
    losses, t0, perm = [], time.time(), torch.empty(0, dtype=torch.long)
    for s in range(a.steps):
        if len(perm) < a.batch:
            perm = torch.randperm(len(tx), generator=order)
        ids, perm = perm[: a.batch], perm[a.batch :]
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (s + 1) / 50) * g["scale"]
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(to_input(tx[ids, None]))
        loss = F.cross_entropy(logits.float(), ty[ids])
        losses.append(loss.item())  # the shape loss alone (ln 2 = chance)
        if aux:
            mask_loss = F.binary_cross_entropy_with_logits(model.mask_logits().float(), tm[ids].flatten(1))
            loss = loss + aux * mask_loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (s + 1) % a.every == 0:
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
                hits = [
                    (model(to_input(vx[i : i + 100, None])).argmax(-1) == vy[i : i + 100])
                    for i in range(0, len(vx), 100)
                ]
            row = dict(model=name, aux=aux, step=s + 1, loss=round(float(np.mean(losses[-a.every :])), 3))
            row.update(val=round(float(torch.cat(hits).float().mean()), 3), s=round(time.time() - t0))
            print(json.dumps(row), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", nargs="+", default=["vit:16:0.25", "cnn"])
    ap.add_argument("--size", type=int, default=112)
    ap.add_argument("--clean", action="store_true", help="difficulty 0 (no camera motion, noise, blur)")
    ap.add_argument("--plain", action="store_true", help="no person, props or second hand; flat background")
    ap.add_argument("--aux", type=float, default=0.0, help="weight of a per-token hand-mask loss (ViT)")
    ap.add_argument("--train-clips", type=int, default=3000)
    ap.add_argument("--val-clips", type=int, default=600)
    ap.add_argument("--per-clip", type=int, default=4, help="frames taken from each training clip")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=0, help="data and init seed")
    ap.add_argument("--cache", default="", help="a .pt file: the rendered frames, made once")
    a = ap.parse_args()
    spec = GestureSpec(res=a.size, difficulty=0.0 if a.clean else 1.0)
    cache = Path(a.cache) if a.cache else None
    if cache and cache.exists():
        data = torch.load(cache)
    else:
        t0 = time.time()
        data = (
            frames(a.seed, "train", a.train_clips, a.per_clip, spec, a.plain),
            frames(a.seed, "val", a.val_clips, 1, spec, a.plain),
        )
        print(
            json.dumps(dict(rendered=len(data[0][0]) + len(data[1][0]), s=round(time.time() - t0))),
            flush=True,
        )
        if cache:
            torch.save(data, cache)
    for name in a.model:
        train(name, a, data)


if __name__ == "__main__":
    main()
