"""The paper's comparison on our test split: MoNE vs nested-only vs dense vs random router.

    python -m mone.evaluate --mone runs/mone_s/final.pt --nested runs/mone_s/stage-nested.pt \\
        --dense runs/dense_s/final.pt --out runs/eval/mone_s.json --plot ../docs/accuracy-vs-gmacs.png

Writes JSON (every point, router quality), a PNG plot (accuracy vs GMACs, every curve) and prints a
markdown table for README.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from . import budget
from .config import TrainConfig
from .data import build_split
from .export import ExportError, load_checkpoint
from .model import MoNEViViT, gmacs
from .train import ROUTER_BUDGET, TRAINING_ROOT, clip_spec, evaluate, router_quality

EVAL_BUDGETS = [0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
# Where the nested-only points come from (eval.json "nested_source"; the plot's legend follows it).
NESTED_TRAINED, NESTED_FROM_MONE = "separate nested checkpoint", "MoNE weights, fixed router"


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
    args = ap.parse_args(argv)
    try:
        mone = load_checkpoint(args.mone)
        nested = load_checkpoint(args.nested) if args.nested else None
        dense = load_checkpoint(args.dense) if args.dense else None
        state = torch.load(args.mone, map_location="cpu", weights_only=False)
        cfg = TrainConfig.from_dict(state["config"])
    except (ExportError, KeyError, TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = build_split(cfg.data_seed, "test", cfg.test_clips, clip_spec(cfg), Path(args.cache_dir))
    if args.clips:
        data = {k: v[: args.clips] for k, v in data.items()}
    res = evaluate_all(mone, nested, dense, data)
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
