"""Throughput of a config on this machine, before committing GPU minutes to it: clips/s of the
renderer, of a training step per stage mode (the model, and the scene heads where the config trains
them, on stand-in clips), and of the two together.

    cd training && python -m mone.probe --config nested_b --out runs/probe.json

Times are medians over repeated steps after warm-up, with the device synchronised.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from . import budget, datasets
from .config import TRAINING_ROOT, Stage, TrainConfig, load_config
from .data import to_input
from .evaluate import pick_device
from .model import MoNEViViT
from .scene_aux import SceneHeads
from .train import Trainee, loss_fn, width_counts


def median_seconds(fn, device: torch.device, steps: int, warmup: int = 2) -> float:
    """Median seconds per call."""
    times = []
    for i in range(warmup + steps):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def probe(cfg: TrainConfig, device: torch.device, steps: int, modes: tuple[str, ...]) -> dict:
    b, m = cfg.batch_size, cfg.model
    n, e = m.tokens_per_step, m.num_experts
    res: dict = {"config": cfg.name, "device": str(device), "batch": b}
    if device.type == "cuda":
        res["gpu"] = torch.cuda.get_device_name(device)
    batches = datasets.TrainBatches(cfg, TRAINING_ROOT / "data-cache", device, 0, 1, progress=False)
    rng = np.random.default_rng(0)
    step = iter(range(10**9))
    res["data_clips_per_s"] = b / median_seconds(lambda: batches(next(step), rng), device, steps)
    if cfg.dataset == "gestures" and device.type == "cuda":
        # the renderer compiled (render_compile) and eager, on the same clips
        from .hand_render import render
        from .hand_scene import sample_scenes

        pack = sample_scenes(0, "train", np.arange(b), batches.spec)
        for compiled in (False, True):
            key = f"render_{'compiled' if compiled else 'eager'}_clips_per_s"
            try:
                seconds = median_seconds(
                    lambda c=compiled: render(pack, batches.spec, device, compile=c), device, 3
                )
                res[key] = b / seconds
            except Exception as exc:  # noqa: BLE001 - a failed compile is a finding, not a crash
                res[key] = f"failed: {type(exc).__name__}: {exc}"[:300]

    model = MoNEViViT(m).to(device)
    # the scene heads too where the config trains them (their targets from one rendered batch)
    heads = SceneHeads(m.dim, batches.spec).to(device) if cfg.aux_weight else None
    targets = batches.batch(0, rng)[2] if heads is not None else None
    trainee = Trainee(model, heads, cfg.aux_widths)
    if cfg.compile:
        trainee = torch.compile(trainee)
    opt = torch.optim.AdamW(trainee.parameters(), lr=1e-4)
    video = torch.randint(
        0, 256, (b, m.frames, m.image_size, m.image_size, 3), dtype=torch.uint8, device=device
    )
    label = torch.randint(0, m.num_classes, (b,), device=device)
    half = budget.counts_for_budget(0.5, n, e)
    counts_of = {"dense": [None], "nested_all": width_counts(n, e), "mone": [half]}

    def train_step(counts) -> None:
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.precision == "bf16"):
            logits, aux_loss = trainee(to_input(video), counts, targets)
        loss = sum(loss_fn(lg, label, None, cfg) for lg in logits)
        if aux_loss is not None:
            loss = loss + cfg.aux_weight * aux_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for mode in modes:
        Stage(name=mode, mode=mode, steps=1)  # validates the mode name
        s = median_seconds(lambda mode=mode: train_step(counts_of[mode]), device, steps)
        res[f"train_{mode}_clips_per_s"] = b / s
        # data and step one after the other, as the trainer runs them
        res[f"end_to_end_{mode}_clips_per_s"] = 1 / (1 / res["data_clips_per_s"] + s / b)
    if device.type == "cuda":
        res["max_memory_gb"] = torch.cuda.max_memory_allocated(device) / 1e9
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--modes", default="dense,nested_all,mone")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--batch", type=int, help="override the config's batch size")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    if args.batch:
        cfg = TrainConfig.from_dict({**cfg.to_dict(), "batch_size": args.batch})
    res = probe(cfg, pick_device(args.device), args.steps, tuple(args.modes.split(",")))
    text = json.dumps(res, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
