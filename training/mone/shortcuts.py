"""Shortcut check of the gesture benchmark: can a model tell paired classes apart without motion?

Pairs differ only in direction or time order (swiping left/right, pushing/pulling, rolling
forward/backward, turning clockwise/counterclockwise, zooming in/out, ...). The same dense model is
trained briefly three times on clips of the paired classes only, seeing
  - "full":    the clip as rendered (the control: it must learn the pairs),
  - "single":  one random frame repeated T times (no motion, no order),
  - "shuffled": the frames in a random order (motion blur and poses, but no order).
Reported: accuracy within each pair (the larger of the pair's two logits) on clips of the full scene
law. Training follows the config's curriculum (eased clips early on) step for step, so that the
control can leave chance. A benchmark without shortcuts keeps "single" and "shuffled" near 50% on
every pair while "full" learns them.

    cd training && python -m mone.shortcuts --config dense_b --steps 400 --out runs/shortcuts.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import datasets
from .config import TRAINING_ROOT, TrainConfig, load_config
from .data import to_input
from .evaluate import pick_device
from .gestures import GESTURES
from .model import MoNEViViT
from .train import lr_at

PAIRS = (
    ("swiping_left", "swiping_right"),
    ("swiping_down", "swiping_up"),
    ("pushing_hand_away", "pulling_hand_in"),
    ("sliding_two_fingers_left", "sliding_two_fingers_right"),
    ("sliding_two_fingers_down", "sliding_two_fingers_up"),
    ("pushing_two_fingers_away", "pulling_two_fingers_in"),
    ("rolling_hand_forward", "rolling_hand_backward"),
    ("turning_hand_clockwise", "turning_hand_counterclockwise"),
    ("zooming_in_with_full_hand", "zooming_out_with_full_hand"),
    ("zooming_in_with_two_fingers", "zooming_out_with_two_fingers"),
)
PAIRED = np.array([GESTURES.index(c) for pair in PAIRS for c in pair])
VIEWS = ("full", "single", "shuffled")


def view(video: torch.Tensor, how: str, gen: torch.Generator) -> torch.Tensor:
    """(B, T, H, W, 3) as the model gets it under view `how`."""
    b, t = video.shape[:2]
    if how == "full":
        return video
    if how == "single":
        k = torch.randint(0, t, (b,), generator=gen).to(video.device)
        return video[torch.arange(b, device=video.device), k][:, None].expand(-1, t, -1, -1, -1)
    order = torch.argsort(torch.rand(b, t, generator=gen), dim=1).to(video.device)
    return torch.gather(video, 1, order[..., None, None, None].expand_as(video))


def pair_accuracy(logits: torch.Tensor, label: np.ndarray) -> dict[str, float]:
    """Per pair: the share of its clips whose own class scores above its partner."""
    out = {}
    for a, b in PAIRS:
        ia, ib = GESTURES.index(a), GESTURES.index(b)
        sel = np.isin(label, (ia, ib))
        if not sel.any():
            continue
        lg = logits[torch.from_numpy(sel)]
        pick = np.where(lg[:, ia] >= lg[:, ib], ia, ib)
        out[f"{a} / {b}"] = float((pick == label[sel]).mean())
    return out


def run(cfg: TrainConfig, how: str, steps: int, device: torch.device, val: dict) -> dict:
    torch.manual_seed(cfg.seed)
    model = MoNEViViT(cfg.model).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=cfg.weight_decay)
    stage = cfg.stages[0]
    spec = datasets.gesture_spec(cfg)
    gen = torch.Generator().manual_seed(cfg.seed)
    from .hand_render import render

    gen_easy = np.random.default_rng([cfg.data_seed, datasets.EASE_STREAM])
    for step in range(steps):
        idx = np.arange(step * cfg.batch_size, (step + 1) * cfg.batch_size)
        # the config's curriculum, in steps of this run: the "full" control must leave chance
        easy = gen_easy.random(len(idx)) < datasets.curriculum_share(cfg.curriculum, step)
        pack = datasets.curriculum_scenes(cfg.data_seed, idx, spec, easy, PAIRED[idx % len(PAIRED)])
        video, _ = render(pack, spec, device=device, compile=cfg.render_compile)
        for g in opt.param_groups:
            g["lr"] = lr_at(stage, int(step * stage.steps / max(steps, 1)))
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.precision == "bf16"):
            logits, _ = model(to_input(view(video, how, gen)))
        loss = F.cross_entropy(logits.float(), pack.label.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        chunks = []
        for s in range(0, len(val["label"]), 100):
            v = torch.as_tensor(val["video"][s : s + 100]).to(device)
            chunks.append(model(to_input(view(v, how, gen)))[0].float().cpu())
    per_pair = pair_accuracy(torch.cat(chunks), val["label"])
    return {"view": how, "steps": steps, "pairs": per_pair, "mean": float(np.mean(list(per_pair.values())))}


def paired_split(cfg: TrainConfig, count: int, device) -> dict:
    """Validation clips of the paired classes only (rendered once, not cached)."""
    from .hand_render import render
    from .hand_scene import sample_scenes

    spec = datasets.gesture_spec(cfg)
    idx = np.arange(count)
    videos = []
    for s in range(0, count, 64):
        pack = sample_scenes(
            cfg.data_seed, "val", idx[s : s + 64], spec, labels=PAIRED[idx[s : s + 64] % len(PAIRED)]
        )
        videos.append(render(pack, spec, device=device)[0].cpu().numpy())
    return {"video": np.concatenate(videos), "label": PAIRED[idx % len(PAIRED)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="dense_b", help="a gestures config; its model and batch size")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--val", type=int, default=1000, help="validation clips (paired classes only)")
    ap.add_argument("--views", default=",".join(VIEWS))
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", type=Path, default=TRAINING_ROOT / "runs" / "shortcuts.json")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    if cfg.dataset != "gestures":
        print(f"error: {args.config} is not a gestures config", file=sys.stderr)
        return 2
    device = pick_device(args.device)
    val = paired_split(cfg, args.val, device)
    res = {"config": cfg.name, "curriculum": list(cfg.curriculum), "val_clips": args.val, "runs": []}
    for how in args.views.split(","):
        res["runs"].append(run(cfg, how, args.steps, device, val))
        print(json.dumps(res["runs"][-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
