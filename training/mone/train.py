"""Trainer: `python -m mone.train --config mone_s [--run-dir runs/mone_s]`.

Resumes automatically from <run-dir>/ckpt.pt after a kill. Multi-process with
`torchrun --nproc_per_node=N -m mone.train ...` (DDP; gloo on CPU, nccl on GPUs).
Logs JSON lines to <run-dir>/log.jsonl; the final weights go to <run-dir>/final.pt.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import budget
from .checkpoint import CheckpointError, load_checkpoint, same_config, save_checkpoint, save_weights
from .config import TRAINING_ROOT, Stage, TrainConfig, clip_spec, load_config
from .data import HFLIP, TIME_REVERSE, VFLIP, build_split, to_input
from .evaluate import ROUTER_BUDGET, evaluate, router_quality
from .model import MoNEViViT


# =============================================================================================
# Data
# =============================================================================================
def load_split(cfg: TrainConfig, split: str, cache_dir: Path, progress: bool = True) -> dict:
    """The generated benchmark (cached), or a folder-per-class dataset when cfg.data_dir is set."""
    count = {"train": cfg.train_clips, "val": cfg.val_clips, "test": cfg.test_clips}[split]
    if cfg.data_dir:
        from .video_folder import list_videos, load_folder_split

        classes = list_videos(Path(cfg.data_dir), "train")[1]  # class indices always follow train
        return load_folder_split(Path(cfg.data_dir), split, clip_spec(cfg), labels=classes)
    return build_split(cfg.data_seed, split, count, clip_spec(cfg), cache_dir, progress=progress)


def augment(video: torch.Tensor, label: torch.Tensor, gen: torch.Generator):
    """Flips and time reversal with the label maps that keep the meaning true (train only)."""
    b = video.shape[0]
    for flag_fn, label_map in (
        (lambda v: v.flip(3), HFLIP),  # (B, T, H, W, 3): flip W
        (lambda v: v.flip(2), VFLIP),
        (lambda v: v.flip(1), TIME_REVERSE),
    ):
        sel = torch.rand(b, generator=gen) < 0.5
        if sel.any():
            video[sel] = flag_fn(video[sel])
            label[sel] = torch.tensor(label_map)[label[sel]]
    return video, label


# =============================================================================================
# Budgets per step
# =============================================================================================
def step_counts(stage: Stage, rng: np.random.Generator, n: int, e: int) -> tuple[list[int] | None, float]:
    """The per-expert token counts for one training step, and its e_c."""
    if stage.mode == "dense":
        return None, 1.0
    if stage.mode == "nested":
        j = int(rng.integers(e))  # MatViViT: every token on one nested width
        counts = [0] * e
        counts[j] = n
        return counts, budget.width_fractions(e)[j]
    ec = float(rng.choice(stage.budgets))
    return budget.counts_for_budget(ec, n, e), ec


# =============================================================================================
# Optimiser, teacher, loss and learning-rate schedule
# =============================================================================================
def param_groups(model: MoNEViViT, cfg: TrainConfig) -> list[dict]:
    """One AdamW group, or two when the config gives the router and alphas their own learning-rate
    scale or weight decay (a single group keeps older checkpoints resumable)."""
    if cfg.router_lr_scale == 1.0 and cfg.router_weight_decay is None:
        return [{"params": list(model.parameters())}]
    routing, rest = [], []
    for name, p in model.named_parameters():
        (routing if name.startswith("router.") or name.endswith(".alpha") else rest).append(p)
    wd = cfg.weight_decay if cfg.router_weight_decay is None else cfg.router_weight_decay
    return [
        {"params": rest},
        {"params": routing, "lr_scale": cfg.router_lr_scale, "weight_decay": wd},
    ]


def resolve(path: str) -> Path:
    """A config's checkpoint path: absolute, or relative to training/."""
    p = Path(path)
    return p if p.is_absolute() else TRAINING_ROOT / p


def load_teacher(cfg: TrainConfig) -> MoNEViViT | None:
    """The frozen distillation teacher named by cfg.distill_from, or None."""
    if cfg.distill_from is None:
        return None
    src = resolve(cfg.distill_from)
    if not src.exists():
        raise SystemExit(f"error: distill_from checkpoint not found: {src} (train that config first)")
    try:
        teacher = load_checkpoint(src)
    except CheckpointError as exc:
        raise SystemExit(f"error: distill_from: {exc}") from exc
    if teacher.cfg.num_classes != cfg.model.num_classes:
        raise SystemExit(
            f"error: teacher {src} predicts {teacher.cfg.num_classes} classes, "
            f"the model {cfg.model.num_classes}"
        )
    return teacher.requires_grad_(False)


def loss_fn(logits: torch.Tensor, label: torch.Tensor, teacher_logits: torch.Tensor | None, cfg: TrainConfig):
    """Label cross-entropy, mixed with the distillation term when there is a teacher."""
    ce = F.cross_entropy(logits.float(), label, label_smoothing=cfg.label_smoothing)
    if teacher_logits is None:
        return ce
    t, w = cfg.distill_temperature, cfg.distill_weight
    # T^2 keeps the soft term's gradient scale independent of the temperature
    kd = F.kl_div(
        F.log_softmax(logits.float() / t, -1),
        F.log_softmax(teacher_logits.float() / t, -1),
        reduction="batchmean",
        log_target=True,
    ) * (t * t)
    return (1 - w) * ce + w * kd


def lr_at(stage: Stage, i: int) -> float:
    if i < stage.warmup:
        return stage.lr * (i + 1) / stage.warmup
    p = (i - stage.warmup) / max(1, stage.steps - stage.warmup)
    return stage.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))


# =============================================================================================
# Main loop
# =============================================================================================
def train(
    cfg: TrainConfig, run_dir: Path, cache_dir: Path, progress: bool = True, max_steps: int | None = None
):
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if world > 1:
        import torch.distributed as dist

        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt = run_dir / "ckpt.pt"

    model = MoNEViViT(cfg.model)
    opt = torch.optim.AdamW(param_groups(model, cfg), lr=1e-3, weight_decay=cfg.weight_decay)
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        if not same_config(state["config"], cfg):
            raise SystemExit(f"error: {ckpt} was written by a different config; use another --run-dir")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
        if rank == 0:
            print(f"resuming from {ckpt} at step {step}", flush=True)
    elif cfg.init_from:
        src = resolve(cfg.init_from)
        if not src.exists():
            raise SystemExit(f"error: init_from checkpoint not found: {src} (train that config first)")
        model.load_state_dict(torch.load(src, map_location="cpu", weights_only=False)["model"])
        if rank == 0:
            print(f"initialised from {src}", flush=True)
    teacher = load_teacher(cfg)
    ddp_model = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        # dense stages never touch the router: let DDP skip parameters without gradients
        ddp_model = DistributedDataParallel(
            model, find_unused_parameters=any(s.mode == "dense" for s in cfg.stages)
        )

    train_data = load_split(cfg, "train", cache_dir, progress and rank == 0)
    val_data = load_split(cfg, "val", cache_dir, progress and rank == 0)
    n_train = len(train_data["label"])
    n, e = cfg.model.tokens_per_step, cfg.model.num_experts
    if cfg.batch_size % world:
        raise SystemExit(f"error: batch_size {cfg.batch_size} not divisible by world size {world}")
    per_rank = cfg.batch_size // world
    log = open(run_dir / "log.jsonl", "a") if rank == 0 else None

    total = cfg.total_steps if max_steps is None else min(cfg.total_steps, max_steps)
    bar = None
    if progress and rank == 0:
        from tqdm import tqdm

        bar = tqdm(total=total, initial=step, desc=cfg.name, unit="step")
    t0 = time.time()
    while step < total:
        # locate the stage of this global step
        offset = 0
        for stage in cfg.stages:
            if step < offset + stage.steps:
                break
            offset += stage.steps
        i = step - offset
        # every rank draws the same budget and batch from the step's seed: resume-exact, DDP-consistent
        rng = np.random.default_rng([cfg.seed, step])
        counts, ec = step_counts(stage, rng, n, e)
        # the global batch is drawn and augmented identically on every rank, then sliced: N ranks
        # train exactly what one process would with the same global batch
        idx = np.sort(rng.integers(0, n_train, cfg.batch_size))
        gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
        video = torch.as_tensor(train_data["video"][idx])
        label = torch.as_tensor(train_data["label"][idx])
        video, label = augment(video, label, gen)
        video, label = (
            video[rank * per_rank : (rank + 1) * per_rank],
            label[rank * per_rank : (rank + 1) * per_rank],
        )
        for g in opt.param_groups:
            g["lr"] = lr_at(stage, i) * g.get("lr_scale", 1.0)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.precision == "bf16"):
            x = to_input(video)
            logits, _ = ddp_model(x, counts)
            teacher_logits = None
            if teacher is not None:
                with torch.no_grad():
                    teacher_logits = teacher(x)[0]
        loss = loss_fn(logits, label, teacher_logits, cfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        model.project_parameters()
        step += 1
        if bar:
            bar.update(1)
            bar.set_postfix(stage=stage.name, loss=f"{loss.item():.3f}", e_c=f"{ec:.2f}")
        if log and (step % 25 == 0 or step == total):
            log.write(
                json.dumps(
                    {
                        "step": step,
                        "stage": stage.name,
                        "loss": round(loss.item(), 4),
                        "e_c": ec,
                        "lr": lr_at(stage, i),
                        "elapsed_s": round(time.time() - t0, 1),
                    }
                )
                + "\n"
            )
            log.flush()
        if rank == 0 and (step % cfg.ckpt_every == 0 or step == total):
            save_checkpoint(ckpt, model, opt, step, cfg)
        if rank == 0 and step in cfg.keep_steps:
            save_checkpoint(run_dir / f"step-{step}.pt", model, opt, step, cfg)
        if rank == 0 and step == offset + stage.steps:
            # end of a stage: keep its weights (the nested stage is the MatViViT baseline)
            save_weights(run_dir / f"stage-{stage.name}.pt", model, step, cfg)
        if rank == 0 and (step % cfg.eval_every == 0 or step == total):
            ev_counts = None if stage.mode == "dense" else budget.counts_for_budget(cfg.eval_budget, n, e)
            res = evaluate(model, val_data, ev_counts)
            full = None if stage.mode == "dense" else [0] * (e - 1) + [n]
            res_full = evaluate(model, val_data, full)
            msg = {
                "step": step,
                "eval": "val",
                f"top1@{cfg.eval_budget}": res["top1"],
                "top1@1.0": res_full["top1"],
            }
            if stage.mode == "mone" and val_data.get("mask") is not None:
                # the router target of the evaluation (object vs background on the full expert)
                experts = evaluate(model, val_data, budget.counts_for_budget(ROUTER_BUDGET, n, e))["experts"]
                rq = router_quality(experts, val_data["mask"], e - 1)
                msg[f"router_ratio@{ROUTER_BUDGET}"] = round(rq["ratio"], 3)
                msg["alpha"] = [round(b.alpha.item(), 4) for b in model.spatial]
            if log:
                log.write(json.dumps(msg) + "\n")
                log.flush()
            if bar:
                bar.write(json.dumps(msg))
    if bar:
        bar.close()
    if rank == 0:
        save_weights(run_dir / "final.pt", model, step, cfg)
    if world > 1:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--config",
        required=True,
        help="a shipped recipe (mone_s), an experiment (experiments/router/mone_s_router) or a .py path",
    )
    ap.add_argument("--run-dir", help="default: training/runs/<config name>")
    ap.add_argument("--cache-dir", default=str(TRAINING_ROOT / "data-cache"))
    ap.add_argument("--max-steps", type=int, help="stop early (smoke runs, or a stage to start from)")
    ap.add_argument(
        "--threads", type=int, help="torch threads for this process only (two runs side by side: 1 each)"
    )
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
    except (FileNotFoundError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run_dir = Path(args.run_dir) if args.run_dir else TRAINING_ROOT / "runs" / cfg.name
    if args.threads:
        torch.set_num_threads(args.threads)  # not part of the config: resuming may use other threads
    train(cfg, run_dir, Path(args.cache_dir), progress=not args.no_progress, max_steps=args.max_steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
