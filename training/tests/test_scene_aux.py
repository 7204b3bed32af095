"""The training-only scene losses (mone.scene_aux, TrainConfig.aux_weight): targets from the scene
law, tokens in input order from every route, heads that learn, and a trainer that saves and
resumes them without letting them into the model's weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from test_gesture_b import tiny

from mone import budget, datasets
from mone.hand_scene import HAND_CH, HS, GestureSpec, frame_times, hand_states, sample_scenes
from mone.model import MoNEViViT
from mone.scene_aux import SceneHeads, pose_stats, pose_targets
from mone.train import Trainee, train, width_counts

SPEC = GestureSpec(frames=4, fps=6.0, res=32, patch=8, tubelet=2)


def test_pose_targets_are_hand_zero_averaged_over_each_tubelet():
    pack = sample_scenes(0, "train", np.arange(6), SPEC)
    pose, present = pose_targets(pack, SPEC)
    assert pose.shape == (6, 2, len(HAND_CH)) and present.shape == (6,)
    states = hand_states(pack, frame_times(SPEC), SPEC.duration)[:, 0]
    torch.testing.assert_close(pose[:, 1], (states[:, 2] + states[:, 3]) / 2)
    assert torch.equal(present, pack.hand_static[:, 0, HS["present"]])


def test_pose_stats_are_fixed_and_standardise():
    mu, sd = pose_stats(SPEC)
    again = pose_stats(SPEC)
    assert torch.equal(mu, again[0]) and torch.equal(sd, again[1])  # every run and rank agrees
    assert mu.shape == sd.shape == (len(HAND_CH),) and (sd > 0).all()
    pose, present = pose_targets(sample_scenes(0, "val", np.arange(256), SPEC), SPEC)
    z = (pose[present > 0.5] - mu) / sd
    assert z.mean((0, 1)).abs().max() < 0.5 and (z.std((0, 1)) - 1).abs().max() < 0.5


@pytest.mark.parametrize("counts", [None, "half"])
def test_tokens_come_back_in_input_order_on_both_routes(counts):
    cfg = tiny()
    torch.manual_seed(0)
    model = MoNEViViT(cfg.model).eval()
    if counts == "half":
        counts = budget.counts_for_budget(0.5, cfg.model.tokens_per_step, cfg.model.num_experts)
    x = torch.randn(2, cfg.model.frames, 3, cfg.model.image_size, cfg.model.image_size)
    with torch.no_grad():
        sliced = model(x, counts, route="sliced", tokens=True)
        masked = model(x, counts, route="masked", tokens=True)
        plain = model(x, counts)
    shape = (2, cfg.model.time_steps, cfg.model.tokens_per_step, cfg.model.dim)
    assert sliced[1]["tokens"].shape == shape and "tokens" not in plain[1]
    # the masked route never reorders tokens, so agreeing with it means the sliced route's
    # expert groups were put back in input order
    torch.testing.assert_close(sliced[1]["tokens"], masked[1]["tokens"], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(sliced[0], plain[0])  # asking for tokens changes nothing else


def test_heads_learn_the_pose_and_the_mask_and_skip_absent_hands():
    cfg = tiny()
    pack = sample_scenes(0, "train", np.arange(8), SPEC)
    pose, present = pose_targets(pack, SPEC)
    present = present.clone()
    present[0] = 0.0
    mask = torch.rand(8, 2, 4, 4)
    targets = {"pose": pose, "present": present, "mask": mask}
    torch.manual_seed(0)
    heads = SceneHeads(cfg.model.dim, SPEC)
    tokens = torch.randn(8, 2, 16, cfg.model.dim)
    opt = torch.optim.Adam(heads.parameters(), lr=1e-2)
    first = heads(tokens, targets).item()
    for _ in range(200):
        opt.zero_grad()
        heads(tokens, targets).backward()
        opt.step()
    assert heads(tokens, targets).item() < 0.7 * first
    # a clip without hand 0 adds nothing to the pose loss, whatever its targets say
    wild = {**targets, "pose": targets["pose"].clone()}
    wild["pose"][0] += 1e3
    torch.testing.assert_close(heads(tokens, wild), heads(tokens, targets))


def test_trainee_adds_one_aux_loss_per_forward():
    cfg = tiny()
    torch.manual_seed(0)
    model = MoNEViViT(cfg.model)
    heads = SceneHeads(cfg.model.dim, SPEC)
    x = torch.randn(2, cfg.model.frames, 3, cfg.model.image_size, cfg.model.image_size)
    pack = sample_scenes(0, "train", np.arange(2), SPEC)
    pose, present = pose_targets(pack, SPEC)
    targets = {"pose": pose, "present": present, "mask": torch.rand(2, 2, 4, 4)}
    n, e = cfg.model.tokens_per_step, cfg.model.num_experts
    widths = width_counts(n, e)
    logits, together = Trainee(model, heads)(x, widths, targets)
    assert logits.shape == (4, 2, 27)
    each = sum(Trainee(model, heads)(x, [c], targets)[1] for c in widths)
    torch.testing.assert_close(together, each)
    assert Trainee(model, heads)(x, widths)[1] is None  # no targets (evaluation): no aux loss


def test_trainee_with_aux_widths_widest_adds_only_the_full_widths_aux_loss():
    cfg = tiny()
    torch.manual_seed(0)
    model = MoNEViViT(cfg.model)
    heads = SceneHeads(cfg.model.dim, SPEC)
    x = torch.randn(2, cfg.model.frames, 3, cfg.model.image_size, cfg.model.image_size)
    pose, present = pose_targets(sample_scenes(0, "train", np.arange(2), SPEC), SPEC)
    targets = {"pose": pose, "present": present, "mask": torch.rand(2, 2, 4, 4)}
    n, e = cfg.model.tokens_per_step, cfg.model.num_experts
    widths = width_counts(n, e)
    logits, widest = Trainee(model, heads, "widest")(x, widths, targets)
    torch.testing.assert_close(logits, Trainee(model, heads)(x, widths, targets)[0])
    torch.testing.assert_close(widest, Trainee(model, heads)(x, widths[-1:], targets)[1])
    assert not torch.allclose(widest, Trainee(model, heads)(x, widths[:1], targets)[1])
    with pytest.raises(ValueError, match="aux_widths"):
        tiny(aux_widths="narrowest")


def test_rendered_batches_carry_targets_only_when_asked(tmp_path):
    rng = np.random.default_rng(0)
    plain = datasets.TrainBatches(tiny(batch_size=4, aux_weight=0.0), tmp_path, "cpu", 0, 1, progress=False)
    assert plain.batch(2, rng)[2] is None
    cfg = tiny(batch_size=4, render_reuse=2, aux_weight=1.0)
    live = datasets.TrainBatches(cfg, tmp_path, "cpu", 0, 1, progress=False)
    video, label, targets = live.batch(3, rng)
    assert targets["pose"].shape == (4, 2, len(HAND_CH)) and targets["present"].shape == (4,)
    assert targets["mask"].shape == (4, 2, 4, 4) and 0 <= targets["mask"].min() <= targets["mask"].max() <= 1
    # the targets are those of the clips in the batch (rendered chunks 2 and 3, two clips each)
    pack = live.chunk_scenes(3, 0, 2)
    assert torch.equal(label[2:], pack.label)
    torch.testing.assert_close(targets["pose"][2:], pose_targets(pack, live.spec)[0])


def test_aux_weight_needs_the_scene_law():
    with pytest.raises(ValueError, match="aux_weight"):
        tiny(dataset="motion", curriculum=(0, 0), aux_weight=1.0)
    with pytest.raises(ValueError, match="aux_weight"):
        tiny(aux_weight=-1.0)


def test_trainer_logs_saves_and_resumes_the_heads_but_never_exports_them(tmp_path):
    cfg = tiny(aux_weight=1.0)
    run = tmp_path / "run"
    train(cfg, run, tmp_path / "cache", progress=False, device="cpu", max_steps=2)
    ckpt = torch.load(run / "ckpt.pt", weights_only=False)
    assert ckpt["step"] == 2 and set(ckpt["scene_heads"]) == {
        "pose.weight",
        "pose.bias",
        "mask.weight",
        "mask.bias",
        "pose_mu",
        "pose_sd",
    }
    train(cfg, run, tmp_path / "cache", progress=False, device="cpu")  # resumes at step 2
    log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    steps = [r for r in log if "aux_loss" in r]
    assert steps and all(np.isfinite(r["aux_loss"]) and r["aux_loss"] > 0 for r in steps)
    final = torch.load(run / "final.pt", weights_only=False)
    assert final["step"] == cfg.total_steps and "scene_heads" not in final
    assert not any(k.startswith(("pose", "mask")) for k in final["model"])
    MoNEViViT(cfg.model).load_state_dict(final["model"])  # the model's own weights, nothing more
