"""What the budget buys on a GPU: inference latency and throughput per budget, and a training step
of MoNE against dense, at one model shape (random weights: run time does not depend on them).

    cd training && python -m mone.gpu_bench --config mone_b --out runs/gpu-bench.json

For each batch size, each way of running the MoNE blocks (`route`: "sliced" = per-expert matmuls
on contiguous token groups, the FLOPs saving; "masked" = full-width matmuls with feature masks,
fewer kernels) and each execution `mode` ("eager"; "graph" = the whole forward captured once per
budget as a CUDA graph and replayed, which removes the per-kernel launch cost), it times e_c 0.25,
0.5, 0.75, 1 and the dense model, interleaved round by round so that drift hits every budget alike.
Ratios are against e_c 1 and against dense, next to the GMACs ratio (mone.model.gmacs). The
training step (AdamW, bf16 autocast, the trainer's loss) is timed for dense and for MoNE at e_c 0.5
on each route, eager and compiled (torch.compile; its compile time is reported apart), each against
dense in the same mode. On the CPU it runs too (no CUDA graphs), so the script is tested before GPU
minutes go to it; the numbers that matter come from the GPU.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

from . import budget
from .config import load_config
from .evaluate import pick_device
from .model import MoNEViViT, gmacs
from .probe import median_seconds

BUDGETS = (0.25, 0.5, 0.75, 1.0)
DENSE = "dense"


def _graphed(fn, device: torch.device):
    """fn captured as a CUDA graph: warm-up on a side stream (as the capture API asks), capture once,
    return the replay."""
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(3):
            fn()
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph.replay


def inference(model: MoNEViViT, device, batch: int, route: str, mode: str, rounds: int, reps: int) -> dict:
    """Median ms per forward at each budget (and dense), interleaved over `rounds` rounds."""
    cfg = model.cfg
    video = torch.randn(batch, cfg.frames, 3, cfg.image_size, cfg.image_size, device=device)
    calls = {}
    for ec in (*BUDGETS, DENSE):
        counts = None if ec == DENSE else budget.counts_for_budget(ec, cfg.tokens_per_step, cfg.num_experts)

        def forward(counts=counts) -> None:
            # cache_enabled=False: autocast's weight-cast cache may not outlive a graph capture
            with torch.autocast(
                device.type, dtype=torch.bfloat16, enabled=device.type == "cuda", cache_enabled=False
            ):
                model(video, counts, route=route)

        calls[ec] = _graphed(forward, device) if mode == "graph" else forward
    per: dict = {ec: [] for ec in calls}
    for _ in range(rounds):
        for ec, call in calls.items():
            per[ec].append(median_seconds(call, device, reps, warmup=1) * 1e3)
    return {str(ec): statistics.median(v) for ec, v in per.items()}


def train_steps(
    model: MoNEViViT,
    tcfg,
    device,
    batch: int,
    routes: tuple[str, ...],
    rounds: int,
    reps: int,
    modes: tuple[str, ...] = ("eager",),
) -> tuple[dict, dict]:
    """Median ms per training step (forward, backward, AdamW; tcfg's loss) for dense and MoNE at
    e_c 0.5 on each route, eager ("dense", "0.5 sliced", ...) and, with "compiled" in `modes`, dense
    and the sliced route with the forward and backward compiled by torch.compile ("compiled dense",
    "compiled 0.5 sliced": inductor fuses the expert groups' slices, pads and concatenations and the
    elementwise work into fewer kernels, which is what the masked route does by other means).
    Also returns the seconds each compiled case took to compile (its first step)."""
    from .train import loss_fn  # the trainer's own loss

    cfg = model.cfg
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
    video = torch.randn(batch, cfg.frames, 3, cfg.image_size, cfg.image_size, device=device)
    label = torch.randint(0, cfg.num_classes, (batch,), device=device)
    half = budget.counts_for_budget(0.5, cfg.tokens_per_step, cfg.num_experts)
    base = {DENSE: (None, "sliced"), **{f"0.5 {r}": (half, r) for r in routes}}
    cases = {}
    for mode in modes:
        if mode == "eager":
            cases.update({k: (model, *v) for k, v in base.items()})
        elif "sliced" in routes:  # compiled: the sliced route only (fusing is what masked is for)
            forward = torch.compile(model)
            cases.update({f"{mode} {k}": (forward, *base[k]) for k in (DENSE, "0.5 sliced")})

    def step(forward, counts, route) -> None:
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits, _ = forward(video, counts, route=route)
        loss = loss_fn(logits, label, None, tcfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    model.train()
    compile_s = {}
    for k, (forward, counts, route) in cases.items():
        if forward is not model:  # the first call compiles: time it apart from the steps
            start = time.perf_counter()
            step(forward, counts, route)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            compile_s[k] = round(time.perf_counter() - start, 3)
    per: dict = {k: [] for k in cases}
    for _ in range(rounds):
        for k, case in cases.items():
            per[k].append(median_seconds(lambda c=case: step(*c), device, reps, warmup=1) * 1e3)
    model.eval()
    return {k: statistics.median(v) for k, v in per.items()}, compile_s


def ratios(ms: dict, g: dict) -> dict:
    """Latency ratios against e_c 1 and dense, beside the GMACs ratio, per budget."""
    out = {}
    for ec in BUDGETS:
        lat, mac = ms[str(ec)] / ms["1.0"], g[ec] / g[1.0]
        out[str(ec)] = {
            "latency_ratio": round(lat, 3),
            "vs_dense": round(ms[str(ec)] / ms[DENSE], 3),
            "gmacs_ratio": round(mac, 3),
            "latency_over_gmacs": round(lat / mac, 3),
        }
    return out


def run(
    config: str,
    device: torch.device,
    batches,
    routes,
    modes,
    rounds: int,
    reps: int,
    train_batch: int,
    train_modes: tuple[str, ...] = ("eager",),
):
    tcfg = load_config(config)
    cfg = tcfg.model
    torch.manual_seed(0)
    model = MoNEViViT(cfg).to(device).eval()
    g = {ec: gmacs(cfg, budget.counts_for_budget(ec, cfg.tokens_per_step, cfg.num_experts)) for ec in BUDGETS}
    res: dict = {
        "config": config,
        "device": str(device),
        "torch": torch.__version__,
        "gmacs": g,
        "inference": [],
    }
    if device.type == "cuda":
        res["gpu"] = torch.cuda.get_device_name(device)
    for b in batches:
        for route in routes:
            for mode in modes:
                row = {"batch": b, "route": route, "mode": mode}
                try:
                    with torch.no_grad():
                        ms = inference(model, device, b, route, mode, rounds, reps)
                except Exception as exc:  # noqa: BLE001 - a case that cannot run is a finding
                    row["failed"] = f"{type(exc).__name__}: {exc}"[:300]
                else:
                    row["ms"] = {k: round(v, 4) for k, v in ms.items()}
                    row["clips_per_s"] = {k: round(b / v * 1e3, 1) for k, v in ms.items()}
                    row["ratios"] = ratios(ms, g)
                print(json.dumps(row), flush=True)
                res["inference"].append(row)
    if train_batch:
        res["train_batch"] = train_batch
        ms, compile_s = train_steps(model, tcfg, device, train_batch, routes, rounds, reps, train_modes)
        res["train_ms"] = {k: round(v, 3) for k, v in ms.items()}
        res["train_vs_dense"] = {  # a MoNE step at e_c 0.5 against dense in the same mode
            k: round(v / ms[k[: k.index("0.5 ")] + DENSE], 3)  # "[mode ]0.5 route" -> "[mode ]dense"
            for k, v in ms.items()
            if "0.5 " in k
        }
        if compile_s:
            res["train_compile_s"] = compile_s
        print(json.dumps({k: res[k] for k in ("train_ms", "train_vs_dense")}), flush=True)
    if device.type == "cuda":
        res["max_memory_gb"] = torch.cuda.max_memory_allocated(device) / 1e9
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="mone_b", help="whose model shape (a config name or .py path)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--batches", default="1,256,1024", help="inference batch sizes")
    ap.add_argument("--routes", default="sliced,masked")
    ap.add_argument("--modes", default="eager,graph", help="graph is skipped off CUDA")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per case")
    ap.add_argument("--reps", type=int, default=20, help="timed calls per budget per round")
    ap.add_argument("--train-batch", type=int, default=256, help="0: no training-step timing")
    ap.add_argument(
        "--train-modes", default="eager,compiled", help="training step eager and/or with torch.compile"
    )
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    device = pick_device(args.device)
    modes = [m for m in args.modes.split(",") if m != "graph" or device.type == "cuda"]
    res = run(
        args.config,
        device,
        [int(b) for b in args.batches.split(",")],
        tuple(args.routes.split(",")),
        modes,
        args.rounds,
        args.reps,
        args.train_batch,
        tuple(args.train_modes.split(",")),
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
