"""The GPU benchmark script, run on the CPU with the tiny stand-in of the B shape: it must work
before any GPU minute is spent on it."""

import json
from pathlib import Path

import pytest
from conftest import device_like_env

from mone.gpu_bench import BUDGETS, main, ratios

CONFIGS = Path(__file__).parent / "configs"


def test_ratios_are_against_full_budget_and_dense():
    ms = {"0.25": 2.5, "0.5": 3.0, "0.75": 4.0, "1.0": 5.0, "dense": 4.0}
    g = {0.25: 0.4, 0.5: 0.6, 0.75: 0.8, 1.0: 1.0}
    r = ratios(ms, g)
    assert r["0.5"] == {"latency_ratio": 0.6, "vs_dense": 0.75, "gmacs_ratio": 0.6, "latency_over_gmacs": 1.0}
    assert r["0.25"]["latency_over_gmacs"] == 1.25
    assert r["1.0"]["latency_ratio"] == 1.0


def test_cli_times_every_budget_route_and_the_training_step(tmp_path):
    out = tmp_path / "bench.json"
    argv = ["--config", str(CONFIGS / "mone_b.py"), "--device", "cpu", "--batches", "1,2"]
    argv += [
        "--rounds",
        "1",
        "--reps",
        "1",
        "--train-batch",
        "2",
        "--train-modes",
        "eager",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    res = json.loads(out.read_text())
    # graph mode needs CUDA: on the CPU only eager rows, one per batch and route
    assert [(r["batch"], r["route"], r["mode"]) for r in res["inference"]] == [
        (1, "sliced", "eager"),
        (1, "masked", "eager"),
        (2, "sliced", "eager"),
        (2, "masked", "eager"),
    ]
    for row in res["inference"]:
        assert "failed" not in row, row
        assert set(row["ms"]) == {*(str(ec) for ec in BUDGETS), "dense"}
        assert all(v > 0 for v in row["ms"].values())
        assert row["ratios"]["1.0"]["latency_ratio"] == 1.0
        assert 0 < row["ratios"]["0.25"]["gmacs_ratio"] < row["ratios"]["0.75"]["gmacs_ratio"] < 1
    assert set(res["train_ms"]) == {"dense", "0.5 sliced", "0.5 masked"}
    assert all(v > 0 for v in res["train_ms"].values())
    ms = res["train_ms"]
    # the ratio is of the unrounded times: the rounded ones give it up to their rounding
    assert res["train_vs_dense"]["0.5 sliced"] == pytest.approx(ms["0.5 sliced"] / ms["dense"], abs=2e-3)
    assert "train_compile_s" not in res  # nothing compiled in eager mode


def test_cli_times_the_compiled_training_step(tmp_path):
    """torch.compile of the training step (inductor, here on the CPU): each case compiles once, its
    compile time is reported apart, and the MoNE step is compared with the compiled dense step."""
    out = tmp_path / "bench.json"
    argv = ["--config", str(CONFIGS / "mone_b.py"), "--device", "cpu", "--batches", "1", "--routes", "sliced"]
    argv += ["--modes", "eager", "--rounds", "1", "--reps", "1", "--train-batch", "2"]
    assert main([*argv, "--train-modes", "compiled", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert set(res["train_ms"]) == {"compiled dense", "compiled 0.5 sliced"}
    assert set(res["train_compile_s"]) == set(res["train_ms"])
    assert all(v > 0 for v in res["train_compile_s"].values())
    ms = res["train_ms"]
    assert set(res["train_vs_dense"]) == {"compiled 0.5 sliced"}
    ratio = ms["compiled 0.5 sliced"] / ms["compiled dense"]
    assert res["train_vs_dense"]["compiled 0.5 sliced"] == pytest.approx(ratio, abs=2e-3)


def test_gpu_session_bench_phase_brings_back_the_results(tmp_path):
    """The device call `gpu_session.sh bench` on the CPU with the tiny stand-in: gpu-bench.json
    comes back inside results.tar.gz; an unknown phase is refused before anything runs."""
    import os
    import subprocess
    import tarfile

    script = Path(__file__).parents[1] / "gpu_session.sh"
    env = {
        **os.environ,
        "CONFIGS": str(CONFIGS),
        "MONE_RUNS": str(tmp_path / "runs"),
        "OUT": str(tmp_path / "out"),
        "GPU_BENCH_ARGS": "--device cpu --batches 1 --rounds 1 --reps 1 --train-batch 0",
    }
    proc = subprocess.run(
        ["bash", str(script), "bench"],
        env=device_like_env(tmp_path, env),  # as on the device machine: no PyAV, no jsonschema
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    with tarfile.open(tmp_path / "out" / "results.tar.gz") as tar:
        res = json.load(tar.extractfile("results/gpu-bench.json"))
    assert [r["batch"] for r in res["inference"]] == [1, 1] and "train_ms" not in res
    bad = subprocess.run(["bash", str(script), "nope"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown phase nope" in bad.stderr
