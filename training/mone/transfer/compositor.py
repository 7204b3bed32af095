"""An independent gesture compositor: clips of the 27 Jester classes made without the training
renderer (mone.hand_scene / mone.hand_render), to measure how a model trained on that renderer does
on pictures it was not made from.

Written from the class descriptions alone. What differs from the training renderer, on purpose:

- the hand is flat 2-D OpenCV geometry (a polygon palm, tapered quads for "telescoping" fingers
  whose visible length is their extension, a two-segment thumb aimed at a tip point), drawn at twice
  the output size with anti-aliased edges and dark outlines, then area-downscaled;
- skin tones come from a line in CIE Lab (light to dark) with random redness and yellowness;
- motion is piecewise linear between keyframes (a kinked ramp for each gesture, triangle waves for
  oscillations) plus white per-frame jitter, not smooth curves;
- backgrounds are other photographs (assets/transfer, see its README), procedural rooms drawn with
  OpenCV rectangles, or low-frequency colour blobs, defocused by a Gaussian blur;
- the camera is a per-frame affine random walk of the whole composite, an exposure step, gamma and
  white balance, signal-dependent (Poisson-Gaussian) sensor noise and a real JPEG round trip per
  frame (cv2.imencode / imdecode).

Conventions: image coordinates in frame units, x to the right, y down. Directions are those of the
frames the model gets (mone.gestures): `swiping_left` moves the hand towards x = 0. A positive
in-plane angle turns the fingers' direction from up towards the right: clockwise on screen.

A clip is fixed by (seed, index): every random draw comes from
`np.random.default_rng([seed, STREAM, index])`, and the label is `index % 27`.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from ..data import ClipSpec
from ..gestures import GESTURES

# The compositor's law version: part of every cache key, so sets made by other laws never mix.
VERSION = 1
STREAM = 0x7A5F  # the random stream's id; distinct from the training splits' ids
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "transfer"
# Every image the compositor reads: file, package it came from, path there, licence, author/notes.
IMAGES = (
    (
        "coins.jpg",
        "scikit-image 0.26.0",
        "skimage/data/coins.png",
        "No known copyright restrictions",
        "Greek coins from Pompeii, Brooklyn Museum collection",
    ),
    (
        "text.jpg",
        "scikit-image 0.26.0",
        "skimage/data/text.png",
        "Public domain",
        "Wikipedia File:Corner.png",
    ),
    (
        "hubble_deep_field.jpg",
        "scikit-image 0.26.0",
        "skimage/data/hubble_deep_field.jpg",
        "Public domain (NASA)",
        "Hubble eXtreme Deep Field, HubbleSite",
    ),
    (
        "immunohistochemistry.jpg",
        "scikit-image 0.26.0",
        "skimage/data/ihc.png",
        "No known copyright restrictions",
        "Center for Microscopy And Molecular Imaging (CMMI)",
    ),
    (
        "retina.jpg",
        "scikit-image 0.26.0",
        "skimage/data/retina.jpg",
        "CC0 1.0",
        "Mikael Häggström, Wikimedia Commons",
    ),
    (
        "cell.jpg",
        "scikit-image 0.26.0",
        "skimage/data/cell.png",
        "CC0 1.0",
        "Paul Müller et al., quantitative phase image",
    ),
    (
        "clock_motion.jpg",
        "scikit-image 0.26.0",
        "skimage/data/clock_motion.png",
        "Public domain",
        "photographer Stefan van der Walt",
    ),
)

SS = 2  # supersampling: drawn at SS x the output size, then area-downscaled
SHIFT = 4  # fractional bits of OpenCV's fixed-point coordinates
MASK_COVER = 0.1  # a patch belongs to the hand when the hand covers at least this share of it

# ---------------------------------------------------------------------------------------------
# The 2-D hand, in its own coordinates: u across the palm (+ towards the thumb), v along the
# fingers (+ towards the tips); one unit is the hand's length (wrist to middle fingertip).
# ---------------------------------------------------------------------------------------------
WRIST_V = -0.24
PALM = np.array(
    [
        (-0.17, -0.24),
        (0.16, -0.24),
        (0.22, -0.02),
        (0.2, 0.19),
        (0.1, 0.24),
        (-0.05, 0.24),
        (-0.2, 0.19),
        (-0.21, -0.02),
    ]
)
KNUCKLES = np.array([(0.14, 0.21), (0.045, 0.23), (-0.05, 0.22), (-0.14, 0.18)])  # index .. pinky
FINGER_LEN = np.array([0.4, 0.45, 0.42, 0.33])
FINGER_W = np.array([0.085, 0.09, 0.085, 0.075])
THUMB_BASE = np.array([0.17, -0.1])
THUMB_W = 0.1
# A pose: extension of index..pinky (0 curled, 1 straight), their tilt in radians (+ towards the
# thumb), and the thumb's tip (u, v).
EXT, ANG, TIP = slice(0, 4), slice(4, 8), slice(8, 10)


def _pose(ext, ang, tip) -> np.ndarray:
    return np.concatenate([np.asarray(ext, float), np.asarray(ang, float), np.asarray(tip, float)])


def pose_open(r: np.random.Generator) -> np.ndarray:
    s = r.uniform(0.8, 1.2)
    return _pose(
        [1, 1, 1, 1], s * np.array([0.28, 0.09, -0.09, -0.28]), (r.uniform(0.4, 0.46), r.uniform(0.05, 0.15))
    )


def pose_flat(r: np.random.Generator) -> np.ndarray:  # stop sign: straight fingers held together
    return _pose([1, 1, 1, 1], [0.05, 0.015, -0.015, -0.05], (r.uniform(0.27, 0.31), r.uniform(0.05, 0.12)))


def pose_two(r: np.random.Generator) -> np.ndarray:  # index and middle straight, the rest curled
    s = r.uniform(0.5, 1.3)
    return _pose(
        [1, 1, 0.08, 0.08], [0.12 * s, -0.05 * s, 0, 0], (r.uniform(-0.02, 0.04), r.uniform(0.05, 0.12))
    )


def pose_fist(r: np.random.Generator) -> np.ndarray:
    return _pose([0.08] * 4, [0, 0, 0, 0], (r.uniform(-0.02, 0.04), r.uniform(0.1, 0.16)))


def pose_thumb_out(r: np.random.Generator) -> np.ndarray:  # a fist, the thumb straight out sideways
    return _pose([0.08] * 4, [0, 0, 0, 0], (r.uniform(0.46, 0.52), r.uniform(-0.06, 0.02)))


def pose_bunch(r: np.random.Generator) -> np.ndarray:  # fingertips gathered over the thumb's tip
    return _pose([0.5] * 4, [-0.12, -0.03, 0.06, 0.2], (r.uniform(0.03, 0.07), r.uniform(0.36, 0.42)))


def pose_pinch(r: np.random.Generator) -> np.ndarray:  # index bent onto the thumb's tip
    return _pose([0.3, 0.08, 0.08, 0.08], [0.55, 0, 0, 0], (r.uniform(0.22, 0.26), r.uniform(0.33, 0.37)))


def pose_l(r: np.random.Generator) -> np.ndarray:  # index straight up, thumb out: an "L"
    return _pose(
        [1, 0.08, 0.08, 0.08],
        [r.uniform(-0.05, 0.08), 0, 0, 0],
        (r.uniform(0.44, 0.5), r.uniform(0.05, 0.12)),
    )


def pose_relaxed(r: np.random.Generator) -> np.ndarray:
    return _pose(
        r.uniform(0.45, 0.8, 4),
        r.uniform(-0.06, 0.06, 4) + [0.12, 0.04, -0.04, -0.12],
        (r.uniform(0.26, 0.36), r.uniform(0.0, 0.1)),
    )


def pose_claw(r: np.random.Generator) -> np.ndarray:
    return _pose([0.4] * 4, [0.15, 0.05, -0.05, -0.15], (r.uniform(0.25, 0.32), r.uniform(0.05, 0.15)))


# ---------------------------------------------------------------------------------------------
# Motion: keyframes, piecewise linear
# ---------------------------------------------------------------------------------------------
def keyed(t: np.ndarray, keys: list[tuple[float, object]]) -> np.ndarray:
    """Piecewise-linear interpolation of keyframes (time, value or vector) at times t: (T, ...)."""
    times = np.array([k[0] for k in keys], float)
    vals = np.array([np.atleast_1d(np.asarray(k[1], float)) for k in keys])
    out = np.stack([np.interp(t, times, vals[:, j]) for j in range(vals.shape[1])], axis=-1)
    return out if np.ndim(keys[0][1]) else out[:, 0]


def triangle(x: np.ndarray) -> np.ndarray:
    """A triangle wave of period 1 in [-1, 1] (piecewise linear, unlike a sine)."""
    return 4 * np.abs(x - np.floor(x + 0.5)) - 1


class Path:
    """The gesture's progress 0 -> 1 over [t0, t1]: two straight pieces meeting at a kink."""

    def __init__(self, t0: float, t1: float, kink_t: float, kink_p: float):
        self.keys = [(t0, 0.0), (t0 + kink_t * (t1 - t0), kink_p), (t1, 1.0)]
        self.t0, self.t1 = t0, t1

    def __call__(self, t: np.ndarray, reverse: bool = False) -> np.ndarray:
        p = np.interp(t, [k[0] for k in self.keys], [k[1] for k in self.keys])
        return 1 - p if reverse else p


# ---------------------------------------------------------------------------------------------
# Colours and backgrounds
# ---------------------------------------------------------------------------------------------
def lab_colour(lightness: float, a: float, b: float) -> np.ndarray:
    """RGB in [0, 1] of a CIE Lab colour (L in 0..100, a and b around 0)."""
    lab = np.array([[[lightness * 255 / 100, a + 128, b + 128]]], np.uint8)
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)[0, 0] / 255.0


def skin_tone(r: np.random.Generator) -> np.ndarray:
    """Light to dark along one line in Lab, with its own redness and yellowness."""
    depth = r.uniform()
    return lab_colour(84 - 56 * depth, r.uniform(7, 19), r.uniform(11, 27) - 4 * depth)


def random_colour(r: np.random.Generator, lo: float = 0.05, hi: float = 0.95) -> np.ndarray:
    return lab_colour(100 * r.uniform(lo, hi), r.uniform(-40, 40), r.uniform(-40, 40))


_IMAGE_CACHE: dict[str, np.ndarray] = {}


def load_image(name: str) -> np.ndarray:
    """A bundled image as float RGB in [0, 1] (greyscale ones as three equal channels)."""
    if name not in _IMAGE_CACHE:
        bgr = cv2.imread(str(ASSETS / name), cv2.IMREAD_COLOR)
        if bgr is None:
            raise FileNotFoundError(f"transfer image missing: {ASSETS / name}")
        _IMAGE_CACHE[name] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.float32) / 255
    return _IMAGE_CACHE[name]


def photo_background(r: np.random.Generator, size: int) -> np.ndarray:
    img = load_image(IMAGES[r.integers(len(IMAGES))][0])
    h, w = img.shape[:2]
    side = int(min(h, w) * r.uniform(0.45, 1.0))
    y0, x0 = r.integers(0, h - side + 1), r.integers(0, w - side + 1)
    crop = cv2.resize(img[y0 : y0 + side, x0 : x0 + side], (size, size), interpolation=cv2.INTER_LINEAR)
    if r.uniform() < 0.5:
        crop = crop[:, ::-1]
    tint = 0.55 + 0.5 * random_colour(r, 0.6, 0.95)
    contrast = r.uniform(0.5, 1.1)
    return np.clip((crop - crop.mean()) * contrast + crop.mean(), 0, 1) * tint


def room_background(r: np.random.Generator, size: int) -> np.ndarray:
    """A wall, a floor or desk edge, a door or window and a shelf, in flat colours."""
    img = np.empty((size, size, 3), np.float32)
    img[:] = random_colour(r, 0.45, 0.95)
    floor = int(size * r.uniform(0.6, 0.95))
    img[floor:] = random_colour(r, 0.2, 0.7)
    for _ in range(r.integers(1, 4)):
        x0, y0 = r.integers(0, size, 2)
        w, h = (r.uniform(0.1, 0.45, 2) * size).astype(int)
        cv2.rectangle(img, (int(x0), int(y0)), (int(x0 + w), int(y0 + h)), random_colour(r).tolist(), -1)
        if r.uniform() < 0.5:  # a frame around it
            cv2.rectangle(
                img,
                (int(x0), int(y0)),
                (int(x0 + w), int(y0 + h)),
                random_colour(r, 0.05, 0.4).tolist(),
                max(1, size // 60),
            )
    y = int(size * r.uniform(0.15, 0.5))
    cv2.line(
        img,
        (0, y),
        (size, y + int(size * r.uniform(-0.05, 0.05))),
        random_colour(r, 0.1, 0.5).tolist(),
        max(1, size // 40),
    )
    return img


def blob_background(r: np.random.Generator, size: int) -> np.ndarray:
    """Low-frequency colour blobs: a coarse random grid upsampled with a cubic filter."""
    n = int(r.integers(3, 7))
    grid = np.stack([random_colour(r, 0.2, 0.95) for _ in range(n * n)]).reshape(n, n, 3).astype(np.float32)
    return np.clip(cv2.resize(grid, (size, size), interpolation=cv2.INTER_CUBIC), 0, 1)


def background(r: np.random.Generator, size: int) -> tuple[np.ndarray, str]:
    kind = ("photo", "room", "blobs")[r.choice(3, p=(0.6, 0.25, 0.15))]
    img = {"photo": photo_background, "room": room_background, "blobs": blob_background}[kind](r, size)
    sigma = r.uniform(0.0, 1.6) * size / 224
    if sigma > 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)  # out of focus behind the hand
    return img.astype(np.float32), kind


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------
def _fixed(pts: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(pts) * (1 << SHIFT)).astype(np.int32)


def rgb8(colour) -> tuple:
    """An RGB colour in [0, 1] as OpenCV's 0..255 scalar."""
    return tuple(float(v) for v in np.clip(np.asarray(colour) * 255, 0, 255))


def fill(layer: np.ndarray, alpha: np.ndarray | None, pts: np.ndarray, colour, outline=None, width: int = 1):
    """A filled polygon (pixel coordinates) on a uint8 layer and its alpha. OpenCV anti-aliases
    only 8-bit images; on a black layer the result is premultiplied by the edge's coverage."""
    p = [_fixed(pts)]
    cv2.fillPoly(layer, p, rgb8(colour), cv2.LINE_AA, SHIFT)
    if alpha is not None:
        cv2.fillPoly(alpha, p, 255, cv2.LINE_AA, SHIFT)
    if outline is not None:
        cv2.polylines(layer, p, True, rgb8(outline), width, cv2.LINE_AA, SHIFT)


def disc(layer: np.ndarray, alpha: np.ndarray | None, centre, radius: float, colour):
    c, rad = tuple(int(v) for v in _fixed(centre)), int(round(radius * (1 << SHIFT)))
    cv2.circle(layer, c, rad, rgb8(colour), -1, cv2.LINE_AA, SHIFT)
    if alpha is not None:
        cv2.circle(alpha, c, rad, 255, -1, cv2.LINE_AA, SHIFT)


def segment(a: np.ndarray, b: np.ndarray, wa: float, wb: float) -> np.ndarray:
    """A tapered quad from a (width wa) to b (width wb), in the hand's coordinates."""
    d = b - a
    n = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-6)
    return np.array([a + n * wa / 2, b + n * wb / 2, b - n * wb / 2, a - n * wa / 2])


def draw_hand(layer, alpha, hand_alpha, st: dict, look: dict, size: int) -> None:
    """One hand (with its forearm) on the layer; hand_alpha gets the hand without the forearm."""
    theta, ts, fu, fr = st["theta"], look["thumb_side"], look["squash"], st["fore"]
    ux = np.array([math.cos(theta), math.sin(theta)])
    vx = np.array([math.sin(theta), -math.cos(theta)])
    scale = st["length"] * size
    centre = np.array([st["x"], st["y"]]) * size

    def img(p, fore: bool = True) -> np.ndarray:
        p = np.atleast_2d(p)
        v = WRIST_V + (p[:, 1] - WRIST_V) * (fr if fore else 1.0)
        return centre + scale * (fu * ts * p[:, :1] * ux + v[:, None] * vx)

    # the forearm turns about the wrist by its own angle (a bent wrist for thumb up/down)
    wrist = img((0.0, WRIST_V))[0]
    ua, va = (
        np.array([math.cos(st["arm"]), math.sin(st["arm"])]),
        np.array([math.sin(st["arm"]), -math.cos(st["arm"])]),
    )

    def arm_img(p) -> np.ndarray:
        p = np.atleast_2d(p)
        return wrist + scale * (fu * ts * p[:, :1] * ua + (p[:, 1:] - WRIST_V) * va)

    def part(pts, colour=None):  # a hand part: on the layer with an outline, and in hand_alpha
        fill(layer, alpha, pts, skin if colour is None else colour, dark, edge)
        fill(hand_alpha, None, pts, (1, 1, 1))

    def tip_disc(centre_px, radius):
        disc(layer, alpha, centre_px, radius, skin)
        disc(hand_alpha, None, centre_px, radius, (1, 1, 1))

    skin = look["skin"] * st["shade"]
    dark = skin * 0.62
    edge = max(1, int(round(size / 160)))
    # forearm: skin near the wrist, then the sleeve, out past the frame's edge
    arm = np.array([(-0.17, WRIST_V + 0.02), (0.16, WRIST_V + 0.02), (0.2, -0.6), (-0.21, -0.6)])
    fill(layer, alpha, arm_img(arm), skin, dark, edge)
    sleeve = np.array([(-0.24, -0.55), (0.23, -0.55), (0.3, -2.8), (-0.3, -2.8)])
    fill(layer, alpha, arm_img(sleeve), look["sleeve"], look["sleeve"] * 0.6, edge)
    part(img(PALM))
    pose = st["pose"]
    mean_squash = scale * (fu + fr) / 2
    for i in (3, 2, 1, 0):  # pinky first: the index finger ends on top
        a = pose[ANG][i]
        d = np.array([math.sin(a), math.cos(a)])
        k = KNUCKLES[i]
        tip = k + d * FINGER_LEN[i] * (0.22 + 0.78 * pose[EXT][i])
        part(img(segment(k - d * 0.04, tip, FINGER_W[i], FINGER_W[i] * 0.8)))
        tip_disc(img(tip)[0], 0.4 * FINGER_W[i] * mean_squash)
    tip = pose[TIP]
    mid = THUMB_BASE + 0.5 * (tip - THUMB_BASE) + np.array([0.03, 0.0])
    for a, b, wa, wb in ((THUMB_BASE, mid, THUMB_W, 0.09), (mid, tip, 0.09, 0.075)):
        part(img(segment(a, b, wa, wb)))
    tip_disc(img(tip)[0], 0.037 * mean_squash)


def draw_person(canvas: np.ndarray, p: dict, dx: float, size: int) -> None:
    """Head and shoulders behind the hand, drawn straight onto the uint8 background."""
    s, aa = size, cv2.LINE_AA
    x = (p["x"] + dx) * s
    cv2.ellipse(
        canvas,
        (int(x), int(1.08 * s)),
        (int(p["shoulders"] * s), int(0.36 * s)),
        0,
        0,
        360,
        rgb8(p["shirt"]),
        -1,
        aa,
    )
    hx, hy, hr = x, p["y"] * s, p["r"] * s
    cv2.rectangle(
        canvas,
        (int(hx - 0.35 * hr), int(hy)),
        (int(hx + 0.35 * hr), int(hy + 1.5 * hr)),
        rgb8(p["skin"] * 0.8),
        -1,
    )
    cv2.ellipse(
        canvas,
        (int(hx), int(hy - 0.12 * hr)),
        (int(0.9 * hr), int(1.08 * hr)),
        0,
        0,
        360,
        rgb8(p["hair"]),
        -1,
        aa,
    )
    cv2.ellipse(
        canvas, (int(hx), int(hy + 0.08 * hr)), (int(0.78 * hr), int(hr)), 0, 0, 360, rgb8(p["skin"]), -1, aa
    )
    eye = (max(1, int(0.1 * hr)), max(1, int(0.06 * hr)))
    for side in (-1, 1):
        cv2.ellipse(canvas, (int(hx + side * 0.32 * hr), int(hy)), eye, 0, 0, 360, (20, 15, 12), -1, aa)
    cv2.line(
        canvas,
        (int(hx - 0.25 * hr), int(hy + 0.5 * hr)),
        (int(hx + 0.25 * hr), int(hy + 0.5 * hr)),
        rgb8(p["skin"] * 0.6),
        max(1, int(0.06 * hr)),
        aa,
    )


def draw_prop(layer, alpha, centre, size_px: float, angle: float, colour) -> None:
    """A mug or phone: a rotated rectangle, held in the hand for doing_other_things."""
    box = cv2.boxPoints(((float(centre[0]), float(centre[1])), (size_px * 0.6, size_px), math.degrees(angle)))
    fill(layer, alpha, box, colour, colour * 0.5, 1)


# ---------------------------------------------------------------------------------------------
# The class laws
# ---------------------------------------------------------------------------------------------
DIRECTIONS = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}


def _draw_motion(r: np.random.Generator, name: str, t: np.ndarray, dur: float, thumb_side: float) -> dict:
    """Per-frame hand states (x, y, length, theta, fore, shade, pose (T, 10)) and extras."""
    T = len(t)
    # ---- label-independent draws, in the same order for every class
    length = r.uniform(0.28, 0.4)
    travel = r.uniform(0.3, 0.44)
    ratio = r.uniform(1.4, 1.8)
    frac = r.uniform(0.5, 0.85)
    t0 = r.uniform() * (1 - frac) * dur
    path = Path(t0, t0 + frac * dur, r.uniform(0.35, 0.65), r.uniform(0.3, 0.7))
    theta0 = r.uniform(-0.3, 0.3)
    jitter = r.uniform(0.0, 0.004)
    cx, cy = r.uniform(-1, 1), r.uniform(-1, 1)  # where in its free range the hand sits
    noise = r.normal(0, 1, (T, 3))
    p_open = pose_open(r)

    def place(margin_x: float, top: float, bottom: float, span=(0.0, 0.0)) -> tuple[float, float]:
        """A centre whose path of extent `span` keeps the hand inside the frame."""
        hx = max(0.0, 0.5 - margin_x - span[0] / 2)
        lo, hi = top + span[1] / 2, 1 - bottom - span[1] / 2
        return 0.5 + cx * hx, (lo + hi) / 2 + cy * max(0.0, (hi - lo) / 2)

    full = np.ones(T)
    st = {
        "length": full * length,
        "theta": full * theta0,
        "fore": full.copy(),
        "shade": full.copy(),
        "pose": np.tile(p_open, (T, 1)),
        "present": True,
        "prop": None,
    }
    x, y = place(0.4 * length, 0.72 * length, 0.45 * length)
    prog = path(t)
    ramp = lambda a, b, rev=False: a + (b - a) * path(t, rev)  # noqa: E731

    # ---- the label
    parts = name.split("_")
    if parts[0] in ("swiping", "sliding"):
        if parts[0] == "sliding":
            st["pose"] = np.tile(pose_two(r), (T, 1))
        dx, dy = DIRECTIONS[parts[-1]]
        x, y = place(0.4 * length, 0.72 * length, 0.45 * length, (travel * abs(dx), travel * abs(dy)))
        x = x + dx * travel * (prog - 0.5)
        y = y + dy * travel * (prog - 0.5)
        st["theta"] = ramp(theta0, theta0 + r.uniform(-0.25, 0.25))
    elif parts[0] in ("pushing", "pulling"):
        if "two" in parts:
            st["pose"] = np.tile(pose_two(r), (T, 1))
        big, small = length * math.sqrt(ratio), length / math.sqrt(ratio)
        x, y = place(0.4 * big, 0.72 * big, 0.45 * big)
        st["length"] = ramp(big, small, parts[0] == "pulling")  # away = smaller
        x = x + r.uniform(-0.03, 0.03) * prog
    elif parts[0] == "rolling":
        if r.uniform() < 0.5:
            st["pose"] = np.tile(pose_flat(r), (T, 1))
        # forward: the fingertips tip towards the camera, so the hand foreshortens and the palm
        # turns away from the light
        fore = r.uniform(0.25, 0.45)
        back = parts[-1] == "backward"
        st["fore"] = ramp(1.0, fore, back)
        st["shade"] = ramp(1.0, r.uniform(0.65, 0.8), back)
    elif parts[0] == "turning":
        if r.uniform() < 0.3:
            st["pose"] = np.tile(pose_flat(r), (T, 1))
        x, y = place(0.75 * length, 0.75 * length, 0.75 * length)
        frames_in = max(1.0, (path.t1 - path.t0) * (T - 1) / max(dur, 1e-9))
        angle = min(r.uniform(math.radians(60), math.radians(150)), math.radians(16) * frames_in)
        st["theta"] = ramp(theta0 - angle / 2, theta0 + angle / 2, parts[-1] == "counterclockwise")
    elif parts[0] == "zooming":
        closed, opened = (pose_bunch(r), p_open) if "full" in parts else (pose_pinch(r), pose_l(r))
        out = parts[1] == "out"
        st["pose"] = closed + (opened - closed) * path(t, out)[:, None]  # in = spreading
        st["theta"] = full * theta0 * 0.5
    elif parts[0] == "thumb":
        # turned a quarter so that the thumb's side of the fist faces up (or down)
        sign = -1.0 if parts[1] == "up" else 1.0
        st["theta"] = full * (sign * thumb_side * math.pi / 2 + r.uniform(-0.3, 0.3))
        x, y = place(0.75 * length, 0.75 * length, 0.75 * length)
        fist, out = pose_fist(r), pose_thumb_out(r)
        hold = Path(path.t0, path.t0 + r.uniform(0.3, 0.5) * (path.t1 - path.t0), 0.5, 0.5)
        st["pose"] = fist + (out - fist) * hold(t)[:, None]
        st["arm"] = st["theta"] * r.uniform(0.2, 0.4)  # the forearm stays roughly upright
        x = x + r.uniform(-0.04, 0.04) * prog
    elif name == "shaking_hand":
        x, y = place(0.4 * length + 0.13, 0.72 * length, 0.45 * length)
        f, ph, amp = r.uniform(1.8, 3.2), r.uniform(), r.uniform(0.07, 0.13)
        env = np.interp(t, [path.t0, path.t0 + 0.15, path.t1 - 0.15, path.t1], [0, 1, 1, 0])
        wave = triangle(f * t + ph) * env
        x = x + amp * wave
        st["theta"] = theta0 + r.uniform(0.1, 0.3) * wave
    elif name == "stop_sign":
        up = Path(path.t0, path.t0 + r.uniform(0.25, 0.45) * (path.t1 - path.t0), 0.5, 0.5)
        relaxed, flat = pose_relaxed(r), pose_flat(r)
        st["pose"] = relaxed + (flat - relaxed) * up(t)[:, None]
        y = y + r.uniform(0.03, 0.08) * (1 - up(t))
        st["theta"] = full * theta0 * 0.5
    elif name == "drumming_fingers":
        base = _pose([0.45] * 4, [0.1, 0.03, -0.03, -0.1], (0.3, 0.1))
        f, ph, lag, amp = (
            r.uniform(2.0, 3.5),
            r.uniform(),
            r.choice([-1, 1]) * r.uniform(0.15, 0.3),
            r.uniform(0.3, 0.4),
        )
        pose = np.tile(base, (T, 1))
        for i in range(4):
            pose[:, i] = base[i] + amp * triangle(f * t + ph + i * lag)
        st["pose"] = pose
        st["fore"] = full * r.uniform(0.55, 0.8)
    elif name == "no_gesture":
        st["present"] = r.uniform() >= 0.4
        st["pose"] = np.tile(pose_relaxed(r), (T, 1))
        st["theta"] = full * (theta0 + r.uniform(-0.5, 0.5))
        x = x + r.uniform(-0.015, 0.015) * t / max(dur, 1e-9)
    elif name == "doing_other_things":
        x, y = _other_things(r, st, t, dur, length, x, y)
    else:  # pragma: no cover - every class is handled above
        raise AssertionError(name)

    st["x"] = x + jitter * noise[:, 0] + np.zeros(T)
    st["y"] = y + jitter * noise[:, 1] + np.zeros(T)
    st["theta"] = st["theta"] + 3 * jitter * noise[:, 2]
    st["arm"] = st["theta"] if "arm" not in st else st["arm"] + 3 * jitter * noise[:, 2]
    return st


def _other_things(r: np.random.Generator, st: dict, t: np.ndarray, dur: float, length: float, x, y):
    """Hand busy with something that is none of the gestures: scratching, carrying a mug up and
    back, or fidgeting between resting poses."""
    T = len(t)
    mode = r.integers(3)
    if mode == 0:  # scratching: the fingers rake fast, the hand barely moves
        claw = pose_claw(r)
        f, ph, amp = r.uniform(3.0, 5.0), r.uniform(), r.uniform(0.2, 0.35)
        pose = np.tile(claw, (T, 1))
        pose[:, EXT] += amp * triangle(f * t + ph)[:, None]
        st["pose"] = pose
        a = r.uniform(0, 2 * math.pi)
        wob = r.uniform(0.008, 0.02) * triangle(f * t + ph)
        return x + wob * math.cos(a), y + wob * math.sin(a)
    if mode == 1:  # a mug lifted a little and put back where it was
        st["pose"] = np.tile(pose_fist(r), (T, 1))
        lift = r.uniform(0.05, 0.12)
        a, b = r.uniform(0.1, 0.4) * dur, r.uniform(0.6, 0.9) * dur
        up = np.interp(t, [0, a, (a + b) / 2, b, dur], [0, 0, 1, 0, 0])
        st["prop"] = {"colour": random_colour(r), "size": r.uniform(0.45, 0.65)}
        st["theta"] = st["theta"] * 0.3
        return x + r.uniform(-0.04, 0.04) * up, y - lift * up
    # fidgeting: a few resting poses in turn, a slow wander
    n = int(r.integers(3, 5))
    times = np.linspace(0, dur, n)
    st["pose"] = keyed(t, [(tk, pose_relaxed(r)) for tk in times])
    walk = keyed(t, [(tk, r.uniform(-0.03, 0.03, 2)) for tk in times])
    return x + walk[:, 0], y + walk[:, 1]


# ---------------------------------------------------------------------------------------------
# A clip
# ---------------------------------------------------------------------------------------------
def render_clip(seed: int, index: int, spec: ClipSpec) -> dict:
    """Clip `index`: video uint8 (T, res, res, 3) RGB, label, coverage float32 (T, res, res) (the
    hand's share of each pixel, forearm excluded) and mask bool (T', g, g) (patches the hand covers)."""
    label = index % len(GESTURES)
    name = GESTURES[label]
    r = np.random.default_rng([seed, STREAM, index])
    T, res = spec.frames, spec.res
    S = res * SS
    t = np.arange(T) / spec.fps
    dur = (T - 1) / spec.fps
    # ---- the look: label-independent, drawn before the motion
    bg, bg_kind = background(r, S)
    skin = skin_tone(r)
    look = {
        "skin": skin,
        "sleeve": random_colour(r, 0.1, 0.9),
        "thumb_side": float(r.choice([-1.0, 1.0])),  # right or left hand
        "squash": r.uniform(0.78, 1.0),  # the palm a little turned away
    }
    light = r.uniform(-1, 1, 2)
    person = None
    if r.uniform() < 0.6:
        person = {
            "x": r.uniform(0.3, 0.7),
            "y": r.uniform(0.18, 0.35),
            "r": r.uniform(0.09, 0.15),
            "shoulders": r.uniform(0.3, 0.45),
            "skin": skin if r.uniform() < 0.85 else skin_tone(r),
            "shirt": random_colour(r),
            "hair": lab_colour(r.uniform(5, 60), r.uniform(0, 15), r.uniform(0, 25)),
            "sway": r.uniform(-0.02, 0.02),
        }
    cam_step = r.uniform(0.0, 0.004)
    cam_walk = np.cumsum(r.normal(0, 1, (T, 3)), axis=0) * [cam_step, cam_step, cam_step * 2]
    zoom = r.uniform(-0.04, 0.04)
    gamma = r.uniform(0.8, 1.25)
    wb = r.uniform(0.88, 1.12, 3)
    gain0, gain1, step_t = r.uniform(0.85, 1.15), r.uniform(0.9, 1.1), r.uniform(0, dur + 1e-9)
    shot, read = r.uniform(0.02, 0.5), r.uniform(0.5, 4.0)
    quality = int(r.integers(25, 91))
    noise_seed = int(r.integers(2**31))
    # ---- the motion
    st = _draw_motion(r, name, t, dur, look["thumb_side"])

    nrng = np.random.default_rng(noise_seed)
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float32) / S - 0.5
    shading = (1 + 0.25 * (light[0] * xx + light[1] * yy))[..., None]
    video = np.empty((T, res, res, 3), np.uint8)
    coverage = np.zeros((T, res, res), np.float32)
    bg8 = np.round(np.clip(bg, 0, 1) * 255).astype(np.uint8)
    for k in range(T):
        canvas = bg8.copy()
        if person is not None:
            draw_person(canvas, person, person["sway"] * k / max(T - 1, 1), S)
        layer = np.zeros((S, S, 3), np.uint8)  # premultiplied by alpha (drawn on black)
        alpha = np.zeros((S, S), np.uint8)
        hand = np.zeros((S, S), np.uint8)
        if st["present"]:
            state = {key: st[key][k] for key in ("x", "y", "length", "theta", "arm", "fore", "shade", "pose")}
            draw_hand(layer, alpha, hand, state, look, S)
            if st["prop"] is not None:
                ang = state["theta"]
                tip = (
                    np.array(
                        [
                            state["x"] + 0.3 * state["length"] * math.sin(ang),
                            state["y"] - 0.3 * state["length"] * math.cos(ang),
                        ]
                    )
                    * S
                )
                draw_prop(
                    layer, alpha, tip, st["prop"]["size"] * state["length"] * S, ang, st["prop"]["colour"]
                )
        a = alpha[..., None].astype(np.float32) / 255
        frame = canvas.astype(np.float32) / 255 * (1 - a) + layer.astype(np.float32) / 255 * shading
        hand = hand.astype(np.float32) / 255
        # camera: the whole composite moves, zooms and turns a little
        m = cv2.getRotationMatrix2D(
            (S / 2, S / 2), math.degrees(cam_walk[k, 2]), 1 + zoom * k / max(T - 1, 1)
        )
        m[:, 2] += cam_walk[k, :2] * S
        frame = cv2.warpAffine(frame, m, (S, S), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        hand = cv2.warpAffine(hand, m, (S, S), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        frame = cv2.resize(frame, (res, res), interpolation=cv2.INTER_AREA)
        coverage[k] = np.clip(cv2.resize(hand, (res, res), interpolation=cv2.INTER_AREA), 0, 1)
        gain = gain0 if t[k] < step_t else gain1
        frame = np.clip(frame * wb * gain, 0, 1) ** gamma * 255
        frame = frame + nrng.normal(0, 1, frame.shape) * np.sqrt(shot * frame + read**2)
        bgr = cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        video[k] = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    g, p, tub = res // spec.patch, spec.patch, spec.tubelet
    share = coverage.reshape(T // tub, tub, g, p, g, p).mean(axis=(1, 3, 5))
    return {
        "video": video,
        "label": label,
        "coverage": coverage,
        "mask": share >= MASK_COVER,
        "background": bg_kind,
        "hand_present": bool(st["present"]),
    }


def build_set(seed: int, count: int, spec: ClipSpec, progress: bool = False) -> dict:
    """Clips 0..count-1: video uint8 (N, T, res, res, 3), label int64 (N,), mask bool (N, T', g, g)."""
    g = spec.res // spec.patch
    video = np.empty((count, spec.frames, spec.res, spec.res, 3), np.uint8)
    label = np.empty(count, np.int64)
    mask = np.empty((count, spec.frames // spec.tubelet, g, g), bool)
    indices = range(count)
    if progress:
        from tqdm import tqdm

        indices = tqdm(indices, desc="compositing transfer clips", unit="clip")
    for i in indices:
        clip = render_clip(seed, i, spec)
        video[i], label[i], mask[i] = clip["video"], clip["label"], clip["mask"]
    return {"video": video, "label": label, "mask": mask}
