"""Trainer: `python -m mone.train --config mone_s [--run-dir runs/mone_s]`.

Resumes automatically from <run-dir>/ckpt.pt after a kill; SIGTERM (e.g. from `timeout`) first finishes
the step and saves it. A ckpt.pt without optimiser state (weights brought back from another machine)
resumes too, with fresh AdamW moments and the lr re-warmed over REWARM steps. Multi-process with
`torchrun --nproc_per_node=N -m mone.train ...` (DDP; gloo on CPU, nccl on GPUs).
Logs JSON lines to <run-dir>/log.jsonl; the final weights go to <run-dir>/final.pt.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import budget, datasets
from .checkpoint import CheckpointError, load_checkpoint, same_config, save_checkpoint, save_weights
from .config import TRAINING_ROOT, Stage, TrainConfig, load_config, runs_root
from .data import to_input
from .evaluate import ROUTER_BUDGET, evaluate, pick_device, router_quality
from .model import MoNEViViT
from .scene_aux import SceneHeads


# =============================================================================================
# Budgets per step
# =============================================================================================
def step_counts(stage: Stage, rng: np.random.Generator, n: int, e: int) -> tuple[list[int] | None, float]:
    """The per-expert token counts for one training step, and its e_c."""
    if stage.mode == "dense":
        return None, 1.0
    if stage.mode == "nested_all":
        return None, 1.0  # every width in the step (width_counts); e_c logged as the widest
    if stage.mode == "nested":
        j = int(rng.integers(e))  # MatViViT: every token on one nested width
        counts = [0] * e
        counts[j] = n
        return counts, budget.width_fractions(e)[j]
    ec = float(rng.choice(stage.budgets))
    return budget.counts_for_budget(ec, n, e), ec


def width_counts(n: int, e: int) -> list[list[int]]:
    """Every token on width j, for each nested width j (smallest first)."""
    return [[n if k == j else 0 for k in range(e)] for j in range(e)]


class Trainee(torch.nn.Module):
    """The training forward as one module call (what DDP wraps): the model at one set of per-expert
    counts, or at several (nested_all: each width in turn) with their logits stacked, so that the
    MatViViT step's forwards are one DDP forward and one backward. With scene heads
    (TrainConfig.aux_weight) and a batch's scene targets, each forward's aux loss is added up too,
    or only the last (widest) forward's with aux_widths="widest"."""

    def __init__(self, model: MoNEViViT, heads: SceneHeads | None = None, aux_widths: str = "all"):
        super().__init__()
        self.model = model
        self.heads = heads
        self.aux_widths = aux_widths

    def forward(
        self, x: torch.Tensor, counts: list[list[int] | None], targets: dict | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """-> logits (len(counts), B, classes), and the summed aux loss (None without targets)."""
        if targets is None or self.heads is None:
            return torch.stack([self.model(x, c)[0] for c in counts]), None
        logits, aux_loss = [], None
        for i, c in enumerate(counts):
            if self.aux_widths == "widest" and i < len(counts) - 1:
                logits.append(self.model(x, c)[0])
                continue
            lg, aux = self.model(x, c, tokens=True)
            logits.append(lg)
            one = self.heads(aux["tokens"], targets)
            aux_loss = one if aux_loss is None else aux_loss + one
        return torch.stack(logits), aux_loss


# =============================================================================================
# Optimiser, teacher, loss and learning-rate schedule
# =============================================================================================
def param_groups(model: MoNEViViT, cfg: TrainConfig) -> list[dict]:
    """One AdamW group, plus one for the router and alphas when the config gives them their own
    learning-rate scale or weight decay, plus one for the tubelet embedding when it has its own lr
    scale (a single group keeps older checkpoints resumable)."""
    own_routing = cfg.router_lr_scale != 1.0 or cfg.router_weight_decay is not None
    own_embed = cfg.embed_lr_scale != 1.0
    rest, routing, embed = [], [], []
    for name, p in model.named_parameters():
        if own_routing and (name.startswith("router.") or name.endswith(".alpha")):
            routing.append(p)
        elif own_embed and name.startswith("embed."):
            embed.append(p)
        else:
            rest.append(p)
    groups = [{"params": rest}]
    if own_routing:
        wd = cfg.weight_decay if cfg.router_weight_decay is None else cfg.router_weight_decay
        groups.append({"params": routing, "lr_scale": cfg.router_lr_scale, "weight_decay": wd})
    if own_embed:
        groups.append({"params": embed, "lr_scale": cfg.embed_lr_scale})
    return groups


def resolve(path: str) -> Path:
    """A config's checkpoint path: absolute, runs/<run>/... (under runs_root()), or relative to training/."""
    p = Path(path)
    if p.is_absolute():
        return p
    if p.parts[0] == "runs":
        return runs_root().joinpath(*p.parts[1:])
    return TRAINING_ROOT / p


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


REWARM = 50  # steps of linear lr warm-up after resuming without optimiser state


def lr_at(stage: Stage, i: int) -> float:
    if i < stage.warmup:
        return stage.lr * (i + 1) / stage.warmup
    p = (i - stage.warmup) / max(1, stage.steps - stage.warmup)
    return stage.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))


# =============================================================================================
# Main loop
# =============================================================================================
def train(
    cfg: TrainConfig,
    run_dir: Path,
    cache_dir: Path,
    progress: bool = True,
    max_steps: int | None = None,
    device: str = "auto",
):
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    dev = pick_device(device, int(os.environ.get("LOCAL_RANK", 0)))
    if world > 1:
        import torch.distributed as dist

        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    datasets.check(cfg)
    torch.manual_seed(cfg.seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt = run_dir / "ckpt.pt"

    model = MoNEViViT(cfg.model).to(dev)
    heads = SceneHeads(cfg.model.dim, datasets.gesture_spec(cfg)).to(dev) if cfg.aux_weight else None
    groups = param_groups(model, cfg) + ([{"params": list(heads.parameters())}] if heads else [])
    opt = torch.optim.AdamW(groups, lr=1e-3, weight_decay=cfg.weight_decay)
    step, rewarm_from = 0, None
    if ckpt.exists():
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        if not same_config(state["config"], cfg):
            raise SystemExit(f"error: {ckpt} was written by a different config; use another --run-dir")
        model.load_state_dict(state["model"])
        if heads is not None and "scene_heads" in state:
            heads.load_state_dict(state["scene_heads"])
        step, how = state["step"], ""
        if "opt" in state:
            opt.load_state_dict(state["opt"])  # moves the optimiser state to the parameters' device
        else:
            # weights only (mone.checkpoint pack/unpack of a stopped run): AdamW's first steps from
            # zero moments move every weight by about lr, so ramp the lr up again
            rewarm_from = step
            how = f" (weights only: fresh optimiser, lr re-warmed over {REWARM})"
        if rank == 0:
            print(f"resuming from {ckpt} at step {step}{how}", flush=True)
    elif cfg.init_from:
        src = resolve(cfg.init_from)
        if not src.exists():
            raise SystemExit(f"error: init_from checkpoint not found: {src} (train that config first)")
        model.load_state_dict(torch.load(src, map_location="cpu", weights_only=False)["model"])
        if rank == 0:
            print(f"initialised from {src}", flush=True)
    teacher = load_teacher(cfg)
    if teacher is not None:
        teacher = teacher.to(dev)
    trainee: torch.nn.Module = Trainee(model, heads, cfg.aux_widths)
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        # dense stages never touch the router: let DDP skip parameters without gradients
        trainee = DistributedDataParallel(
            trainee, find_unused_parameters=any(s.mode in ("dense", "nested_all") for s in cfg.stages)
        )
    if cfg.compile:
        from torch import _dynamo

        _dynamo.config.cache_size_limit = 64  # one graph per budget level and width
        trainee = torch.compile(trainee)

    batches = datasets.TrainBatches(cfg, cache_dir, dev, rank, world, progress and rank == 0)
    val_data = datasets.load_split(cfg, "val", cache_dir, progress and rank == 0, device=dev)
    n, e = cfg.model.tokens_per_step, cfg.model.num_experts
    log = open(run_dir / "log.jsonl", "a") if rank == 0 else None

    total = cfg.total_steps if max_steps is None else min(cfg.total_steps, max_steps)
    bar = None
    if progress and rank == 0:
        from tqdm import tqdm

        bar = tqdm(total=total, initial=step, desc=cfg.name, unit="step")
    t0, clips = time.time(), 0
    stop = threading.Event()
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGTERM, lambda *_: stop.set())
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
        video, label, targets = batches.batch(step, rng)
        rewarm = 1.0 if rewarm_from is None else min(1.0, (step - rewarm_from + 1) / REWARM)
        for g in opt.param_groups:
            g["lr"] = lr_at(stage, i) * g.get("lr_scale", 1.0) * rewarm
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cfg.precision == "bf16"):
            x = to_input(video)
            all_counts = width_counts(n, e) if stage.mode == "nested_all" else [counts]
            logits, aux_loss = trainee(x, all_counts, targets)
            teacher_logits = None
            if teacher is not None:
                with torch.no_grad():
                    teacher_logits = teacher(x)[0]
        # nested_all: the losses of every width summed (the paper's MatViViT; Scenic's matvit trainer)
        cls_loss = loss = sum(loss_fn(lg, label, teacher_logits, cfg) for lg in logits)
        if aux_loss is not None:  # training-only scene heads (mone.scene_aux); logged apart
            loss = cls_loss + cfg.aux_weight * aux_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        model.project_parameters()
        step += 1
        clips += cfg.batch_size
        if bar:
            bar.update(1)
            bar.set_postfix(stage=stage.name, loss=f"{cls_loss.item():.3f}", e_c=f"{ec:.2f}")
        if log and (step % 25 == 0 or step == total):
            elapsed = time.time() - t0
            log.write(
                json.dumps(
                    {
                        "step": step,
                        "stage": stage.name,
                        "loss": round(cls_loss.item(), 4),  # classification: comparable across configs
                        **({"aux_loss": round(aux_loss.item(), 4)} if aux_loss is not None else {}),
                        "e_c": ec,
                        "lr": lr_at(stage, i) * rewarm,
                        "elapsed_s": round(elapsed, 1),
                        "clips_per_s": round(clips / max(elapsed, 1e-9), 1),
                    }
                )
                + "\n"
            )
            log.flush()
        if rank == 0 and (step % cfg.ckpt_every == 0 or step == total):
            save_checkpoint(ckpt, model, opt, step, cfg, heads)
        if rank == 0 and step in cfg.keep_steps:
            save_checkpoint(run_dir / f"step-{step}.pt", model, opt, step, cfg, heads)
        if rank == 0 and step == offset + stage.steps:
            # end of a stage: keep its weights (the nested stage is the MatViViT baseline)
            save_weights(run_dir / f"stage-{stage.name}.pt", model, step, cfg)
        if rank == 0 and (step % cfg.eval_every == 0 or step == total):
            log_validation(model, val_data, stage, step, cfg, log, bar)
        if stop.is_set() and step < total:
            # stopped from outside (a time limit): keep this step; no final.pt, the run is unfinished
            if rank == 0:
                save_checkpoint(ckpt, model, opt, step, cfg, heads)
                print(f"stopped by SIGTERM at step {step}: {ckpt} saved; rerun to resume", flush=True)
            break
    if restore is not None:
        signal.signal(signal.SIGTERM, restore)
    if bar:
        bar.close()
    if rank == 0 and step == total:
        save_weights(run_dir / "final.pt", model, step, cfg)
    if world > 1:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()
    return model


def log_validation(model: MoNEViViT, val_data: dict, stage: Stage, step: int, cfg: TrainConfig, log, bar):
    n, e = cfg.model.tokens_per_step, cfg.model.num_experts
    msg: dict = {"step": step, "eval": "val"}
    if stage.mode.startswith("nested"):
        # the nested-only curve: every token on one width
        for j, counts in enumerate(width_counts(n, e)):
            msg[f"top1@width{cfg.model.widths[j]}"] = evaluate(model, val_data, counts)["top1"]
    else:
        ev_counts = None if stage.mode == "dense" else budget.counts_for_budget(cfg.eval_budget, n, e)
        msg[f"top1@{cfg.eval_budget}"] = evaluate(model, val_data, ev_counts)["top1"]
        full = None if stage.mode == "dense" else [0] * (e - 1) + [n]
        msg["top1@1.0"] = evaluate(model, val_data, full)["top1"]
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--config",
        required=True,
        help="a shipped recipe (mone_s), an experiment (experiments/router/mone_s_router) or a .py path",
    )
    ap.add_argument("--run-dir", help="default: training/runs/<config name> (or $MONE_RUNS/<config name>)")
    ap.add_argument("--cache-dir", default=str(TRAINING_ROOT / "data-cache"))
    ap.add_argument("--max-steps", type=int, help="stop early (smoke runs, or a stage to start from)")
    ap.add_argument(
        "--threads", type=int, help="torch threads for this process only (two runs side by side: 1 each)"
    )
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
    except (FileNotFoundError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run_dir = Path(args.run_dir) if args.run_dir else runs_root() / cfg.name
    if args.threads:
        torch.set_num_threads(args.threads)  # not part of the config: resuming may use other threads
    train(
        cfg,
        run_dir,
        Path(args.cache_dir),
        progress=not args.no_progress,
        max_steps=args.max_steps,
        device=args.device,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
