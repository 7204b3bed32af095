"""Checkpoints: the trainer writes them, the trainer (resume, distillation teacher), the evaluation and
the exporter read them. A checkpoint is a torch.save'd dict with the model's state_dict under "model"
and the TrainConfig as a dict under "config"; the trainer's resumable ckpt.pt adds "opt" and "step",
and "scene_heads" (mone.scene_aux's training-only heads) when the config sets aux_weight.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NamedTuple

import torch

from .config import TrainConfig
from .model import MoNEViViT


class CheckpointError(Exception):
    """A checkpoint that cannot be used: printed as one clear line by the command-line tools."""


class Checkpoint(NamedTuple):
    model: MoNEViViT  # in eval mode, weights checked against the config
    config: TrainConfig  # what it was trained with
    step: int | None  # the training step it was written at (None for files without one): results
    # record it, so a run that was stopped early says which of its checkpoints was scored


def open_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint's model, config and step, from one read of the file."""
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
    step = state.get("step")
    return Checkpoint(model.eval(), cfg, int(step) if step is not None else None)


def read_checkpoint(path: Path) -> tuple[MoNEViViT, TrainConfig]:
    """The model (in eval mode, weights checked against the config) and the config it was trained with."""
    return open_checkpoint(path)[:2]


def load_checkpoint(path: Path) -> MoNEViViT:
    """The model of a checkpoint, in eval mode (see read_checkpoint)."""
    return read_checkpoint(path)[0]


def save_checkpoint(path: Path, model, opt, step: int, cfg: TrainConfig, heads=None) -> None:
    """The trainer's resumable checkpoint: weights, optimiser state, step and config, and the
    training-only scene heads (mone.scene_aux) when there are any."""
    tmp = path.with_suffix(".tmp")
    state = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "config": cfg.to_dict()}
    if heads is not None:
        state["scene_heads"] = heads.state_dict()
    torch.save(state, tmp)
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
    TrainConfig (or to its model) after the checkpoint was written count as agreeing when they hold
    their default."""
    current, defaults = cfg.to_dict(), TrainConfig(name=cfg.name).to_dict()
    if isinstance(stored.get("model"), dict):
        stored = {**stored, "model": {**defaults["model"], **stored["model"]}}
    return all(stored.get(k, defaults[k]) == v for k, v in current.items()) and set(stored) <= set(current)


# ---------------------------------------------------------------------------------------------
# Moving weights between machines: fp32 safetensors shards, each under the transfer limit
# ---------------------------------------------------------------------------------------------
SHARD_BYTES = 15 * 2**20  # the GPU machine returns files of at most 16 MiB


def pack(path: Path, out: Path, name: str, shard_bytes: int = SHARD_BYTES) -> list[Path]:
    """Weights of a checkpoint as `<name>-<i>-of-<n>.safetensors` shards in `out`; each shard's
    metadata holds the config, step and classes, so any one of them says what the weights are."""
    from safetensors.torch import save_file

    state = torch.load(path, map_location="cpu", weights_only=False)
    groups: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for key, tensor in state["model"].items():
        nbytes = tensor.numel() * tensor.element_size()
        if nbytes > shard_bytes:
            raise CheckpointError(f"{path}: {key} alone is {nbytes} bytes, over the {shard_bytes}-byte shard")
        if groups[-1] and size + nbytes > shard_bytes:
            groups.append({})
            size = 0
        groups[-1][key] = tensor.contiguous()
        size += nbytes
    meta = {
        "config": json.dumps(state["config"]),
        "step": str(state.get("step", 0)),
        "classes": json.dumps(state.get("classes", [])),
    }
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i, group in enumerate(groups, 1):
        files.append(out / f"{name}-{i}-of-{len(groups)}.safetensors")
        save_file(group, files[-1], metadata=meta)
    return files


def unpack(shards: list[Path], path: Path) -> Path:
    """The shards of pack() back into a weights checkpoint (what save_weights writes)."""
    from safetensors import safe_open

    model: dict[str, torch.Tensor] = {}
    meta: dict[str, str] = {}
    expected = None
    for shard in sorted(shards):
        with safe_open(str(shard), framework="pt") as f:
            meta = f.metadata()
            model.update({k: f.get_tensor(k) for k in f.keys()})  # noqa: SIM118 - safe_open has no iterator
        expected = int(shard.stem.rsplit("-of-", 1)[1])
    if expected != len(shards):
        raise CheckpointError(f"expected {expected} shards, got {len(shards)}: {[s.name for s in shards]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "model": model,
        "config": json.loads(meta["config"]),
        "step": int(meta["step"]),
        "classes": json.loads(meta["classes"]),
    }
    torch.save(state, path)
    read_checkpoint(path)  # the config and the weights agree
    return path


GPU_RUNS = ("nested_b", "dense_b", "mone_b")  # what training/gpu_session.sh b packs


def unpack_runs(src: Path, runs: Path, keep: bool = False) -> list[tuple[str, Path]]:
    """The runs a `gpu_session.sh b` call packed into `src`, where the trainer and the evaluation
    look for them: `<run>-*.safetensors` (a finished run) as runs/<run>/final.pt, and
    `<run>_partial-*` (a run the time limit stopped) as runs/<run>/ckpt.pt, weights only, which the
    trainer resumes at its step. `keep` leaves alone a run that already has a final.pt and an
    existing ckpt.pt: on a warm device machine, runs/ is newer than the shards carried to it.
    Returns (run, checkpoint) for each file written."""
    done = []
    for run in GPU_RUNS:
        final, ckpt = runs / run / "final.pt", runs / run / "ckpt.pt"
        if keep and final.exists():
            continue
        finished = sorted(src.glob(f"{run}-*.safetensors"))
        stopped = sorted(src.glob(f"{run}_partial-*.safetensors"))
        if finished:
            done.append((run, unpack(finished, final)))
        elif stopped and not (keep and ckpt.exists()):
            done.append((run, unpack(stopped, ckpt)))
    return done


def main(argv: list[str] | None = None) -> int:
    """python -m mone.checkpoint pack runs/mone_b/final.pt --out DIR --name mone_b
    python -m mone.checkpoint unpack DIR/mone_b-*.safetensors --out runs/mone_b/final.pt
    python -m mone.checkpoint unpack-runs DIR --runs runs [--keep]"""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("checkpoint", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", required=True)
    u = sub.add_parser("unpack")
    u.add_argument("shards", type=Path, nargs="+")
    u.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("unpack-runs", help="every run gpu_session.sh packed, under --runs (unpack_runs)")
    r.add_argument("src", type=Path)
    r.add_argument("--runs", type=Path, required=True)
    r.add_argument("--keep", action="store_true", help="leave existing final.pt and ckpt.pt alone")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "pack":
            for f in pack(args.checkpoint, args.out, args.name):
                print(f"{f} ({f.stat().st_size} bytes)")
        elif args.cmd == "unpack":
            print(unpack(args.shards, args.out))
        else:
            for run, path in unpack_runs(args.src, args.runs, keep=args.keep):
                stopped = path.name == "ckpt.pt"
                print(f"{run}: {path}" + " (stopped before its last step: train again to finish)" * stopped)
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
