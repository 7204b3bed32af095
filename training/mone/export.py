"""Export a trained checkpoint to a browser-ready ONNX model + metadata + golden vectors.

    python -m mone.export --checkpoint runs/mone_s/final.pt --out ../public/models --name mone-vivit-s \\
        [--eval runs/eval/mone_s.json] [--dense] [--check]

Writes <out>/<name>.onnx, <out>/<name>.json (validated against contracts/model-metadata.schema.json)
and <out>/<name>.golden.json + <out>/golden/<name>-clip<i>.u8 (raw RGB frames) with the expected
logits and expert indices at several budgets. --check then runs onnxruntime against PyTorch on the
golden clips and times e_c = 0.5 against e_c = 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from . import budget, datasets
from .checkpoint import CheckpointError, read_checkpoint, save_weights
from .config import TrainConfig, load_config
from .data import MEAN, STD, to_input
from .metadata import validate_metadata
from .model import MoNEViViT, macs_table
from .onnx_graph import build_graph

VERSION = "1.0.0"
LEVELS = [0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
GOLDEN_BUDGETS = [1.0, 0.8, 0.5, 0.3, 0.2, 0.15]
GOLDEN_CLIPS = [2, 9, 17]  # test-split indices (classes 2, 9, 7)
TOLERANCE = 1e-4


class ExportError(Exception):
    """A user-facing problem: printed as one clear line, exit code 2 (as a CheckpointError is)."""


def golden_clips(tcfg: TrainConfig) -> list[tuple[np.ndarray, int]]:
    """The golden test clips of the model's benchmark (uint8 (T, H, W, 3), label)."""
    return [datasets.golden_clip(tcfg, idx) for idx in GOLDEN_CLIPS]


def write_golden(model: MoNEViViT, tcfg: TrainConfig, out: Path, name: str, dense: bool) -> dict:
    cfg = model.cfg
    n = cfg.tokens_per_step
    labels = datasets.classes(tcfg)
    (out / "golden").mkdir(parents=True, exist_ok=True)
    clips = []
    for i, (frames, label) in enumerate(golden_clips(tcfg)):
        fname = f"golden/{name}-clip{i}.u8"
        (out / fname).write_bytes(np.ascontiguousarray(frames).tobytes())
        cases = []
        for ec in GOLDEN_BUDGETS:
            counts = budget.counts_for_budget(ec, n, cfg.num_experts)
            with torch.no_grad():
                logits, aux = model(to_input(frames[None]), None if dense else counts)
            cases.append(
                {
                    "e_c": ec,
                    "counts": counts,
                    "logits": [float(v) for v in logits[0]],
                    "expert_index": [int(v) for v in aux["expert"][0].reshape(-1)],
                }
            )
        clips.append(
            {
                "file": fname,
                "shape": list(frames.shape),
                "dtype": "uint8",
                "layout": "THWC",
                "label": int(label),
                "class": labels[label],
                "cases": cases,
            }
        )
    golden = {"model": f"{name}.onnx", "tolerance": TOLERANCE, "clips": clips}
    (out / f"{name}.golden.json").write_text(json.dumps(golden) + "\n")
    return golden


def metadata(
    model: MoNEViViT,
    tcfg: TrainConfig,
    name: str,
    onnx_bytes: bytes,
    dense: bool,
    evaluation: dict | None,
    trained: bool = True,
) -> dict:
    cfg = model.cfg
    # a random-weight export (--random) must not claim a training it never had
    origin = (
        f"trained on {datasets.describe(tcfg)}"
        if trained
        else "RANDOM weights (shape only, predictions mean nothing)"
    )
    e, ts, n = cfg.num_experts, cfg.time_steps, cfg.tokens_per_step
    return {
        "schema_version": 1,
        "name": name,
        "version": VERSION,
        "description": ("Dense ViViT-FE baseline" if dense else "MoNE ViViT-FE")
        + f" D={cfg.dim}, {cfg.spatial_depth} spatial + {cfg.temporal_depth} temporal blocks, {origin}",
        "model_file": f"{name}.onnx",
        "model_bytes": len(onnx_bytes),
        "model_sha256": hashlib.sha256(onnx_bytes).hexdigest(),
        "variant": "dense" if dense else "mone",
        "labels": list(datasets.classes(tcfg)),
        "inputs": {
            "video": {
                "name": "video",
                "dtype": "float32",
                "shape": [1, cfg.frames, 3, cfg.image_size, cfg.image_size],
            },
            "expert_counts": {"name": "expert_counts", "dtype": "int64", "shape": [e]},
        },
        "outputs": {
            "logits": {"name": "logits", "dtype": "float32", "shape": [1, cfg.num_classes]},
            "expert_index": {"name": "expert_index", "dtype": "int32", "shape": [ts, n]},
            "router_probs": {"name": "router_probs", "dtype": "float32", "shape": [ts, n, e]},
        },
        "video": {
            "layout": "NTCHW",
            "frames": cfg.frames,
            "fps": tcfg.fps,
            "height": cfg.image_size,
            "width": cfg.image_size,
            "channels": 3,
            "resize": "center-crop-square-then-resize",
            "pixel_scale": 1 / 255,
            "mean": list(MEAN),
            "std": list(STD),
        },
        "tokens": {
            "patch_size": cfg.patch_size,
            "tubelet_size": cfg.tubelet_size,
            "grid_height": cfg.grid,
            "grid_width": cfg.grid,
            "time_steps": ts,
            "per_step": n,
        },
        "experts": {"count": e, "hidden_dim": cfg.dim, "widths": cfg.widths},
        "macs": macs_table(cfg),
        "budget": {
            "rule": "mone-eq3",
            "beta": budget.BETA,
            "delta": budget.DELTA,
            "counts_rule": "floor-leftover-to-smallest",
            "min_ec": LEVELS[0],
            "max_ec": 1.0,
            "default_ec": 0.5,
            "levels": LEVELS,
        },
        "evaluation": evaluation or {"split": "test", "clips": 0, "curves": {}},
    }


def check(model: MoNEViViT, onnx_path: Path, golden: dict, out: Path) -> dict:
    """Parity (logits <= 1e-4, identical expert indices) on every golden case + latency ratio."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    cfg = model.cfg
    worst = 0.0
    for clip in golden["clips"]:
        frames = np.frombuffer((out / clip["file"]).read_bytes(), np.uint8).reshape(clip["shape"])
        x = to_input(frames[None]).numpy()
        for case in clip["cases"]:
            logits, experts, _ = sess.run(
                None, {"video": x, "expert_counts": np.array(case["counts"], np.int64)}
            )
            diff = float(np.abs(logits[0] - np.array(case["logits"])).max())
            worst = max(worst, diff)
            if diff > TOLERANCE:
                raise ExportError(
                    f"parity failed: {clip['file']} e_c={case['e_c']}: max |logit diff| {diff:.2e}"
                )
            if experts.reshape(-1).tolist() != case["expert_index"]:
                raise ExportError(
                    f"parity failed: {clip['file']} e_c={case['e_c']}: expert assignments differ"
                )
    # latency: median of repeated runs in this process, e_c = 0.5 vs e_c = 1, on one intra-op thread
    # and on onnxruntime's default (all cores): small graphs scale worse with threads
    # (docs/benchmarks.md).
    # Fresh sessions: timing the parity session (18 budgets already run) measured all-thread runs
    # up to 2x slower.
    first = golden["clips"][0]
    x = to_input(np.frombuffer((out / first["file"]).read_bytes(), np.uint8).reshape(first["shape"])[None])
    x = x.numpy()
    res = {"max_logit_diff": worst, "cases": sum(len(c["cases"]) for c in golden["clips"])}
    for suffix, threads in (("", 1), ("_all_threads", 0)):
        so = ort.SessionOptions()
        so.log_severity_level = 3
        so.intra_op_num_threads = threads
        timed = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
        ms = interleaved_medians(timed, x, cfg.tokens_per_step, (1.0, 0.5))
        res[f"ms_ec1{suffix}"] = ms[1.0]
        res[f"ms_ec05{suffix}"] = ms[0.5]
        res[f"latency_ratio_05{suffix}"] = ms[0.5] / ms[1.0]
    return res


def interleaved_medians(
    sess, video: np.ndarray, tokens_per_step: int, budgets, blocks: int = 3, reps: int = 60
) -> dict[float, float]:
    """Median ms per budget e_c: `blocks` rounds in which every budget gets 10 warm-up runs and
    `reps` timed runs, so drift on a noisy machine hits every budget alike; the median over
    rounds of each round's median."""
    rounds: dict[float, list[float]] = {ec: [] for ec in budgets}
    for _ in range(blocks):
        for ec in budgets:
            feed = {
                "video": video,
                "expert_counts": np.array(budget.counts_for_budget(ec, tokens_per_step), np.int64),
            }
            rounds[ec].append(median_run_ms(sess, feed, reps))
    return {ec: statistics.median(r) for ec, r in rounds.items()}


def median_run_ms(sess, feed: dict, reps: int, warmup: int = 10) -> float:
    """Median ms of `reps` runs of `feed`, after `warmup` untimed ones."""
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def export(
    checkpoint: Path,
    out: Path,
    name: str,
    dense: bool = False,
    eval_path: Path | None = None,
    do_check: bool = False,
    trained: bool = True,
) -> dict:
    model, tcfg = read_checkpoint(checkpoint)
    evaluation = None
    if eval_path:
        if not eval_path.exists():
            raise ExportError(f"evaluation file not found: {eval_path} (run: python -m mone.evaluate ...)")
        evaluation = json.loads(eval_path.read_text())["metadata_curves"]
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".{name}.write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    proto = build_graph(model, dense=dense)
    data = proto.SerializeToString()
    onnx_path = out / f"{name}.onnx"
    onnx_path.write_bytes(data)
    meta = metadata(model, tcfg, name, data, dense, evaluation, trained)
    validate_metadata(meta)
    (out / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    golden = write_golden(model, tcfg, out, name, dense)
    result = {"onnx": str(onnx_path), "bytes": len(data), "sha256": meta["model_sha256"]}
    if do_check:
        result["check"] = check(model, onnx_path, golden, out)
    return result


def random_checkpoint(config: str, path: Path) -> Path:
    """A weights checkpoint of `config`'s model, randomly initialised (seed 0)."""
    tcfg = load_config(config)
    torch.manual_seed(0)
    save_weights(path, MoNEViViT(tcfg.model), 0, tcfg)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="mone-export", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path)
    src.add_argument(
        "--random",
        metavar="CONFIG",
        help="export randomly initialised weights of a config's model (seed 0): the model's shape "
        "without training it, for the app's shape tests and latency benchmarks (run time does not "
        "depend on the weights); its predictions mean nothing",
    )
    ap.add_argument("--out", required=True, type=Path, help="output folder (e.g. ../public/models)")
    ap.add_argument("--name", default="mone-vivit-s")
    ap.add_argument("--dense", action="store_true", help="export a dense ViViT graph (baseline)")
    ap.add_argument("--eval", type=Path, help="evaluation JSON from mone.evaluate (curves for the metadata)")
    ap.add_argument("--check", action="store_true", help="parity vs PyTorch and latency ratio")
    args = ap.parse_args(argv)
    try:
        if args.random:
            with tempfile.TemporaryDirectory() as tmp:
                checkpoint = random_checkpoint(args.random, Path(tmp) / "random.pt")
                res = export(
                    checkpoint, args.out, args.name, args.dense, args.eval, args.check, trained=False
                )
        else:
            res = export(args.checkpoint, args.out, args.name, args.dense, args.eval, args.check)
    except (ExportError, CheckpointError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
