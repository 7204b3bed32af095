"""20BN-Jester v1 on disk: numbered JPEG frames per video plus semicolon-separated split CSVs.

    <root>/20bn-jester-v1/<video id>/00001.jpg, 00002.jpg, ...   (12 fps, ~100 px tall, any width)
    <root>/jester-v1-train.csv        <id>;<Label Name>   (no header)
    <root>/jester-v1-validation.csv   <id>;<Label Name>
    <root>/jester-v1-test.csv         <id>                (no labels)
    <root>/jester-v1-labels.csv       one label name per line (optional; checked when present)

The frames folder may also be named explicitly (`videos_dir`, absolute or relative to `root`).
Label names map onto `mone.gestures.GESTURES` with `jester_name`, so class indices always follow
GESTURES order, whatever order the labels file lists them in.

Clips are made the way the browser app makes them from a webcam or a file: `frames` frames sampled at
`fps` around the middle of the video, the largest centred square cropped and resized to `res`.

Direction labels and mirroring: Jester's labels name the direction the performer moved. Whether the
recorded frames are mirrored like a selfie preview is not documented by the dataset. The app's
convention (see gestures.py) is that labels name directions as seen in the mirrored selfie view;
`mirror=True` flips every frame horizontally so you can match that convention if your check of the
footage says the frames are not already mirrored. The flip does not change labels.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from .data import center_square_resize
from .gestures import GESTURES, jester_name

SOURCE_FPS = 12.0
VIDEOS_DIR = "20bn-jester-v1"
LABELS_CSV = "jester-v1-labels.csv"
SPLIT_CSV = {
    "train": "jester-v1-train.csv",
    "validation": "jester-v1-validation.csv",
    "test": "jester-v1-test.csv",
}
SPLIT_ALIASES = {"val": "validation", "valid": "validation"}
FRAME_EXTS = {".jpg", ".jpeg"}


class JesterFormatError(ValueError):
    """A Jester CSV line that cannot be used: malformed, unknown label, missing label, duplicate id."""


def canonical_split(split: str) -> str:
    s = SPLIT_ALIASES.get(split, split)
    if s not in SPLIT_CSV:
        raise ValueError(f"unknown Jester split {split!r}; expected one of train, validation (or val), test")
    return s


def gesture_index(label: str, where: str) -> int:
    """GESTURES index of a Jester label name; `where` ("file:line") goes into the error."""
    name = jester_name(label)
    if name not in GESTURES:
        raise JesterFormatError(
            f"{where}: unknown Jester label {label.strip()!r} (as class name {name!r}); "
            f"expected one of the 27 Jester v1 labels (mone.gestures.GESTURES)"
        )
    return GESTURES.index(name)


def _csv_lines(path: Path):
    """(line number, stripped text) of the non-blank lines of a CSV file."""
    if not path.is_file():
        raise FileNotFoundError(f"Jester CSV not found: {path}")
    with path.open(encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            text = line.strip()
            if text:
                yield n, text


def read_labels_file(path: Path) -> list[int]:
    """GESTURES indices of the names in jester-v1-labels.csv, in file order (each must be known)."""
    out = []
    for n, text in _csv_lines(path):
        if ";" in text:
            raise JesterFormatError(f"{path}:{n}: malformed line {text!r}; expected one label name per line")
        out.append(gesture_index(text, f"{path}:{n}"))
    return out


def read_split_csv(path: Path, labelled: bool) -> list[tuple[str, int, int]]:
    """(video id, GESTURES index, line number) per line of a split CSV, in file order.

    Lines are `<id>;<Label Name>`. With `labelled=False` (the test split) lines may be a bare `<id>`
    and get label -1; a label given anyway is still checked and used. Blank lines are skipped.
    """
    rows: list[tuple[str, int, int]] = []
    seen: dict[str, int] = {}
    for n, text in _csv_lines(path):
        where = f"{path}:{n}"
        parts = [p.strip() for p in text.split(";")]
        if len(parts) > 2 or not parts[0] or (len(parts) == 2 and not parts[1]):
            raise JesterFormatError(f"{where}: malformed line {text!r}; expected '<video id>;<Label Name>'")
        if len(parts) == 1 and labelled:
            raise JesterFormatError(
                f"{where}: line {text!r} has no label; expected '<video id>;<Label Name>'"
            )
        vid = parts[0]
        if vid in seen:
            raise JesterFormatError(f"{where}: video id {vid!r} already listed on line {seen[vid]}")
        seen[vid] = n
        rows.append((vid, gesture_index(parts[1], where) if len(parts) == 2 else -1, n))
    return rows


def find_videos_dir(root: Path, videos_dir: str | os.PathLike | None = None) -> Path:
    if videos_dir is not None:
        d = Path(videos_dir)
        d = d if d.is_absolute() else root / d
        if not d.is_dir():
            raise FileNotFoundError(f"Jester frames folder not found: {d}")
        return d
    d = root / VIDEOS_DIR
    if not d.is_dir():
        raise FileNotFoundError(
            f"Jester frames folder not found: {d} (pass videos_dir= if the folder has another name)"
        )
    return d


def frame_files(video_dir: Path, where: str) -> list[Path]:
    """The JPEG frames of one video, in frame-number order."""
    if not video_dir.is_dir():
        raise FileNotFoundError(f"{where}: no frame folder for this video: {video_dir}")
    files = [
        video_dir / f
        for f in os.listdir(video_dir)
        if os.path.splitext(f)[1].lower() in FRAME_EXTS and os.path.splitext(f)[0].isdigit()
    ]
    if not files:
        raise FileNotFoundError(
            f"{where}: frame folder has no numbered JPEG frames (00001.jpg, ...): {video_dir}"
        )
    return sorted(files, key=lambda p: int(p.stem))


def sample_indices(n_source: int, frames: int, fps: float, source_fps: float = SOURCE_FPS) -> np.ndarray:
    """Source frame index for each of `frames` output frames at `fps`, centred on the video's middle.

    Output frame k is at time start + k / fps; it takes the nearest source frame (source frame i is at
    i / source_fps). A video shorter than the clip starts at its first frame, and the output times past
    its end repeat the last frame.
    """
    step = source_fps / fps  # source frames per output frame
    start = max(0.0, ((n_source - 1) - (frames - 1) * step) / 2)
    idx = np.floor(start + np.arange(frames) * step + 0.5 + 1e-9).astype(np.int64)
    return np.minimum(idx, n_source - 1)


def load_clip(
    video_dir: Path, frames: int, fps: float, res: int, mirror: bool = False, where: str = ""
) -> np.ndarray:
    """(frames, res, res, 3) uint8 RGB clip from one Jester frame folder."""
    where = where or str(video_dir)
    files = frame_files(video_dir, where)
    idx = sample_indices(len(files), frames, fps)
    decoded: dict[int, np.ndarray] = {}
    for i in np.unique(idx):
        bgr = cv2.imread(str(files[i]), cv2.IMREAD_COLOR)
        if bgr is None:
            raise OSError(f"{where}: cannot read frame {files[i]}")
        decoded[int(i)] = center_square_resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), res)
    clip = np.stack([decoded[int(i)] for i in idx])
    return np.ascontiguousarray(clip[:, :, ::-1]) if mirror else clip


def load_jester_split(
    root: str | os.PathLike,
    split: str,
    frames: int = 16,
    fps: float = 12.0,
    res: int = 112,
    limit: int | None = None,
    mirror: bool = False,
    videos_dir: str | os.PathLike | None = None,
    require_labels: bool = False,
) -> dict:
    """One Jester split as arrays: video uint8 (N, frames, res, res, 3) RGB, label int64 (N,), ids (N,) str.

    `split` is train, validation (alias val) or test. The whole CSV is checked (format, labels,
    duplicates); then the first `limit` listed videos (all when None), in CSV order, are loaded.
    Each clip is `frames` frames at `fps` from the middle of the video, each the nearest source frame
    (Jester is 12 fps); a video shorter than the clip is padded by repeating its last frame. Frames are
    centre-cropped to a square and resized to `res` (area filter when shrinking).

    Labels are GESTURES indices. The test CSV has no labels: its clips get label -1, unless
    `require_labels` is set, which makes an unlabelled split an error instead.

    `mirror` flips every frame horizontally without changing labels. Jester's direction labels are as
    the performer moved, and whether its frames are mirrored like a selfie preview is not documented;
    the app names directions as seen in the mirrored selfie view (see gestures.py), so set `mirror` to
    match that convention for your copy of the data.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"Jester root folder not found: {root}")
    s = canonical_split(split)
    labels_path = root / LABELS_CSV
    if labels_path.is_file():
        read_labels_file(labels_path)
    csv_path = root / SPLIT_CSV[s]
    rows = read_split_csv(csv_path, labelled=s != "test")
    if require_labels and any(y < 0 for _, y, _ in rows):
        raise JesterFormatError(
            f"{csv_path}: split {s!r} has no labels (Jester's test labels are not public)"
        )
    if limit is not None:
        rows = rows[: max(0, int(limit))]
    if not rows:
        raise JesterFormatError(f"{csv_path}: no videos listed for split {s!r}")
    vdir = find_videos_dir(root, videos_dir)
    video = np.empty((len(rows), frames, res, res, 3), np.uint8)
    for k, (vid, _, n) in enumerate(rows):
        video[k] = load_clip(vdir / vid, frames, fps, res, mirror, where=f"{csv_path}:{n}: video {vid}")
    return {
        "video": video,
        "label": np.array([y for _, y, _ in rows], np.int64),
        "ids": np.array([vid for vid, _, _ in rows], dtype=str),
    }


def load_jester_clips(
    root: str | os.PathLike,
    split: str,
    spec,
    mirror: bool = False,
    limit: int | None = None,
    videos_dir: str | os.PathLike | None = None,
) -> dict:
    """Training entry point: `load_jester_split` shaped like the other training splits.

    `spec` is anything with frames, fps, res, patch and tubelet attributes (a ClipSpec). Returns
    video, label, ids, an all-False object-patch mask (N, frames // tubelet, res // patch, res // patch)
    (unknown for real footage, as for folder datasets) and classes (GESTURES). Splits must be
    labelled: asking for test raises, since Jester's test labels are not public.
    """
    data = load_jester_split(
        root,
        split,
        spec.frames,
        spec.fps,
        spec.res,
        limit=limit,
        mirror=mirror,
        videos_dir=videos_dir,
        require_labels=True,
    )
    g = spec.res // spec.patch
    data["mask"] = np.zeros((len(data["label"]), spec.frames // spec.tubelet, g, g), bool)
    data["classes"] = list(GESTURES)
    return data
