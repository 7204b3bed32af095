"""Ceiling check behind ../README.md: how well can the 27 classes be told apart from what the scene
law draws, before any pixels? An MLP sees what a perfect tracker would: both hands' 18 channels at
every frame (with presence and handedness; the two hands in random order unless --known-hand, since
a pixel model must tell the gesturing hand from the distractor itself), the props' positions and the
camera's motion. --coarse keeps of each hand only its position, size and in-plane angle: what coarse
tokens show, without finger pose, pitch or yaw. Trained on fresh train-split clips, scored on the
test split (data seed 0). Well below the gate's 88% would mean the label law itself is ambiguous;
near 100% says the law is clean (not that pixels show it: resolution and occlusion are ignored).

    cd training && python configs/experiments/gesture_proxy/checks/oracle.py [--known-hand] [--coarse]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # training/, for `mone`

from mone.config import load_config  # noqa: E402
from mone.datasets import gesture_spec  # noqa: E402
from mone.gestures import GESTURES  # noqa: E402
from mone.hand_scene import CC, HC, HS, OS, eval_curves, frame_times, hand_states, sample_scenes  # noqa: E402

CAMERA_MOTION = [CC[c] for c in ("dx", "dy", "log_zoom", "rot")]  # what moves the image
COARSE = [HC[c] for c in ("x", "y", "log_size", "roll")]


def features(pack, spec, known_hand: bool, coarse: bool, rng: np.random.Generator) -> torch.Tensor:
    """(B, F): per hand [present, handed, 16 x 18 states (4 if coarse)]; per prop [present, 16 x 4];
    camera 16 x 4."""
    times = frame_times(spec)
    states = hand_states(pack, times, spec.duration)  # (B, 2, T, 18)
    if coarse:
        states = states[..., COARSE]
    present = pack.hand_static[:, :, HS["present"]]  # (B, 2)
    handed = pack.hand_static[:, :, HS["handed"]]
    hands = torch.cat([present[..., None], handed[..., None], states.flatten(2)], dim=2) * present[..., None]
    if not known_hand:  # random slot order: which hand gestures must be inferred, as from pixels
        swap = torch.from_numpy(rng.random(len(pack)) < 0.5)
        hands = torch.where(swap[:, None, None], hands.flip(1), hands)
    obj_present = pack.object_static[:, :, OS["present"]]
    obj_states = eval_curves(pack.objects, times[None, None]).flatten(2)  # (B, 2, T * 4)
    objects = torch.cat([obj_present[..., None], obj_states], dim=2) * obj_present[..., None]
    camera = eval_curves(pack.camera, times[None])[..., CAMERA_MOTION]  # (B, T, 4)
    return torch.cat([hands.flatten(1), objects.flatten(1), camera.flatten(1)], dim=1)


def make_set(split: str, n: int, spec, known_hand: bool, coarse: bool, seed: int):
    rng = np.random.default_rng([seed, 1 if split == "train" else 2])
    xs, ys = [], []
    for lo in range(0, n, 2000):
        pack = sample_scenes(seed, split, np.arange(lo, min(lo + 2000, n)), spec)
        xs.append(features(pack, spec, known_hand, coarse, rng))
        ys.append(pack.label)
    return torch.cat(xs), torch.cat(ys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=int, default=54000)
    ap.add_argument("--test", type=int, default=5400)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--known-hand", action="store_true", help="hand 0 always in the first slot")
    ap.add_argument("--coarse", action="store_true", help="hands: position, size and roll only")
    ap.add_argument("--seed", type=int, default=0, help="data seed (clips) and init")
    ap.add_argument("--out", help="write the result as JSON here")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    spec = gesture_spec(load_config("nested_b"))  # the B model's clips: 112 px, 16 frames at 12 fps
    t0 = time.time()
    xtr, ytr = make_set("train", a.train, spec, a.known_hand, a.coarse, a.seed)
    xte, yte = make_set("test", a.test, spec, a.known_hand, a.coarse, a.seed)
    mean, std = xtr.mean(0), xtr.std(0).clamp_min(1e-4)
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    drawn = time.time() - t0
    print(f"{len(xtr)} train / {len(xte)} test clips, {xtr.shape[1]} features, drawn in {drawn:.0f} s")

    net = nn.Sequential(
        nn.Linear(xtr.shape[1], 512), nn.GELU(), nn.Dropout(0.1),
        nn.Linear(512, 512), nn.GELU(), nn.Dropout(0.1),
        nn.Linear(512, len(GESTURES)),
    )  # fmt: skip
    steps = a.epochs * (len(xtr) // 256)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=steps)
    gen = torch.Generator().manual_seed(a.seed)

    def top1(x, y):
        net.eval()
        with torch.no_grad():
            pred = net(x).argmax(1)
        net.train()
        return pred, float((pred == y).float().mean())

    for epoch in range(a.epochs):
        order = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr) - 255, 256):
            idx = order[i : i + 256]
            loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        if (epoch + 1) % 10 == 0 or epoch + 1 == a.epochs:
            _, tr = top1(xtr[:5400], ytr[:5400])
            _, te = top1(xte, yte)
            print(f"epoch {epoch + 1}: loss {loss.item():.3f}, train {tr:.1%}, test {te:.1%}", flush=True)

    pred, te = top1(xte, yte)
    per_class = {GESTURES[c]: float((pred[yte == c] == c).float().mean()) for c in range(len(GESTURES))}
    pairs: dict[str, int] = {}
    for t, p in zip(yte.tolist(), pred.tolist(), strict=True):
        if t != p:
            key = f"{GESTURES[t]} -> {GESTURES[p]}"
            pairs[key] = pairs.get(key, 0) + 1
    confused = sorted(pairs.items(), key=lambda kv: -kv[1])[:10]
    print(f"test top-1 {te:.2%}; lowest classes:")
    for name, acc in sorted(per_class.items(), key=lambda kv: kv[1])[:6]:
        print(f"  {name}: {acc:.1%}")
    print("most confused (true -> predicted: clips):")
    for k, v in confused:
        print(f"  {k}: {v}")
    if a.out:
        result = {
            "args": vars(a),
            "test_top1": te,
            "per_class": per_class,
            "confused": confused,
            "train_clips": len(xtr),
            "test_clips": len(xte),
        }
        Path(a.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
