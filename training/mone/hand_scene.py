"""Hand-gesture scenes: every clip's parameters, drawn on the CPU, and the hand's skeleton.

A clip is about 600 floats (a `ScenePack` row): smooth parameter curves for two articulated
hands (hand 0 performs the label, hand 1 is a distractor that never gestures), two props, the
camera, and static look parameters (background crop, person behind, light, noise, compression).
`hand_render.render` turns a pack into video on any device; nothing random happens there, so a clip
is fixed by (seed, split, index) wherever it is rendered.

Conventions (as in data.py): image coordinates in frame units, x to the right, y *down*; the frame
is square. Directions are those of the mirrored selfie view the model gets (gestures.py). A
positive in-plane angle turns +x towards +y, i.e. clockwise on screen.

Every channel of every curve follows one law (see `eval_curves`):

    value(t) = v0 + (v1 - v0) * ease(t; w0, w1)                   # the gesture: start -> end pose
             + a1 * window(t; w0, w1) * sin(2 pi f1 t + p1)       # oscillation inside the gesture
             + a2 * sin(2 pi f2 t + p2)                           # tremor / fidget, whole clip

`ease` is a cosine ramp that is 0 before w0 and 1 after w1, so before and after the gesture the hand
holds its start and end pose; time-reversed classes replay hand 0's curves at (duration - t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import torch

from .data import SPLIT_IDS
from .gestures import GESTURES

CLASS_ID = {name: i for i, name in enumerate(GESTURES)}
# Versions of the scene law; part of any cache key, so splits made by different laws never mix.
VERSIONS = (1,)


@dataclass(frozen=True)
class GestureSpec:
    frames: int = 16
    fps: float = 12.0
    res: int = 112
    patch: int = 16
    tubelet: int = 2
    version: int = 1
    difficulty: float = 1.0  # scales the label-independent nuisances (camera, noise, blur); 0 = clean
    subframes: int = 2  # hand renders averaged per frame (motion blur)
    backgrounds: str = "train"  # "train" or "heldout" (out-of-distribution photographs)

    def __post_init__(self):
        if self.version not in VERSIONS:
            raise ValueError(f"version must be one of {VERSIONS}, got {self.version!r}")
        if self.backgrounds not in ("train", "heldout"):
            raise ValueError(f"backgrounds must be 'train' or 'heldout', got {self.backgrounds!r}")
        if self.res % self.patch or self.frames % self.tubelet:
            raise ValueError("res must be a multiple of patch and frames a multiple of tubelet")

    @property
    def duration(self) -> float:
        """Seconds from the first frame's time to the last one's."""
        return (self.frames - 1) / self.fps

    @property
    def grid(self) -> int:
        return self.res // self.patch


# ---------------------------------------------------------------------------------------------
# Parameter layout
# ---------------------------------------------------------------------------------------------
V0, V1, W0, W1, A1, F1, P1, A2, F2, P2 = range(10)
CURVE_LEN = 10

FINGERS = ("index", "middle", "ring", "pinky")
POSE_CH = (("spread",) + tuple(f"mcp_{f}" for f in FINGERS) + tuple(f"pip_{f}" for f in FINGERS)) + (
    "thumb_abd",
    "thumb_opp",
    "thumb_curl",
)
HAND_CH = ("x", "y", "log_size", "roll", "pitch", "yaw") + POSE_CH
HAND_STATIC = (
    "present",
    "handed",  # +1 / -1: which side of the palm the thumb is on
    "palm_w",
    "len_index",
    "len_middle",
    "len_ring",
    "len_pinky",
    "thick",
    "skin_r",
    "skin_g",
    "skin_b",
    "sleeve",  # 0: bare forearm; else the sleeve starts this many hand lengths from the wrist
    "sleeve_r",
    "sleeve_g",
    "sleeve_b",
    "wrist_bend",
    "gloss",
)
OBJ_CH = ("x", "y", "angle", "log_size")
OBJ_STATIC = ("present", "kind", "aspect", "r", "g", "b", "r2", "g2", "b2")
OBJ_KINDS = ("phone", "mug", "book", "bottle")
CAM_CH = ("dx", "dy", "log_zoom", "rot", "exposure", "wb_r", "wb_b")
SCENE = (
    "bg_u",  # which background image, as a fraction of the bank
    "bg_crop",  # crop side as a fraction of the image's short side
    "bg_cx",
    "bg_cy",
    "bg_flip",
    "bg_r",
    "bg_g",
    "bg_b",
    "bg_sat",
    "bg_contrast",
    "light_x",
    "light_y",
    "ambient",
    "grad_x",
    "grad_y",
    "noise",
    "quality",
    "vignette",
    "shutter",
    "person",
    "head_x",
    "head_y",
    "head_r",
    "face_r",
    "face_g",
    "face_b",
    "hair_r",
    "hair_g",
    "hair_b",
    "hair_long",
    "shirt_r",
    "shirt_g",
    "shirt_b",
    "shirt2_r",
    "shirt2_g",
    "shirt2_b",
    "stripe_f",
    "stripe_a",
)
HC = {n: i for i, n in enumerate(HAND_CH)}
HS = {n: i for i, n in enumerate(HAND_STATIC)}
OC = {n: i for i, n in enumerate(OBJ_CH)}
OS = {n: i for i, n in enumerate(OBJ_STATIC)}
CC = {n: i for i, n in enumerate(CAM_CH)}
SC = {n: i for i, n in enumerate(SCENE)}

# Skin tones from very light to very dark (sRGB, 0-1); a clip interpolates between neighbours.
SKIN_ANCHORS = np.array(
    [
        [0.98, 0.87, 0.77],
        [0.95, 0.79, 0.66],
        [0.89, 0.70, 0.56],
        [0.80, 0.59, 0.44],
        [0.67, 0.47, 0.33],
        [0.53, 0.36, 0.24],
        [0.40, 0.27, 0.18],
        [0.28, 0.19, 0.13],
    ]
)
# hair colours: black, dark brown, brown, blond, red, grey
HAIR = np.array([[0.06, 0.05, 0.05], [0.22, 0.14, 0.08], [0.45, 0.3, 0.15], [0.75, 0.6, 0.35]])
HAIR = np.concatenate([HAIR, [[0.55, 0.22, 0.1], [0.6, 0.6, 0.6]]])


@dataclass
class ScenePack:
    """A batch of clip parameters: fp32 tensors with the batch first, plus CPU-side facts."""

    label: torch.Tensor  # (B,) int64
    hands: torch.Tensor  # (B, 2, len(HAND_CH), 10) curves; hand 0 gestures, hand 1 distracts
    hand_static: torch.Tensor  # (B, 2, len(HAND_STATIC))
    reverse: torch.Tensor  # (B,) 1.0 where hand 0's curves play backwards in time
    objects: torch.Tensor  # (B, 2, len(OBJ_CH), 10)
    object_static: torch.Tensor  # (B, 2, len(OBJ_STATIC))
    camera: torch.Tensor  # (B, len(CAM_CH), 10)
    scene: torch.Tensor  # (B, len(SCENE))
    seed: torch.Tensor  # (B,) int64, keys the pixel-noise hash
    facts: dict[str, np.ndarray]  # label-law quantities for tests and reports (CPU only)

    def __len__(self) -> int:
        return int(self.label.shape[0])

    def to(self, device) -> ScenePack:
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        return ScenePack(**{k: (v.to(device) if torch.is_tensor(v) else v) for k, v in kw.items()})

    def slice(self, start: int, stop: int) -> ScenePack:
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        out: dict[str, Any] = {}
        for k, v in kw.items():
            out[k] = {n: a[start:stop] for n, a in v.items()} if k == "facts" else v[start:stop]
        return ScenePack(**out)

    def take(self, rows) -> ScenePack:
        """The clips at these row numbers, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        out: dict[str, Any] = {}
        for k, v in kw.items():
            out[k] = {n: a[rows] for n, a in v.items()} if k == "facts" else v[torch.from_numpy(rows)]
        return ScenePack(**out)

    @staticmethod
    def cat(packs: list[ScenePack]) -> ScenePack:
        out: dict[str, Any] = {}
        for f in fields(ScenePack):
            vals = [getattr(p, f.name) for p in packs]
            if f.name == "facts":
                out[f.name] = {k: np.concatenate([v[k] for v in vals]) for k in vals[0]}
            else:
                out[f.name] = torch.cat(vals)
        return ScenePack(**out)


# ---------------------------------------------------------------------------------------------
# Curves (torch, any device)
# ---------------------------------------------------------------------------------------------
def _smooth(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(0, 1)
    return x * x * (3 - 2 * x)


def eval_curves(curves: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Curves (..., C, 10) at times t (..., S) seconds -> values (..., S, C)."""
    c = curves.unsqueeze(-3)  # (..., 1, C, 10)
    t = t.unsqueeze(-1)  # (..., S, 1)
    w0, w1 = c[..., W0], c[..., W1]
    u = ((t - w0) / (w1 - w0).clamp_min(1e-6)).clamp(0, 1)
    ease = 0.5 - 0.5 * torch.cos(math.pi * u)
    window = _smooth(u / 0.2) * _smooth((1 - u) / 0.2)
    osc1 = c[..., A1] * window * torch.sin(2 * math.pi * c[..., F1] * t + c[..., P1])
    osc2 = c[..., A2] * torch.sin(2 * math.pi * c[..., F2] * t + c[..., P2])
    return c[..., V0] + (c[..., V1] - c[..., V0]) * ease + osc1 + osc2


def hand_states(pack: ScenePack, t: torch.Tensor, duration: float) -> torch.Tensor:
    """Both hands' channels at times t ((S,) or (B, S)) -> (B, 2, S, len(HAND_CH))."""
    t = t.to(pack.hands.device, torch.float32)
    if t.dim() == 1:
        t = t.expand(len(pack), -1)
    rev = pack.reverse[:, None]
    t0 = torch.where(rev > 0.5, duration - t, t)  # hand 0 plays backwards in reversed classes
    return torch.stack([eval_curves(pack.hands[:, 0], t0), eval_curves(pack.hands[:, 1], t)], dim=1)


def frame_times(spec: GestureSpec, device=None) -> torch.Tensor:
    return torch.arange(spec.frames, device=device, dtype=torch.float32) / spec.fps


# ---------------------------------------------------------------------------------------------
# The hand's skeleton (torch, any device)
# ---------------------------------------------------------------------------------------------
# Hand-local geometry in units of the hand's length (wrist to the middle fingertip), origin at the
# wrist, u towards the thumb, v towards the fingers, n out of the palm (towards the camera when the
# palm faces it). The palm is a convex hexagon grown by a radius: the exact orthographic image of a
# rounded slab, so `hand_render` draws it with a polygon SDF. Fingers and thumb are capsules, whose
# orthographic images are again capsules of the same radius.
PALM_CORE = ((-0.12, 0.06), (0.10, 0.06), (0.16, 0.24), (0.14, 0.43), (-0.13, 0.40), (-0.15, 0.22))
PALM_ROUND = 0.055
PALM_CENTRE_V = 0.24
KNUCKLES = ((0.12, 0.47), (0.04, 0.49), (-0.045, 0.475), (-0.12, 0.44))  # index..pinky
SEG_LEN = ((0.21, 0.12, 0.10), (0.23, 0.14, 0.11), (0.21, 0.13, 0.10), (0.17, 0.10, 0.085))
FINGER_R = (0.047, 0.049, 0.046, 0.04)
TAPER = (1.0, 0.9, 0.8)
SPLAY = ((0.08, 0.9), (0.0, 0.25), (-0.04, -0.35), (-0.1, -0.9))  # base angle + k * spread
THUMB_BASE = (0.11, 0.08)
THUMB_LEN = (0.19, 0.14, 0.12)
THUMB_R = (0.062, 0.047, 0.042)
THUMB_BEND = (-0.5, 0.55, 0.7)  # the thumb curls across the palm, up and out of it
FOREARM_R = 0.14
# capsule order as drawn (back to front): pinky, ring, middle, index (3 segments each), thumb (3)
DRAW_FINGERS = (3, 2, 1, 0)
N_CAPSULES = 15


def hand_skeleton(state: torch.Tensor, static: torch.Tensor) -> dict[str, torch.Tensor]:
    """Forward kinematics: channels (..., len(HAND_CH)) and statics (..., len(HAND_STATIC)).

    Returns image-space geometry (frame units): `caps` (..., 15, 2, 2) capsule end points in draw
    order, `radii` (..., 15), `palm` (..., 6, 2) the palm's core polygon and `palm_r` (...,) its
    rounding, `normal` (..., 3) the palm's normal (x, y, z towards the camera), `wrist` (..., 2),
    `arm_dir` (..., 2) unit vector along the forearm, `arm_r` (...,), `keypoints` (..., K, 2).
    """
    st = state
    g = lambda n: st[..., HC[n]]  # noqa: E731
    s = lambda n: static[..., HS[n]]  # noqa: E731
    size = torch.exp(g("log_size"))
    handed, palm_w, thick = s("handed"), s("palm_w"), s("thick")
    ca, sa = torch.cos(g("yaw")), torch.sin(g("yaw"))
    cb, sb = torch.cos(g("pitch")), torch.sin(g("pitch"))
    cg, sg = torch.cos(g("roll")), torch.sin(g("roll"))
    x0, y0 = g("x"), g("y")

    def rotate(u, v, n):
        """Local direction components -> image (x, y, z) without translation or scale."""
        u = u * handed
        u1, n1 = u * ca + n * sa, -u * sa + n * ca  # yaw about v
        v2, n2 = v * cb - n1 * sb, v * sb + n1 * cb  # pitch about u: +pitch tips fingers to camera
        return u1 * cg + v2 * sg, u1 * sg - v2 * cg, n2  # roll in the image plane

    def place(u, v, n):
        x, y, _ = rotate(u, v - PALM_CENTRE_V, n)
        return x0 + size * x, y0 + size * y

    zero = torch.zeros_like(size)
    palm = torch.stack([torch.stack(place(u * palm_w, v + zero, zero), -1) for u, v in PALM_CORE], dim=-2)

    caps, radii = [None] * 12, [None] * 12
    spread = g("spread")
    for f in range(4):
        fname = FINGERS[f]
        flen = s(f"len_{fname}")
        psi = SPLAY[f][0] + SPLAY[f][1] * spread
        du, dv = torch.sin(psi), torch.cos(psi)
        theta = (g(f"mcp_{fname}"), g(f"pip_{fname}"), 0.75 * g(f"pip_{fname}"))
        pu_, pv_, pn_ = KNUCKLES[f][0] * palm_w, KNUCKLES[f][1] + zero, zero
        phi = zero
        slot = DRAW_FINGERS.index(f) * 3
        for k in range(3):
            phi = phi + theta[k]
            length = SEG_LEN[f][k] * flen
            qu = pu_ + length * torch.cos(phi) * du
            qv = pv_ + length * torch.cos(phi) * dv
            qn = pn_ + length * torch.sin(phi)
            a, b = place(pu_, pv_, pn_), place(qu, qv, qn)
            caps[slot + k] = torch.stack([torch.stack(a, -1), torch.stack(b, -1)], dim=-2)
            radii[slot + k] = FINGER_R[f] * TAPER[k] * thick * size
            pu_, pv_, pn_ = qu, qv, qn

    # thumb: base direction from abduction (in the palm plane) and opposition (out of it)
    abd, opp, curl = g("thumb_abd"), g("thumb_opp"), g("thumb_curl")
    d0 = (torch.sin(abd) * torch.cos(opp), torch.cos(abd) * torch.cos(opp), torch.sin(opp))
    k = THUMB_BEND
    kd = k[0] * d0[0] + k[1] * d0[1] + k[2] * d0[2]
    b = [k[i] - kd * d0[i] for i in range(3)]
    bn = torch.sqrt(b[0] ** 2 + b[1] ** 2 + b[2] ** 2).clamp_min(1e-6)
    b = [c / bn for c in b]
    pu_, pv_, pn_ = THUMB_BASE[0] * palm_w + zero, THUMB_BASE[1] + zero, zero
    phi = zero
    for j, th in enumerate((zero, curl, 0.8 * curl)):
        phi = phi + th
        c_, s_ = torch.cos(phi), torch.sin(phi)
        length = THUMB_LEN[j] * s("len_index")
        qu = pu_ + length * (c_ * d0[0] + s_ * b[0])
        qv = pv_ + length * (c_ * d0[1] + s_ * b[1])
        qn = pn_ + length * (c_ * d0[2] + s_ * b[2])
        a_, b_ = place(pu_, pv_, pn_), place(qu, qv, qn)
        caps.append(torch.stack([torch.stack(a_, -1), torch.stack(b_, -1)], dim=-2))
        radii.append(THUMB_R[j] * thick * size)
        pu_, pv_, pn_ = qu, qv, qn

    caps_t = torch.stack(caps, dim=-3)  # (..., 15, 2, 2)
    radii_t = torch.stack(radii, dim=-1)
    nx, ny, nz = rotate(zero, zero, zero + 1.0)
    wx, wy = place(zero, zero, zero)
    # forearm: opposite the fingers in the image plane, bent at the wrist, and pulled towards the
    # bottom edge, where arms come from
    bend = s("wrist_bend")
    ax, ay = -sg, cg
    cw, sw = torch.cos(bend), torch.sin(bend)
    ax, ay = ax * cw - ay * sw, ax * sw + ay * cw
    ay = ay + 1.0
    an = torch.sqrt(ax * ax + ay * ay).clamp_min(1e-6)
    keypoints = torch.cat([palm, caps_t[..., 1, :], caps_t[..., 4, 1, :][..., None, :]], dim=-2)
    return {
        "caps": caps_t,
        "radii": radii_t,
        "palm": palm,
        "palm_r": PALM_ROUND * size * palm_w,
        "normal": torch.stack([nx, ny, nz], dim=-1),
        "wrist": torch.stack([wx, wy], dim=-1),
        "arm_dir": torch.stack([ax / an, ay / an], dim=-1),
        "arm_r": FOREARM_R * thick * size,
        "keypoints": keypoints,
        "size": size,
    }


def visible_fraction(skel: dict[str, torch.Tensor]) -> torch.Tensor:
    """Fraction of the hand's key points (palm corners, finger joints, tips) inside the frame."""
    kp = skel["keypoints"]
    inside = (kp >= 0).all(-1) & (kp <= 1).all(-1)
    return inside.float().mean(-1)


# ---------------------------------------------------------------------------------------------
# Sampling (numpy, CPU): one generator per clip
# ---------------------------------------------------------------------------------------------
class _Draw:
    """Uniform numbers from one clip's generator, fetched in blocks (fast scalar draws)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.buf = rng.random(128)
        self.i = 0

    def u(self, lo: float = 0.0, hi: float = 1.0) -> float:
        if self.i == len(self.buf):
            self.buf, self.i = self.rng.random(128), 0
        x = float(self.buf[self.i])
        self.i += 1
        return lo + (hi - lo) * x

    def pick(self, n: int, p: tuple[float, ...] | None = None) -> int:
        x = self.u()
        if p is None:
            return min(int(x * n), n - 1)
        acc = 0.0
        for i, pi in enumerate(p):
            acc += pi
            if x < acc:
                return i
        return n - 1

    def sign(self) -> float:
        return 1.0 if self.u() < 0.5 else -1.0

    def phase(self) -> float:
        return self.u(0, 2 * math.pi)


def _hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    import colorsys

    return colorsys.hsv_to_rgb(h % 1.0, s, v)


def _skin(d: _Draw) -> np.ndarray:
    x = d.u(0, len(SKIN_ANCHORS) - 1)
    i = min(int(x), len(SKIN_ANCHORS) - 2)
    c = SKIN_ANCHORS[i] * (1 - (x - i)) + SKIN_ANCHORS[i + 1] * (x - i)
    c = c * d.u(0.9, 1.08) * np.array([1.0, d.u(0.96, 1.04), d.u(0.94, 1.06)])
    return np.clip(c, 0, 1)


# Poses: the 12 pose channels (spread, MCP x4, PIP x4, thumb abduction, opposition, curl), angles in
# radians. Each draw varies within the named pose so that no exact pose is a class cue.
def _pose(d: _Draw, spread, mcp, pip, thumb) -> np.ndarray:
    out = [d.u(*spread)]
    out += [d.u(*m) for m in mcp]
    out += [d.u(*p) for p in pip]
    out += [d.u(*t) for t in thumb]
    return np.array(out)


OPEN_F, CURL_F = (0.0, 0.15), (1.3, 1.6)
OPEN_P, CURL_P = (0.0, 0.12), (1.45, 1.8)
TUCKED = ((0.1, 0.3), (0.95, 1.2), (0.6, 0.9))


def pose_open(d):
    return _pose(d, (0.15, 0.35), [OPEN_F] * 4, [OPEN_P] * 4, ((0.65, 1.0), (0.0, 0.25), (0.0, 0.2)))


def pose_flat(d):  # stop sign: fingers together, straight
    return _pose(d, (0.0, 0.08), [(0.0, 0.08)] * 4, [(0.0, 0.06)] * 4, ((0.3, 0.6), (0.0, 0.2), (0.0, 0.15)))


def pose_two(d):  # index and middle extended, others curled, thumb tucked
    return _pose(d, (0.05, 0.3), [OPEN_F, OPEN_F, CURL_F, CURL_F], [OPEN_P, OPEN_P, CURL_P, CURL_P], TUCKED)


def pose_point(d):
    return _pose(d, (0.0, 0.2), [OPEN_F, CURL_F, CURL_F, CURL_F], [OPEN_P, CURL_P, CURL_P, CURL_P], TUCKED)


def pose_fist(d):
    return _pose(d, (0.0, 0.15), [CURL_F] * 4, [CURL_P] * 4, TUCKED)


def pose_thumb_out(d):  # a fist with the thumb straight out to its side
    return _pose(d, (0.0, 0.15), [CURL_F] * 4, [CURL_P] * 4, ((1.25, 1.6), (0.0, 0.3), (0.0, 0.15)))


def pose_bunch(d):  # all fingertips gathered at the thumb's tip (ranges fitted so the tips meet)
    return _pose(
        d, (-0.2, 0.0), [(0.9, 1.05)] * 4, [(0.8, 0.95)] * 4, ((0.0, 0.1), (0.15, 0.35), (0.35, 0.5))
    )


def pose_pinch(d):  # thumb and index tips together, others curled
    return _pose(
        d,
        (0.0, 0.1),
        [(0.85, 1.05), CURL_F, CURL_F, CURL_F],
        [(0.85, 1.1), CURL_P, CURL_P, CURL_P],
        ((0.1, 0.25), (0.3, 0.6), (0.1, 0.3)),
    )


def pose_pinch_open(d):  # thumb and index apart (an "L"), others curled
    return _pose(
        d, (0.0, 0.15), [OPEN_F, CURL_F, CURL_F, CURL_F], [OPEN_P, CURL_P, CURL_P, CURL_P],
        ((1.0, 1.35), (0.0, 0.2), (0.0, 0.15)),
    )  # fmt: skip


def pose_relaxed(d):  # a resting hand: fingers loosely bent, never the flat stop-sign palm
    return _pose(
        d, (0.05, 0.25), [(0.3, 0.8), (0.35, 0.85), (0.4, 0.9), (0.45, 1.0)], [(0.4, 1.0)] * 4,
        ((0.3, 0.7), (0.3, 0.7), (0.2, 0.5)),
    )  # fmt: skip


def pose_loose_fist(d):
    return _pose(d, (0.0, 0.15), [(0.8, 1.2)] * 4, [(0.9, 1.35)] * 4, ((0.2, 0.4), (0.6, 0.9), (0.3, 0.6)))


def pose_claw(d):  # scratching
    return _pose(d, (0.05, 0.2), [(0.2, 0.5)] * 4, [(0.8, 1.2)] * 4, ((0.4, 0.7), (0.3, 0.6), (0.3, 0.6)))


RESTING = (pose_relaxed, pose_loose_fist, pose_point, pose_fist)
POSE0 = HC["spread"]


def _curves(n: int, t0: float, t1: float) -> np.ndarray:
    c = np.zeros((n, CURVE_LEN))
    c[:, W0], c[:, W1] = t0, t1
    c[:, F1] = c[:, F2] = 1.0
    return c


def _set(c: np.ndarray, ch: int, v0: float, v1: float | None = None) -> None:
    c[ch, V0] = v0
    c[ch, V1] = v0 if v1 is None else v1


def _set_pose(c: np.ndarray, start: np.ndarray, end: np.ndarray | None = None) -> None:
    c[POSE0 : POSE0 + 12, V0] = start
    c[POSE0 : POSE0 + 12, V1] = start if end is None else end


def _hand_static(d: _Draw, skin: np.ndarray, sleeve_rgb: np.ndarray) -> np.ndarray:
    st = np.zeros(len(HAND_STATIC))
    st[HS["present"]] = 1.0
    st[HS["handed"]] = d.sign()
    st[HS["palm_w"]] = d.u(0.9, 1.12)
    for f in FINGERS:
        st[HS[f"len_{f}"]] = d.u(0.92, 1.08)
    st[HS["thick"]] = d.u(0.85, 1.2)
    st[HS["skin_r"] : HS["skin_b"] + 1] = skin
    st[HS["sleeve"]] = d.u(0.35, 1.6) if d.u() < 0.75 else 0.0
    st[HS["sleeve_r"] : HS["sleeve_b"] + 1] = sleeve_rgb
    st[HS["wrist_bend"]] = d.u(-0.35, 0.35)
    st[HS["gloss"]] = d.u(0.0, 0.25)
    return st


def _tremor(c: np.ndarray, d: _Draw, amp: float) -> None:
    """Label-independent physiological tremor on position and roll (whole clip)."""
    for ch, scale in (("x", 1.0), ("y", 1.0), ("roll", 3.0)):
        c[HC[ch], A2] = amp * scale * d.u(0.3, 1.0)
        c[HC[ch], F2] = d.u(2.5, 7.0)
        c[HC[ch], P2] = d.phase()


def _draw_clip(d: _Draw, label: int, spec: GestureSpec) -> dict[str, Any]:
    """All parameters of one clip whose hand 0 performs GESTURES[label]."""
    name = GESTURES[label]
    dur = spec.duration
    k = spec.difficulty
    # ---- 1. label-independent draws, in a fixed order: identical laws for every class
    size = d.u(0.24, 0.40)  # hand length in frame heights (geometric mean over the clip)
    travel = d.u(0.30, 0.46)  # distance of translating gestures (frame widths)
    ratio = math.exp(d.u(math.log(1.45), math.log(1.9)))  # scale change of push/pull
    frac = d.u(0.5, 0.85)  # share of the clip the gesture takes
    t0 = d.u() * (1 - frac) * dur
    t1 = t0 + frac * dur
    reach = min(max(0.5 - 0.5 * travel - 0.24 * size, 0.04), 0.2)
    # the anchor is the palm's centre; the fingers reach further up than the wrist down, so the
    # palm sits a little below the middle of the region it may occupy
    ax, ay = 0.5 + d.u(-1, 1) * reach, 0.5 + 0.2 * size + d.u(-1, 1) * reach
    roll0, pitch0, yaw0 = d.u(-0.35, 0.35), d.u(-0.2, 0.2), d.u(-0.45, 0.45)
    skin = _skin(d)
    shirt = np.array(_hsv(d.u(), d.u(0.1, 0.8), d.u(0.15, 0.9)))
    shirt2 = np.array(_hsv(d.u(), d.u(0.0, 0.8), d.u(0.1, 1.0)))
    hs0 = _hand_static(d, skin, shirt)
    tremor = d.u(0.0, 0.003)

    hand = _curves(len(HAND_CH), t0, t1)
    _set(hand, HC["x"], ax)
    _set(hand, HC["y"], ay)
    _set(hand, HC["log_size"], math.log(size))
    _set(hand, HC["roll"], roll0)
    _set(hand, HC["pitch"], pitch0)
    _set(hand, HC["yaw"], yaw0)
    _tremor(hand, d, tremor)

    # scene look
    sc = np.zeros(len(SCENE))
    sc[SC["bg_u"]] = d.u()
    sc[SC["bg_crop"]] = d.u(0.5, 1.0)
    sc[SC["bg_cx"]], sc[SC["bg_cy"]] = d.u(), d.u()
    sc[SC["bg_flip"]] = float(d.u() < 0.5)
    tint = np.array(_hsv(d.u(), d.u(0.0, 0.35), 1.0))
    sc[SC["bg_r"] : SC["bg_b"] + 1] = tint / tint.max() * d.u(0.55, 1.1)
    sc[SC["bg_sat"]] = d.u(0.4, 1.2)
    sc[SC["bg_contrast"]] = d.u(0.5, 1.1)
    sc[SC["light_x"]], sc[SC["light_y"]] = d.u(-0.7, 0.7), d.u(-0.9, 0.2)
    sc[SC["ambient"]] = d.u(0.35, 0.6)
    sc[SC["grad_x"]], sc[SC["grad_y"]] = d.u(-0.25, 0.25) * k, d.u(-0.25, 0.25) * k
    sc[SC["noise"]] = d.u(0.5, 5.0) / 255 * k
    sc[SC["quality"]] = d.u(100 - 65 * k, 97)
    sc[SC["vignette"]] = d.u(0.0, 0.35) * k
    sc[SC["shutter"]] = d.u(0.2, 0.9) * k
    sc[SC["person"]] = float(d.u() < 0.75)
    sc[SC["head_x"]], sc[SC["head_y"]] = d.u(0.3, 0.7), d.u(0.12, 0.4)
    sc[SC["head_r"]] = d.u(0.09, 0.17)
    sc[SC["face_r"] : SC["face_b"] + 1] = skin if d.u() < 0.8 else _skin(d)
    hair = HAIR[d.pick(len(HAIR))] * d.u(0.8, 1.2)
    sc[SC["hair_r"] : SC["hair_b"] + 1] = np.clip(hair, 0, 1)
    sc[SC["hair_long"]] = d.u()
    sc[SC["shirt_r"] : SC["shirt_b"] + 1] = shirt
    sc[SC["shirt2_r"] : SC["shirt2_b"] + 1] = shirt2
    sc[SC["stripe_f"]] = d.u(6, 30) if d.u() < 0.4 else 0.0
    sc[SC["stripe_a"]] = d.u(0, math.pi)

    # camera: shake, slow pan and zoom, exposure and white-balance drift
    cam = _curves(len(CAM_CH), 0.0, dur)
    for ch in ("dx", "dy"):
        _set(cam, CC[ch], 0.0, d.u(-0.02, 0.02) * k)
        cam[CC[ch], A2], cam[CC[ch], F2], cam[CC[ch], P2] = d.u(0, 0.008) * k, d.u(1, 5), d.phase()
    _set(cam, CC["log_zoom"], 0.0, d.u(-0.08, 0.08) * k)
    cam[CC["rot"], A2], cam[CC["rot"], F2], cam[CC["rot"], P2] = d.u(0, 0.02) * k, d.u(0.5, 3), d.phase()
    e0 = d.u(-0.3, 0.2) * k
    _set(cam, CC["exposure"], e0, e0 + d.u(-0.15, 0.15) * k)
    for ch in ("wb_r", "wb_b"):
        w = d.u(-0.12, 0.12) * k
        _set(cam, CC[ch], w, w + d.u(-0.05, 0.05) * k)

    # props: phone, mug, book, bottle; most stand still, some drift a little
    obj = np.zeros((2, len(OBJ_CH), CURVE_LEN))
    ost = np.zeros((2, len(OBJ_STATIC)))
    n_obj = d.pick(3, (0.5, 0.35, 0.15))
    for j in range(2):
        obj[j] = _curves(len(OBJ_CH), 0.0, dur)
        kind = d.pick(len(OBJ_KINDS))
        ost[j, OS["present"]] = float(j < n_obj)
        ost[j, OS["kind"]] = kind
        ost[j, OS["aspect"]] = d.u(0.45, 0.75)
        ost[j, OS["r"] : OS["b"] + 1] = _hsv(d.u(), d.u(0, 0.9), d.u(0.15, 0.95))
        ost[j, OS["r2"] : OS["b2"] + 1] = _hsv(d.u(), d.u(0, 0.6), d.u(0.05, 1.0))
        x, y = d.u(0.1, 0.9), d.u(0.3, 0.95)
        moving = d.u() < 0.4
        _set(obj[j], OC["x"], x, x + (d.u(-0.04, 0.04) if moving else 0.0))
        _set(obj[j], OC["y"], y, y + (d.u(-0.04, 0.04) if moving else 0.0))
        a = d.u(-0.5, 0.5)
        _set(obj[j], OC["angle"], a, a + (d.u(-0.2, 0.2) if moving else 0.0))
        _set(obj[j], OC["log_size"], math.log(d.u(0.1, 0.22)))

    # hand 1: a distractor that never gestures: still, wiggling its fingers in sync, or drifting
    hand1 = _curves(len(HAND_CH), 0.0, dur)
    hs1 = _hand_static(d, skin if d.u() < 0.85 else _skin(d), shirt)
    hs1[HS["present"]] = float(d.u() < 0.35)
    hs1[HS["handed"]] = -hs0[HS["handed"]]
    x1 = min(max(1 - ax + d.u(-0.15, 0.15), 0.1), 0.9)
    mode = d.pick(3)
    drift = 0.05 if mode == 2 else 0.0
    _set(hand1, HC["x"], x1, x1 + d.u(-drift, drift))
    y1 = d.u(0.5, 0.95)
    _set(hand1, HC["y"], y1, y1 + d.u(-drift, drift))
    _set(hand1, HC["log_size"], math.log(size * d.u(0.8, 1.1)))
    _set(hand1, HC["roll"], d.u(-0.9, 0.9))
    _set(hand1, HC["pitch"], d.u(-0.3, 0.5))
    _set(hand1, HC["yaw"], d.u(-0.6, 0.6))
    _set_pose(hand1, RESTING[d.pick(len(RESTING))](d))
    _tremor(hand1, d, d.u(0, 0.003))
    if mode == 1:  # fingers wiggle together, slowly: never a drumming wave
        a, f, p = d.u(0.1, 0.25), d.u(0.5, 1.5), d.phase()
        for fn in FINGERS:
            hand1[HC[f"mcp_{fn}"], A2], hand1[HC[f"mcp_{fn}"], F2], hand1[HC[f"mcp_{fn}"], P2] = a, f, p

    # ---- 2. the label: hand 0's motion and pose
    reverse = 0.0
    pose = pose_open(d)
    _set_pose(hand, pose)
    pl = POSE0
    win = t1 - t0
    directions = {"left": (-1, 0), "right": (1, 0), "down": (0, 1), "up": (0, -1)}
    if name.startswith("swiping_") or name.startswith("sliding_two_fingers_"):
        if name.startswith("sliding"):
            _set_pose(hand, pose_two(d))
        dx, dy = directions[name.rsplit("_", 1)[1]]
        side = d.u(-0.08, 0.08) * travel  # a little drift across the motion
        hx = 0.5 * (travel * dx + side * abs(dy))
        hy = 0.5 * (travel * dy + side * abs(dx))
        _set(hand, HC["x"], ax - hx, ax + hx)
        _set(hand, HC["y"], ay - hy, ay + hy)
        _set(hand, HC["roll"], roll0, roll0 + d.u(-0.2, 0.2))
    elif name.startswith("pushing_") or name.startswith("pulling_"):
        if "two_fingers" in name:
            _set_pose(hand, pose_two(d))
        half = 0.5 * math.log(ratio)
        _set(hand, HC["log_size"], math.log(size) + half, math.log(size) - half)  # away = shrinking
        for ch in ("x", "y"):
            c = hand[HC[ch], V0]
            _set(hand, HC[ch], c, c + d.u(-0.03, 0.03))
        reverse = float(name.startswith("pulling"))
    elif name in ("rolling_hand_forward", "rolling_hand_backward"):
        _set_pose(hand, pose_flat(d) if d.u() < 0.5 else pose_open(d))
        # forward: the fingertips tip towards the camera, the palm turns down and away from the light
        _set(hand, HC["pitch"], d.u(-0.15, 0.15), d.u(0.95, 1.35))
        _set(hand, HC["yaw"], yaw0 * 0.5)
        reverse = float(name == "rolling_hand_backward")
    elif name in ("turning_hand_clockwise", "turning_hand_counterclockwise"):
        if d.u() < 0.3:
            _set_pose(hand, pose_flat(d))
        # cosine ease: peak speed = angle * pi / (2 * window); keep it <= 20 degrees per frame
        cap = math.radians(20) * 2 * win * spec.fps / math.pi
        angle = d.u(math.radians(60), max(math.radians(60), min(math.radians(150), cap)))
        _set(hand, HC["roll"], roll0 - angle / 2, roll0 + angle / 2)
        reverse = float(name.endswith("counterclockwise"))
    elif name in ("zooming_in_with_full_hand", "zooming_out_with_full_hand"):
        hand[pl : pl + 12, V0], hand[pl : pl + 12, V1] = pose_bunch(d), pose_open(d)
        reverse = float("out" in name)
    elif name in ("zooming_in_with_two_fingers", "zooming_out_with_two_fingers"):
        hand[pl : pl + 12, V0], hand[pl : pl + 12, V1] = pose_pinch(d), pose_pinch_open(d)
        reverse = float("out" in name)
    elif name in ("thumb_up", "thumb_down"):
        fist, out = pose_fist(d), pose_thumb_out(d)
        out[:9] = fist[:9]
        hand[pl : pl + 12, V0], hand[pl : pl + 12, V1] = fist, out
        hand[pl + 9 : pl + 12, W1] = t0 + d.u(0.3, 0.5) * win  # the thumb comes out, then holds
        # the thumb's side of the palm points up (or down): roll -+90 degrees by handedness
        sgn = -1.0 if name == "thumb_up" else 1.0
        _set(hand, HC["roll"], sgn * hs0[HS["handed"]] * math.pi / 2 + d.u(-0.3, 0.3))
        _set(hand, HC["yaw"], d.sign() * d.u(0.2, 0.9))
        for ch in ("x", "y"):
            c = hand[HC[ch], V0]
            _set(hand, HC[ch], c, c + d.u(-0.04, 0.04))
    elif name == "shaking_hand":
        f, p = d.u(1.8, 3.2), d.phase()
        hand[HC["x"], A1], hand[HC["x"], F1], hand[HC["x"], P1] = d.u(0.07, 0.13), f, p
        hand[HC["roll"], A1], hand[HC["roll"], F1], hand[HC["roll"], P1] = d.u(0.1, 0.3), f, p
    elif name == "stop_sign":
        hand[pl : pl + 12, V0], hand[pl : pl + 12, V1] = pose_relaxed(d), pose_flat(d)
        hand[:, W1] = t0 + d.u(0.25, 0.45) * win  # raised quickly, then held still
        _set(hand, HC["y"], ay + d.u(0.03, 0.08), ay)
        _set(hand, HC["roll"], roll0 * 0.5)
        _set(hand, HC["yaw"], yaw0 * 0.5)
        _set(hand, HC["pitch"], pitch0 * 0.5)
    elif name == "drumming_fingers":
        thumb = ((0.4, 0.8), (0.2, 0.5), (0.1, 0.4))
        base = _pose(d, (0.05, 0.2), [(0.55, 0.8)] * 4, [(0.3, 0.6)] * 4, thumb)
        _set_pose(hand, base)
        f, p, lag = d.u(2.0, 3.5), d.phase(), d.sign() * d.u(0.6, 1.2)
        amp = d.u(0.4, 0.55)
        for i, fn in enumerate(FINGERS):
            for ch, a in ((f"mcp_{fn}", amp), (f"pip_{fn}", 0.5 * amp)):
                hand[HC[ch], A1], hand[HC[ch], F1], hand[HC[ch], P1] = a, f, p - i * lag
        _set(hand, HC["pitch"], d.u(0.0, 0.6))
    elif name == "no_gesture":
        if d.u() < 0.35:
            hs0[HS["present"]] = 0.0
            hs1[HS["present"]] = 0.0
        _set_pose(hand, RESTING[d.pick(len(RESTING))](d))
        _set(hand, HC["roll"], roll0 + d.u(-0.6, 0.6))
        for ch in ("x", "y"):
            c = hand[HC[ch], V0]
            _set(hand, HC[ch], c, c + d.u(-0.015, 0.015))
    elif name == "doing_other_things":
        _other_things(d, hand, obj, ost, spec, size)
    else:  # pragma: no cover - every class is handled above
        raise AssertionError(name)

    if reverse:
        onset, offset = dur - t1, dur - t0
    else:
        onset, offset = t0, t1
    facts = {
        "anchor_x": ax,
        "anchor_y": ay,
        "size": size,
        "onset": onset,
        "gesture_len": offset - onset,
        "has_hand": hs0[HS["present"]],
    }
    return {
        "hand": np.stack([hand, hand1]),
        "hand_static": np.stack([hs0, hs1]),
        "reverse": reverse,
        "objects": obj,
        "object_static": ost,
        "camera": cam,
        "scene": sc,
        "facts": facts,
    }


def _other_things(d: _Draw, hand, obj, ost, spec: GestureSpec, size: float) -> None:
    """Hand 0 busy with something that is none of the gestures."""
    mode = d.pick(4)
    patch_per_s = spec.patch / spec.res  # "below one patch per second" for fidgeting
    pl = POSE0
    if mode == 0:  # fidget: a slow random walk and loose finger movements
        _set_pose(hand, pose_relaxed(d))
        for ch in ("x", "y"):
            f = d.u(0.4, 1.2)
            hand[HC[ch], A2] = d.u(0.3, 0.6) * patch_per_s / (2 * math.pi * f)
            hand[HC[ch], F2], hand[HC[ch], P2] = f, d.phase()
        a, f, p = d.u(0.1, 0.3), d.u(0.5, 1.5), d.phase()
        for fn in FINGERS:
            hand[HC[f"mcp_{fn}"], A2], hand[HC[f"mcp_{fn}"], F2], hand[HC[f"mcp_{fn}"], P2] = a, f, p
    elif mode == 1:  # scratching: fingers rake together, the hand moves a little with them
        _set_pose(hand, pose_claw(d))
        f, p = d.u(3.0, 5.0), d.phase()
        amp = d.u(0.25, 0.45)
        for fn in FINGERS:
            for ch in (f"mcp_{fn}", f"pip_{fn}"):
                hand[HC[ch], A1], hand[HC[ch], F1], hand[HC[ch], P1] = amp, f, p
        ang = d.phase()
        a = d.u(0.008, 0.02)
        hand[HC["x"], A1], hand[HC["x"], F1], hand[HC["x"], P1] = a * math.cos(ang), f, p
        hand[HC["y"], A1], hand[HC["y"], F1], hand[HC["y"], P1] = a * math.sin(ang), f, p
    elif mode == 2:  # holding a prop and moving it along a loop that ends where it started
        grip = pose_loose_fist(d)
        grip[9:12] = (d.u(0.5, 0.9), d.u(0.3, 0.6), d.u(0.1, 0.3))
        _set_pose(hand, grip)
        f = d.u(0.4, 0.9)
        for ch, a in (("x", d.u(0.04, 0.12)), ("y", d.u(0.04, 0.12)), ("roll", d.u(0.1, 0.3))):
            hand[HC[ch], A1], hand[HC[ch], F1], hand[HC[ch], P1] = a, f, d.phase()
        # prop 0 rides in the hand: its curves are the hand's own, offset towards the fingers
        ost[0, OS["present"]] = 1.0
        ost[0, OS["kind"]] = d.pick(len(OBJ_KINDS))
        roll = hand[HC["roll"], V0]
        off = 0.45 * size
        obj[0, :, :] = 0.0
        obj[0, :, F1] = obj[0, :, F2] = 1.0
        obj[0, OC["x"]] = hand[HC["x"]]
        obj[0, OC["y"]] = hand[HC["y"]]
        obj[0, OC["x"], V0 : V1 + 1] += off * math.sin(roll)
        obj[0, OC["y"], V0 : V1 + 1] -= off * math.cos(roll)
        obj[0, OC["angle"]] = hand[HC["roll"]]
        _set(obj[0], OC["log_size"], math.log(size * d.u(0.45, 0.65)))
        obj[0, OC["log_size"], W0 : W1 + 1] = (0.0, 1.0)
    else:  # pose changes between resting poses, with a small drift
        i = d.pick(len(RESTING))
        j = (i + 1 + d.pick(len(RESTING) - 1)) % len(RESTING)
        hand[pl : pl + 12, V0], hand[pl : pl + 12, V1] = RESTING[i](d), RESTING[j](d)
        for ch in ("x", "y"):
            c = hand[HC[ch], V0]
            _set(hand, HC[ch], c, c + d.u(-0.03, 0.03))


MAX_ATTEMPTS = 8
MIN_VISIBLE = 0.7


def _labels_for(indices: np.ndarray) -> np.ndarray:
    return indices % len(GESTURES)


def sample_scenes(
    seed: int,
    split: str,
    indices,
    spec: GestureSpec = GestureSpec(),
    labels=None,
) -> ScenePack:
    """Parameters of clips `indices` of `split` (label = index % 27 unless `labels` is given).

    Each clip draws from its own generator np.random.default_rng([seed, split id, index]), so a clip
    is the same whatever batch it comes in and on any device. Train batches can use fresh indices
    per step (e.g. step * batch + arange(batch)). Clips whose gesture would not be visible (hand 0
    under 70% inside the frame at a frame of the gesture) are drawn again from the same stream.
    """
    indices = np.asarray(indices, dtype=np.int64).reshape(-1)
    labels = _labels_for(indices) if labels is None else np.asarray(labels, dtype=np.int64).reshape(-1)
    if labels.shape != indices.shape:
        raise ValueError("labels and indices must have the same length")
    draws = [_Draw(np.random.default_rng([seed, SPLIT_IDS[split], int(i)])) for i in indices]
    clips: list[dict[str, Any] | None] = [None] * len(indices)
    attempts = np.zeros(len(indices), np.int64)
    todo = np.arange(len(indices))
    times = frame_times(spec)
    while len(todo):
        for i in todo:
            clips[i] = _draw_clip(draws[i], int(labels[i]), spec)
            attempts[i] += 1
        # visibility of hand 0 at every frame inside its gesture window
        sub = [clips[i] for i in todo]
        pack = _stack(sub, labels[todo], np.zeros(len(todo), np.int64))
        vis = _gesture_visibility(pack, spec, times)
        ok = (vis >= MIN_VISIBLE) | (attempts[todo] >= MAX_ATTEMPTS)
        for i, v in zip(todo, vis, strict=True):
            clips[i]["facts"]["visible_min"] = float(v)
        todo = todo[~ok]
    noise_seeds = np.array([d.rng.integers(0, 2**31 - 1) for d in draws], np.int64)
    pack = _stack(clips, labels, noise_seeds)  # type: ignore[arg-type]
    pack.facts["attempts"] = attempts
    return pack


def _gesture_visibility(pack: ScenePack, spec: GestureSpec, times: torch.Tensor) -> np.ndarray:
    states = hand_states(pack, times, spec.duration)[:, 0]  # (B, T, C)
    skel = hand_skeleton(states, pack.hand_static[:, 0, None, :].expand(-1, states.shape[1], -1))
    vis = visible_fraction(skel)  # (B, T)
    on = torch.from_numpy(pack.facts["onset"]).float()[:, None]
    off = on + torch.from_numpy(pack.facts["gesture_len"]).float()[:, None]
    inside = (times[None] >= on - 1e-6) & (times[None] <= off + 1e-6)
    vis = torch.where(inside, vis, torch.ones_like(vis)).amin(dim=1)
    present = pack.hand_static[:, 0, HS["present"]] > 0.5
    return torch.where(present, vis, torch.ones_like(vis)).numpy()


def _stack(clips: list[dict[str, Any]], labels: np.ndarray, seeds: np.ndarray) -> ScenePack:
    def f32(key):
        return torch.from_numpy(np.stack([np.asarray(c[key], np.float64) for c in clips]).astype(np.float32))

    facts = {k: np.array([c["facts"].get(k, np.nan) for c in clips]) for k in clips[0]["facts"]}
    return ScenePack(
        label=torch.from_numpy(np.asarray(labels, np.int64)),
        hands=f32("hand"),
        hand_static=f32("hand_static"),
        reverse=f32("reverse"),
        objects=f32("objects"),
        object_static=f32("object_static"),
        camera=f32("camera"),
        scene=f32("scene"),
        seed=torch.from_numpy(np.asarray(seeds, np.int64)),
        facts=facts,
    )


def ease(pack: ScenePack) -> ScenePack:
    """The same clips without their clutter: no person, props or second hand, and a flat grey
    background (contrast 0). For a training curriculum (TrainConfig.curriculum) with clips drawn at
    difficulty 0: the gesturing hand, its motion and the label are untouched, and what is removed
    is removed from every class alike."""
    scene, objects, hands = pack.scene.clone(), pack.object_static.clone(), pack.hand_static.clone()
    scene[:, SC["person"]] = 0.0
    scene[:, SC["bg_contrast"]] = 0.0
    objects[:, :, OS["present"]] = 0.0
    hands[:, 1, HS["present"]] = 0.0
    return replace(pack, scene=scene, object_static=objects, hand_static=hands)
