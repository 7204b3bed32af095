"""Training configs as code. A config module in training/configs/ defines CONFIG (a dict); unknown keys
anywhere fail loudly, so a typo never silently trains the wrong thing.

Shipped recipes sit at the top of training/configs/ (`load_config("mone_s")`); experiments in
training/configs/experiments/<topic>/ (`load_config("experiments/router/mone_s_router")`).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .data import BENCHMARKS, ClipSpec
from .model import ModelConfig

TRAINING_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = TRAINING_ROOT / "configs"
EXPERIMENTS = "experiments"  # the folder of CONFIG_DIR that holds experiments, one folder per topic


def runs_root() -> Path:
    """Where runs live: training/runs, or $MONE_RUNS (a scratch folder for smoke runs). A config's
    "runs/<run>/..." checkpoint paths (init_from, distill_from) resolve against it."""
    return Path(os.environ.get("MONE_RUNS") or TRAINING_ROOT / "runs")


STAGE_MODES = ("nested", "nested_all", "mone", "dense")
# What a config trains on (mone.datasets): the generated motion benchmark (mone.data), the rendered
# hand-gesture benchmark (mone.hand_scene / mone.hand_render, fresh clips every step), or
# 20BN-Jester footage on disk (mone.jester; data_dir is its root).
DATASETS = ("motion", "gestures", "jester")


@dataclass
class Stage:
    """mode: nested (one random nested width for every token per step), nested_all (every nested
    width each step, the losses summed: the paper's MatViViT init), mone (e_c sampled per step from
    budgets), dense (every token on the full expert)."""

    name: str
    mode: str
    steps: int
    lr: float = 1e-3
    warmup: int = 100
    budgets: tuple[float, ...] = (0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)

    def __post_init__(self):
        if self.mode not in STAGE_MODES:
            raise ValueError(f"stage {self.name!r}: mode must be one of {STAGE_MODES}, got {self.mode!r}")
        if self.steps < 0:
            raise ValueError(f"stage {self.name!r}: steps must be >= 0")
        self.budgets = tuple(self.budgets)


@dataclass
class TrainConfig:
    name: str
    model: ModelConfig = field(default_factory=ModelConfig)
    stages: list[Stage] = field(default_factory=list)
    seed: int = 0
    data_seed: int = 0
    train_clips: int = 20000
    val_clips: int = 1000
    test_clips: int = 2000
    batch_size: int = 32
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    eval_every: int = 500
    ckpt_every: int = 200
    eval_budget: float = 0.5
    data_dir: str | None = None  # folder-per-class videos instead of the generated benchmark
    benchmark: int = 1  # version of the generated benchmark's scene law (mone.data.BENCHMARKS)
    dataset: str = "motion"  # one of DATASETS
    fps: float = 10.0  # frames per second the model sees (the metadata tells the app)
    # GestureSpec settings beyond the model's shape (version, difficulty, subframes, ...), gestures only
    scene: dict = field(default_factory=dict)
    # torch.compile the training forward (CUDA runs; one graph per budget level)
    compile: bool = False
    # gestures: torch.compile the renderer, and use each rendered training clip in this many
    # consecutive steps (each step renders batch_size / render_reuse new clips), for when the
    # renderer is slower than the model (mone.probe measures both)
    render_compile: bool = False
    render_reuse: int = 1
    # gestures: a curriculum of eased training clips (hand_scene.ease: difficulty 0, no person, props
    # or second hand, a flat background; the gesture itself unchanged), because from scratch the full
    # scene law stays at chance for hundreds of steps (configs/experiments/gesture_proxy): every clip
    # is eased before step curriculum[0], then a share falling linearly to 0 over curriculum[1]
    # steps. (0, 0) = none. Validation and test clips are never eased.
    curriculum: tuple[int, int] = (0, 0)
    threads: int = 0  # torch intra-op threads; 0 = leave torch's default
    init_from: str | None = None  # weights to start from (path relative to training/), e.g. a dense run
    keep_steps: tuple[int, ...] = ()  # also keep step-<n>.pt copies of these steps (for init_from)
    # Matmul precision of the training forward/backward (weights, optimiser and evaluation stay fp32).
    # bf16 autocast runs a training step ~3x faster on CPUs with AVX512-BF16 (measured on this
    # machine's EPYC: 0.21 s vs 0.64 s per dense batch of 32) and on recent GPUs.
    precision: str = "fp32"
    # The router and the alphas are the only MoNE-specific parameters and learn only through the
    # small alpha * r factor. router_lr_scale multiplies their learning rate; router_weight_decay
    # (None = weight_decay) is their decoupled weight decay, which otherwise pulls alpha back to 0.
    router_lr_scale: float = 1.0
    router_weight_decay: float | None = None
    # lr multiplier of the tubelet embedding. Under Adam every weight moves by about lr, so a token's
    # change per step grows with the embedding's fan-in (tubelet * 3 * patch^2): 1,536 at patch 16
    # against 384 at patch 8. At 112 px / patch 16 the gesture model stayed at chance until this was
    # 0.25, the patch-8 rate (configs/experiments/gesture_proxy).
    embed_lr_scale: float = 1.0
    # gestures: weight of two training-only losses from the scene law (mone.scene_aux): the
    # gesturing hand's pose per time step and its per-patch mask, read from the spatial
    # transformer's output by small heads that no export contains. On the CPU proxy they took the
    # full-law val top-1 after 800 steps from 9.6 / 10.0% to 25.2 / 28.9% (seeds 0 / 1;
    # configs/experiments/gesture_proxy).
    aux_weight: float = 0.0
    # which forwards of a nested_all step add the scene losses: "all" (every width's, summed) or
    # "widest" (the full width's only). Other modes run one forward, which always adds them. On the
    # CPU proxy neither made nested_all gain what dense did (configs/experiments/gesture_proxy).
    aux_widths: str = "all"
    # Knowledge distillation: a trained checkpoint (path relative to training/, usually the dense
    # baseline) whose full-width predictions the model also learns from. The loss is
    # (1 - distill_weight) * cross-entropy on the labels + distill_weight * T^2 * KL(teacher || model)
    # at temperature T = distill_temperature (Hinton et al. 2015). None = labels only.
    distill_from: str | None = None
    distill_weight: float = 0.5
    distill_temperature: float = 2.0

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {DATASETS}, got {self.dataset!r}")
        if self.dataset == "jester" and not self.data_dir:
            raise ValueError("dataset 'jester' needs data_dir (the folder holding the Jester CSVs)")
        if self.render_reuse < 1 or self.batch_size % self.render_reuse:
            raise ValueError(f"render_reuse must be >= 1 and divide batch_size, got {self.render_reuse}")
        if len(self.curriculum) != 2 or min(self.curriculum) < 0:
            raise ValueError(f"curriculum must be two step counts >= 0, got {self.curriculum}")
        if any(self.curriculum) and self.dataset != "gestures":
            raise ValueError("curriculum applies to dataset 'gestures' only")
        if self.scene and self.dataset != "gestures":
            raise ValueError("scene settings apply to dataset 'gestures' only")
        if self.benchmark not in BENCHMARKS:
            raise ValueError(f"benchmark must be one of {BENCHMARKS}, got {self.benchmark!r}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be fp32|bf16, got {self.precision!r}")
        if self.router_lr_scale <= 0:
            raise ValueError(f"router_lr_scale must be > 0, got {self.router_lr_scale}")
        if self.aux_weight < 0:
            raise ValueError(f"aux_weight must be >= 0, got {self.aux_weight}")
        if self.aux_weight and self.dataset != "gestures":
            raise ValueError("aux_weight applies to dataset 'gestures' only (it needs the scene law)")
        if self.aux_widths not in ("all", "widest"):
            raise ValueError(f"aux_widths must be 'all' or 'widest', got {self.aux_widths!r}")
        if self.embed_lr_scale <= 0:
            raise ValueError(f"embed_lr_scale must be > 0, got {self.embed_lr_scale}")
        if not 0.0 <= self.distill_weight <= 1.0:
            raise ValueError(f"distill_weight must be in [0, 1], got {self.distill_weight}")
        if self.distill_temperature <= 0:
            raise ValueError(f"distill_temperature must be > 0, got {self.distill_temperature}")

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        d = dict(d)
        d["model"] = ModelConfig.from_dict(d.get("model", {}))
        stages = []
        for s in d.get("stages", []):
            sk = {f.name for f in fields(Stage)}
            bad = set(s) - sk
            if bad:
                raise ValueError(f"unknown stage keys: {sorted(bad)}")
            stages.append(Stage(**s))
        d["stages"] = stages
        d["keep_steps"] = tuple(d.get("keep_steps", ()))
        d["curriculum"] = tuple(d.get("curriculum", (0, 0)))
        return cls(**d)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["stages"] = [dict(asdict(s), budgets=list(s.budgets)) for s in self.stages]
        out["keep_steps"] = list(self.keep_steps)
        out["curriculum"] = list(self.curriculum)
        return out

    @property
    def total_steps(self) -> int:
        return sum(s.steps for s in self.stages)


def clip_spec(cfg: TrainConfig) -> ClipSpec:
    """The generated benchmark's clips that this config trains and evaluates on."""
    m = cfg.model
    return ClipSpec(
        frames=m.frames,
        fps=cfg.fps,
        res=m.image_size,
        patch=m.patch_size,
        tubelet=m.tubelet_size,
        benchmark=cfg.benchmark,
    )


def config_names() -> list[str]:
    """Every config load_config knows by name: shipped recipes, then experiments/<topic>/<name>."""
    top = sorted(p.stem for p in CONFIG_DIR.glob("*.py") if not p.stem.startswith("_"))
    experiments = sorted(
        p.relative_to(CONFIG_DIR).with_suffix("").as_posix()
        for p in (CONFIG_DIR / EXPERIMENTS).glob("*/*.py")
        if not p.stem.startswith("_")
    )
    return top + experiments


def load_config(name_or_path: str) -> TrainConfig:
    """`mone_s` (a shipped recipe in training/configs/), `experiments/<topic>/<name>` (an experiment
    in training/configs/experiments/) or a path to a .py file defining CONFIG."""
    path = Path(name_or_path)
    if not path.suffix:
        path = CONFIG_DIR / f"{name_or_path}.py"
    if not path.exists():
        names = config_names()
        moved = [n for n in names if n.startswith(f"{EXPERIMENTS}/") and n.endswith(f"/{name_or_path}")]
        hint = f"; did you mean {moved[0]!r}?" if moved else ""
        raise FileNotFoundError(f"config {name_or_path!r} not found{hint} (available: {', '.join(names)})")
    spec = importlib.util.spec_from_file_location(f"mone_config_{path.stem}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not hasattr(mod, "CONFIG"):
        raise ValueError(f"{path} defines no CONFIG")
    return TrainConfig.from_dict(mod.CONFIG)
