"""Checkpoints: the trainer writes them, the trainer (resume, distillation teacher), the evaluation and
the exporter read them. A checkpoint is a torch.save'd dict with the model's state_dict under "model"
and the TrainConfig as a dict under "config"; the trainer's resumable ckpt.pt adds "opt" and "step".
"""

from __future__ import annotations

from pathlib import Path

import torch

from .config import TrainConfig
from .model import MoNEViViT


class CheckpointError(Exception):
    """A checkpoint that cannot be used: printed as one clear line by the command-line tools."""


def read_checkpoint(path: Path) -> tuple[MoNEViViT, TrainConfig]:
    """The model (in eval mode, weights checked against the config) and the config it was trained with."""
    if not path.exists():
        raise CheckpointError(
            f"checkpoint not found: {path} (train one with: python -m mone.train --config mone_s)"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise CheckpointError(
            f"{path} is not a readable PyTorch checkpoint ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(state, dict) or "model" not in state or "config" not in state:
        raise CheckpointError(f"{path} is not a MoNE checkpoint (expected keys 'model' and 'config')")
    try:
        cfg = TrainConfig.from_dict(state["config"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{path}: config is invalid: {exc}") from exc
    model = MoNEViViT(cfg.model)
    try:
        missing, unexpected = model.load_state_dict(state["model"], strict=False)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()[-1].strip()
        raise CheckpointError(f"{path}: weights do not match the config ({first})") from exc
    if missing or unexpected:
        raise CheckpointError(
            f"{path}: weights do not match the config (missing {missing[:3]}, unexpected {unexpected[:3]})"
        )
    return model.eval(), cfg


def load_checkpoint(path: Path) -> MoNEViViT:
    """The model of a checkpoint, in eval mode (see read_checkpoint)."""
    return read_checkpoint(path)[0]


def save_checkpoint(path: Path, model, opt, step: int, cfg: TrainConfig) -> None:
    """The trainer's resumable checkpoint: weights, optimiser state, step and config."""
    tmp = path.with_suffix(".tmp")
    torch.save(
        {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "config": cfg.to_dict()}, tmp
    )
    tmp.replace(path)  # atomic: a kill mid-save never corrupts the last good checkpoint


def save_weights(path: Path, model, step: int, cfg: TrainConfig) -> None:
    """Weights to start from, evaluate or export (final.pt, stage-<name>.pt): no optimiser state."""
    from .datasets import classes  # datasets reads the config module this one does

    state = {
        "model": model.state_dict(),
        "config": cfg.to_dict(),
        "step": step,
        "classes": list(classes(cfg)),
    }
    torch.save(state, path)


def same_config(stored: dict, cfg: TrainConfig) -> bool:
    """A checkpoint may resume under this config if every setting agrees; settings added to
    TrainConfig after the checkpoint was written count as agreeing when they hold their default."""
    current, defaults = cfg.to_dict(), TrainConfig(name=cfg.name).to_dict()
    return all(stored.get(k, defaults[k]) == v for k, v in current.items()) and set(stored) <= set(current)
