"""The hand-gesture scene law (mone.hand_scene) and its batched renderer (mone.hand_render).

Parameter laws are checked on sampled packs only (cheap); rendering tests use 64 px, 8 frames and a
handful of clips so the suite stays fast on a CPU.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
import torch

from mone.gestures import GESTURES
from mone.hand_render import ASSETS, background_bank, background_files, render
from mone.hand_scene import (
    CLASS_ID,
    HC,
    HS,
    POSE0,
    GestureSpec,
    ScenePack,
    frame_times,
    hand_skeleton,
    hand_states,
    sample_scenes,
    visible_fraction,
)

SPEC = GestureSpec()  # the product spec: 16 frames at 12 fps, 112 px
SMALL = GestureSpec(frames=8, res=64, patch=16, tubelet=2)
PATCH = SPEC.patch / SPEC.res


def labelled(name: str, n: int, seed: int = 0, spec: GestureSpec = SPEC) -> ScenePack:
    return sample_scenes(seed, "val", np.arange(n), spec, labels=np.full(n, CLASS_ID[name]))


def states(pack: ScenePack, spec: GestureSpec = SPEC) -> torch.Tensor:
    """Hand 0's channels at the frame times: (B, T, C)."""
    return hand_states(pack, frame_times(spec), spec.duration)[:, 0]


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------
def test_sampling_does_not_depend_on_the_batch():
    a = sample_scenes(3, "val", [5, 6, 7], SPEC)
    b = sample_scenes(3, "val", [6], SPEC)
    for name in ("hands", "hand_static", "objects", "object_static", "camera", "scene", "seed", "reverse"):
        assert torch.equal(getattr(a, name)[1:2], getattr(b, name)), name
    c = sample_scenes(3, "test", [6], SPEC)
    assert not torch.equal(b.hands, c.hands)  # splits differ


def test_render_is_deterministic_across_calls_and_chunks():
    pack = sample_scenes(0, "val", [1, 12, 25], SMALL)
    v1, m1 = render(pack, SMALL, chunk=3)
    v2, m2 = render(pack, SMALL, chunk=3)
    v3, m3 = render(pack, SMALL, chunk=1)
    assert v1.dtype == torch.uint8 and v1.shape == (3, 8, 64, 64, 3)
    assert m1.shape == (3, 4, 4, 4)
    assert torch.equal(v1, v2) and torch.equal(m1, m2)
    assert torch.equal(v1, v3) and torch.equal(m1, m3)


def test_pack_slice_and_cat_round_trip():
    pack = sample_scenes(0, "val", np.arange(5), SPEC)
    back = ScenePack.cat([pack.slice(0, 2), pack.slice(2, 5)])
    assert torch.equal(back.hands, pack.hands) and torch.equal(back.label, pack.label)
    assert np.array_equal(back.facts["onset"], pack.facts["onset"])


# ---------------------------------------------------------------------------------------------
# Per-class parameter laws (mirrored view: x right, y down)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["swiping", "sliding_two_fingers"])
@pytest.mark.parametrize(
    "direction,axis,sign", [("left", 0, -1), ("right", 0, 1), ("down", 1, 1), ("up", 1, -1)]
)
def test_translation_laws(kind, direction, axis, sign):
    st = states(labelled(f"{kind}_{direction}", 40))
    moved = st[:, -1, axis] - st[:, 0, axis]
    across = st[:, -1, 1 - axis] - st[:, 0, 1 - axis]
    assert (sign * moved >= 0.25).all()  # at least a quarter of the frame...
    assert (sign * moved >= PATCH).all()  # ...which is more than one patch
    assert (across.abs() <= 0.5 * moved.abs()).all()  # the motion is along its axis


def test_translation_poses():
    open_ = states(labelled("swiping_left", 20))[:, 0, POSE0 + 1 : POSE0 + 5]  # MCP flexion
    two = states(labelled("sliding_two_fingers_left", 20))[:, 0, POSE0 + 1 : POSE0 + 5]
    assert (open_ < 0.3).all()
    assert (two[:, :2] < 0.3).all() and (two[:, 2:] > 1.2).all()  # index+middle out, others curled


@pytest.mark.parametrize("name", ["pushing_hand_away", "pushing_two_fingers_away"])
def test_push_shrinks_and_pull_grows(name):
    push = states(labelled(name, 40))
    pull = states(labelled(name.replace("pushing", "pulling").replace("away", "in"), 40))
    ratio_push = torch.exp(push[:, 0, HC["log_size"]] - push[:, -1, HC["log_size"]])
    ratio_pull = torch.exp(pull[:, -1, HC["log_size"]] - pull[:, 0, HC["log_size"]])
    assert (ratio_push >= 1.4).all() and (ratio_pull >= 1.4).all()


REVERSED_PAIRS = [
    ("pushing_hand_away", "pulling_hand_in"),
    ("pushing_two_fingers_away", "pulling_two_fingers_in"),
    ("rolling_hand_forward", "rolling_hand_backward"),
    ("turning_hand_clockwise", "turning_hand_counterclockwise"),
    ("zooming_in_with_full_hand", "zooming_out_with_full_hand"),
    ("zooming_in_with_two_fingers", "zooming_out_with_two_fingers"),
]


@pytest.mark.parametrize("forward,backward", REVERSED_PAIRS)
def test_time_reversed_pairs_replay_the_same_curves_backwards(forward, backward):
    n = 12
    a = labelled(forward, n)
    b = labelled(backward, n)  # same (seed, split, index): the same draws, played backwards
    sa, sb = states(a), states(b)
    torch.testing.assert_close(sb, sa.flip(1), atol=1e-5, rtol=0)
    assert not torch.allclose(sa, sb, atol=1e-3)


@pytest.mark.parametrize("first,second", [("swiping_left", "swiping_right"), ("swiping_up", "swiping_down")])
def test_mirrored_pairs_have_mirrored_motion(first, second):
    sa, sb = states(labelled(first, 12)), states(labelled(second, 12))
    axis = 0 if "left" in first else 1
    da = sa[:, :, axis] - sa[:, :1, axis]
    db = sb[:, :, axis] - sb[:, :1, axis]
    torch.testing.assert_close(da, -db, atol=2e-2, rtol=0)  # tremor differs by at most a few mm


def test_rolling_foreshortens_the_hand():
    st = states(labelled("rolling_hand_forward", 20))
    static = labelled("rolling_hand_forward", 20).hand_static[:, 0, None].expand(-1, st.shape[1], -1)
    sk = hand_skeleton(st, static)
    tip = sk["caps"][..., 8, 1, :]  # middle fingertip
    span = (tip - sk["wrist"]).norm(dim=-1)
    assert (span[:, -1] < 0.7 * span[:, 0]).all()
    assert (sk["normal"][:, -1, 2] < sk["normal"][:, 0, 2]).all()  # the palm turns away: shading shifts


@pytest.mark.parametrize("name,sign", [("turning_hand_clockwise", 1), ("turning_hand_counterclockwise", -1)])
def test_turning_laws(name, sign):
    roll = states(labelled(name, 40))[:, :, HC["roll"]]
    total = sign * (roll[:, -1] - roll[:, 0])
    step = (roll[:, 1:] - roll[:, :-1]).abs().amax(1)
    assert (total >= math.radians(60) - 0.02).all()
    assert (step <= math.radians(20) + 0.02).all()  # visible as rotation (tolerance: tremor)
    assert (step <= math.radians(120)).all()  # below a third of any symmetry period


@pytest.mark.parametrize("name", ["zooming_in_with_full_hand", "zooming_in_with_two_fingers"])
def test_zoom_in_opens_from_a_pinch(name):
    pack = labelled(name, 20)
    st = states(pack)
    sk = hand_skeleton(st, pack.hand_static[:, 0, None].expand(-1, st.shape[1], -1))
    size = torch.exp(st[..., HC["log_size"]])[..., None]
    fingers = [14, 11] if "two" in name else [14, 11, 8, 5, 2]  # thumb, index(, middle, ring, pinky)
    tips = sk["caps"][..., fingers, 1, :]  # (B, T, k, 2)
    spread = (tips - tips.mean(-2, keepdim=True)).norm(dim=-1) / size  # tip distance from their centre
    spread = spread.mean(-1)
    assert (spread[:, 0] < 0.1).all() and (spread[:, -1] > 2.5 * spread[:, 0]).all()
    assert (spread[:, -1] > 0.18).all()


@pytest.mark.parametrize("name,sign", [("thumb_up", -1), ("thumb_down", 1)])
def test_thumb_points_up_or_down(name, sign):
    pack = labelled(name, 30)
    st = states(pack)
    sk = hand_skeleton(st, pack.hand_static[:, 0, None].expand(-1, st.shape[1], -1))
    thumb = sk["caps"][:, -1, 14, 1, :] - sk["caps"][:, -1, 12, 0, :]  # base to tip, last frame
    assert (sign * thumb[:, 1] > 0.5 * thumb.norm(dim=-1)).all()
    assert (st[:, :, POSE0 + 1 : POSE0 + 5] > 1.2).all()  # a fist throughout


def test_shaking_oscillates_side_to_side():
    x = states(labelled("shaking_hand", 30))[:, :, HC["x"]]
    dx = x[:, 1:] - x[:, :-1]
    reversals = ((dx[:, 1:] * dx[:, :-1]) < 0).sum(1)
    assert (reversals >= 2).all()
    assert ((x.amax(1) - x.amin(1)) >= PATCH * 0.8).all()


def test_stop_sign_ends_flat_and_still():
    st = states(labelled("stop_sign", 30))
    assert (st[:, -1, POSE0 + 1 : POSE0 + 9] < 0.1).all()  # straight fingers
    tail = st[:, -4:, :2]
    assert ((tail - tail.mean(1, keepdim=True)).abs() < 0.01).all()  # held still


def test_drumming_is_a_wave_across_the_fingers():
    pack = labelled("drumming_fingers", 20)
    c = pack.hands[:, 0, POSE0 + 1 : POSE0 + 5]  # MCP curves: amplitude and phase per finger
    lag = c[:, 1:, 6] - c[:, :-1, 6]
    assert (c[:, :, 4] > 0.3).all()  # every finger flexes...
    assert (lag.abs() > 0.5).all() and ((lag > 0).all(1) | (lag < 0).all(1)).all()  # ...in sequence


def test_other_things_do_not_travel():
    st = states(labelled("doing_other_things", 60))
    net = (st[:, -1, :2] - st[:, 0, :2]).norm(dim=-1)
    assert (net < PATCH).all()


def test_gesture_window_and_visibility():
    pack = sample_scenes(1, "val", np.arange(27 * 6), SPEC)
    f = pack.facts
    share = f["gesture_len"] / SPEC.duration
    assert ((share >= 0.5 - 1e-6) & (share <= 0.85 + 1e-6)).all()
    assert (f["onset"] >= -1e-6).all() and (f["onset"] + f["gesture_len"] <= SPEC.duration + 1e-6).all()
    present = f["has_hand"] > 0.5
    assert (f["visible_min"][present] >= 0.7).all()
    # visibility recomputed from the skeleton, during the gesture
    st = states(pack)
    vis = visible_fraction(hand_skeleton(st, pack.hand_static[:, 0, None].expand(-1, st.shape[1], -1)))
    t = frame_times(SPEC)[None]
    inside = (t >= torch.tensor(f["onset"])[:, None] - 1e-6) & (
        t <= torch.tensor(f["onset"] + f["gesture_len"])[:, None] + 1e-6
    )
    assert (vis[inside & torch.tensor(present)[:, None]] >= 0.7).all()


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    grid = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.abs(fa - fb).max())


def test_nuisances_are_label_independent():
    n = 27 * 24
    pack = sample_scenes(2, "val", np.arange(n), SPEC)
    labels = pack.label.numpy()
    f = pack.facts
    for key in ("anchor_x", "anchor_y", "size", "onset", "gesture_len"):
        for c in range(len(GESTURES)):
            a, b = f[key][labels == c], f[key][labels != c]
            crit = 1.95 * math.sqrt((len(a) + len(b)) / (len(a) * len(b)))  # KS at alpha 0.001
            assert _ks(a, b) < crit, (key, GESTURES[c])
    # stronger: the same clip drawn under every label has identical start, size and window
    idx = np.full(27, 11)
    same = sample_scenes(2, "val", idx, SPEC, labels=np.arange(27))
    once = same.facts["attempts"] == 1
    for key in ("anchor_x", "anchor_y", "size"):
        assert np.ptp(same.facts[key][once]) == 0, key
    f = same.facts
    window = np.where(same.reverse.numpy() > 0, SPEC.duration - f["onset"] - f["gesture_len"], f["onset"])
    assert np.ptp(window[once]) < 1e-9
    for name in ("scene", "camera", "object_static"):
        t = getattr(same, name)[torch.from_numpy(once)]
        if name == "object_static":
            t = t[:, 1]  # prop 0 may ride in the hand of doing_other_things
        assert torch.equal(t, t[:1].expand_as(t)), name


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
def _no_hands(pack: ScenePack) -> ScenePack:
    out = pack.slice(0, len(pack))
    out.hand_static = pack.hand_static.clone()
    out.hand_static[:, :, HS["present"]] = 0
    return out


def test_mask_follows_the_gesturing_hand():
    idx = [0, 27 + 13, 54 + 25]  # swiping_left, rolling_hand_backward, no_gesture...
    pack = sample_scenes(0, "val", idx, SMALL)
    pack.hand_static[2, :, HS["present"]] = 0  # ...made hand-less
    video, mask = render(pack, SMALL)
    assert (mask >= 0).all() and (mask <= 1).all()
    assert (mask[:2].sum((2, 3)) > 0.5).all()  # every tubelet of a clip with a hand in frame
    assert mask[2].sum() == 0


def test_hand_less_no_gesture_clips_exist_and_have_empty_masks():
    pack = labelled("no_gesture", 40, spec=SMALL)
    empty = pack.facts["has_hand"] < 0.5
    assert 0 < empty.sum() < 40
    i = int(np.argmax(empty))
    _, mask = render(pack.slice(i, i + 1), SMALL)
    assert mask.sum() == 0


def test_rendered_hand_is_visible():
    pack = sample_scenes(4, "val", [0, 4, 20], SMALL)
    with_hand, mask = render(pack, SMALL, out="float")
    without, _ = render(_no_hands(pack), SMALL, out="float")
    cover = mask.repeat_interleave(SMALL.tubelet, 1).repeat_interleave(16, 2).repeat_interleave(16, 3)
    diff = (with_hand - without).abs().mean(-1)  # (B, T, H, W)
    under = diff[cover > 0.5]
    assert under.numel() > 0 and under.mean() > 0.05
    assert diff[cover == 0].mean() < under.mean() / 3  # the change is where the mask says


def test_heldout_backgrounds_are_separate():
    train = {p.name for p in background_files("train")}
    held = {p.name for p in background_files("heldout")}
    assert len(held) >= 3 and len(train) >= 10 and not train & held
    bank, sizes = background_bank("heldout", 64, "cpu")
    assert bank.shape[0] == len(held) and bank.dtype == torch.float32
    spec = replace(SMALL, backgrounds="heldout")
    video, _ = render(sample_scenes(0, "test", [3], spec), spec)
    assert video.shape == (1, 8, 64, 64, 3)


def test_assets_readme_lists_every_background_with_a_licence():
    readme = (ASSETS.parent / "README.md").read_text()
    files = sorted(p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("*") if p.is_file())
    assert files
    total = 0
    for f in files:
        row = [line for line in readme.splitlines() if f"`{f}`" in line]
        assert row, f"{f} is not listed in training/assets/README.md"
        assert re.search(r"CC0|CC BY|[Pp]ublic domain", row[0]), f"{f}: no licence in its row"
        total += (ASSETS / f).stat().st_size
    assert total <= 1.5e6


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_renders_on_cuda_like_on_the_cpu():
    pack = sample_scenes(0, "val", [0, 14, 24], SMALL)
    v_cpu, m_cpu = render(pack, SMALL, device="cpu")
    v_gpu, m_gpu = render(pack, SMALL, device="cuda")
    assert v_gpu.is_cuda
    diff = (v_gpu.cpu().int() - v_cpu.int()).abs()
    assert (diff > 8).float().mean() < 1e-3  # fp32 rounding differs; the picture does not
    torch.testing.assert_close(m_gpu.cpu(), m_cpu, atol=1e-3, rtol=0)


@pytest.mark.slow
def test_compiled_hand_drawing_matches_eager():
    spec = GestureSpec(frames=2, res=32, patch=16, tubelet=2, subframes=1)
    pack = sample_scenes(0, "val", [0, 1], spec)
    eager, m_eager = render(pack, spec, out="float")
    fused, m_fused = render(pack, spec, out="float", compile=True)
    torch.testing.assert_close(fused, eager, atol=1e-4, rtol=0)
    torch.testing.assert_close(m_fused, m_eager, atol=1e-5, rtol=0)


def test_cli_writes_a_contact_sheet_and_gifs(tmp_path):
    from PIL import Image

    from mone.hand_render import main

    main(["--out", str(tmp_path), "--count", "1", "--res", "32", "--frames", "4", "--gifs", "2"])
    sheet = Image.open(tmp_path / "contact_sheet.png")
    assert sheet.height >= 27 * 32  # one row per class
    assert (tmp_path / "contact_sheet_mask.png").exists()
    assert len(list(tmp_path.glob("*.gif"))) == 2


def test_make_clips_matches_render():
    from mone.hand_render import make_clips

    clips = make_clips(0, "val", [2, 3], SMALL)
    video, mask = render(sample_scenes(0, "val", [2, 3], SMALL), SMALL)
    assert torch.equal(clips["video"], video) and torch.equal(clips["mask"], mask)
    assert clips["label"].tolist() == [2, 3]
