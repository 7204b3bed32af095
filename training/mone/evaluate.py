"""The paper's comparison on our test split: MoNE vs nested-only vs dense vs random router.

    cd training && python -m mone.evaluate --mone runs/mone_s/final.pt --nested runs/nested_s/final.pt \\
        --dense runs/dense_s/final.pt --out runs/eval/mone_s.json --plot runs/eval/mone_s.png

Writes JSON (every point, router quality, and under "provenance" the configs evaluated and the git
commit of the code), a PNG plot (accuracy vs GMACs, every curve) and prints a markdown table.
Also home of the evaluation loop and the router-quality measure the trainer's validation uses.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from . import budget, datasets
from .checkpoint import CheckpointError, open_checkpoint
from .config import TRAINING_ROOT, TrainConfig
from .data import to_input
from .model import MoNEViViT, gmacs

ROUTER_BUDGET = 0.3  # the e_c at which the router is measured (object vs background patches)
EVAL_BUDGETS = [0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
# Where the nested-only points come from (eval.json "nested_source"; the plot's legend follows it).
NESTED_TRAINED, NESTED_FROM_MONE = "separate nested checkpoint", "MoNE weights, fixed router"


# =============================================================================================
# The evaluation loop and the router's quality (the trainer's validation uses both)
# =============================================================================================
@torch.no_grad()
def evaluate(
    model: MoNEViViT,
    data: dict,
    counts: list[int] | None,
    batch: int = 100,
    random_router: bool = False,
    seed: int = 0,
) -> dict:
    """top-1, each clip's predicted class and, given per-expert counts, the expert of every token
    (N_clips, T', N)."""
    model.eval()
    device = next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed)  # on the CPU: the same random router on any device
    n, preds, experts = len(data["label"]), [], []
    for s in range(0, n, batch):
        x = to_input(torch.as_tensor(data["video"][s : s + batch]).to(device))
        logits, aux = model(x, counts, random_router=random_router, generator=gen)
        preds.append(logits.argmax(-1).cpu().numpy())
        if counts is not None:
            experts.append(aux["expert"].cpu().numpy())
    model.train()
    pred = np.concatenate(preds) if preds else np.zeros(0, np.int64)
    res = {"top1": float((pred == np.asarray(data["label"])).sum()) / max(n, 1), "clips": n, "pred": pred}
    if experts:
        res["experts"] = np.concatenate(experts)
    return res


def per_class_top1(pred: np.ndarray, label: np.ndarray, classes) -> dict[str, float]:
    """top-1 of each class that has clips, by name."""
    pred, label = np.asarray(pred), np.asarray(label)
    return {c: float((pred[label == i] == i).mean()) for i, c in enumerate(classes) if (label == i).any()}


def pick_device(name: str, local_rank: int = 0) -> torch.device:
    """ "auto": this process's GPU when CUDA is there (one per torchrun rank), else the CPU."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("error: --device cuda but CUDA is not available")
        torch.cuda.set_device(local_rank)
        return torch.device("cuda", local_rank)
    return torch.device(name)


def router_quality(experts: np.ndarray, mask: np.ndarray, full: int) -> dict:
    """Share of moving-object patches vs background patches that get the full expert."""
    m = mask.reshape(experts.shape).astype(bool)
    on_full = experts == full
    obj, bg = float(on_full[m].mean()), float(on_full[~m].mean())
    return {
        "object_full_share": obj,
        "background_full_share": bg,
        "ratio": obj / max(bg, 1e-9),
        "object_patches": int(m.sum()),
        "background_patches": int((~m).sum()),
    }


# =============================================================================================
# The comparison on the test split
# =============================================================================================
def run(
    model: MoNEViViT, data: dict, counts: list[int] | None, random_router: bool = False
) -> tuple[float, np.ndarray | None]:
    """top-1 accuracy and the expert of every token (N_clips, T', N), by the trainer's evaluation."""
    res = evaluate(model, data, counts, batch=200, random_router=random_router)
    return res["top1"], res.get("experts")


def evaluate_all(mone: MoNEViViT, nested: MoNEViViT | None, dense: MoNEViViT | None, data: dict) -> dict:
    cfg = mone.cfg
    n, e = cfg.tokens_per_step, cfg.num_experts
    res: dict = {
        "clips": int(len(data["label"])),
        "mone": [],
        "random_router": [],
        "nested_only": [],
        "dense": [],
    }
    for ec in EVAL_BUDGETS:
        counts = budget.counts_for_budget(ec, n, e)
        top1, experts = run(mone, data, counts)
        res["mone"].append({"e_c": ec, "counts": counts, "gmacs": gmacs(cfg, counts), "top1": top1})
        if ec == ROUTER_BUDGET:
            res["router_quality"] = {"e_c": ec, **router_quality(experts, data["mask"], e - 1)}
        r_top1, _ = run(mone, data, counts, random_router=True)
        res["random_router"].append(
            {"e_c": ec, "counts": counts, "gmacs": gmacs(cfg, counts), "top1": r_top1}
        )
        print(
            f"e_c={ec:.2f} counts={counts} GMACs={gmacs(cfg, counts):.4f} "
            f"mone={top1:.4f} random={r_top1:.4f}",
            flush=True,
        )
    # nested-only: every token on one width. With no separately trained MatViViT, the MoNE weights
    # with a fixed router (all tokens on expert j) give the four points.
    res["nested_source"] = NESTED_TRAINED if nested is not None else NESTED_FROM_MONE
    nested = nested if nested is not None else mone
    for j, w in enumerate(cfg.widths):
        counts = [0] * e
        counts[j] = n
        top1, _ = run(nested, data, counts)
        res["nested_only"].append({"width": w, "e_c": w / cfg.dim, "gmacs": gmacs(cfg, counts), "top1": top1})
        print(f"nested-only width {w}: {top1:.4f}", flush=True)
    if dense is not None:
        top1, _ = run(dense, data, None)
        res["dense"].append({"gmacs": gmacs(cfg, None), "top1": top1})
        print(f"dense: {top1:.4f}", flush=True)
    res["metadata_curves"] = {
        "split": "test",
        "clips": res["clips"],
        "curves": {
            "mone": [{"gmacs": p["gmacs"], "top1": p["top1"], "e_c": p["e_c"]} for p in res["mone"]],
            "random_router": [
                {"gmacs": p["gmacs"], "top1": p["top1"], "e_c": p["e_c"]} for p in res["random_router"]
            ],
            "nested_only": [
                {
                    "gmacs": p["gmacs"],
                    "top1": p["top1"],
                    "e_c": p["e_c"],
                    "label": f"D/{cfg.dim // p['width']}",
                }
                for p in res["nested_only"]
            ],
            "dense": [{"gmacs": p["gmacs"], "top1": p["top1"], "e_c": 1.0} for p in res["dense"]],
        },
    }
    return res


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    curves = res["metadata_curves"]["curves"]
    style = {
        "mone": ("MoNE (learned router)", "o-", "#0b6e4f"),
        "random_router": ("MoNE, random router", "s--", "#999999"),
        "nested_only": (
            "Nested only, trained on its own"
            if res.get("nested_source") == NESTED_TRAINED
            else f"Nested only ({NESTED_FROM_MONE})",
            "^-",
            "#c75000",
        ),
        "dense": ("Dense ViViT", "*", "#1f3b99"),
    }
    for key, (label, fmt, colour) in style.items():
        pts = curves.get(key) or []
        if pts:
            ax.plot(
                [p["gmacs"] for p in pts],
                [100 * p["top1"] for p in pts],
                fmt,
                label=label,
                color=colour,
                markersize=10 if key == "dense" else 5,
            )
    ax.set_xlabel("GMACs per clip")
    ax.set_ylabel("top-1 accuracy on the test split (%)")
    ax.set_title(f"Accuracy vs compute ({res['clips']} test clips)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def markdown(res: dict) -> str:
    rows = ["| model | e_c | counts per step | GMACs | top-1 |", "|---|---|---|---|---|"]
    for p in res["dense"]:
        rows.append(f"| dense ViViT | 1.00 | - | {p['gmacs']:.4f} | {100 * p['top1']:.1f}% |")
    for p in res["mone"]:
        rows.append(f"| MoNE | {p['e_c']:.2f} | {p['counts']} | {p['gmacs']:.4f} | {100 * p['top1']:.1f}% |")
    for p in res["random_router"]:
        rows.append(
            f"| MoNE, random router | {p['e_c']:.2f} | {p['counts']} | {p['gmacs']:.4f} | "
            f"{100 * p['top1']:.1f}% |"
        )
    for p in res["nested_only"]:
        rows.append(
            f"| nested only, width {p['width']} | {p['e_c']:.3f} | - | {p['gmacs']:.4f} | "
            f"{100 * p['top1']:.1f}% |"
        )
    rq = res.get("router_quality")
    if rq:
        rows.append("")
        rows.append(
            f"Router at e_c = {rq['e_c']}: {100 * rq['object_full_share']:.1f}% of moving-object patches vs "
            f"{100 * rq['background_full_share']:.1f}% of background patches get the full expert "
            f"({rq['ratio']:.1f}x)."
        )
    return "\n".join(rows)


# =============================================================================================
# Provenance: what was evaluated, with which code
# =============================================================================================
def git_commit(where: Path = TRAINING_ROOT) -> tuple[str | None, bool | None]:
    """HEAD of the git checkout holding `where`, and whether the work tree differs from it (changed
    or untracked files); (None, None) outside a git checkout or without git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain"], cwd=where, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return head, bool(status.strip())


def provenance(
    config: TrainConfig,
    nested: TrainConfig | None = None,
    dense: TrainConfig | None = None,
    where: Path = TRAINING_ROOT,
) -> dict:
    """eval.json's "provenance": the full config of each evaluated checkpoint (the MoNE one under
    "config"; its "name" is the config's name) and the git commit of the code that evaluated them.
    Result files committed before evaluations recorded this carry the same keys with "recorded":
    "added from git history" (the commit is then the one that first committed the file)."""
    commit, dirty = git_commit(where)
    return {
        "recorded": "at evaluation",
        "config": config.to_dict(),
        "nested_config": nested.to_dict() if nested is not None else None,
        "dense_config": dense.to_dict() if dense is not None else None,
        "commit": commit,
        "dirty": dirty,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mone", required=True, type=Path)
    ap.add_argument("--nested", type=Path)
    ap.add_argument("--dense", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--plot", type=Path)
    ap.add_argument("--markdown", type=Path, help="also write the markdown table here")
    ap.add_argument("--clips", type=int, help="evaluate on the first N test clips only")
    ap.add_argument("--cache-dir", default=str(TRAINING_ROOT / "data-cache"))
    ap.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    args = ap.parse_args(argv)
    device = pick_device(args.device)
    try:
        mone, cfg, mone_step = open_checkpoint(args.mone)
        nested, nested_cfg, nested_step = open_checkpoint(args.nested) if args.nested else (None,) * 3
        dense, dense_cfg, dense_step = open_checkpoint(args.dense) if args.dense else (None,) * 3
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = datasets.load_split(cfg, "test", Path(args.cache_dir), device=device)
    mone, nested, dense = (m.to(device) if m is not None else None for m in (mone, nested, dense))
    if args.clips:
        data = {k: v[: args.clips] for k, v in data.items()}
    res = evaluate_all(mone, nested, dense, data)
    res["provenance"] = provenance(cfg, nested_cfg, dense_cfg)
    # which checkpoint of each run was scored
    res["provenance"]["steps"] = {"mone": mone_step, "nested": nested_step, "dense": dense_step}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1) + "\n")
    if args.plot:
        plot(res, args.plot)
    table = markdown(res)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
