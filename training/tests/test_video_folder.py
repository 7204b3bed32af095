"""Folder-per-class video datasets decoded with PyAV: layouts, splits, frame sampling, crops, errors."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mone.data import CLASSES, ClipSpec, make_scene, render
from mone.samples import write_mp4
from mone.video_folder import VideoDecodeError, decode_clip, list_videos, load_folder_split

SPEC = ClipSpec(frames=4, fps=10.0, res=32, patch=8, tubelet=2)
FOLDERS = {"left": "moving_left", "right": "moving_right"}  # class folder -> scene law used to render it


def documented_split(file_name: str) -> str:
    """The module docstring's rule: a stable hash of the file name assigns 80/10/10 train/val/test."""
    h = int(hashlib.sha1(file_name.encode()).hexdigest(), 16) % 10
    return "train" if h < 8 else "val" if h == 8 else "test"


def pick_names(cls: str, wanted: list[str]) -> list[str]:
    """File names for `cls` whose hashed split is `wanted[i]` (deterministic search)."""
    names, i = [], 0
    for split in wanted:
        while documented_split(f"{cls}_{i}.mp4") != split:
            i += 1
        names.append(f"{cls}_{i}.mp4")
        i += 1
    return names


def scene_frames(folder: str, seed: int, count: int, fps: int, width: int | None = None) -> np.ndarray:
    scene = make_scene(
        np.random.default_rng([seed, len(folder)]), CLASSES.index(FOLDERS[folder]), count / fps
    )
    frames = render(scene, np.arange(count) / fps, 32)
    if width:  # non-square: extend the frame to the right and left with its edge columns
        pad = (width - 32) // 2
        frames = np.pad(frames, ((0, 0), (0, 0), (pad, width - 32 - pad), (0, 0)), mode="edge")
    return frames


@pytest.fixture(scope="module")
def hashed_root(tmp_path_factory):
    """<root>/<class>/<video>: 2 classes x 3 videos, at 10/24/30 fps, one 48x32."""
    root = tmp_path_factory.mktemp("hashed")
    layout = {
        "left": pick_names("left", ["train", "train", "val"]),
        "right": pick_names("right", ["train", "train", "test"]),
    }
    fps_cycle = [10, 24, 30]
    for folder, names in layout.items():
        for i, name in enumerate(names):
            fps = fps_cycle[i]
            width = 48 if (folder, i) == ("right", 1) else None
            write_mp4(scene_frames(folder, i, int(fps * 0.8), fps, width), root / folder / name, fps)
    (root / "left" / "README.txt").write_text("not a video")
    return root, layout


def test_hashed_split_layout(hashed_root):
    root, layout = hashed_root
    train = load_folder_split(root, "train", SPEC)
    assert train["classes"] == ["left", "right"]
    assert train["video"].shape == (4, 4, 32, 32, 3) and train["video"].dtype == np.uint8
    assert train["label"].tolist() == [0, 0, 1, 1]
    assert train["mask"].shape == (4, 2, 4, 4) and not train["mask"].any()
    val, test = load_folder_split(root, "val", SPEC), load_folder_split(root, "test", SPEC)
    assert val["label"].tolist() == [0] and test["label"].tolist() == [1]
    assert val["classes"] == test["classes"] == ["left", "right"]
    # exactly the files the documented hash rule assigns, each decoded as decode_clip does
    items, classes = list_videos(root, "train")
    assert classes == ["left", "right"]
    assert [p.name for p, _ in items] == layout["left"][:2] + layout["right"][:2]
    assert np.array_equal(train["video"][2], decode_clip(root / "right" / layout["right"][0], SPEC))
    assert np.array_equal(val["video"][0], decode_clip(root / "left" / layout["left"][2], SPEC))


def test_decoded_clip_shows_the_video(hashed_root):
    root, layout = hashed_root
    clip = decode_clip(root / "left" / layout["left"][0], SPEC)  # 10 fps source: frames 0.. sampled 1:1
    assert clip.shape == (4, 32, 32, 3)
    src = scene_frames("left", 0, 8, 10)
    # the middle 4 of 8 source frames (2..5), through H.264: close to the rendered pixels
    assert np.abs(clip.astype(float) - src[2:6].astype(float)).mean() < 12


def test_explicit_split_layout(tmp_path):
    root = tmp_path / "ds"
    for split, count in (("train", 2), ("val", 1)):
        for folder in FOLDERS:
            for i in range(count):
                write_mp4(scene_frames(folder, i, 8, 10), root / split / folder / f"{folder}{i}.mp4", 10)
    train = load_folder_split(root, "train", SPEC)
    assert train["classes"] == ["left", "right"] and train["label"].tolist() == [0, 0, 1, 1]
    val = load_folder_split(root, "val", SPEC)
    assert val["label"].tolist() == [0, 1] and val["video"].shape == (2, 4, 32, 32, 3)
    # an explicit labels list fixes the indices (and drops other classes)
    only_right = load_folder_split(root, "val", SPEC, labels=["right", "left"])
    assert only_right["label"].tolist() == [1, 0]
    with pytest.raises(FileNotFoundError, match="test"):
        load_folder_split(root, "test", SPEC)  # no test/ folder -> falls back to hashing -> no class folders


def test_explicit_split_with_missing_class_keeps_train_indices(tmp_path, tiny_dict):
    from mone.config import TrainConfig
    from mone.datasets import load_split

    root = tmp_path / "ds"
    for folder in FOLDERS:
        write_mp4(scene_frames(folder, 0, 8, 10), root / "train" / folder / f"{folder}.mp4", 10)
    write_mp4(scene_frames("right", 1, 8, 10), root / "val" / "right" / "right.mp4", 10)
    cfg = TrainConfig.from_dict({**tiny_dict, "data_dir": str(root)})
    assert load_split(cfg, "train", tmp_path / "cache")["label"].tolist() == [0, 1]
    assert load_split(cfg, "val", tmp_path / "cache")["label"].tolist() == [1]  # "right" is class 1


@pytest.mark.parametrize(
    "fps,count,width,expected",
    [
        (30, 29, None, [8, 11, 14, 17]),  # middle of the video, every 3rd frame
        (10, 11, 48, [3, 4, 5, 6]),  # non-square source, 1:1 frame rate
        (20, 21, None, [6, 8, 10, 12]),
        (10, 3, None, [0, 1, 2, 2]),  # shorter than the clip: from the start, last frame repeated
    ],
)
def test_decode_clip_samples_the_right_frames(tmp_path, fps, count, width, expected):
    w = width or 32
    frames = np.stack([np.full((32, w, 3), 10 + 8 * k, np.uint8) for k in range(count)])
    path = tmp_path / "ramp.mp4"
    write_mp4(frames, path, fps)
    clip = decode_clip(path, SPEC)
    assert clip.shape == (4, 32, 32, 3)
    got = [int(round((f.mean() - 10) / 8)) for f in clip]
    assert got == expected


def test_decode_clip_centre_crops_non_square(tmp_path):
    # 48x32 frames: a grey centre square with red bars left and right of it
    frame = np.full((32, 48, 3), 128, np.uint8)
    frame[:, :8] = (255, 0, 0)
    frame[:, 40:] = (255, 0, 0)
    path = tmp_path / "bars.mp4"
    write_mp4(np.stack([frame] * 10), path, 10)
    clip = decode_clip(path, SPEC).astype(float)
    assert np.abs(clip[..., 0] - clip[..., 1]).mean() < 8  # no red left after the centre crop
    tall = np.ascontiguousarray(frame.transpose(1, 0, 2))  # 32x48 portrait: crop the vertical middle
    write_mp4(np.stack([tall] * 10), tmp_path / "tall.mp4", 10)
    clip = decode_clip(tmp_path / "tall.mp4", SPEC).astype(float)
    assert np.abs(clip[..., 0] - clip[..., 1]).mean() < 8


def test_corrupt_video_raises_with_file_name(tmp_path):
    root = tmp_path / "ds"
    write_mp4(scene_frames("left", 0, 8, 10), root / "train" / "left" / "good.mp4", 10)
    bad = root / "train" / "right" / "broken_clip.mp4"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(VideoDecodeError, match="broken_clip.mp4"):
        load_folder_split(root, "train", SPEC)
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    with pytest.raises(VideoDecodeError, match="empty.webm"):
        decode_clip(empty, SPEC)


def test_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        load_folder_split(tmp_path / "nope", "train", SPEC)
    (tmp_path / "empty" / "left").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="no videos"):
        load_folder_split(tmp_path / "empty", "train", SPEC)
