"""Experiment (not the exporter): how the latency ratio between budgets depends on the model width D.

    cd training && python ../bench/experiments/width_scan.py --threads 1 --dims 128,256,384,512 \
        --out ../docs/bench/width-scan.json

For each D it builds the shipped architecture (configs/mone_s.py; heads = D/32, at least 4) with
*random* weights, exports it with the real exporter (training/mone/onnx_graph.py) and times it in
onnxruntime on the CPU at e_c = 0.25, 0.5, 0.75 and 1 with the exporter's own timing
(`mone.export.interleaved_medians`: budgets interleaved block by block in one process, so a slow
spell of the machine hits every budget alike). Latency does not depend
on the weights (measured: two differently trained shipped models, interleaved, 6.44 vs 6.42 ms at
e_c = 1), so this answers "what would the ratio be for a wider model" without training one.

Why: at the shipped D = 128 a fixed 34-44% of the e_c = 1 run does not shrink with the budget
(docs/bench/profile.md). Projections grow with D^2, LayerNorm / GELU / bias adds with D, so the
fixed share should fall as D grows; this measures by how much.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from mone import budget
from mone.config import load_config
from mone.export import interleaved_medians
from mone.model import ModelConfig, MoNEViViT, gmacs
from mone.onnx_graph import build_graph

BUDGETS = (0.25, 0.5, 0.75, 1.0)


def config_for(dim: int) -> ModelConfig:
    """The shipped architecture (configs/mone_s.py) at another width; head width kept at 32."""
    return dataclasses.replace(load_config("mone_s").model, dim=dim, heads=max(4, dim // 32))


def time_budgets(onnx_path: Path, cfg: ModelConfig, threads: int, blocks: int, reps: int) -> dict:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((1, cfg.frames, 3, cfg.image_size, cfg.image_size))
    return interleaved_medians(sess, x.astype(np.float32), cfg.tokens_per_step, BUDGETS, blocks, reps)


def scan(dims: list[int], threads: int, blocks: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for dim in dims:
            torch.manual_seed(0)
            cfg = config_for(dim)
            path = Path(tmp) / f"mone-d{dim}.onnx"
            model = MoNEViViT(cfg).eval()
            path.write_bytes(build_graph(model).SerializeToString())
            params = sum(p.numel() for p in model.parameters())
            ms = time_budgets(path, cfg, threads, blocks, reps=max(20, 2560 // dim))
            g = {ec: gmacs(cfg, budget.counts_for_budget(ec, cfg.tokens_per_step)) for ec in BUDGETS}
            row = {
                "dim": dim,
                "heads": cfg.heads,
                "params": params,
                "onnx_mb": round(path.stat().st_size / 2**20, 2),
                "threads": threads,
                "gmacs_ec1": g[1.0],
                "ms": {},
            }
            for ec in BUDGETS:
                lat, mac = ms[ec] / ms[1.0], g[ec] / g[1.0]
                row["ms"][str(ec)] = round(ms[ec], 3)
                if ec < 1.0:
                    row[f"ec_{ec}"] = {
                        "latency_ratio": round(lat, 3),
                        "gmacs_ratio": round(mac, 3),
                        "latency_over_gmacs": round(lat / mac, 3),
                    }
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dims", default="128,256,384,512", help="comma-separated model widths")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    ap.add_argument("--blocks", type=int, default=5, help="interleaved blocks per budget")
    ap.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = ap.parse_args()
    torch.set_num_threads(1)
    rows = scan([int(d) for d in args.dims.split(",")], args.threads, args.blocks)
    if args.out:
        meta = {"onnxruntime": ort.__version__, "budgets": list(BUDGETS), "rows": rows}
        args.out.write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
