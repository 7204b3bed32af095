"""20BN-Jester v1 layout: CSV parsing, label mapping, frame sampling, padding, mirroring, errors."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from mone.gestures import GESTURES
from mone.jester import (
    JesterFormatError,
    load_jester_clips,
    load_jester_split,
    sample_indices,
)

H = 48  # fake frame height; widths vary per video, the centre crop is always H x H
BOX = 8  # side of the red square


def grey(i: int) -> int:
    """Background grey level that encodes 0-based frame number i."""
    return 20 + 8 * i


def box_x(width: int, i: int) -> int:
    """Left edge of the red square in frame i: inside the centre crop, moving right 1 px a frame."""
    return (width - H) // 2 + 4 + i


def write_video(videos: Path, vid: str, count: int, width: int) -> None:
    d = videos / vid
    d.mkdir(parents=True)
    for i in range(count):
        img = np.full((H, width, 3), grey(i), np.uint8)
        x = box_x(width, i)
        img[4 : 4 + BOX, x : x + BOX] = (0, 0, 255)  # BGR red
        cv2.imwrite(str(d / f"{i + 1:05d}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 95])


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines))


def frame_number(frame: np.ndarray) -> int:
    """Decode the frame number from the background (the median ignores the square)."""
    return round((float(np.median(frame[..., 1])) - 20) / 8)


VIDEOS = {  # id: (frames, width, CSV label)
    "101": (20, 64, "Swiping Left"),
    "102": (30, 80, "Thumb Up"),
    "103": (5, 48, "Doing other things"),
    "104": (12, 72, "Sliding Two Fingers Left"),
    "105": (9, 64, None),
}


def make_root(root: Path, videos_name: str = "20bn-jester-v1") -> Path:
    videos = root / videos_name
    for vid, (count, width, _) in VIDEOS.items():
        write_video(videos, vid, count, width)
    write_lines(root / "jester-v1-train.csv", [f"{v};{VIDEOS[v][2]}" for v in ("101", "102", "103")])
    write_lines(root / "jester-v1-validation.csv", ["104;Sliding Two Fingers Left"])
    write_lines(root / "jester-v1-test.csv", ["105"])
    # labels file in another order than GESTURES (alphabetical), Jester-style capitalisation
    names = sorted(g.replace("_", " ").capitalize() for g in GESTURES)
    write_lines(root / "jester-v1-labels.csv", names)
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return make_root(tmp_path_factory.mktemp("jester"))


def test_labels_follow_gestures_order(root):
    d = load_jester_split(root, "train", frames=4, res=24)
    assert list(d["ids"]) == ["101", "102", "103"]
    assert d["label"].dtype == np.int64
    assert list(d["label"]) == [
        GESTURES.index("swiping_left"),
        GESTURES.index("thumb_up"),
        GESTURES.index("doing_other_things"),
    ]
    assert d["video"].shape == (3, 4, 24, 24, 3) and d["video"].dtype == np.uint8
    v = load_jester_split(root, "val", frames=4, res=24)  # alias
    assert list(v["label"]) == [GESTURES.index("sliding_two_fingers_left")]


def test_sample_indices():
    assert list(sample_indices(20, 4, 12.0)) == [8, 9, 10, 11]  # centred, one source frame per step
    assert list(sample_indices(20, 4, 6.0)) == [7, 9, 11, 13]  # every other source frame
    assert list(sample_indices(5, 8, 12.0)) == [0, 1, 2, 3, 4, 4, 4, 4]  # short: repeat the last
    assert list(sample_indices(30, 3, 24.0)) == [14, 15, 15]  # nearest frame at a higher fps


def test_frames_sampled_from_the_middle_in_order(root):
    d = load_jester_split(root, "train", frames=4, fps=6.0, res=24, limit=2)
    assert list(d["ids"]) == ["101", "102"]
    assert [frame_number(f) for f in d["video"][0]] == [7, 9, 11, 13]  # 20 frames
    assert [frame_number(f) for f in d["video"][1]] == [12, 14, 16, 18]  # 30 frames
    # the red square (RGB order) moves right through the clip
    red = d["video"][0, ..., 0].astype(int) - d["video"][0, ..., 1].astype(int)
    xs = [np.argwhere(r > 60)[:, 1].mean() for r in red]
    assert all(a < b for a, b in zip(xs, xs[1:], strict=False))


def test_short_video_padded_with_last_frame(root):
    d = load_jester_split(root, "train", frames=8, fps=12.0, res=24)
    short = d["video"][list(d["ids"]).index("103")]
    assert [frame_number(f) for f in short] == [0, 1, 2, 3, 4, 4, 4, 4]
    np.testing.assert_array_equal(short[4], short[7])


def test_mirror_flips_horizontally(root):
    plain = load_jester_split(root, "validation", frames=4, res=24)
    flipped = load_jester_split(root, "validation", frames=4, res=24, mirror=True)
    np.testing.assert_array_equal(flipped["video"], plain["video"][:, :, :, ::-1])
    np.testing.assert_array_equal(flipped["label"], plain["label"])
    red = plain["video"][0, 0, ..., 0].astype(int) - plain["video"][0, 0, ..., 1].astype(int)
    assert np.argwhere(red > 60)[:, 1].mean() < 12  # square starts on the left before the flip


def test_test_split_unlabelled(root):
    d = load_jester_split(root, "test", frames=4, res=24)
    assert list(d["ids"]) == ["105"] and list(d["label"]) == [-1]
    with pytest.raises(JesterFormatError, match="has no labels"):
        load_jester_split(root, "test", frames=4, res=24, require_labels=True)


def test_explicit_videos_dir(tmp_path):
    r = make_root(tmp_path, videos_name="frames")
    with pytest.raises(FileNotFoundError, match="videos_dir="):
        load_jester_split(r, "validation", frames=2, res=16)
    d = load_jester_split(r, "validation", frames=2, res=16, videos_dir="frames")
    assert d["video"].shape == (1, 2, 16, 16, 3)


def test_training_entry_point(root):
    spec = SimpleNamespace(frames=4, fps=12.0, res=24, patch=8, tubelet=2)
    d = load_jester_clips(root, "val", spec)
    assert d["video"].shape == (1, 4, 24, 24, 3)
    assert d["mask"].shape == (1, 2, 3, 3) and not d["mask"].any()
    assert d["classes"] == list(GESTURES)
    with pytest.raises(JesterFormatError, match="test labels are not public"):
        load_jester_clips(root, "test", spec)


TRAIN = r"jester-v1-train\.csv"


@pytest.fixture
def small_root(tmp_path) -> Path:
    write_video(tmp_path / "20bn-jester-v1", "1", 3, 48)
    return tmp_path


@pytest.mark.parametrize(
    "lines, message",
    [
        (["1;Swiping Left", "2;Waving Hello"], TRAIN + r":2: unknown Jester label 'Waving Hello'"),
        (["1;Swiping Left;extra"], TRAIN + r":1: malformed line"),
        (["1,Swiping Left"], TRAIN + r":1: line '1,Swiping Left' has no label"),
        (["1;"], TRAIN + r":1: malformed line"),
        (["1;Swiping Left", "", "1;Thumb Up"], TRAIN + r":3: video id '1' already listed on line 1"),
    ],
)
def test_csv_errors_name_file_and_line(small_root, lines, message):
    write_lines(small_root / "jester-v1-train.csv", lines)
    with pytest.raises(JesterFormatError, match=message):
        load_jester_split(small_root, "train", frames=2, res=16)


def test_missing_or_empty_frame_folder(small_root):
    write_lines(small_root / "jester-v1-train.csv", ["1;Swiping Left", "7;Thumb Up"])
    with pytest.raises(FileNotFoundError, match=TRAIN + r":2: video 7: no frame folder"):
        load_jester_split(small_root, "train", frames=2, res=16)
    (small_root / "20bn-jester-v1" / "7").mkdir()
    with pytest.raises(FileNotFoundError, match=r"csv:2: video 7: frame folder has no numbered JPEG"):
        load_jester_split(small_root, "train", frames=2, res=16)


def test_other_errors(small_root):
    with pytest.raises(FileNotFoundError, match="Jester CSV not found"):
        load_jester_split(small_root, "train")
    with pytest.raises(ValueError, match="unknown Jester split 'dev'"):
        load_jester_split(small_root, "dev")
    with pytest.raises(FileNotFoundError, match="Jester root folder not found"):
        load_jester_split(small_root / "nope", "train")
    write_lines(small_root / "jester-v1-train.csv", ["1;Swiping Left"])
    write_lines(small_root / "jester-v1-labels.csv", ["Swiping Left", "Jazz Hands"])
    bad_label = r"jester-v1-labels\.csv:2: unknown Jester label 'Jazz Hands'"
    with pytest.raises(JesterFormatError, match=bad_label):
        load_jester_split(small_root, "train", frames=2, res=16)
