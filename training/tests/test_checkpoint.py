"""Weights that move between machines: safetensors shards under the transfer limit, and back."""

from __future__ import annotations

import pytest
import torch

from mone.checkpoint import CheckpointError, pack, read_checkpoint, save_weights, unpack
from mone.config import TrainConfig
from mone.model import MoNEViViT


def test_pack_and_unpack_round_trip(tiny_dict, tmp_path):
    cfg = TrainConfig.from_dict(tiny_dict)
    torch.manual_seed(0)
    model = MoNEViViT(cfg.model)
    save_weights(tmp_path / "final.pt", model, 12, cfg)
    shard = 60_000  # bytes: forces several shards for the tiny model (~0.1 MB)
    files = pack(tmp_path / "final.pt", tmp_path / "out", "tiny", shard_bytes=shard)
    assert len(files) > 2 and all(f.stat().st_size <= shard + 4096 for f in files)
    back = unpack(list(reversed(files)), tmp_path / "back" / "final.pt")
    restored, restored_cfg = read_checkpoint(back)
    assert restored_cfg == cfg and torch.load(back, weights_only=False)["step"] == 12
    for key, value in model.state_dict().items():
        assert torch.equal(restored.state_dict()[key], value), key  # fp32, bit for bit
    with pytest.raises(CheckpointError, match="expected"):
        unpack(files[:-1], tmp_path / "partial.pt")


def test_unpack_runs_places_finished_and_stopped_runs(tiny_dict, tmp_path):
    """What gpu_session.sh packed: a finished run becomes final.pt, a stopped one (_partial) ckpt.pt
    with its step; --keep (a warm device machine) leaves existing checkpoints alone."""
    from mone.checkpoint import open_checkpoint, unpack_runs

    cfg = TrainConfig.from_dict(tiny_dict)
    save_weights(tmp_path / "a.pt", MoNEViViT(cfg.model), 40, cfg)
    save_weights(tmp_path / "b.pt", MoNEViViT(cfg.model), 7, cfg)
    pack(tmp_path / "a.pt", tmp_path / "src", "nested_b", shard_bytes=60_000)
    pack(tmp_path / "b.pt", tmp_path / "src", "mone_b_partial")
    runs = tmp_path / "runs"
    done = unpack_runs(tmp_path / "src", runs)
    assert done == [("nested_b", runs / "nested_b" / "final.pt"), ("mone_b", runs / "mone_b" / "ckpt.pt")]
    assert open_checkpoint(runs / "nested_b" / "final.pt").step == 40
    assert open_checkpoint(runs / "mone_b" / "ckpt.pt").step == 7
    assert not (runs / "dense_b").exists()  # nothing came back for it
    # warm machine: its own runs/ is newer than what was carried
    save_weights(runs / "mone_b" / "ckpt.pt", MoNEViViT(cfg.model), 9, cfg)
    assert unpack_runs(tmp_path / "src", runs, keep=True) == []
    assert open_checkpoint(runs / "mone_b" / "ckpt.pt").step == 9
    # without --keep (back on this machine) what came back wins
    assert len(unpack_runs(tmp_path / "src", runs)) == 2
    assert open_checkpoint(runs / "mone_b" / "ckpt.pt").step == 7
