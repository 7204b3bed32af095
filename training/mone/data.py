"""Procedural motion clips: the class is decided by *how* one object moves.

Every clip is a continuous-time scene (background, distractors, one main object with a motion law)
rendered at any resolution and frame rate, so the same generator makes 64x64 training clips at
10 fps and 192x192 30 fps sample videos for the browser. Most of each frame is static background,
which is what MoNE's router should learn to give cheap experts.

Coordinates: image coordinates, x to the right, y *down*, never mirrored. A positive rotation angle
turns +x towards +y, i.e. clockwise on screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    import torch

CLASSES = (
    "static",
    "moving_left",
    "moving_right",
    "moving_up",
    "moving_down",
    "approaching",
    "receding",
    "rotating_clockwise",
    "rotating_counterclockwise",
    "oscillating",
)
SPLIT_IDS = {"train": 0, "val": 1, "test": 2, "samples": 3}
# Versions of the scene law. 1: 0-2 still distractors (the shipped model's benchmark). 2: 1-4
# smaller distractors, most of them moving in place, and a smaller main object (an attempt to make
# the task need more compute; configs/experiments/benchmark_v2). Part of the cache key: splits
# never mix.
BENCHMARKS = (1, 2)

# Label maps for geometric/temporal augmentations that change the class (train split only).
HFLIP = (0, 2, 1, 3, 4, 5, 6, 8, 7, 9)
VFLIP = (0, 1, 2, 4, 3, 5, 6, 8, 7, 9)
TIME_REVERSE = (0, 2, 1, 4, 3, 6, 5, 8, 7, 9)

SKIN_TONES = (
    np.array(
        [[255, 219, 172], [241, 194, 125], [224, 172, 105], [198, 134, 66], [141, 85, 36], [92, 56, 30]],
        dtype=np.float32,
    )
    / 255.0
)


# ---------------------------------------------------------------------------------------------
# Scene description
# ---------------------------------------------------------------------------------------------
@dataclass
class Primitive:
    """A superellipse in object-local units: centre (cx, cy), radii (rx, ry), angle, exponent."""

    cx: float
    cy: float
    rx: float
    ry: float
    angle: float
    power: float = 2.0


@dataclass
class Thing:
    """A shape with a pose (centre, size as a fraction of frame width, angle) and a look."""

    prims: list[Primitive]
    colour: np.ndarray
    colour2: np.ndarray
    pattern: str  # solid | stripes | halves | dot | spots
    pattern_freq: float
    wobble: tuple[float, ...]  # polar harmonics that roughen the outline (0 = smooth)
    x: float
    y: float
    size: float
    angle: float
    # A distractor's motion in place (kind, amplitude, frequency Hz, phase): "sway" turns it back and
    # forth, "jitter" shakes its position, "pulse" breathes its size. None = it stands still.
    fidget: tuple[str, float, float, float] | None = None


def fidget_pose(t: Thing, time: float) -> tuple[float, float, float, float]:
    """(x, y, size, angle) of a distractor at `time` seconds: it moves in place, never travels.

    The amplitudes stay far below every class's motion (translation >= 0.17 frame widths, rotation
    >= 80 degrees, scale >= 1.5x over a clip), so the main object alone decides the label; but a
    model can no longer read the class off "where anything moves" and has to find the main object.
    """
    if t.fidget is None:
        return t.x, t.y, t.size, t.angle
    kind, amp, freq, ph = t.fidget
    w = 2 * math.pi * freq * time + ph
    if kind == "sway":
        return t.x, t.y, t.size, t.angle + amp * math.sin(w)
    if kind == "pulse":
        return t.x, t.y, t.size * (1 + amp * math.sin(w)), t.angle
    # jitter: two incommensurate sinusoids per axis, a tremble with no net travel
    return (
        t.x + amp * (math.sin(w) + 0.5 * math.sin(2.7 * w + 1.3)) / 1.5,
        t.y + amp * (math.cos(1.3 * w + ph) + 0.5 * math.sin(3.1 * w)) / 1.5,
        t.size,
        t.angle,
    )


@dataclass
class Scene:
    label: int
    bg_seed: int
    bg_kind: str
    bg_palette: np.ndarray
    distractors: list[Thing]
    obj: Thing
    motion: dict
    shake_amp: float
    shake_seed: int
    flicker: tuple[float, float, float]  # amplitude, frequency (Hz), phase
    light_grad: tuple[float, float]
    noise_sigma: float
    blur_sigma: float
    jpeg_quality: int
    extra: dict = field(default_factory=dict)


def _random_colour(rng: np.random.Generator, skin: bool) -> np.ndarray:
    if skin:
        c = SKIN_TONES[rng.integers(len(SKIN_TONES))] * rng.uniform(0.85, 1.1)
    else:
        hsv = np.array([[[rng.uniform(0, 180), rng.uniform(80, 255), rng.uniform(70, 255)]]], np.uint8)
        c = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32) / 255.0
    return np.clip(c, 0, 1).astype(np.float32)


def _random_shape(rng: np.random.Generator, kind: str) -> tuple[list[Primitive], tuple[float, ...]]:
    if kind == "hand":
        # palm + four fingers + thumb, as the outline of a raised open hand
        prims = [Primitive(0, 0.15, 0.55, 0.62, 0, 2.4)]
        spread = rng.uniform(0.12, 0.3)
        for f in range(4):
            a = (f - 1.5) * spread
            length = rng.uniform(0.38, 0.55) * (1.0 - 0.12 * abs(f - 1.5))
            cx = 0.45 * math.sin(a) + (f - 1.5) * 0.22
            prims.append(Primitive(cx, -0.55 - length * 0.6, 0.11, length, a, 2.0))
        prims.append(Primitive(-0.62, 0.05, 0.11, 0.36, -0.8, 2.0))
        return prims, ()
    if kind == "rect":
        return [Primitive(0, 0, 1.0, rng.uniform(0.4, 0.75), 0, rng.uniform(4, 8))], ()
    if kind == "star":
        k = int(rng.integers(3, 7))
        return [Primitive(0, 0, 1.0, 1.0, 0, 2.0)], (float(k), rng.uniform(0.25, 0.45), rng.uniform(0, 6.3))
    if kind == "blob":
        w = []
        for h in (2, 3, 4):
            w += [float(h), rng.uniform(0.05, 0.18), rng.uniform(0, 6.3)]
        return [Primitive(0, 0, 1.0, rng.uniform(0.6, 0.9), 0, 2.0)], tuple(w)
    if kind == "bar":
        return [Primitive(0, 0, 1.0, rng.uniform(0.2, 0.35), 0, rng.uniform(2, 6))], ()
    # ellipse, elongated so that rotation is visible even without a pattern
    return [Primitive(0, 0, 1.0, rng.uniform(0.45, 0.75), 0, 2.0)], ()


def _random_thing(rng: np.random.Generator, size: tuple[float, float], main: bool) -> Thing:
    kind = str(
        rng.choice(["ellipse", "rect", "star", "blob", "hand", "bar"], p=[0.18, 0.16, 0.16, 0.16, 0.22, 0.12])
    )
    skin = kind == "hand" or rng.random() < 0.25
    prims, wobble = _random_shape(rng, kind)
    pattern = str(rng.choice(["solid", "stripes", "halves", "dot", "spots"], p=[0.2, 0.2, 0.25, 0.2, 0.15]))
    c1 = _random_colour(rng, skin)
    c2 = _random_colour(rng, False) if rng.random() < 0.6 else c1 * rng.uniform(0.4, 0.7)
    return Thing(
        prims=prims,
        colour=c1,
        colour2=c2.astype(np.float32),
        pattern=pattern if main or rng.random() < 0.5 else "solid",
        pattern_freq=float(rng.uniform(2.0, 4.0)),
        wobble=wobble,
        x=0.5,
        y=0.5,
        size=float(rng.uniform(*size)),
        angle=float(rng.uniform(0, 2 * math.pi)),
    )


def make_scene(rng: np.random.Generator, label: int, duration: float, benchmark: int = 1) -> Scene:
    """Sample a scene whose motion, over [0, duration] seconds, is unmistakably `label`."""
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark must be one of {BENCHMARKS}, got {benchmark!r}")
    obj = _random_thing(rng, (0.13, 0.22) if benchmark == 1 else (0.11, 0.2), main=True)
    margin = 0.08
    motion: dict = {"kind": CLASSES[label]}
    name = CLASSES[label]
    if name.startswith("moving_"):
        # speed in frame widths per second; a small perpendicular drift like a hand-held object
        max_speed = (1.0 - 2 * margin - 2 * obj.size) / duration
        speed = float(min(rng.uniform(0.22, 0.7), max_speed))
        d = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}[name.split("_")[1]]
        drift = rng.uniform(-0.12, 0.12) * speed
        vx, vy = d[0] * speed + (drift if d[0] == 0 else 0), d[1] * speed + (drift if d[1] == 0 else 0)
        span_x, span_y = abs(vx) * duration, abs(vy) * duration
        lo = margin + obj.size
        x0 = rng.uniform(lo, max(lo, 1 - lo - span_x)) + (span_x if vx < 0 else 0)
        y0 = rng.uniform(lo, max(lo, 1 - lo - span_y)) + (span_y if vy < 0 else 0)
        motion.update(x0=x0, y0=y0, vx=vx, vy=vy, spin=rng.uniform(-0.3, 0.3))
    elif name in ("approaching", "receding"):
        # apparent size grows/shrinks exponentially: at least 1.5x over a 0.8 s clip
        rate = rng.uniform(math.log(1.5) / 0.8, math.log(2.6) / 0.8)
        total = math.exp(rate * duration)
        small = rng.uniform(0.06, 0.1)
        big = small * total
        if big > 0.34:
            small, big = 0.34 / total, 0.34
        obj.size = small if name == "approaching" else big
        motion.update(
            rate=rate if name == "approaching" else -rate, x0=rng.uniform(0.4, 0.6), y0=rng.uniform(0.4, 0.6)
        )
    elif name.startswith("rotating_"):
        omega = math.radians(rng.uniform(100, 300))
        motion.update(omega=omega if name == "rotating_clockwise" else -omega)
        motion.update(x0=rng.uniform(0.3, 0.7), y0=rng.uniform(0.3, 0.7))
    elif name == "oscillating":
        # back and forth, >= 1.3 Hz so any 0.8 s window holds at least one reversal (waving)
        ang = rng.choice([0.0, 0.0, 0.0, math.pi / 2, rng.uniform(0, math.pi)])
        motion.update(
            amp=rng.uniform(0.08, 0.18),
            freq=rng.uniform(1.3, 2.5),
            phase=rng.uniform(0, 2 * math.pi),
            dir=(math.cos(ang), math.sin(ang)),
            x0=rng.uniform(0.35, 0.65),
            y0=rng.uniform(0.35, 0.65),
            swing=rng.uniform(0, 0.4),
        )
    else:  # static
        motion.update(x0=rng.uniform(0.25, 0.75), y0=rng.uniform(0.25, 0.75))

    distractors = []
    if benchmark == 1:
        for _ in range(int(rng.integers(0, 3))):
            d = _random_thing(rng, (0.05, 0.12), main=False)
            d.x, d.y = float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.1, 0.9))
            distractors.append(d)
    else:
        for _ in range(int(rng.integers(1, 5))):
            d = _random_thing(rng, (0.05, 0.1), main=False)  # smaller than any main object
            d.x, d.y = float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.1, 0.9))
            kind = str(rng.choice(["still", "sway", "jitter", "pulse"], p=[0.3, 0.25, 0.25, 0.2]))
            # in `static` nothing moves but noise and light, so its distractors stand still too
            if kind != "still" and name != "static":
                # all three amplitudes are drawn, so the RNG stream is the same whichever kind is chosen
                amp = {
                    "sway": rng.uniform(0.15, 0.4),
                    "jitter": rng.uniform(0.006, 0.015),
                    "pulse": rng.uniform(0.04, 0.1),
                }[kind]
                d.fidget = (
                    kind,
                    float(amp),
                    float(rng.uniform(1.0, 3.0)),
                    float(rng.uniform(0, 2 * math.pi)),
                )
            distractors.append(d)

    return Scene(
        label=label,
        bg_seed=int(rng.integers(2**31)),
        bg_kind=str(rng.choice(["noise", "room", "tiles"], p=[0.4, 0.4, 0.2])),
        bg_palette=np.stack([_random_colour(rng, rng.random() < 0.15) for _ in range(3)]),
        distractors=distractors,
        obj=obj,
        motion=motion,
        shake_amp=float(rng.uniform(0.0, 0.006)) if rng.random() < 0.5 else 0.0,
        shake_seed=int(rng.integers(2**31)),
        flicker=(float(rng.uniform(0, 0.04)), float(rng.uniform(0.5, 6)), float(rng.uniform(0, 6.3))),
        light_grad=(float(rng.uniform(-0.25, 0.25)), float(rng.uniform(-0.25, 0.25))),
        noise_sigma=float(rng.uniform(0.5, 4.0)),
        blur_sigma=float(rng.choice([0.0, rng.uniform(0.3, 1.0)])),
        jpeg_quality=int(rng.integers(50, 95)),
    )


def object_pose(scene: Scene, t: float) -> tuple[float, float, float, float]:
    """(x, y, size, angle) of the main object at time t seconds."""
    m, o = scene.motion, scene.obj
    k = m["kind"]
    if k.startswith("moving_"):
        return m["x0"] + m["vx"] * t, m["y0"] + m["vy"] * t, o.size, o.angle + m["spin"] * t
    if k in ("approaching", "receding"):
        return m["x0"], m["y0"], o.size * math.exp(m["rate"] * t), o.angle
    if k.startswith("rotating_"):
        return m["x0"], m["y0"], o.size, o.angle + m["omega"] * t
    if k == "oscillating":
        s = math.sin(2 * math.pi * m["freq"] * t + m["phase"])
        dx, dy = m["dir"]
        return m["x0"] + m["amp"] * s * dx, m["y0"] + m["amp"] * s * dy, o.size, o.angle + m["swing"] * s
    return m["x0"], m["y0"], o.size, o.angle


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
def _value_noise(rng: np.random.Generator, res: int, octaves: tuple[int, ...]) -> np.ndarray:
    acc = np.zeros((res, res), np.float32)
    amp_total = 0.0
    for i, cells in enumerate(octaves):
        amp = 0.55**i
        grid = rng.random((cells + 1, cells + 1), dtype=np.float32)
        acc += amp * cv2.resize(grid, (res, res), interpolation=cv2.INTER_CUBIC)
        amp_total += amp
    acc /= amp_total
    return (acc - acc.min()) / max(float(acc.max() - acc.min()), 1e-6)


def render_background(scene: Scene, res: int) -> np.ndarray:
    """A (res, res, 3) float texture larger than the view, so camera shake can move across it."""
    rng = np.random.default_rng(scene.bg_seed)
    p = scene.bg_palette
    n1 = _value_noise(rng, res, (3, 6, 12, 24))[..., None]
    n2 = _value_noise(rng, res, (2, 4))[..., None]
    img = p[0] * (1 - n1) + p[1] * n1
    img = img * (1 - 0.5 * n2) + p[2] * 0.5 * n2
    if scene.bg_kind == "room":
        # walls, a floor line, windows/furniture as soft-edged rectangles
        floor = int(res * rng.uniform(0.55, 0.85))
        img[floor:] = img[floor:] * 0.6 + p[2] * 0.4
        for _ in range(int(rng.integers(2, 6))):
            x0, y0 = rng.integers(0, res, 2)
            w, h = rng.integers(res // 10, res // 3, 2)
            col = p[int(rng.integers(3))] * rng.uniform(0.5, 1.3)
            img[y0 : y0 + h, x0 : x0 + w] = img[y0 : y0 + h, x0 : x0 + w] * 0.3 + col * 0.7
    elif scene.bg_kind == "tiles":
        cells = int(rng.integers(3, 9))
        yy, xx = np.mgrid[0:res, 0:res] / res * cells
        checker = ((np.floor(xx) + np.floor(yy)) % 2)[..., None].astype(np.float32)
        img = img * (0.75 + 0.25 * checker)
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), max(res / 200, 0.5))
    # keep the background calmer than the subject, as in footage focused on a hand-held object
    mean = img.reshape(-1, 3).mean(axis=0)
    img = mean + 0.6 * (img - mean)
    return np.clip(img, 0, 1).astype(np.float32)


def _thing_alpha(t: Thing, x: float, y: float, size: float, angle: float, res: int, xx, yy):
    """Soft coverage (res, res) of a Thing posed at (x, y, size, angle); plus local coords."""
    scale = size * res
    c, s = math.cos(angle), math.sin(angle)
    dx, dy = (xx - x * res) / scale, (yy - y * res) / scale
    u, v = c * dx + s * dy, -s * dx + c * dy  # inverse rotation into object-local units
    alpha = np.zeros_like(xx)
    edge = 1.2 / scale  # ~1 pixel soft edge at any resolution
    for p in t.prims:
        cp, sp = math.cos(p.angle), math.sin(p.angle)
        pu, pv = u - p.cx, v - p.cy
        lu, lv = (cp * pu + sp * pv) / p.rx, (-sp * pu + cp * pv) / p.ry
        r = (np.abs(lu) ** p.power + np.abs(lv) ** p.power) ** (1.0 / p.power)
        if t.wobble:
            phi = np.arctan2(lv, lu)
            bound = np.ones_like(r)
            for i in range(0, len(t.wobble), 3):
                k, a, ph = t.wobble[i : i + 3]
                bound = bound + a * np.cos(k * phi + ph)
            r = r / bound
        alpha = np.maximum(alpha, np.clip((1.0 - r) / edge + 0.5, 0, 1))
    return alpha, u, v


def _thing_colour(t: Thing, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    if t.pattern == "stripes":
        m = (np.sin(u * t.pattern_freq * math.pi) > 0)[..., None]
    elif t.pattern == "halves":
        m = (u > 0)[..., None]
    elif t.pattern == "dot":
        m = (((u - 0.45) ** 2 + (v + 0.1) ** 2) < 0.09)[..., None]
    elif t.pattern == "spots":
        m = ((np.sin(u * 7) * np.sin(v * 7)) > 0.5)[..., None]
    else:
        return np.broadcast_to(t.colour, u.shape + (3,))
    return np.where(m, t.colour2, t.colour)


def render(
    scene: Scene, times: np.ndarray, res: int, grid: int | None = None, tubelet: int = 1, seed: int = 0
):
    """Render frames (T, res, res, 3) uint8 at the given times (seconds).

    With `grid`, also returns the per-patch mask (T // tubelet, grid, grid) bool: patches where the
    moving object covers at least 10% of the patch in any frame of the tubelet.
    """
    rng = np.random.default_rng([scene.shake_seed, seed, res])
    margin = int(math.ceil(res * 0.06))
    bg = render_background(scene, res + 2 * margin)
    yy, xx = np.mgrid[0:res, 0:res].astype(np.float32) + 0.5
    light = 1 + scene.light_grad[0] * (xx / res - 0.5) + scene.light_grad[1] * (yy / res - 0.5)
    frames = np.empty((len(times), res, res, 3), np.uint8)
    alphas = np.empty((len(times), res, res), np.float32)
    # camera shake: a smooth random walk, identical for everything in the frame
    shake = np.cumsum(rng.normal(0, 1, (len(times), 2)), axis=0)
    shake = shake / max(1.0, float(np.abs(shake).max())) * scene.shake_amp * res
    for i, t in enumerate(times):
        sx, sy = shake[i]
        mat = np.float32([[1, 0, margin + sx], [0, 1, margin + sy]])
        img = cv2.warpAffine(
            bg, mat, (res, res), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REFLECT
        )
        sxx, syy = xx + sx, yy + sy
        for d in scene.distractors:
            a, u, v = _thing_alpha(d, *fidget_pose(d, float(t)), res, sxx, syy)
            img = img * (1 - a[..., None]) + _thing_colour(d, u, v) * a[..., None]
        x, y, size, angle = object_pose(scene, float(t))
        a, u, v = _thing_alpha(scene.obj, x, y, size, angle, res, sxx, syy)
        shade = 1 + 0.25 * np.clip(-(u + v) * 0.5, -1, 1)[..., None]  # soft lighting on the object
        img = img * (1 - a[..., None]) + _thing_colour(scene.obj, u, v) * shade * a[..., None]
        alphas[i] = a
        amp, freq, ph = scene.flicker
        img = img * light[..., None] * (1 + amp * math.sin(2 * math.pi * freq * float(t) + ph))
        if scene.blur_sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), scene.blur_sigma * res / 64)
        img = img * 255 + rng.normal(0, scene.noise_sigma, img.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, scene.jpeg_quality])
        frames[i] = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED) if ok else img
    if grid is None:
        return frames
    p = res // grid
    cover = alphas.reshape(len(times), grid, p, grid, p).mean(axis=(2, 4))  # (T, g, g)
    cover = cover.reshape(len(times) // tubelet, tubelet, grid, grid).max(axis=1)
    return frames, cover >= 0.1


# ---------------------------------------------------------------------------------------------
# Dataset: deterministic splits, cached as uint8 shards
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClipSpec:
    frames: int = 8
    fps: float = 10.0
    res: int = 64
    patch: int = 8
    tubelet: int = 2
    benchmark: int = 1  # the scene law's version (BENCHMARKS)


def make_clip(seed: int, split: str, index: int, spec: ClipSpec = ClipSpec()):
    """Clip `index` of `split`: (frames uint8 (T,H,W,3) RGB, label, object-patch mask (T', g, g))."""
    label = index % len(CLASSES)
    rng = np.random.default_rng([seed, SPLIT_IDS[split], index])
    duration = spec.frames / spec.fps
    scene = make_scene(rng, label, duration, spec.benchmark)
    times = np.arange(spec.frames) / spec.fps
    frames, mask = render(
        scene, times, spec.res, grid=spec.res // spec.patch, tubelet=spec.tubelet, seed=index
    )
    return frames, label, mask


def _make_range(args):
    seed, split, start, stop, spec = args
    out = [make_clip(seed, split, i, spec) for i in range(start, stop)]
    return (
        np.stack([o[0] for o in out]),
        np.array([o[1] for o in out], np.int64),
        np.stack([o[2] for o in out]),
    )


def build_split(
    seed: int, split: str, count: int, spec: ClipSpec, cache_dir, workers: int = 2, progress=True
):
    """Generate (or load from cache) a split: dict of video (N,T,H,W,3) uint8, label (N,), mask."""
    from pathlib import Path

    key = (
        f"{split}-b{spec.benchmark}-s{seed}-n{count}"
        f"-r{spec.res}-f{spec.frames}-fps{spec.fps:g}-p{spec.patch}-t{spec.tubelet}"
    )
    path = Path(cache_dir) / f"{key}.npz"
    if path.exists():
        z = np.load(path)
        return {k: z[k] for k in ("video", "label", "mask")}
    chunk = 250
    jobs = [(seed, split, s, min(s + chunk, count), spec) for s in range(0, count, chunk)]
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            it = pool.imap(_make_range, jobs)
            parts = list(_progress(it, len(jobs), f"generating {split}", progress))
    else:
        parts = [_make_range(j) for j in _progress(jobs, len(jobs), f"generating {split}", progress)]
    data = {
        "video": np.concatenate([p[0] for p in parts]),
        "label": np.concatenate([p[1] for p in parts]),
        "mask": np.concatenate([p[2] for p in parts]),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    import os

    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # ranks building at once never collide
    np.savez(tmp, **data)
    tmp.replace(path)
    return data


def _progress(it, total, desc, enabled):
    if not enabled:
        return it
    from tqdm import tqdm

    return tqdm(it, total=total, desc=desc, unit="chunk")


# ---------------------------------------------------------------------------------------------
# Model input: what the network (and the exported ONNX graph, via its metadata) expects
# ---------------------------------------------------------------------------------------------
MEAN = (0.5, 0.5, 0.5)
STD = (0.25, 0.25, 0.25)


def center_square_resize(frame: np.ndarray, size: int) -> np.ndarray:
    """Largest centred square, resized to size x size (area filter when shrinking): what the app
    does to camera and file frames, and what the real-footage loaders do."""
    h, w = frame.shape[:2]
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    crop = frame[y0 : y0 + s, x0 : x0 + s]
    interp = cv2.INTER_AREA if s > size else cv2.INTER_LINEAR
    return cv2.resize(crop, (size, size), interpolation=interp)


def to_input(video_u8: np.ndarray | torch.Tensor) -> torch.Tensor:
    """(B, T, H, W, 3) uint8 RGB -> (B, T, 3, H, W) float, normalised: (x/255 - mean) / std."""
    import torch  # here, not at the top: generating clips and samples needs no torch

    if isinstance(video_u8, torch.Tensor):
        x = video_u8  # stays on its device (clips rendered on the GPU never visit the CPU)
    else:
        arr = np.asarray(video_u8)
        x = torch.from_numpy(arr if arr.flags.writeable else arr.copy())
    x = x.permute(0, 1, 4, 2, 3).float() / 255.0
    mean = torch.tensor(MEAN, device=x.device).view(1, 1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(1, 1, 3, 1, 1)
    return (x - mean) / std
