"""Training-only losses from the scene law (TrainConfig.aux_weight; rendered gestures only).

A renderer knows what a camera does not: where the gesturing hand is and how it is posed. Two
small heads read the spatial transformer's output (after its final LayerNorm) and learn it:

- **pose**: hand 0's 18 channels (position, size, roll/pitch/yaw, finger and thumb joints;
  `hand_scene.HAND_CH`) averaged over each tubelet's frames, from the time step's mean token, the
  vector the temporal transformer gets. MSE on channels standardised with fixed statistics, over
  clips where hand 0 is present.
- **mask**: the share of each patch that hand 0 and its arm cover (`hand_render.render`'s mask),
  from each token. Binary cross-entropy with the share as a soft target.

On the CPU proxy (configs/experiments/gesture_proxy: dense D=128, 112 px, conv stem, the B
curriculum) they took the full-law validation top-1 after 800 steps from 9.6 / 10.0% to 25.2 /
28.9% (seeds 0 / 1). The heads are not part of the model: checkpoints keep them for
resuming, final weights and exports never see them.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .hand_scene import HAND_CH, HS, GestureSpec, ScenePack, frame_times, hand_states, sample_scenes

STATS_CLIPS = 512  # val-split clips (data seed 0) whose pose channels set the standardisation


def pose_targets(pack: ScenePack, spec: GestureSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """Hand 0's channels per time step (B, T', 18), each the mean over its tubelet's frames, and
    whether hand 0 is present (B,) as 0/1."""
    states = hand_states(pack, frame_times(spec), spec.duration)[:, 0]  # (B, T, 18)
    pose = states.reshape(len(pack), spec.frames // spec.tubelet, spec.tubelet, len(HAND_CH)).mean(2)
    return pose, pack.hand_static[:, 0, HS["present"]]


def pose_stats(spec: GestureSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and standard deviation of the pose targets over STATS_CLIPS fixed clips
    with hand 0 present: the same numbers in every run, rank and resume of a scene law."""
    pose, present = pose_targets(sample_scenes(0, "val", np.arange(STATS_CLIPS), spec), spec)
    seen = pose[present > 0.5]
    return seen.mean((0, 1)), seen.std((0, 1)).clamp_min(1e-3)


class SceneHeads(nn.Module):
    """The two heads and the pose standardisation (buffers, so they move with the module)."""

    def __init__(self, dim: int, spec: GestureSpec):
        super().__init__()
        self.pose = nn.Linear(dim, len(HAND_CH))
        self.mask = nn.Linear(dim, 1)
        mu, sd = pose_stats(spec)
        self.register_buffer("pose_mu", mu)
        self.register_buffer("pose_sd", sd)

    def forward(self, tokens: torch.Tensor, targets: dict[str, torch.Tensor]) -> torch.Tensor:
        """tokens (B, T', N, D) in input token order; targets pose (B, T', 18), present (B,), mask
        (B, T', g, g) -> pose loss + mask loss."""
        tokens = tokens.float()
        err = (self.pose(tokens.mean(2)) - (targets["pose"] - self.pose_mu) / self.pose_sd) ** 2
        present = targets["present"]
        pose_loss = (err.mean((1, 2)) * present).sum() / present.sum().clamp_min(1.0)
        mask_loss = F.binary_cross_entropy_with_logits(self.mask(tokens)[..., 0], targets["mask"].flatten(2))
        return pose_loss + mask_loss
