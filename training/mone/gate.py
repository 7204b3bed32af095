"""The gate before any MoNE run: does the benchmark need width? A nested model's top-1 at each
nested width (every token on that width) on the test split, per class too.

    cd training && python -m mone.gate --checkpoint runs/nested_b/final.pt \
        --out ../docs/results/gesture/gate.json

Passes when the full width reaches MIN_FULL_TOP1 and the narrowest width is at least MIN_GAP below
it; the exit status is 0 when it passes and 3 when it does not (so a script can stop there).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from . import datasets
from .checkpoint import CheckpointError, open_checkpoint
from .config import TRAINING_ROOT
from .evaluate import evaluate, per_class_top1, pick_device, provenance
from .model import MoNEViViT, gmacs

MIN_FULL_TOP1 = 0.88
MIN_GAP = 0.08


def gate(model: MoNEViViT, data: dict, classes: tuple[str, ...]) -> dict:
    """Top-1 per width (narrowest first), per class, and the verdict."""
    cfg = model.cfg
    n, e = cfg.tokens_per_step, cfg.num_experts
    label = np.asarray(data["label"])
    rows = []
    for j, width in enumerate(cfg.widths):
        counts = [n if k == j else 0 for k in range(e)]
        pred = evaluate(model, data, counts)["pred"]
        per_class = per_class_top1(pred, label, classes)
        rows.append(
            {
                "width": width,
                "gmacs": gmacs(cfg, counts),
                "top1": float((pred == label).mean()),
                "per_class": per_class,
            }
        )
    full, narrow = rows[-1]["top1"], rows[0]["top1"]
    return {
        "clips": int(len(label)),
        "widths": rows,
        "full_top1": full,
        "gap": full - narrow,
        "thresholds": {"min_full_top1": MIN_FULL_TOP1, "min_gap": MIN_GAP},
        "passed": bool(full >= MIN_FULL_TOP1 and full - narrow >= MIN_GAP),
    }


def markdown(res: dict) -> str:
    lines = ["| width | GMACs | top-1 |", "|---|---|---|"]
    lines += [f"| {r['width']} | {r['gmacs']:.3f} | {100 * r['top1']:.1f}% |" for r in res["widths"]]
    verdict = "passes" if res["passed"] else "fails"
    lines += [
        "",
        f"Gate {verdict}: full width {100 * res['full_top1']:.1f}% (needs >= {100 * MIN_FULL_TOP1:.0f}%), "
        f"narrowest {100 * res['gap']:.1f} points below (needs >= {100 * MIN_GAP:.0f}); "
        f"{res['clips']} test clips"
        + (f", checkpoint at step {res['step']}." if res.get("step") is not None else "."),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path, help="JSON; the markdown table goes beside it (.md)")
    ap.add_argument("--cache-dir", default=str(TRAINING_ROOT / "data-cache"))
    ap.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    args = ap.parse_args(argv)
    device = pick_device(args.device)
    try:
        model, cfg, step = open_checkpoint(args.checkpoint)
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = datasets.load_split(cfg, "test", Path(args.cache_dir), device=device)
    res = gate(model.to(device), data, datasets.classes(cfg))
    res["step"] = step
    res["provenance"] = provenance(cfg)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1) + "\n")
    table = markdown(res)
    args.out.with_suffix(".md").write_text(table + "\n")
    print(table)
    return 0 if res["passed"] else 3


if __name__ == "__main__":
    sys.exit(main())
