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
