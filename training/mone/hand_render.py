"""Batched renderer for hand-gesture clips: one `ScenePack` in, uint8 video and a hand mask out.

    python -m mone.hand_render --out DIR [--count 1] [--res 112] [--frames 16] [--seed 0]

writes DIR/contact_sheet.png (one row per class, frames across, the hand-0 mask outlined) and a
GIF per clip, for a person to check that every class reads as its gesture.

The same code runs on CUDA (training) and on the CPU (tests, samples). Every primitive is evaluated
for the whole chunk at once, (B, T, H, W) per channel: loops run over primitives and sub-frames,
never over clips or frames. Shapes are signed-distance primitives anti-aliased analytically
(alpha = clamp(0.5 - d / pixel)), composited with premultiplied alpha in fp32. Each frame is
rendered from the pristine sources with the camera and poses of its own time (nothing is ever
re-warped), so no blur accumulates and nothing leaks the direction of time. Pixel noise comes from
an integer hash of (clip seed, pixel), not from a device generator, so a clip's noise is the same on
every device and in every batch.

Draw order, back to front: background photograph or texture (grid_sample of a random crop, flip
and colour), the person (torso, neck, hair, face), two props, hand 1 (the distractor) and hand 0
(the gesture), each hand as its sleeve, then forearm, palm, fingers and thumb. Then exposure and
white balance over time, vignetting, sensor noise and a JPEG stand-in (8x8 DCT quantisation of
luma and of 2x-subsampled chroma).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from .gestures import GESTURES
from .hand_scene import (
    CC,
    HS,
    OC,
    OS,
    SC,
    GestureSpec,
    ScenePack,
    eval_curves,
    frame_times,
    hand_skeleton,
    hand_states,
    sample_scenes,
)

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "backgrounds"
ALIGN = False  # the one align_corners convention, for grid_sample and interpolate alike

# ---------------------------------------------------------------------------------------------
# Background bank: shipped photographs and textures plus procedural ones, on the device
# ---------------------------------------------------------------------------------------------
_BANKS: dict[tuple, tuple[torch.Tensor, torch.Tensor]] = {}


def background_files(which: str = "train") -> list[Path]:
    folder = ASSETS / "heldout" if which == "heldout" else ASSETS
    return sorted(p for p in folder.glob("*.jpg"))


def _procedural_textures(size: int = 256, count: int = 12) -> list[np.ndarray]:
    """Walls, wallpaper, fabric, wood, tiles and out-of-focus lights, from a fixed seed."""
    rng = np.random.default_rng(20240611)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    out = []

    def noise(cells):
        g = rng.random((cells + 1, cells + 1)).astype(np.float32)
        return cv2.resize(g, (size, size), interpolation=cv2.INTER_CUBIC)

    def colour():
        import colorsys

        return np.array(colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.05, 0.6), rng.uniform(0.25, 0.95)))

    for i in range(count):
        c1, c2 = colour(), colour()
        kind = i % 6
        if kind == 0:  # painted wall with blotches and a light gradient
            n = 0.6 * noise(4) + 0.3 * noise(16) + 0.1 * noise(64)
            m = (n - n.min()) / (np.ptp(n) + 1e-6)
            img = c1 * (0.85 + 0.3 * m[..., None]) * (0.8 + 0.4 * yy[..., None])
        elif kind == 1:  # striped wallpaper
            f = rng.uniform(6, 20)
            s = 0.5 + 0.5 * np.sin(2 * np.pi * f * xx + 0.3 * noise(8))
            img = c1 * (1 - s[..., None]) + c2 * s[..., None]
        elif kind == 2:  # plaid fabric
            f1, f2 = rng.uniform(5, 14), rng.uniform(5, 14)
            a = (np.sin(2 * np.pi * f1 * xx) > 0.3).astype(np.float32)
            b = (np.sin(2 * np.pi * f2 * yy) > 0.3).astype(np.float32)
            img = c1 * (1 - 0.5 * (a + b)[..., None]) + c2 * (0.5 * (a + b))[..., None]
            img = img * (0.9 + 0.2 * noise(64)[..., None])
        elif kind == 3:  # wood grain
            w = np.sin(2 * np.pi * (rng.uniform(8, 20) * yy + 2.0 * noise(3) + 0.3 * noise(24)))
            img = c1 * (0.75 + 0.25 * w[..., None])
        elif kind == 4:  # tiles with grout
            cells = rng.integers(3, 9)
            gx, gy = (xx * cells) % 1, (yy * cells) % 1
            grout = ((gx < 0.06) | (gy < 0.06)).astype(np.float32)[..., None]
            tile = c1 * (0.9 + 0.2 * noise(int(cells))[..., None])
            img = tile * (1 - grout) + c2 * 0.6 * grout
        else:  # out-of-focus room lights (bokeh) on a dark field
            img = c1[None, None] * 0.25 * (0.7 + 0.6 * noise(3)[..., None])
            for _ in range(int(rng.integers(10, 30))):
                cx, cy, r = rng.random(), rng.random(), rng.uniform(0.02, 0.08)
                disc = np.clip((r - np.hypot(xx - cx, yy - cy)) / 0.01, 0, 1)[..., None]
                img = img + disc * colour() * rng.uniform(0.3, 0.8)
        out.append(np.clip(cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.0), 0, 1))
    return out


def background_bank(which: str, res: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """(bank (N, 3, Hb, Wb) float, sizes (N, 2) = each image's true width, height in pixels).

    Images are resized so that a crop of three quarters of their short side maps about 1:1 onto a
    `res` frame (bilinear sampling does not antialias), then padded by reflection to a common size.
    The held-out set has the held-out photographs only.
    """
    key = (which, res, str(device))
    if key in _BANKS:
        return _BANKS[key]
    imgs = [cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB) for p in background_files(which)]
    imgs = [im.astype(np.float32) / 255 for im in imgs]
    if which == "train":
        imgs += _procedural_textures()
    short = int(math.ceil(res / 0.75))
    resized = []
    for im in imgs:
        h, w = im.shape[:2]
        s = short / min(h, w)
        resized.append(cv2.resize(im, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA))
    hb = max(im.shape[0] for im in resized)
    wb = max(im.shape[1] for im in resized)
    padded, sizes = [], []
    for im in resized:
        h, w = im.shape[:2]
        padded.append(cv2.copyMakeBorder(im, 0, hb - h, 0, wb - w, cv2.BORDER_REFLECT))
        sizes.append((w, h))
    bank = torch.from_numpy(np.stack(padded)).permute(0, 3, 1, 2).contiguous().to(device)
    out = (bank, torch.tensor(sizes, dtype=torch.float32, device=device))
    _BANKS[key] = out
    return out


# ---------------------------------------------------------------------------------------------
# Signed-distance primitives: parameters (B, T, 1, 1) against pixel coordinates (B, T, H, W)
# ---------------------------------------------------------------------------------------------
def _capsule(X, Y, ax, ay, bx, by, r):
    """Distance to a capsule; also the offset (qx, qy) from its axis and the position h along it."""
    pax, pay = X - ax, Y - ay
    bax, bay = bx - ax, by - ay
    inv = 1.0 / (bax * bax + bay * bay + 1e-12)
    h = ((pax * bax + pay * bay) * inv).clamp(0, 1)
    qx, qy = pax - bax * h, pay - bay * h
    return torch.sqrt(qx * qx + qy * qy + 1e-12) - r, qx, qy, h


def _ellipse(X, Y, cx, cy, rx, ry):
    """Approximate distance to an ellipse (exact on circles), and normalised offsets."""
    ux, uy = (X - cx) / rx, (Y - cy) / ry
    k = torch.sqrt(ux * ux + uy * uy + 1e-12)
    return (k - 1) * torch.minimum(rx, ry), ux, uy


def _box(X, Y, cx, cy, hw, hh, angle, rc):
    """Distance to a rotated rounded box; also the box-local coordinates."""
    c, s = torch.cos(angle), torch.sin(angle)
    dx, dy = X - cx, Y - cy
    lx, ly = c * dx + s * dy, -s * dx + c * dy
    qx, qy = lx.abs() - hw + rc, ly.abs() - hh + rc
    outside = torch.sqrt(qx.clamp_min(0) ** 2 + qy.clamp_min(0) ** 2 + 1e-12)
    return outside + torch.maximum(qx, qy).clamp_max(0) - rc, lx, ly


def _polygon(X, Y, vx, vy):
    """Signed distance to a convex polygon with vertices (vx[i], vy[i]), either winding."""
    n = len(vx)
    area = sum(vx[i] * vy[(i + 1) % n] - vx[(i + 1) % n] * vy[i] for i in range(n))
    sgn = torch.where(area >= 0, 1.0, -1.0)
    d2 = None
    inside = None
    for i in range(n):
        ex, ey = vx[(i + 1) % n] - vx[i], vy[(i + 1) % n] - vy[i]
        wx, wy = X - vx[i], Y - vy[i]
        t = ((wx * ex + wy * ey) / (ex * ex + ey * ey + 1e-12)).clamp(0, 1)
        dx, dy = wx - ex * t, wy - ey * t
        e2 = dx * dx + dy * dy
        cross = sgn * (ex * wy - ey * wx)
        d2 = e2 if d2 is None else torch.minimum(d2, e2)
        inside = cross if inside is None else torch.minimum(inside, cross)
    d = torch.sqrt(d2 + 1e-12)
    return torch.where(inside >= 0, -d, d)


def _alpha(d, pixel):
    return (0.5 - d / pixel).clamp(0, 1)


class _Layer:
    """A single-colour layer: premultiplied shade P and coverage A, composited front to back."""

    def __init__(self, like: torch.Tensor):
        self.P = torch.zeros_like(like)
        self.A = torch.zeros_like(like)

    def over(self, alpha, shade):
        self.P = self.P + alpha * (shade - self.P)
        self.A = self.A + alpha * (1 - self.A)


def _over(canvas, alpha, rgb):
    """canvas (B, 3, T, H, W) <- colour rgb ((B, 3, 1, 1, 1) or (B, 3, T, H, W)) with coverage."""
    a = alpha.unsqueeze(1)
    return canvas + a * (rgb - canvas)


def _col(t: torch.Tensor) -> torch.Tensor:
    """(B, 3) colour -> (B, 3, 1, 1, 1)."""
    return t[:, :, None, None, None]


def _p(t: torch.Tensor) -> torch.Tensor:
    """(B,) or (B, T) parameter -> broadcastable against (B, T, H, W)."""
    while t.dim() < 4:
        t = t.unsqueeze(-1)
    return t


# ---------------------------------------------------------------------------------------------
# Scene parts
# ---------------------------------------------------------------------------------------------
class _Light:
    def __init__(self, scene: torch.Tensor):
        lx, ly = scene[:, SC["light_x"]], scene[:, SC["light_y"]]
        n = torch.sqrt(lx * lx + ly * ly + 1)
        self.x, self.y, self.z = _p(lx / n), _p(ly / n), _p(1 / n)
        self.amb = _p(scene[:, SC["ambient"]])

    def round(self, nx, ny, gloss=None):
        """Shade of a rounded surface whose normal's image-plane part is (nx, ny)."""
        nz = torch.sqrt((1 - nx * nx - ny * ny).clamp_min(0))
        lam = (nx * self.x + ny * self.y + nz * self.z).clamp_min(0)
        shade = self.amb + (1 - self.amb) * lam
        if gloss is not None:
            shade = shade + gloss * lam.clamp_min(1e-3) ** 6  # (no denormals: they are slow on CPUs)
        return shade

    def flat(self, nx, ny, nz):
        lam = (nx * self.x + ny * self.y + nz * self.z).clamp_min(0)
        return self.amb + (1 - self.amb) * lam


def _background(sc: torch.Tensor, img: torch.Tensor, size: torch.Tensor, X, Y):
    """Each clip's image img (B, 3, Hb, Wb) of true size (B, 2) sampled at scene coordinates."""
    B, T, H, W = X.shape
    wi, hi = size[:, 0], size[:, 1]
    side = sc[:, SC["bg_crop"]] * 0.88 * torch.minimum(wi, hi)  # crop side in bank pixels
    margin = 0.05 * side  # room for camera shake and zoom
    x0 = margin + sc[:, SC["bg_cx"]] * (wi - side - 2 * margin)
    y0 = margin + sc[:, SC["bg_cy"]] * (hi - side - 2 * margin)
    flip = _p(sc[:, SC["bg_flip"]])
    Xf = flip * (1 - X) + (1 - flip) * X
    px = _p(x0) + Xf * _p(side)
    py = _p(y0) + Y * _p(side)
    hb, wb = img.shape[-2:]
    grid = torch.stack([2 * px / wb - 1, 2 * py / hb - 1], dim=-1).reshape(B, T * H, W, 2)
    bg = F.grid_sample(img, grid, mode="bilinear", padding_mode="reflection", align_corners=ALIGN)
    bg = bg.reshape(B, 3, T, H, W)
    grey = bg.mean(1, keepdim=True)
    bg = grey + _col(sc[:, SC["bg_sat"], None].expand(-1, 3)) * (bg - grey)
    bg = 0.5 + _col(sc[:, SC["bg_contrast"], None].expand(-1, 3)) * (bg - 0.5)
    bg = bg * _col(sc[:, SC["bg_r"] : SC["bg_b"] + 1])
    grad = 1 + _p(sc[:, SC["grad_x"]]) * (X - 0.5) + _p(sc[:, SC["grad_y"]]) * (Y - 0.5)
    return bg * grad.unsqueeze(1)


def _person(canvas, sc: torch.Tensor, X, Y, pixel, light: _Light):
    on = _p(sc[:, SC["person"]])
    hx, hy, r = _p(sc[:, SC["head_x"]]), _p(sc[:, SC["head_y"]]), _p(sc[:, SC["head_r"]])
    face = _col(sc[:, SC["face_r"] : SC["face_b"] + 1])
    hair = _col(sc[:, SC["hair_r"] : SC["hair_b"] + 1])
    shirt = _col(sc[:, SC["shirt_r"] : SC["shirt_b"] + 1])
    shirt2 = _col(sc[:, SC["shirt2_r"] : SC["shirt2_b"] + 1])
    long_hair = _p(sc[:, SC["hair_long"]])
    zero = torch.zeros_like(hx)
    # torso with optional stripes, then the neck
    d, lx, ly = _box(X, Y, hx, hy + 3.1 * r, 2.0 * r, 1.9 * r, zero, 0.8 * r)
    f, ang = _p(sc[:, SC["stripe_f"]]), _p(sc[:, SC["stripe_a"]])
    stripe = (torch.sin(2 * math.pi * f * (X * torch.cos(ang) + Y * torch.sin(ang))) * 3).clamp(0, 1)
    stripe = (stripe * (f > 0)).unsqueeze(1)
    cloth = (shirt + stripe * (shirt2 - shirt)) * light.round(lx / (2.0 * r), zero).unsqueeze(1)
    canvas = _over(canvas, on * _alpha(d, pixel), cloth)
    d, qx, qy, _ = _capsule(X, Y, hx, hy, hx, hy + 1.3 * r, 0.36 * r)
    neck = 0.8 * light.round(qx / (0.36 * r), zero)
    canvas = _over(canvas, on * _alpha(d, pixel), face * neck.unsqueeze(1))
    # hair behind the head (long hair reaches the shoulders), the face, then the fringe on top
    d, _, _ = _ellipse(X, Y, hx, hy - 0.1 * r + 0.6 * r * long_hair, 1.02 * r, r * (1.05 + 0.7 * long_hair))
    canvas = _over(canvas, on * _alpha(d, pixel), hair * 0.9)
    d, ux, uy = _ellipse(X, Y, hx, hy, 0.78 * r, r)
    face_shade = light.round(ux.clamp(-1, 1) * 0.9, uy.clamp(-1, 1) * 0.9)
    canvas = _over(canvas, on * _alpha(d, pixel), face * face_shade.unsqueeze(1))
    for ex in (-0.32, 0.32):  # eyes
        d, _, _ = _ellipse(X, Y, hx + ex * r, hy - 0.05 * r, 0.09 * r, 0.06 * r)
        canvas = _over(canvas, on * _alpha(d, pixel), face * 0.25)
    d, _, _ = _ellipse(X, Y, hx, hy + 0.48 * r, 0.22 * r, 0.045 * r)
    canvas = _over(canvas, on * _alpha(d, pixel), face * 0.5)
    d_f, _, _ = _ellipse(X, Y, hx, hy - 0.32 * r, 0.86 * r, 0.75 * r)
    d = torch.maximum(d_f, (Y - (hy - 0.45 * r)))  # the upper cap of an ellipse: a fringe
    return _over(canvas, on * _alpha(d, pixel), hair)


def _props(canvas, objects: torch.Tensor, object_static: torch.Tensor, t, X, Y, pixel, light: _Light):
    B = objects.shape[0]
    for j in range(objects.shape[1]):
        st = object_static[:, j]
        v = eval_curves(objects[:, j], t.expand(B, -1))  # (B, T, C)
        on = _p(st[:, OS["present"]])
        kind = st[:, OS["kind"]]
        is_phone, is_mug = _p((kind == 0).float()), _p((kind == 1).float())
        is_book, is_bottle = _p((kind == 2).float()), _p((kind == 3).float())
        hh = _p(torch.exp(v[..., OC["log_size"]]))
        aspect = _p(st[:, OS["aspect"]]) * (1 - 0.45 * is_bottle)
        hw = hh * aspect
        cx, cy, ang = _p(v[..., OC["x"]]), _p(v[..., OC["y"]]), _p(v[..., OC["angle"]])
        rc = hw * (0.25 * is_phone + 0.12 * is_mug + 0.03 * is_book + 0.4 * is_bottle)
        c1, c2 = _col(st[:, OS["r"] : OS["b"] + 1]), _col(st[:, OS["r2"] : OS["b2"] + 1])
        d, lx, ly = _box(X, Y, cx, cy, hw, hh, ang, rc)
        rounded = is_mug + is_bottle  # cylinders get cylinder shading, slabs a flat one
        shade = light.round(rounded * (lx / hw).clamp(-1, 1) * 0.95, -0.2 * torch.ones_like(lx))
        canvas = _over(canvas, on * _alpha(d, pixel), c1 * shade.unsqueeze(1))
        # detail: phone screen, book spine, bottle cap
        inset = 0.12 * hw
        dhw = hw - inset - is_book * 0.75 * hw - is_bottle * 0.4 * hw
        dhh = hh - inset - is_bottle * 0.8 * hh
        dcx = -is_book * 0.75 * hw
        dcy = -is_bottle * 0.9 * hh
        c, s = torch.cos(ang), torch.sin(ang)
        d2, _, _ = _box(X, Y, cx + c * dcx - s * dcy, cy + s * dcx + c * dcy, dhw, dhh, ang, 0.3 * rc)
        det = on * (1 - is_mug) * _alpha(d2, pixel)
        canvas = _over(canvas, det, c2 * (0.6 + 0.4 * shade).unsqueeze(1))
        # mug handle: a ring beside the body
        hx_, hy_ = cx + c * (hw + 0.2 * hh), cy + s * (hw + 0.2 * hh)
        ring = torch.sqrt((X - hx_) ** 2 + (Y - hy_) ** 2 + 1e-12)
        d3 = (ring - 0.38 * hh).abs() - 0.08 * hh
        canvas = _over(canvas, on * is_mug * _alpha(d3, pixel), c1 * 0.8)
    return canvas


def _hand_geometry(sk: dict[str, torch.Tensor], sleeve_at: torch.Tensor) -> dict[str, torch.Tensor]:
    """A skeleton (B, T, ...) as the primitives' parameters, each broadcastable against (B, T, H, W)."""
    g = {k: _p(sk[k]) for k in ("size", "arm_r", "palm_r")}
    g["wrist_x"], g["wrist_y"] = _p(sk["wrist"][..., 0]), _p(sk["wrist"][..., 1])
    g["arm_x"], g["arm_y"] = _p(sk["arm_dir"][..., 0]), _p(sk["arm_dir"][..., 1])
    g["palm"] = sk["palm"][..., None, None]  # (B, T, 6, 2, 1, 1)
    g["normal"] = sk["normal"][..., None, None]  # (B, T, 3, 1, 1)
    g["caps"] = sk["caps"][..., None, None]  # (B, T, 15, 2, 2, 1, 1)
    g["radii"] = sk["radii"][..., None, None]  # (B, T, 15, 1, 1)
    g["sleeve_at"] = sleeve_at
    return g


def _draw_hand(X, Y, pixel, light: _Light, gloss, g: dict[str, torch.Tensor]):
    """One sub-frame of one hand: (skin P, skin A, sleeve P, sleeve A), each (B, T, H, W).

    Pure elementwise work with a fixed loop over primitives, so `torch.compile` can fuse it into
    a few kernels (render(..., compile=True)).
    """
    skin, sleeve = _Layer(X), _Layer(X)
    size, arm_r = g["size"], g["arm_r"]
    wx, wy, dx, dy = g["wrist_x"], g["wrist_y"], g["arm_x"], g["arm_y"]
    far = 3.0
    # sleeve (behind), from sleeve_at hand lengths along the forearm to beyond the frame
    sleeve_at = g["sleeve_at"]
    s0 = sleeve_at * size
    r_sl = 1.35 * arm_r
    d, qx, qy, _ = _capsule(X, Y, wx + dx * s0, wy + dy * s0, wx + dx * far, wy + dy * far, r_sl)
    sleeve.over((sleeve_at > 0).float() * _alpha(d, pixel), light.round(qx / r_sl, qy / r_sl))
    # the bare forearm, up to the sleeve's cuff
    end = torch.where(sleeve_at > 0, s0 + 0.3 * arm_r, torch.full_like(s0, far))
    d, qx, qy, _ = _capsule(X, Y, wx, wy, wx + dx * end, wy + dy * end, arm_r)
    skin.over(_alpha(d, pixel), light.round(qx / arm_r, qy / arm_r, gloss))
    # palm: rounded polygon, flat-shaded by its normal, darker towards its rim
    palm, pr, nrm = g["palm"], g["palm_r"], g["normal"]
    core = _polygon(X, Y, [palm[:, :, i, 0] for i in range(6)], [palm[:, :, i, 1] for i in range(6)])
    flat = light.flat(nrm[:, :, 0], nrm[:, :, 1], nrm[:, :, 2])
    rim = (core / pr).clamp(0, 1)
    skin.over(_alpha(core - pr, pixel), flat * (1 - 0.45 * rim * rim))
    # fingers and thumb, back to front; joint creases darken each segment's proximal end
    caps, radii = g["caps"], g["radii"]
    for c in range(caps.shape[2]):
        ax_, ay_ = caps[:, :, c, 0, 0], caps[:, :, c, 0, 1]
        bx_, by_ = caps[:, :, c, 1, 0], caps[:, :, c, 1, 1]
        r = radii[:, :, c]
        d, qx, qy, h = _capsule(X, Y, ax_, ay_, bx_, by_, r)
        shade = light.round(qx / r, qy / r, gloss)
        if c % 3:  # PIP, DIP and the thumb's joints
            seg = torch.sqrt((bx_ - ax_) ** 2 + (by_ - ay_) ** 2)
            shade = shade * (1 - 0.3 * torch.exp(-((h * seg / (0.35 * r)) ** 2).clamp_max(30)))
        skin.over(_alpha(d, pixel), shade)
    return skin.P, skin.A, sleeve.P, sleeve.A


def _hand(canvas, pack: ScenePack, which: int, states, X, Y, pixel, light: _Light, compile_: bool = False):
    """Draw hand `which`, averaged over sub-frames; return the canvas and the hand's coverage."""
    T = X.shape[1]
    st = pack.hand_static[:, which]
    on = _p(st[:, HS["present"]])
    static = st[:, None, :].expand(-1, T, -1)
    gloss = _p(st[:, HS["gloss"]])
    sleeve_at = _p(st[:, HS["sleeve"]])
    draw = _stage(_draw_hand, compile_)
    n_sub = states.shape[2]
    totals = None
    for j in range(n_sub):
        geo = _hand_geometry(hand_skeleton(states[:, :, j], static), sleeve_at)
        parts = draw(X, Y, pixel, light, gloss, geo)
        totals = parts if totals is None else tuple(a + b for a, b in zip(totals, parts, strict=True))
    skin_p, skin_a, sleeve_p, sleeve_a = (on * x / n_sub for x in totals)
    canvas = _over_premultiplied(canvas, sleeve_a, sleeve_p, st[:, HS["sleeve_r"] : HS["sleeve_b"] + 1])
    canvas = _over_premultiplied(canvas, skin_a, skin_p, st[:, HS["skin_r"] : HS["skin_b"] + 1])
    return canvas, 1 - (1 - skin_a) * (1 - sleeve_a)


def _over_premultiplied(canvas, alpha, shade, rgb):
    """canvas <- a single-colour layer: coverage alpha, premultiplied shade, colour rgb (B, 3)."""
    return canvas * (1 - alpha.unsqueeze(1)) + _col(rgb) * shade.unsqueeze(1)


# ---------------------------------------------------------------------------------------------
# Camera effects
# ---------------------------------------------------------------------------------------------
def _hash_uniform(x: torch.Tensor) -> torch.Tensor:
    """A 32-bit integer hash (int64 arithmetic, identical on every device) -> two uniforms in [0, 1)."""
    m = 0xFFFFFFFF
    x = x & m
    x = ((x ^ (x >> 16)) * 0x7FEB352D) & m
    x = ((x ^ (x >> 15)) * 0x846CA68B) & m
    x = x ^ (x >> 16)
    return (x & 0xFFFF).float() / 65536.0, (x >> 16).float() / 65536.0


def _noise(shape, seed: torch.Tensor, device) -> torch.Tensor:
    """Zero-mean unit-variance noise (triangular) per element of (B, ...), keyed by each clip's seed."""
    B = shape[0]
    per = int(np.prod(shape[1:]))
    idx = torch.arange(per, device=device, dtype=torch.int64).reshape(1, *shape[1:])
    key = (seed.to(device) * 0x9E3779B1).reshape(B, *([1] * (len(shape) - 1)))
    u1, u2 = _hash_uniform(idx * 0x85EBCA77 + key)
    return (u1 + u2 - 1.0) * math.sqrt(6.0)


def _dct_matrix(device) -> torch.Tensor:
    k = torch.arange(8, dtype=torch.float32, device=device)
    m = torch.cos(math.pi * (2 * k[None, :] + 1) * k[:, None] / 16) * math.sqrt(2 / 8)
    m[0] = m[0] / math.sqrt(2)
    return m


def _quantise(x: torch.Tensor, step: torch.Tensor, D: torch.Tensor) -> torch.Tensor:
    """8x8 block DCT quantisation of x (N, H, W) in 0-255 units; step (N, 8, 8)."""
    N, H, W = x.shape
    b = x.reshape(N, H // 8, 8, W // 8, 8).transpose(2, 3)  # (N, H/8, W/8, 8, 8)
    c = D @ b @ D.T
    s = step[:, None, None]
    c = torch.round(c / s) * s
    b = D.T @ c @ D
    return b.transpose(2, 3).reshape(N, H, W)


def _compress(img: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    """A JPEG stand-in on (B, 3, T, H, W) in [0, 1]: luma and 2x-subsampled chroma, quantised DCT."""
    B, _, T, H, W = img.shape
    if H % 16 or W % 16:  # no whole blocks: down-up sampling of chroma only
        return img
    r, g, b = img[:, 0], img[:, 1], img[:, 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb, cr = 0.564 * (b - y), 0.713 * (r - y)
    D = _dct_matrix(img.device)
    q = quality.clamp(1, 100)
    scale = torch.where(q < 50, 50 / q, 2 - q / 50)  # the JPEG quality law, 1 at quality 50
    k = torch.arange(8, device=img.device, dtype=torch.float32)
    freq = k[:, None] + k[None, :]
    luma_step = (6 + 6 * freq)[None] * scale[:, None, None]  # grows with spatial frequency
    chroma_step = (10 + 9 * freq)[None] * scale[:, None, None]
    step_l = luma_step.clamp_min(1).repeat_interleave(T, 0)
    step_c = chroma_step.clamp_min(1).repeat_interleave(T, 0)
    y = _quantise(y.reshape(B * T, H, W) * 255, step_l, D) / 255
    chans = []
    for c in (cb, cr):
        small = F.avg_pool2d(c.reshape(B * T, 1, H, W), 2)[:, 0]
        small = _quantise(small * 255, step_c, D) / 255
        chans.append(F.interpolate(small[:, None], size=(H, W), mode="bilinear", align_corners=ALIGN)[:, 0])
    cb, cr = chans
    r = y + cr / 0.713
    b = y + cb / 0.564
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return torch.stack([r, g, b], dim=1).reshape(B, T, 3, H, W).transpose(1, 2)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
def _scene(sc, objects, object_static, img, size, t, X, Y, pixel):
    """Everything behind the hands: background, person, props."""
    light = _Light(sc)
    canvas = _background(sc, img, size, X, Y)
    canvas = _person(canvas, sc, X, Y, pixel, light)
    return _props(canvas, objects, object_static, t, X, Y, pixel, light)


def _finish(canvas, cam, sc, seed, u, v):
    """The camera's own effects: exposure and white balance over time, vignetting, sensor noise,
    compression. Returns the final image in [0, 1]."""
    gain = torch.exp(cam[..., CC["exposure"]])
    wb = gain[:, None] * torch.exp(torch.stack([cam[..., CC["wb_r"]], 0 * gain, cam[..., CC["wb_b"]]], 1))
    canvas = canvas * wb[..., None, None]
    rr = (u * u + v * v) * 2
    canvas = canvas * (1 - _p(sc[:, SC["vignette"]]) * rr).unsqueeze(1)
    sigma = sc[:, SC["noise"]][:, None, None, None, None]
    canvas = canvas + sigma * _noise(canvas.shape, seed, canvas.device) * (0.5 + canvas.clamp(0, 1).sqrt())
    return _compress(canvas.clamp(0, 1), sc[:, SC["quality"]]).clamp(0, 1)


_COMPILED: dict = {}


def _stage(fn, compile_: bool):
    """fn itself, or its torch.compile'd version (made once per function)."""
    if not compile_:
        return fn
    if fn not in _COMPILED:
        # a compiler failure on some machine must cost speed, not the run: dynamo then runs the
        # frame eagerly (with a warning) instead of raising
        torch._dynamo.config.suppress_errors = True
        _COMPILED[fn] = torch.compile(fn, dynamic=False)
    return _COMPILED[fn]


def _default_chunk(device) -> int:
    return 256 if torch.device(device).type == "cuda" else 2


@torch.no_grad()
def render(
    pack: ScenePack,
    spec: GestureSpec | None = None,
    device="cpu",
    chunk: int | None = None,
    out: str = "uint8",
    compile: bool = False,
):
    """Render a pack: video (B, T, H, W, 3) uint8 (or float in [0, 1] with out="float") and the
    hand-0 mask (B, T // tubelet, grid, grid) float: the share of each patch that hand 0 and its
    arm cover, averaged over the tubelet's frames.

    Chunks of `chunk` clips bound the memory (default: 256 on CUDA; 2 on the CPU, where small
    chunks stay in cache). compile=True fuses the scene, each hand's drawing and the camera effects
    with torch.compile (worth it on CUDA, where eager mode is bound by memory traffic; the first
    call compiles)."""
    spec = spec or GestureSpec()
    chunk = chunk or _default_chunk(device)
    videos, masks = [], []
    for s in range(0, len(pack), chunk):
        part = pack.slice(s, min(s + chunk, len(pack))).to(device)
        v, m = _render_chunk(part, spec, out, compile)
        videos.append(v)
        masks.append(m)
    return torch.cat(videos), torch.cat(masks)


def make_clips(seed: int, split: str, indices, spec: GestureSpec | None = None, device="cpu", **kw) -> dict:
    """Clips `indices` of `split` as the data pipeline stores them: video (N, T, H, W, 3) uint8,
    label (N,) int64 and mask (N, T', g, g) float, all on `device` (kw: see `render`)."""
    spec = spec or GestureSpec()
    pack = sample_scenes(seed, split, indices, spec)
    video, mask = render(pack, spec, device=device, **kw)
    return {"video": video, "label": pack.label.to(video.device), "mask": mask}


def _render_chunk(pack: ScenePack, spec: GestureSpec, out: str, compile_: bool = False):
    dev = pack.hands.device
    B, T, R = len(pack), spec.frames, spec.res
    t = frame_times(spec, dev)[None]  # (1, T)
    cam = eval_curves(pack.camera, t.expand(B, -1))  # (B, T, C)
    zoom = _p(torch.exp(cam[..., CC["log_zoom"]]))
    rot = _p(cam[..., CC["rot"]])
    pix = (torch.arange(R, device=dev, dtype=torch.float32) + 0.5) / R - 0.5
    u, v = pix.view(1, 1, 1, R), pix.view(1, 1, R, 1)
    cr, sr = torch.cos(rot), torch.sin(rot)
    X = 0.5 + (cr * u - sr * v) / zoom + _p(cam[..., CC["dx"]])  # (B, T, R, R) scene coordinates
    Y = 0.5 + (sr * u + cr * v) / zoom + _p(cam[..., CC["dy"]])
    pixel = 1.0 / (R * zoom)
    light = _Light(pack.scene)

    bank, sizes = background_bank(spec.backgrounds, spec.res, dev)
    idx = (pack.scene[:, SC["bg_u"]] * len(bank)).long().clamp(0, len(bank) - 1)
    scene = _stage(_scene, compile_)
    canvas = scene(pack.scene, pack.objects, pack.object_static, bank[idx], sizes[idx], t, X, Y, pixel)

    # hand poses at the sub-frame times of each frame: an open shutter spread around the frame time
    n = spec.subframes
    shutter = pack.scene[:, SC["shutter"]] / spec.fps
    offs = torch.linspace(-0.5, 0.5, n, device=dev) if n > 1 else torch.zeros(1, device=dev)
    ts = t[..., None] + shutter[:, None, None] * offs  # (B, T, n)
    states = hand_states(pack, ts.reshape(B, T * n), spec.duration).reshape(B, 2, T, n, -1)
    canvas, _ = _hand(canvas, pack, 1, states[:, 1], X, Y, pixel, light, compile_)
    canvas, cover = _hand(canvas, pack, 0, states[:, 0], X, Y, pixel, light, compile_)

    canvas = _stage(_finish, compile_)(canvas, cam, pack.scene, pack.seed, u, v)

    video = canvas.permute(0, 2, 3, 4, 1)  # (B, T, H, W, 3)
    if out == "uint8":
        video = (video * 255 + 0.5).floor().clamp(0, 255).to(torch.uint8)
    p, g, tb = spec.patch, spec.grid, spec.tubelet
    m = F.avg_pool2d(cover.reshape(B * T, 1, R, R), p).reshape(B, T // tb, tb, g, g).mean(2)
    return video.contiguous(), m


# ---------------------------------------------------------------------------------------------
# Contact sheet CLI
# ---------------------------------------------------------------------------------------------
def contact_sheet(video: np.ndarray, mask: np.ndarray, labels, spec: GestureSpec, columns: int = 8):
    """One row per clip: the class name, then `columns` frames with hand 0's patch mask outlined."""
    B, T, H, W, _ = video.shape
    cols = np.linspace(0, T - 1, min(columns, T)).round().astype(int)
    label_w = 200
    rows = []
    for b in range(B):
        tiles = []
        for k in cols:
            fr = np.ascontiguousarray(video[b, k])
            m = mask[b, k // spec.tubelet] >= 0.1
            for gy, gx in zip(*np.nonzero(m), strict=True):
                y0, x0 = gy * spec.patch, gx * spec.patch
                cv2.rectangle(fr, (x0, y0), (x0 + spec.patch - 1, y0 + spec.patch - 1), (255, 255, 0), 1)
            tiles.append(np.pad(fr, ((2, 2), (2, 2), (0, 0)), constant_values=255))
        strip = np.concatenate(tiles, axis=1)
        name = np.full((strip.shape[0], label_w, 3), 255, np.uint8)
        cv2.putText(name, GESTURES[int(labels[b])], (4, strip.shape[0] // 2 + 4), cv2.FONT_HERSHEY_SIMPLEX,
                    0.42, (0, 0, 0), 1, cv2.LINE_AA)  # fmt: skip
        rows.append(np.concatenate([name, strip], axis=1))
    return np.concatenate(rows, axis=0)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--count", type=int, default=1, help="clips per class")
    ap.add_argument("--res", type=int, default=112)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="samples")
    ap.add_argument("--backgrounds", default="train", choices=("train", "heldout"))
    ap.add_argument("--no-mask", action="store_true", help="skip contact_sheet_mask.png (mask outlined)")
    ap.add_argument("--gifs", type=int, default=27, help="write at most this many clips as GIFs")
    args = ap.parse_args(argv)
    spec = GestureSpec(frames=args.frames, res=args.res, backgrounds=args.backgrounds, subframes=3)
    n = len(GESTURES)
    indices = np.array([c + n * k for c in range(n) for k in range(args.count)])
    pack = sample_scenes(args.seed, args.split, indices, spec)
    video, mask = render(pack, spec)
    video, mask = video.numpy(), mask.numpy()
    args.out.mkdir(parents=True, exist_ok=True)
    sheet = contact_sheet(video, np.zeros_like(mask), pack.label.numpy(), spec)
    cv2.imwrite(str(args.out / "contact_sheet.png"), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    if not args.no_mask:
        sheet = contact_sheet(video, mask, pack.label.numpy(), spec)
        cv2.imwrite(str(args.out / "contact_sheet_mask.png"), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    from PIL import Image

    for b in range(min(args.gifs, len(indices))):
        frames = [Image.fromarray(f) for f in video[b]]
        name = f"{b:03d}_{GESTURES[int(pack.label[b])]}.gif"
        ms = int(1000 / spec.fps)
        frames[0].save(args.out / name, save_all=True, append_images=frames[1:], duration=ms, loop=0)
    print(f"wrote {args.out / 'contact_sheet.png'} and {min(args.gifs, len(indices))} GIFs")


if __name__ == "__main__":
    main()
