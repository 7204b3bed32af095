"""What a config trains and evaluates on, behind one interface (config.DATASETS):

- "motion": the generated motion benchmark (mone.data); a fixed train split cached as uint8, or
  folder-per-class videos when data_dir is set (mone.video_folder);
- "gestures": the rendered hand-gesture benchmark (mone.hand_scene parameters drawn on the CPU,
  mone.hand_render pixels on the training device): fresh train clips every step, nothing on disk;
  val/test deterministic per (data_seed, split, index) and cached as uint8;
- "jester": 20BN-Jester footage in its own layout (mone.jester); data_dir is its root. Jester's test
  labels are not public, so "test" is its validation split.

Every split is a dict: video uint8 (N, T, H, W, 3) RGB, label int64 (N,), mask bool (N, T', g, g)
(the patches of the object or hand that decides the class; all False for real footage).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import torch

from .config import TrainConfig, clip_spec
from .data import CLASSES, HFLIP, TIME_REVERSE, VFLIP, build_split
from .gestures import GESTURES

MASK_COVER = 0.1  # a patch belongs to the hand when the hand covers at least this share of it


def classes(cfg: TrainConfig) -> tuple[str, ...]:
    """Class names in label order."""
    if cfg.dataset == "motion":
        if cfg.data_dir:
            from .video_folder import list_videos

            return tuple(list_videos(Path(cfg.data_dir), "train")[1])  # indices follow train
        return CLASSES
    return GESTURES


def describe(cfg: TrainConfig) -> str:
    """What the model was trained on, for its metadata's description."""
    if cfg.dataset == "gestures":
        return "the rendered hand-gesture benchmark"
    if cfg.dataset == "jester":
        return "20BN-Jester footage"
    return "folder-per-class videos" if cfg.data_dir else "the generated motion benchmark"


def check(cfg: TrainConfig) -> None:
    """Fail before training when the model and the data disagree."""
    k = len(classes(cfg))
    if cfg.model.num_classes != k:
        raise SystemExit(
            f"error: config {cfg.name!r}: model.num_classes is {cfg.model.num_classes} "
            f"but dataset {cfg.dataset!r} has {k} classes"
        )


def gesture_spec(cfg: TrainConfig):
    """The renderer's GestureSpec for this config: the model's shape plus cfg.scene."""
    from .hand_scene import GestureSpec

    m = cfg.model
    shape = dict(frames=m.frames, fps=cfg.fps, res=m.image_size, patch=m.patch_size, tubelet=m.tubelet_size)
    clash = set(shape) & set(cfg.scene)
    if clash:
        raise ValueError(f"scene settings {sorted(clash)} come from the model and fps; remove them")
    return GestureSpec(**shape, **cfg.scene)


def split_size(cfg: TrainConfig, split: str) -> int:
    return {"train": cfg.train_clips, "val": cfg.val_clips, "test": cfg.test_clips}[split]


# ---------------------------------------------------------------------------------------------
# Evaluation splits (and the motion benchmark's fixed train split)
# ---------------------------------------------------------------------------------------------
def load_split(cfg: TrainConfig, split: str, cache_dir: Path, progress: bool = True, device="cpu") -> dict:
    """A whole split in memory (val and test; the motion benchmark's train split too)."""
    count = split_size(cfg, split)
    if cfg.dataset == "jester":
        from .jester import load_jester_clips

        return load_jester_clips(
            Path(cfg.data_dir), "validation" if split == "test" else split, clip_spec(cfg), limit=count
        )
    if cfg.dataset == "gestures":
        return gesture_split(cfg, split, count, cache_dir, device=device, progress=progress)
    if cfg.data_dir:
        from .video_folder import load_folder_split

        return load_folder_split(Path(cfg.data_dir), split, clip_spec(cfg), labels=list(classes(cfg)))
    return build_split(cfg.data_seed, split, count, clip_spec(cfg), cache_dir, progress=progress)


def gesture_split(
    cfg: TrainConfig, split: str, count: int, cache_dir: Path, device="cpu", progress: bool = True
) -> dict:
    """Rendered once (on `device`, in chunks) and cached as uint8; the same clips on any device
    (parameters come from the CPU, pixels are rendered in fp32)."""
    from .hand_render import render
    from .hand_scene import sample_scenes

    spec = gesture_spec(cfg)
    fields = "-".join(f"{k}{v}" for k, v in sorted(vars(spec).items()))
    path = Path(cache_dir) / f"gestures-{split}-s{cfg.data_seed}-n{count}-{fields}.npz"
    if path.exists():
        z = np.load(path)
        return {k: z[k] for k in ("video", "label", "mask")}
    chunk = 256 if torch.device(device).type == "cuda" else 32
    videos, labels, masks = [], [], []
    starts = range(0, count, chunk)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc=f"rendering {split}", unit="chunk")
    for s in starts:
        pack = sample_scenes(cfg.data_seed, split, np.arange(s, min(s + chunk, count)), spec)
        video, mask = render(pack, spec, device=device)
        videos.append(video.cpu().numpy())
        labels.append(pack.label.numpy())
        masks.append((mask >= MASK_COVER).cpu().numpy())
    data = {"video": np.concatenate(videos), "label": np.concatenate(labels), "mask": np.concatenate(masks)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # ranks building at once never collide
    np.savez(tmp, **data)
    tmp.replace(path)
    return data


def golden_clip(cfg: TrainConfig, index: int) -> tuple[np.ndarray, int]:
    """Test clip `index` (uint8 (T, H, W, 3), label), rendered on the CPU: the exporter's golden
    vectors and the sample clips come from here."""
    if cfg.dataset == "gestures":
        from .hand_render import render
        from .hand_scene import sample_scenes

        spec = gesture_spec(cfg)
        pack = sample_scenes(cfg.data_seed, "test", [index], spec)
        video, _ = render(pack, spec, device="cpu")
        return video[0].numpy(), int(pack.label[0])
    if cfg.dataset != "motion" or cfg.data_dir:
        raise ValueError(f"golden clips come from a generated benchmark, not from {cfg.dataset!r} footage")
    from .data import make_clip

    frames, label, _ = make_clip(cfg.data_seed, "test", index, clip_spec(cfg))
    return frames, label


# ---------------------------------------------------------------------------------------------
# Training batches
# ---------------------------------------------------------------------------------------------
def motion_augment(video: torch.Tensor, label: torch.Tensor, gen: torch.Generator):
    """Flips and time reversal with the label maps that keep the meaning true (motion classes)."""
    b = video.shape[0]
    for flag_fn, label_map in (
        (lambda v: v.flip(3), HFLIP),  # (B, T, H, W, 3): flip W
        (lambda v: v.flip(2), VFLIP),
        (lambda v: v.flip(1), TIME_REVERSE),
    ):
        sel = torch.rand(b, generator=gen) < 0.5
        if sel.any():
            video[sel] = flag_fn(video[sel])
            label[sel] = torch.tensor(label_map)[label[sel]]
    return video, label


class TrainBatches:
    """The global batch of each step, sliced for this rank: `batches(step, rng)` -> (video uint8
    (B/world, T, H, W, 3), label (B/world,)) on `device`. Every rank draws from the step's rng, so
    N ranks train exactly what one process would with the same global batch, and resuming at step s
    sees the batches an uninterrupted run would have seen. `batches.batch(step, rng)` adds the
    scene targets of rendered clips (mone.scene_aux) when cfg.aux_weight is set, else None."""

    def __init__(self, cfg: TrainConfig, cache_dir: Path, device, rank: int, world: int, progress: bool):
        self.cfg, self.device, self.rank, self.world = cfg, torch.device(device), rank, world
        if cfg.batch_size % world:
            raise SystemExit(f"error: batch_size {cfg.batch_size} not divisible by world size {world}")
        self.per_rank = cfg.batch_size // world
        if (cfg.batch_size // cfg.render_reuse) % world:
            raise SystemExit(f"error: batch_size / render_reuse not divisible by world size {world}")
        self.data = None
        self.chunks: dict[int, tuple] = {}  # rendered chunk t -> (video, label, targets or None)
        if cfg.dataset == "gestures":
            self.spec = gesture_spec(cfg)
        else:
            self.data = load_split(cfg, "train", cache_dir, progress)

    def __call__(self, step: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return self.batch(step, rng)[:2]

    def batch(self, step: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, dict | None]:
        lo, hi = self.rank * self.per_rank, (self.rank + 1) * self.per_rank
        if self.data is None:
            return self._rendered(step, lo, hi)
        idx = np.sort(rng.integers(0, len(self.data["label"]), self.cfg.batch_size))
        gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
        video = torch.as_tensor(self.data["video"][idx])
        label = torch.as_tensor(self.data["label"][idx])
        if self.cfg.dataset == "motion":
            video, label = motion_augment(video, label, gen)
        return video[lo:hi].to(self.device, non_blocking=True), label[lo:hi].to(self.device), None

    def _rendered(self, step: int, lo: int, hi: int):
        """Rendered clips, never stored on disk. With render_reuse k, each step renders B/k new clips
        (train-split indices t * B/k + [lo/k, hi/k) for chunk t) and the batch is the last k chunks:
        a clip serves k consecutive steps. A step's batch depends on its number alone, so a resumed
        run re-renders what its cache lacks and trains on the same clips."""
        k = self.cfg.render_reuse
        first = max(0, step - k + 1)
        wanted = range(first, first + k)
        self.chunks = {t: c for t, c in self.chunks.items() if t in wanted}
        for t in wanted:
            if t not in self.chunks:
                self.chunks[t] = self._render_chunk(t, lo // k, hi // k)
        video = torch.cat([self.chunks[t][0] for t in wanted])
        label = torch.cat([self.chunks[t][1] for t in wanted])
        targets = None
        if self.chunks[first][2] is not None:
            targets = {k: torch.cat([self.chunks[t][2][k] for t in wanted]) for k in self.chunks[first][2]}
        return video, label, targets

    def _render_chunk(self, t: int, lo: int, hi: int):
        from .hand_render import render

        pack = self.chunk_scenes(t, lo, hi)
        video, mask = render(pack, self.spec, device=self.device, compile=self.cfg.render_compile)
        targets = None
        if self.cfg.aux_weight:
            from .scene_aux import pose_targets

            pose, present = pose_targets(pack, self.spec)
            targets = {"pose": pose.to(self.device), "present": present.to(self.device), "mask": mask}
        return video, pack.label.to(self.device), targets

    def chunk_scenes(self, t: int, lo: int, hi: int):
        """The scene parameters of rendered chunk t, clips [lo, hi) of it. Under a curriculum a
        share of them (curriculum_share) is eased; which ones is drawn from (data_seed, t) for the
        whole chunk, so every rank agrees."""
        per_chunk = self.cfg.batch_size // self.cfg.render_reuse
        idx = np.arange(t * per_chunk + lo, t * per_chunk + hi)
        share = curriculum_share(self.cfg.curriculum, t)
        easy = np.random.default_rng([self.cfg.data_seed, t, EASE_STREAM]).random(per_chunk)[lo:hi] < share
        return curriculum_scenes(self.cfg.data_seed, idx, self.spec, easy)


def curriculum_scenes(seed: int, idx: np.ndarray, spec, easy: np.ndarray, labels=None):
    """Training clips `idx` with those where `easy` is set eased (hand_scene.ease of the clip drawn
    at difficulty 0), in index order: one pack, so one render call of a fixed batch size (a
    compiled renderer keeps its shapes)."""
    from .hand_scene import ScenePack, ease, sample_scenes

    labels = None if labels is None else np.asarray(labels)

    def part(rows: np.ndarray, law):
        return sample_scenes(seed, "train", idx[rows], law, None if labels is None else labels[rows])

    if not easy.any():
        return sample_scenes(seed, "train", idx, spec, labels)
    eased = ease(part(easy, dataclasses.replace(spec, difficulty=0.0)))
    if easy.all():
        return eased
    both = ScenePack.cat([eased, part(~easy, spec)])
    return both.take(np.argsort(np.concatenate([np.flatnonzero(easy), np.flatnonzero(~easy)])))


EASE_STREAM = 0xEA5E  # keys the curriculum's draws apart from any other use of (data_seed, t)


def curriculum_share(curriculum: tuple[int, int], step: int) -> float:
    """The share of eased training clips at this step: 1 before curriculum[0], then falling linearly
    to 0 over curriculum[1] steps; always 0 for (0, 0)."""
    hold, ramp = curriculum
    if step < hold:
        return 1.0
    if ramp == 0:
        return 0.0
    return max(0.0, 1.0 - (step - hold) / ramp)
