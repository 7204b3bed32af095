"""The transfer check: the independent compositor (determinism, labels, the direction laws measured
on the rendered hand, independence from the training renderer), the Jester path and the command."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import subprocess_env
from test_jester import make_root

from mone.checkpoint import save_weights
from mone.config import TrainConfig, load_config
from mone.data import ClipSpec
from mone.gestures import GESTURES
from mone.model import MoNEViViT
from mone.transfer import IMAGES, build_set, render_clip
from mone.transfer.compositor import ASSETS

ROOT = Path(__file__).resolve().parents[1]
SPEC = ClipSpec(frames=16, fps=12.0, res=48, patch=8, tubelet=2)  # the model's timing, small frames
K = len(GESTURES)


def clip(name: str, n: int = 0, spec: ClipSpec = SPEC) -> dict:
    return render_clip(3, GESTURES.index(name) + K * n, spec)


def centroid(coverage: np.ndarray) -> np.ndarray:
    """(T, 2) coverage-weighted centre (x, y) of the hand in each frame, in pixels."""
    h, w = coverage.shape[1:]
    yy, xx = np.mgrid[0:h, 0:w]
    mass = coverage.sum(axis=(1, 2))
    return np.stack(
        [(coverage * xx).sum(axis=(1, 2)) / mass, (coverage * yy).sum(axis=(1, 2)) / mass], axis=1
    )


def gyration(coverage: np.ndarray) -> np.ndarray:
    """(T,) coverage-weighted radius of gyration of the hand in each frame, in pixels."""
    h, w = coverage.shape[1:]
    yy, xx = np.mgrid[0:h, 0:w]
    c = centroid(coverage)
    d2 = (xx[None] - c[:, :1, None]) ** 2 + (yy[None] - c[:, 1:, None]) ** 2
    return np.sqrt((coverage * d2).sum(axis=(1, 2)) / coverage.sum(axis=(1, 2)))


def test_clips_are_deterministic_per_seed_and_index():
    a, b = render_clip(0, 5, SPEC), render_clip(0, 5, SPEC)
    assert np.array_equal(a["video"], b["video"]) and np.array_equal(a["mask"], b["mask"])
    assert not np.array_equal(a["video"], render_clip(1, 5, SPEC)["video"])
    assert not np.array_equal(a["video"], render_clip(0, 5 + K, SPEC)["video"])
    # a clip does not depend on the set it is built in
    assert np.array_equal(build_set(0, 6, SPEC)["video"][5], a["video"])


def test_every_class_with_its_label_and_the_model_format():
    data = build_set(0, K, SPEC)
    assert data["video"].shape == (K, 16, 48, 48, 3) and data["video"].dtype == np.uint8
    assert data["label"].tolist() == list(range(K)) and data["label"].dtype == np.int64
    assert data["mask"].shape == (K, 8, 6, 6) and data["mask"].dtype == bool
    for i in range(K):
        assert data["video"][i].std() > 5, GESTURES[i]  # a picture, not a blank
    # the hand covers some patches in every gesture clip
    gestures = [i for i in range(K) if GESTURES[i] not in ("no_gesture",)]
    assert all(data["mask"][i].any() for i in gestures)


@pytest.mark.parametrize(
    "name, axis, sign",
    [
        ("swiping_left", 0, -1),
        ("swiping_right", 0, 1),
        ("swiping_up", 1, -1),
        ("swiping_down", 1, 1),
        ("sliding_two_fingers_left", 0, -1),
        ("sliding_two_fingers_right", 0, 1),
        ("sliding_two_fingers_up", 1, -1),
        ("sliding_two_fingers_down", 1, 1),
    ],
)
def test_translations_move_the_way_their_names_say(name, axis, sign):
    for n in range(3):
        c = centroid(clip(name, n)["coverage"])
        moved = sign * (c[-1, axis] - c[0, axis])
        assert moved > 0.15 * SPEC.res, (name, n, c[[0, -1]])
        across = abs(c[-1, 1 - axis] - c[0, 1 - axis])
        assert across < 0.5 * moved


@pytest.mark.parametrize(
    "grows, shrinks",
    [
        ("pulling_hand_in", "pushing_hand_away"),
        ("pulling_two_fingers_in", "pushing_two_fingers_away"),
        ("zooming_in_with_full_hand", "zooming_out_with_full_hand"),
        ("zooming_in_with_two_fingers", "zooming_out_with_two_fingers"),
        ("rolling_hand_backward", "rolling_hand_forward"),  # forward: the fingers foreshorten
    ],
)
def test_paired_scale_classes_grow_and_shrink(grows, shrinks):
    """The hand's radius of gyration (its spatial spread) grows for pulling in, zooming in (fingers
    spreading) and rolling backward, and shrinks for the opposite class."""
    for n in range(3):
        for name, sign in ((grows, 1), (shrinks, -1)):
            g = gyration(clip(name, n)["coverage"])
            assert sign * (g[-1] - g[0]) > 0.1 * g.max(), (name, n, g[[0, -1]])


def principal_angle(coverage: np.ndarray) -> np.ndarray:
    """Orientation of the hand's long axis per frame (radians, image coordinates, y down)."""
    h, w = coverage.shape[1:]
    yy, xx = np.mgrid[0:h, 0:w]
    out = []
    for cov in coverage:
        m = cov.sum()
        cx, cy = (cov * xx).sum() / m, (cov * yy).sum() / m
        sxx, syy = (cov * (xx - cx) ** 2).sum() / m, (cov * (yy - cy) ** 2).sum() / m
        sxy = (cov * (xx - cx) * (yy - cy)).sum() / m
        out.append(0.5 * np.arctan2(2 * sxy, sxx - syy))
    return np.unwrap(np.array(out), period=np.pi)


def test_turning_clockwise_turns_clockwise_on_screen():
    spec = ClipSpec(frames=16, fps=12.0, res=96, patch=8, tubelet=2)
    for n in range(3):
        # y points down, so a growing angle is clockwise on screen
        cw = principal_angle(clip("turning_hand_clockwise", n, spec)["coverage"])
        ccw = principal_angle(clip("turning_hand_counterclockwise", n, spec)["coverage"])
        assert cw[-1] - cw[0] > 0.4 and ccw[-1] - ccw[0] < -0.4, (n, cw, ccw)


def test_thumb_up_and_down_point_their_way():
    """The hand's pixels far from its centre lie above it for thumb_up and below for thumb_down."""
    spec = ClipSpec(frames=16, fps=12.0, res=96, patch=8, tubelet=2)
    for n in range(3):
        for name, sign in (("thumb_up", -1), ("thumb_down", 1)):
            first, last = clip(name, n, spec)["coverage"][[0, -1]]
            extent = [np.nonzero(f.sum(axis=1) > 0.5)[0] for f in (first, last)]
            centre = [centroid(f[None])[0, 1] for f in (first, last)]
            # the thumb comes out: the far edge on its side moves away from the centre
            reach = [(e.min() if sign < 0 else e.max()) - c for e, c in zip(extent, centre, strict=True)]
            assert sign * (reach[1] - reach[0]) > 0.04 * spec.res, (name, n, reach)


def test_still_classes_stay_still_and_oscillating_ones_come_back():
    for n in range(3):
        c = centroid(clip("stop_sign", n)["coverage"])
        assert np.abs(c[-1] - c[-2]).max() < 0.05 * SPEC.res  # held at the end
        shake = centroid(clip("shaking_hand", n)["coverage"])[:, 0]
        assert shake.max() - shake.min() > 0.08 * SPEC.res
        nog = clip("no_gesture", n)
        if nog["hand_present"]:
            c = centroid(nog["coverage"])
            assert np.abs(c - c[0]).max() < 0.05 * SPEC.res
        else:
            assert nog["coverage"].max() == 0 and not nog["mask"].any()


def test_the_compositor_shares_no_code_with_the_training_renderer():
    banned = {"hand_scene", "hand_render"}
    files = sorted((ROOT / "mone" / "transfer").glob("*.py"))
    assert files
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            for name in names:
                assert not banned & set(name.split(".")), f"{f.name} imports {name}"


def test_images_are_listed_small_and_not_the_training_backgrounds():
    shipped = sorted(p.name for p in ASSETS.iterdir() if p.suffix == ".jpg")
    assert shipped == sorted(row[0] for row in IMAGES)
    readme = (ASSETS / "README.md").read_text()
    for name, _, _, licence, _ in IMAGES:
        assert f"`{name}`" in readme and licence in readme
    assert sum((ASSETS / n).stat().st_size for n in shipped) < 400_000
    import cv2

    for n in shipped:
        assert max(cv2.imread(str(ASSETS / n)).shape[:2]) <= 256
    training = {p.stem for p in (ROOT / "assets" / "backgrounds").rglob("*.jpg")}
    assert not training & {Path(n).stem for n in shipped}


# ---------------------------------------------------------------------------------------------
# The command, on tiny random checkpoints
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("transfer_ckpt")
    for name in ("mone_b", "dense_b"):
        cfg = TrainConfig.from_dict(load_config(str(ROOT / "tests" / "configs" / f"{name}.py")).to_dict())
        torch.manual_seed(0)
        save_weights(tmp / f"{name}.pt", MoNEViViT(cfg.model), 0, cfg)
    return tmp


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mone.transfer", *args],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_command_writes_results_with_provenance_and_a_sheet(checkpoints, tmp_path):
    jester = make_root(tmp_path / "jester")
    out, sheet = tmp_path / "results" / "transfer.json", tmp_path / "sheet.png"
    proc = run_cli(
        "--checkpoint", str(checkpoints / "mone_b.pt"), "--dense", str(checkpoints / "dense_b.pt"),
        "--jester", str(jester), "--jester-split", "train", "--clips", "27", "--out", str(out),
        "--sheet", str(sheet), "--cache-dir", str(tmp_path / "cache"), "--device", "cpu", "--no-progress",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    res = json.loads(out.read_text())
    assert set(res) == {"sets", "provenance"} and set(res["sets"]) == {"compositor", "jester"}
    comp = res["sets"]["compositor"]
    from mone.evaluate import EVAL_BUDGETS

    assert comp["clips"] == 27 and [p["e_c"] for p in comp["mone"]] == EVAL_BUDGETS
    for p in comp["mone"] + [comp["dense"]]:
        assert 0 <= p["top1"] <= 1 and set(p["per_class"]) == set(GESTURES)
        assert {"top1", "per_class", "most_confused"} <= set(p)
        for pair in p["most_confused"]:
            assert pair["true"] != pair["pred"] and pair["clips"] >= 1
    assert "router_quality" in comp
    jes = res["sets"]["jester"]
    assert jes["clips"] == 3 and set(jes["mone"][0]["per_class"]) == {
        "swiping_left",
        "thumb_up",
        "doing_other_things",
    }
    prov = res["provenance"]
    assert prov["compositor_version"] == 1 and prov["commit"]
    assert {i["licence"] for i in prov["images"]} and prov["checkpoints"]["dense"]["config"] == "dense_b"
    assert prov["clip"] == {"frames": 4, "fps": 6.0, "res": 32}
    assert len(list((tmp_path / "cache").glob("transfer-v1-*.npz"))) == 1
    import cv2

    img = cv2.imread(str(sheet))
    assert img is not None and img.shape[0] > 100 and img.shape[1] > 300
    # a second run takes the cached set
    again = run_cli(
        "--checkpoint", str(checkpoints / "mone_b.pt"), "--clips", "27", "--out", str(tmp_path / "b.json"),
        "--cache-dir", str(tmp_path / "cache"), "--device", "cpu", "--no-progress",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["sets"]["compositor"]["mone"] == comp["mone"] and b["sets"]["compositor"].get("dense") is None


def test_command_errors_are_one_clear_line(checkpoints, tmp_path):
    proc = run_cli("--checkpoint", str(tmp_path / "none.pt"), "--out", str(tmp_path / "x.json"))
    assert proc.returncode == 2 and "checkpoint not found" in proc.stderr
    proc = run_cli(
        "--checkpoint", str(checkpoints / "mone_b.pt"), "--clips", "3", "--out", str(tmp_path / "x.json"),
        "--jester", str(tmp_path / "nowhere"), "--cache-dir", str(tmp_path / "cache"), "--device", "cpu",
    )  # fmt: skip
    assert proc.returncode == 2 and "Jester root folder not found" in proc.stderr
    assert run_cli("--out", str(tmp_path / "x.json")).returncode == 2  # nothing to do
