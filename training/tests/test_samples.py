"""`python -m mone.samples`: one playable H.264 (yuv420p) MP4 per class plus index.json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import av
import numpy as np
from conftest import subprocess_env

from mone.data import CLASSES
from mone.samples import render_sample


def probe(path) -> dict:
    if shutil.which("ffprobe"):
        out = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-count_frames",
                "-show_entries",
                "stream=codec_name,pix_fmt,width,height,nb_read_frames,profile",
                "-of",
                "json",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        s = json.loads(out)["streams"][0]
        return {
            "codec": s["codec_name"],
            "pix_fmt": s["pix_fmt"],
            "width": s["width"],
            "height": s["height"],
            "frames": int(s["nb_read_frames"]),
            "profile": s.get("profile", ""),
        }
    with av.open(str(path)) as c:
        st = c.streams.video[0]
        n = sum(1 for _ in c.decode(st))
        return {
            "codec": st.codec_context.name,
            "pix_fmt": st.codec_context.pix_fmt,
            "width": st.width,
            "height": st.height,
            "frames": n,
            "profile": st.profile or "",
        }


def test_samples_cli(tmp_path):
    out = tmp_path / "samples"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mone.samples",
            "--out",
            str(out),
            "--per-class",
            "1",
            "--size",
            "64",
            "--seconds",
            "1.0",
        ],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    index = json.loads((out / "index.json").read_text())
    samples = index["samples"]
    assert [s["label"] for s in samples] == list(CLASSES)
    assert sorted(p.name for p in out.glob("*.mp4")) == sorted(s["file"] for s in samples)
    for s in samples:
        assert s["file"] == f"{s['label']}-0.mp4"
        assert (s["fps"], s["frames"], s["width"], s["height"]) == (30, 30, 64, 64)
        info = probe(out / s["file"])
        assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p", (s["file"], info)
        assert (info["width"], info["height"]) == (64, 64)
        assert info["frames"] == s["frames"]
        assert "baseline" in info["profile"].lower(), info  # what Debian's Chromium plays
    # the video shows the rendered scene (decoded frame 0 ~ render_sample frame 0)
    with av.open(str(out / samples[2]["file"])) as c:
        first = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(float)
    ref = render_sample(0, 2, 0, 64, 30, 1.0)[0].astype(float)
    assert np.abs(first - ref).mean() < 10


def test_gesture_samples_cli(tmp_path):
    """One H.264 clip per gesture class, one model clip long, from the gesture renderer."""
    from mone.gestures import GESTURES

    out = tmp_path / "gesture"
    cmd = [sys.executable, "-m", "mone.samples", "--dataset", "gestures", "--out", str(out)]
    cmd += ["--size", "56", "--fps", "12"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=subprocess_env(), timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    samples = json.loads((out / "index.json").read_text())["samples"]
    assert [s["label"] for s in samples] == list(GESTURES)
    for s in samples:
        assert (s["fps"], s["frames"], s["width"], s["height"]) == (12, 16, 56, 56)
        info = probe(out / s["file"])
        assert info["codec"] == "h264" and info["frames"] == 16, (s["file"], info)
