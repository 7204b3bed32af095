"""Real datasets in the folder-per-class layout (Kinetics / UCF-101 / SSv2 style), decoded with PyAV.

    <root>/<split>/<class>/<video>.{mp4,webm,avi,mkv,mov}      (split = train | val | test)
or  <root>/<class>/<video>.*   (then a stable hash of the file name assigns 80/10/10 splits)

Set `data_dir` in a training config to train the same model on it. Each clip is `frames` frames
sampled at the model's fps from the middle of the video, centre-cropped to a square and resized,
exactly what the browser app does with a webcam or an uploaded file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import numpy as np

from .data import ClipSpec, center_square_resize

VIDEO_EXTS = {".mp4", ".webm", ".avi", ".mkv", ".mov", ".m4v"}
SPLITS = ("train", "val", "test")


class VideoDecodeError(Exception):
    pass


def decode_clip(path: Path, spec: ClipSpec) -> np.ndarray:
    """(frames, res, res, 3) uint8 RGB sampled at spec.fps around the middle of the video."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            decoded: list[tuple[float, np.ndarray]] = []
            for frame in container.decode(stream):
                t = (
                    float(frame.time)
                    if frame.time is not None
                    else len(decoded) / float(stream.average_rate or 30)
                )
                decoded.append((t, frame.to_ndarray(format="rgb24")))
    except (av.error.FFmpegError, IndexError) as exc:
        raise VideoDecodeError(f"cannot decode {path}: {exc}") from exc
    if not decoded:
        raise VideoDecodeError(f"{path} has no video frames")
    times = np.array([t for t, _ in decoded])
    span = spec.frames / spec.fps
    start = max(times[0], times[0] + (times[-1] - times[0] - span) / 2)
    out = []
    for k in range(spec.frames):
        i = int(np.argmin(np.abs(times - (start + k / spec.fps))))  # nearest decoded frame
        out.append(center_square_resize(decoded[i][1], spec.res))
    return np.stack(out)


def list_videos(root: Path, split: str) -> tuple[list[tuple[Path, str]], list[str]]:
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {root}")
    base = root / split if (root / split).is_dir() else root
    hashed = base == root
    classes = sorted(p.name for p in base.iterdir() if p.is_dir() and p.name not in SPLITS)
    items = []
    for c in classes:
        for f in sorted((base / c).iterdir()):
            if f.suffix.lower() not in VIDEO_EXTS:
                continue
            if hashed:
                h = int(hashlib.sha1(f.name.encode()).hexdigest(), 16) % 10
                if SPLITS[0 if h < 8 else 1 if h == 8 else 2] != split:
                    continue
            items.append((f, c))
    return items, classes


def load_folder_split(root: Path, split: str, spec: ClipSpec, labels: list[str] | None = None) -> dict:
    items, classes = list_videos(root, split)
    labels = labels or classes
    videos, ys = [], []
    for path, c in items:
        if c not in labels:
            continue
        videos.append(decode_clip(path, spec))
        ys.append(labels.index(c))
    if not videos:
        raise FileNotFoundError(f"no videos for split {split!r} under {root}")
    g = spec.res // spec.patch
    return {
        "video": np.stack(videos),
        "label": np.array(ys, np.int64),
        "mask": np.zeros((len(videos), spec.frames // spec.tubelet, g, g), bool),  # unknown for real data
        "classes": labels,
    }
