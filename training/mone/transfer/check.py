"""The transfer check: a trained gesture checkpoint on clips it was not made from.

    cd training && python -m mone.transfer --checkpoint runs/mone_b/final.pt \\
        [--dense runs/dense_b/final.pt] [--jester DIR] --clips 540 --out results/transfer.json \\
        [--sheet results/transfer-sheet.png]

Sets: "compositor" (the independent compositor's clips, cached as uint8 under data-cache/ by the
compositor's version) and, with --jester, "jester": a folder in the 20BN-Jester layout (mone.jester;
its validation split by default, clips made the way mone.jester makes them). Each set is measured
with mone.evaluate's loop at the budgets of mone.evaluate (EVAL_BUDGETS) for the MoNE checkpoint and
once for the dense one: top-1, per-class top-1 and the most confused pairs; provenance records the
commit, the compositor's version, its images and the package versions. Without --checkpoint only
the set and the contact sheet are made (to look at the clips before a model exists).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import cv2
import numpy as np

from ..config import TRAINING_ROOT, clip_spec
from ..data import ClipSpec
from ..gestures import GESTURES
from . import compositor

MOST_CONFUSED = 10  # pairs listed per measurement


# ---------------------------------------------------------------------------------------------
# The sets
# ---------------------------------------------------------------------------------------------
def cache_path(cache_dir: Path, seed: int, count: int, spec: ClipSpec) -> Path:
    shape = f"f{spec.frames}-fps{spec.fps:g}-r{spec.res}-p{spec.patch}-t{spec.tubelet}"
    return Path(cache_dir) / f"transfer-v{compositor.VERSION}-s{seed}-n{count}-{shape}.npz"


def compositor_set(
    seed: int, count: int, spec: ClipSpec, cache_dir: Path | None, progress: bool = False
) -> dict:
    """The compositor's clips 0..count-1, built once and cached as uint8 (.npz) under cache_dir."""
    path = cache_path(cache_dir, seed, count, spec) if cache_dir is not None else None
    if path is not None and path.exists():
        z = np.load(path)
        return {k: z[k] for k in ("video", "label", "mask")}
    data = compositor.build_set(seed, count, spec, progress=progress)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **data)
        tmp.replace(path)
    return data


def jester_set(root: Path, split: str, spec: ClipSpec, limit: int | None, mirror: bool) -> dict:
    """A labelled split of a 20BN-Jester-layout folder, as mone.jester loads it for training."""
    from ..jester import load_jester_clips

    return load_jester_clips(root, split, spec, mirror=mirror, limit=limit)


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
def confused_pairs(pred: np.ndarray, label: np.ndarray, classes, most: int = MOST_CONFUSED) -> list[dict]:
    """The most frequent (true, predicted) mistakes, with their share of the true class's clips."""
    k = len(classes)
    conf = np.zeros((k, k), np.int64)
    np.add.at(conf, (np.asarray(label), np.asarray(pred)), 1)
    np.fill_diagonal(conf, 0)
    per_true = np.bincount(np.asarray(label), minlength=k)
    order = np.argsort(-conf, axis=None, kind="stable")[:most]
    out = []
    for flat in order:
        t, p = divmod(int(flat), k)
        if conf[t, p] == 0:
            break
        out.append(
            {
                "true": classes[t],
                "pred": classes[p],
                "clips": int(conf[t, p]),
                "share": float(conf[t, p] / per_true[t]),
            }
        )
    return out


def summary(pred: np.ndarray, label: np.ndarray, classes) -> dict:
    from ..evaluate import per_class_top1

    return {
        "top1": float((np.asarray(pred) == np.asarray(label)).mean()) if len(label) else 0.0,
        "per_class": per_class_top1(pred, label, classes),
        "most_confused": confused_pairs(pred, label, classes),
    }


def measure(mone, dense, data: dict, classes=GESTURES) -> dict:
    """The MoNE model at every budget of mone.evaluate (and the router's quality where the set
    knows the hand's patches), the dense model once; all through mone.evaluate's loop."""
    from .. import budget
    from ..evaluate import EVAL_BUDGETS, ROUTER_BUDGET, evaluate, router_quality
    from ..model import gmacs

    label = np.asarray(data["label"])
    res: dict = {"clips": int(len(label)), "mone": [], "dense": None}
    if mone is not None:
        cfg = mone.cfg
        n, e = cfg.tokens_per_step, cfg.num_experts
        for ec in EVAL_BUDGETS:
            counts = budget.counts_for_budget(ec, n, e)
            out = evaluate(mone, data, counts)
            res["mone"].append(
                {
                    "e_c": ec,
                    "counts": counts,
                    "gmacs": gmacs(cfg, counts),
                    **summary(out["pred"], label, classes),
                }
            )
            if ec == ROUTER_BUDGET and np.asarray(data["mask"]).any():
                res["router_quality"] = {"e_c": ec, **router_quality(out["experts"], data["mask"], e - 1)}
            print(f"  e_c={ec:.2f} top-1 {res['mone'][-1]['top1']:.4f}", flush=True)
    if dense is not None:
        out = evaluate(dense, data, None)
        res["dense"] = {"gmacs": gmacs(dense.cfg, None), **summary(out["pred"], label, classes)}
        print(f"  dense top-1 {res['dense']['top1']:.4f}", flush=True)
    return res


def provenance(args, spec: ClipSpec, configs: dict) -> dict:
    from ..evaluate import git_commit

    commit, dirty = git_commit()
    return {
        "commit": commit,
        "dirty": dirty,
        "compositor_version": compositor.VERSION,
        "compositor_seed": args.seed,
        "clip": {"frames": spec.frames, "fps": spec.fps, "res": spec.res},
        "images": [
            {
                "file": f"training/assets/transfer/{f}",
                "package": pkg,
                "path": path,
                "licence": lic,
                "notes": note,
            }
            for f, pkg, path, lic, note in compositor.IMAGES
        ],
        "packages": {"numpy": np.__version__, "opencv": cv2.__version__},
        "checkpoints": {k: {"path": str(p), "config": c} for k, (p, c) in configs.items()},
        "jester": {"root": str(args.jester), "split": args.jester_split, "mirror": args.mirror}
        if args.jester
        else None,
    }


# ---------------------------------------------------------------------------------------------
# The contact sheet
# ---------------------------------------------------------------------------------------------
def contact_sheet(
    data: dict, path: Path, frames: int = 4, columns: int = 3, pred: np.ndarray | None = None
) -> Path:
    """The first clip of each class: `frames` frames side by side under its label (and the model's
    prediction when given), classes in a grid of `columns`."""
    video, label = data["video"], np.asarray(data["label"])
    firsts = [int(np.flatnonzero(label == c)[0]) for c in range(len(GESTURES)) if (label == c).any()]
    t = video.shape[1]
    pick = np.linspace(0, t - 1, min(frames, t)).round().astype(int)
    res = max(video.shape[2], 112)
    bar = 18
    cells = []
    for i in firsts:
        strip = np.concatenate(
            [cv2.resize(video[i, k], (res, res), interpolation=cv2.INTER_NEAREST) for k in pick], axis=1
        )
        head = np.full((bar, strip.shape[1], 3), 255, np.uint8)
        text = GESTURES[label[i]] + (f"  -> {GESTURES[int(pred[i])]}" if pred is not None else "")
        cv2.putText(head, text, (3, bar - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
        cell = np.concatenate([head, strip], axis=0)
        cells.append(np.pad(cell, ((0, 4), (0, 4), (0, 0)), constant_values=255))
    while len(cells) % columns:
        cells.append(np.full_like(cells[0], 255))
    rows = [np.concatenate(cells[r : r + columns], axis=1) for r in range(0, len(cells), columns)]
    sheet = np.concatenate(rows, axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return path


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m mone.transfer",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--checkpoint", type=Path, help="the MoNE gesture checkpoint (runs/mone_b/final.pt)")
    ap.add_argument("--dense", type=Path, help="the dense baseline's checkpoint, measured beside it")
    ap.add_argument("--jester", type=Path, help="a folder in the 20BN-Jester layout, measured too")
    ap.add_argument("--jester-split", default="validation", help="its labelled split (default validation)")
    ap.add_argument("--jester-clips", type=int, help="only the first N videos of that split")
    ap.add_argument("--mirror", action="store_true", help="flip Jester frames horizontally (see mone.jester)")
    ap.add_argument("--clips", type=int, default=540, help="compositor clips (label = index %% 27)")
    ap.add_argument("--seed", type=int, default=0, help="the compositor's seed")
    ap.add_argument("--out", type=Path, help="results JSON (required with --checkpoint)")
    ap.add_argument("--sheet", type=Path, help="also write a contact sheet PNG of one clip per class")
    ap.add_argument("--cache-dir", type=Path, default=TRAINING_ROOT / "data-cache")
    ap.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    if args.checkpoint is None and (args.dense is not None or args.sheet is None):
        ap.error("--checkpoint is required unless only a contact sheet is asked for (--sheet)")
    if args.checkpoint is not None and args.out is None:
        ap.error("--out is required with --checkpoint")

    from ..checkpoint import CheckpointError, read_checkpoint
    from ..evaluate import pick_device

    mone = dense = None
    configs: dict = {}
    spec = ClipSpec(frames=16, fps=12.0, res=112, patch=16, tubelet=2)  # the B models' clip
    if args.checkpoint is not None:
        try:
            mone, cfg = read_checkpoint(args.checkpoint)
            dense, dense_cfg = read_checkpoint(args.dense) if args.dense else (None, None)
        except CheckpointError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        spec = clip_spec(cfg)
        if dense_cfg is not None and clip_spec(dense_cfg) != spec:
            print("error: the dense checkpoint's clips differ from the MoNE checkpoint's", file=sys.stderr)
            return 2
        configs = {"mone": (args.checkpoint, cfg.name)}
        if dense is not None:
            configs["dense"] = (args.dense, dense_cfg.name)
        device = pick_device(args.device)
        mone = mone.to(device)
        dense = dense.to(device) if dense is not None else None

    sets = {
        "compositor": compositor_set(
            args.seed, args.clips, spec, args.cache_dir, progress=not args.no_progress
        )
    }
    if args.jester is not None:
        try:
            sets["jester"] = jester_set(args.jester, args.jester_split, spec, args.jester_clips, args.mirror)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    results = {}
    if mone is not None:
        for name, data in sets.items():
            print(f"{name}: {len(data['label'])} clips", flush=True)
            results[name] = measure(mone, dense, data)
        doc = {"sets": results, "provenance": provenance(args, spec, configs)}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(doc, indent=1) + "\n")
        print(markdown(results))
    if args.sheet is not None:
        pred = None
        if mone is not None:  # label each clip with the MoNE model's guess at the full budget
            from ..budget import counts_for_budget
            from ..evaluate import evaluate

            counts = counts_for_budget(1.0, mone.cfg.tokens_per_step, mone.cfg.num_experts)
            pred = evaluate(mone, sets["compositor"], counts)["pred"]
        print(f"contact sheet: {contact_sheet(sets['compositor'], args.sheet, pred=pred)}")
    return 0


def markdown(results: dict) -> str:
    rows = ["| set | model | e_c | clips | top-1 |", "|---|---|---|---|---|"]
    for name, res in results.items():
        for p in res["mone"]:
            rows.append(f"| {name} | MoNE | {p['e_c']:.2f} | {res['clips']} | {100 * p['top1']:.1f}% |")
        if res["dense"] is not None:
            rows.append(f"| {name} | dense | 1.00 | {res['clips']} | {100 * res['dense']['top1']:.1f}% |")
    return "\n".join(rows)
