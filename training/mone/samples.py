"""Render sample videos for the app's "try a sample" and the e2e tests.

    python -m mone.samples --out ../public/samples [--per-class 1] [--size 128] [--fps 30] [--seconds 1.6]
    python -m mone.samples --dataset gestures --out ../public/samples/gesture   (224 px, 24 fps, 1.29 s)

Each sample is the benchmark's scene law rendered at a higher resolution and frame rate than the
model sees (the app samples frames at the model's 10 fps and resizes to 64x64 itself), encoded as
H.264 (yuv420p, baseline profile) MP4, which Debian's Chromium plays. Also writes index.json.
Gesture samples are one model clip long (the app's first clip of each loop is the whole gesture),
rendered by the gesture renderer at twice the model's resolution and frame rate.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from .data import CLASSES, SPLIT_IDS, make_scene, object_pose, render

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "public" / "samples"


def write_mp4(frames: np.ndarray, path: Path, fps: int) -> None:
    """Encode RGB frames (T, H, W, 3) uint8 with PyAV (libx264 when present, else mpeg4 via ffmpeg)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with av.open(str(path), "w") as out:
            stream = out.add_stream("libx264", rate=fps)
            stream.width, stream.height = frames.shape[2], frames.shape[1]
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "18", "profile": "baseline", "movflags": "+faststart"}
            for f in frames:
                for packet in stream.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
    except (av.error.FFmpegError, ValueError):  # PyAV build without libx264: fall back to the ffmpeg CLI
        h, w = frames.shape[1:3]
        cmd = [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-s",
            f"{w}x{h}",
            "-r",
            str(fps),
            "-i",
            "-",
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-pix_fmt",
            "yuv420p",
            "-crf",
            "18",
            "-movflags",
            "+faststart",
            str(path),
        ]
        subprocess.run(cmd, input=frames.tobytes(), check=True)


def readable(scene, seconds: float) -> bool:
    """Demo clips should show their motion plainly to a person: a medium-to-large main object with
    an asymmetric marking and no k-fold star symmetry (so a turn is visible). Model-independent."""
    o = scene.obj
    star = len(o.wobble) == 3  # (k, amplitude, phase): k-fold symmetric outline
    mid_size = object_pose(scene, seconds / 2)[2]  # approaching/receding change size over time
    return mid_size >= 0.14 and o.pattern in ("halves", "dot", "stripes") and not star


def render_sample(seed: int, label: int, index: int, size: int, fps: int, seconds: float) -> np.ndarray:
    """The first readable scene of this class from the samples split's deterministic sequence."""
    k = 0
    while True:
        rng = np.random.default_rng([seed, SPLIT_IDS["samples"], label, index, k])
        scene = make_scene(rng, label, seconds)
        if readable(scene, seconds) or k >= 500:
            break
        k += 1
    times = np.arange(int(round(seconds * fps))) / fps
    return render(scene, times, size, seed=index)


def render_gesture_sample(seed: int, label: int, index: int, size: int, fps: int, frames: int) -> np.ndarray:
    """The first clip of this class from the samples split whose gesturing hand stays in frame."""
    from .hand_render import render as render_gestures
    from .hand_scene import GestureSpec, sample_scenes

    if size % 7:
        raise ValueError(
            f"gesture samples keep the model's 7x7 patch grid: size must be a multiple of 7, not {size}"
        )
    spec = GestureSpec(frames=frames, fps=float(fps), res=size, patch=size // 7)
    for k in range(100):
        pack = sample_scenes(seed, "samples", [index * 1000 + k], spec, labels=[label])
        if float(pack.facts["visible_min"][0]) >= 0.95:
            break
    video, _ = render_gestures(pack, spec, device="cpu")
    return video[0].numpy()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-class", type=int, default=1)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=1.6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dataset", choices=("motion", "gestures"), default="motion")
    args = ap.parse_args(argv)
    classes = CLASSES
    if args.dataset == "gestures":
        from .gestures import GESTURES

        classes = GESTURES
        if "--size" not in (argv or sys.argv):
            args.size = 224  # 2x the model's 112 px
        if "--fps" not in (argv or sys.argv):
            args.fps = 24  # 2x the model's 12 fps
    index = []
    for label, name in enumerate(classes):
        for i in range(args.per_class):
            if args.dataset == "gestures":
                # one model clip (16 frames at 12 fps) at args.fps
                frames = render_gesture_sample(args.seed, label, i, args.size, args.fps, args.fps * 16 // 12)
            else:
                frames = render_sample(args.seed, label, i, args.size, args.fps, args.seconds)
            fname = f"{name}-{i}.mp4"
            write_mp4(frames, args.out / fname, args.fps)
            index.append(
                {
                    "file": fname,
                    "label": name,
                    "fps": args.fps,
                    "frames": len(frames),
                    "width": args.size,
                    "height": args.size,
                }
            )
            print(f"wrote {args.out / fname}")
    (args.out / "index.json").write_text(json.dumps({"samples": index}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
