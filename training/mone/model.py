"""MoNE ViViT (factorised encoder) — read top to bottom.

    video (B, T, 3, H, W)
      -> tubelet embedding + spatial position       tokens (B*T', N, D), T' = T / tubelet
         (stem="conv": a small conv stack per tubelet instead of one linear map, see ConvStem)
      -> router (first spatial layer only)         probs (B*T', N, E)
      -> Expert Preferred Routing per time step    permutation into contiguous expert groups
      -> spatial MoNE blocks (groups kept sorted)  (B*T', N, D)
      -> average over tokens                       (B, T', D)
      -> dense temporal transformer + avg pool     (B, D)
      -> LayerNorm + linear head                   (B, num_classes)

Nested experts (paper Sec. 3): expert j uses width d_j = D / 2**(E-1-j) (j = 0 smallest). In-projections
(Q, K, V, fc1) read only the first d_j input features and produce full width; out-projections
(attention out, fc2) read full width and produce the first d_j features, zero-padded back to D, so a
small expert leaves features d_j..D of its tokens untouched. Attention is one joint softmax over all
tokens of a frame at full width. Tokens are permuted once into groups (largest expert first) and kept
in that order: attention has no position bias (permutation-equivariant) and pooling is invariant, so
every per-expert matmul runs on a contiguous slice — the compute saving is real.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ModelConfig:
    """Sized for a 2-core CPU and a browser (see configs/ for the reasons per field)."""

    num_classes: int = 10
    frames: int = 8
    image_size: int = 64
    patch_size: int = 8
    tubelet_size: int = 2
    dim: int = 128
    heads: int = 4
    spatial_depth: int = 4
    temporal_depth: int = 1
    mlp_ratio: int = 4
    num_experts: int = 4
    # What the router reads [I]: "tokens" = the embedded tokens x, "ln1" = LN(x) with the first
    # block's own pre-LN (what that block's experts read; no new parameters).
    router_input: str = "tokens"
    # How tubelets become tokens: "linear" = ViViT's one linear map per tubelet; "conv" = ConvStem.
    stem: str = "linear"
    stem_width: int = 24  # ConvStem's first conv's channels (doubling at each later stride-2 conv)

    def __post_init__(self) -> None:
        if self.router_input not in ("tokens", "ln1"):
            raise ValueError(f"router_input must be 'tokens' or 'ln1', not {self.router_input!r}")
        if self.stem not in ("linear", "conv"):
            raise ValueError(f"stem must be 'linear' or 'conv', not {self.stem!r}")
        if self.stem == "conv" and (self.patch_size < 2 or self.patch_size & (self.patch_size - 1)):
            raise ValueError(f"stem='conv' needs a power-of-two patch_size, not {self.patch_size}")

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown model config keys: {sorted(unknown)}")
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def tokens_per_step(self) -> int:
        return self.grid * self.grid

    @property
    def time_steps(self) -> int:
        return self.frames // self.tubelet_size

    @property
    def stem_channels(self) -> list[int]:
        """ConvStem's stride-2 convs' output channels (log2(patch) of them)."""
        return [self.stem_width * 2**i for i in range(self.patch_size.bit_length() - 1)]

    @property
    def widths(self) -> list[int]:
        return [self.dim // 2 ** (self.num_experts - 1 - j) for j in range(self.num_experts)]


# ---------------------------------------------------------------------------------------------
# Nested linear layers
# ---------------------------------------------------------------------------------------------
class NestedLinear(nn.Linear):
    """A Linear whose experts use a prefix slice of its weights."""

    def forward_in(self, x: torch.Tensor, d: int) -> torch.Tensor:
        # (.., d) -> (.., out): first d input features, full output width
        return F.linear(x[..., :d], self.weight[:, :d], self.bias)

    def forward_out(self, x: torch.Tensor, d: int) -> torch.Tensor:
        # (.., in) -> (.., out): full input, first d outputs, zero-padded back to out_features
        y = F.linear(x, self.weight[:d], self.bias[:d])
        return F.pad(y, (0, self.out_features - d))


# ---------------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------------
def expert_preferred_routing(scores: torch.Tensor, counts: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Algorithm 1, batched over rows. scores (B, N, E); counts[j] tokens per row for expert j.

    The largest expert picks its top-k first among unassigned tokens, then the next; the smallest
    expert takes what is left. Returns (perm (B, N): token indices grouped largest expert first,
    expert (B, N): expert of each token in original order).
    """
    b, n, e = scores.shape
    assert len(counts) == e and sum(counts) == n, (counts, n)
    taken = torch.zeros(b, n, dtype=torch.bool, device=scores.device)
    expert = torch.zeros(b, n, dtype=torch.long, device=scores.device)
    order = []
    for j in reversed(range(e)):
        if counts[j] == 0:
            continue
        s = scores[..., j].masked_fill(taken, float("-inf"))
        idx = s.topk(counts[j], dim=1).indices  # (B, k_j) — per row, never across examples
        taken.scatter_(1, idx, True)
        expert.scatter_(1, idx, j)
        order.append(idx)
    return torch.cat(order, dim=1), expert


def expert_groups(counts: list[int]) -> list[tuple[int, int, int]]:
    """(expert, start, end) of each non-empty contiguous group in sorted order, largest first."""
    out, start = [], 0
    for j in reversed(range(len(counts))):
        if counts[j]:
            out.append((j, start, start + counts[j]))
            start += counts[j]
    return out


# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------
def attention(qkv: torch.Tensor, heads: int) -> torch.Tensor:
    # qkv (B, N, 3D) -> (B, N, D). PyTorch's fused attention (flash / memory-efficient kernels on
    # CUDA) scales by the *head* width, 1/sqrt(D/heads), as the paper's attention does (scaling by
    # D is a known re-implementation pitfall; test_model checks the scale).
    b, n, three_d = qkv.shape
    d = three_d // 3
    q, k, v = qkv.view(b, n, 3, heads, d // heads).permute(2, 0, 3, 1, 4)  # each (B, h, N, dh)
    y = F.scaled_dot_product_attention(q, k, v)  # (B, h, N, dh)
    return y.transpose(1, 2).reshape(b, n, d)


class MoNEBlock(nn.Module):
    """Pre-LN block; Eq. 1: z = x + SA_j(LN(x)); x' = z + (alpha * r + 1) * FFN_j(LN(z))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.dim
        self.heads = cfg.heads
        self.widths = cfg.widths
        self.ln1 = nn.LayerNorm(d)
        self.qkv = NestedLinear(d, 3 * d)
        self.proj = NestedLinear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = NestedLinear(d, cfg.mlp_ratio * d)
        self.fc2 = NestedLinear(cfg.mlp_ratio * d, d)
        # alpha in [0, 1), initialised to 0 (paper); one per layer [I]; kept in range by projection
        self.alpha = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor, groups: list[tuple[int, int, int]], r: torch.Tensor) -> torch.Tensor:
        # x (B, N, D) sorted into groups; r (B, N, 1) router prob of each token's own expert
        h = self.ln1(x)
        qkv = torch.cat([self.qkv.forward_in(h[:, s:e], self.widths[j]) for j, s, e in groups], dim=1)
        a = attention(qkv, self.heads)
        z = x + torch.cat([self.proj.forward_out(a[:, s:e], self.widths[j]) for j, s, e in groups], dim=1)
        h = self.ln2(z)
        m = torch.cat(
            [
                self.fc2.forward_out(F.gelu(self.fc1.forward_in(h[:, s:e], self.widths[j])), self.widths[j])
                for j, s, e in groups
            ],
            dim=1,
        )
        return z + (self.alpha * r + 1.0) * m

    def forward_masked(self, x: torch.Tensor, mask: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """The same block as `forward` by a different route: one full-width matmul per projection,
        with `mask` (B, N, D) = 1 on the first d_j features of each token's expert, 0 elsewhere.
        Masking an in-projection's input is reading its first d_j features; masking an
        out-projection's output is writing the first d_j and padding with zeros. Dense FLOPs in 4
        kernels instead of 4 per expert: the faster route where a GPU is bound by kernel launches
        (small batches), not by FLOPs. Tokens may be in any order."""
        a = attention(self.qkv(self.ln1(x) * mask), self.heads)
        z = x + self.proj(a) * mask
        m = self.fc2(F.gelu(self.fc1(self.ln2(z) * mask))) * mask
        return z + (self.alpha * r + 1.0) * m


class DenseBlock(nn.Module):
    """Plain pre-LN transformer block (temporal transformer)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.dim
        self.heads = cfg.heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg.mlp_ratio * d)
        self.fc2 = nn.Linear(cfg.mlp_ratio * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.proj(attention(self.qkv(self.ln1(x)), self.heads))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------
def patchify(video: torch.Tensor, tubelet: int, patch: int) -> torch.Tensor:
    """(B, T, C, H, W) -> (B, T', N, tubelet*C*patch*patch); feature order (t, c, py, px), N row-major."""
    b, t, c, h, w = video.shape
    gh, gw = h // patch, w // patch
    x = video.reshape(b, t // tubelet, tubelet, c, gh, patch, gw, patch)
    x = x.permute(0, 1, 4, 6, 2, 3, 5, 7)  # (B, T', gh, gw, tubelet, C, p, p)
    return x.reshape(b, t // tubelet, gh * gw, tubelet * c * patch * patch)


class ConvStem(nn.Module):
    """Tokens from a small conv stack instead of one linear map per tubelet ("Early convolutions help
    transformers see better", Xiao et al. 2021): the tubelet's frames stacked as channels (so the
    first conv sees motion), log2(patch) 3x3 stride-2 convs with ReLU, then a 1x1 conv to D: one
    token per patch, as the linear embedding. Why: at 112 px / patch 16 a finger is a few pixels of a
    1,536-value tubelet; on single frames of the rendered gestures a ViT with the linear embedding
    stayed at chance on open hand vs two fingers where this stem learned it (experiments/
    gesture_proxy). No normalisation: the model has no train/eval modes and the graph stays Conv+Relu.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        layers, c = [], cfg.tubelet_size * 3
        for w in cfg.stem_channels:
            layers += [nn.Conv2d(c, w, 3, stride=2, padding=1), nn.ReLU()]
            c = w
        self.convs = nn.Sequential(*layers, nn.Conv2d(c, cfg.dim, 1))
        # He init through the ReLUs and a variance-keeping last conv: tokens of about the linear
        # stem's scale (std ~0.8 on rendered clips). PyTorch's default conv init shrinks each layer,
        # leaving tokens at 0.04, under the position embedding's 0.5; that stem learned slower.
        for m in self.convs:
            if isinstance(m, nn.Conv2d):
                gain = "relu" if m.kernel_size[0] > 1 else "linear"
                nn.init.kaiming_normal_(m.weight, nonlinearity=gain)
                nn.init.zeros_(m.bias)
        if cfg.tubelet_size > 1:  # the linear stem's motion-aware init, on the first conv's frames
            with torch.no_grad():
                w = self.convs[0].weight  # (C, tubelet * 3, 3, 3), input channels (t, c)
                r = w[:, :3].clone() * cfg.tubelet_size**0.5  # one frame's filters, He scale
                for k in range(cfg.tubelet_size):
                    sign = -1.0 if k < cfg.tubelet_size / 2 else 1.0
                    w[1::2, 3 * k : 3 * k + 3] = r[1::2] / cfg.tubelet_size  # odd: appearance
                    w[0::2, 3 * k : 3 * k + 3] = sign * r[0::2] * 2.0  # even: motion, boosted

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        """(B, T, 3, H, W) -> (B, T', N, D), N row-major as patchify's."""
        cfg = self.cfg
        b, t, c, h, w = video.shape
        x = self.convs(video.reshape(b * (t // cfg.tubelet_size), cfg.tubelet_size * c, h, w))
        return x.flatten(2).transpose(1, 2).reshape(b, t // cfg.tubelet_size, -1, cfg.dim)


# Nested experts read a *prefix* of the features, so every init below interleaves its channel kinds
# (sin/cos, x/y, motion/appearance): any prefix d_j then holds all kinds, not just the first one.
def sincos_1d(length: int, dim: int, pos: torch.Tensor | None = None) -> torch.Tensor:
    """(length, dim) sin-cos table, channels interleaved [sin w0, cos w0, sin w1, cos w1, ...]."""
    p = torch.arange(length, dtype=torch.float32) if pos is None else pos.float()
    omega = 1.0 / (100.0 ** (torch.arange(dim // 2, dtype=torch.float32) / max(dim // 2, 1)))
    ang = p[:, None] * omega[None]
    return torch.stack([ang.sin(), ang.cos()], dim=2).reshape(len(p), -1)


def sincos_2d(gh: int, gw: int, dim: int) -> torch.Tensor:
    """(gh*gw, dim), row-major tokens; channels alternate between x and y encodings."""
    y, x = torch.meshgrid(torch.arange(gh), torch.arange(gw), indexing="ij")
    ex, ey = sincos_1d(gh * gw, dim // 2, x.flatten()), sincos_1d(gh * gw, dim // 2, y.flatten())
    return torch.stack([ex, ey], dim=2).reshape(gh * gw, dim)


class MoNEViViT(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.dim
        if cfg.stem == "conv":
            self.embed = ConvStem(cfg)
        else:
            self.embed = nn.Linear(cfg.tubelet_size * 3 * cfg.patch_size**2, d)
        # learned position embeddings, initialised to 2D/1D sin-cos so that position (what motion is
        # made of) is visible from the first step rather than buried at 0.02 scale [I]
        self.pos_spatial = nn.Parameter(sincos_2d(cfg.grid, cfg.grid, d))
        self.router = nn.Linear(d, cfg.num_experts)
        self.spatial = nn.ModuleList([MoNEBlock(cfg) for _ in range(cfg.spatial_depth)])
        self.ln_spatial = nn.LayerNorm(d)
        self.pos_temporal = nn.Parameter(sincos_1d(cfg.time_steps, d))
        self.temporal = nn.ModuleList([DenseBlock(cfg) for _ in range(cfg.temporal_depth)])
        self.ln_out = nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.num_classes)
        # each expert's width as a tensor for the masked route (not a parameter, not saved; made
        # here because a copy from the host may not happen inside a captured CUDA graph)
        self.register_buffer("expert_widths", torch.tensor(cfg.widths), persistent=False)
        self.apply(self._init)
        self._init_tubelet()

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    @torch.no_grad()
    def _init_tubelet(self) -> None:
        """Motion-aware init of the (linear) tubelet embedding [I]: odd channels see the sum of the
        tubelet's frames (appearance), even channels their difference (motion), interleaved so every
        nested prefix sees motion; random spatial filters. Same architecture and parameter count.
        From scratch on 2 CPU cores a random init spent the whole budget at chance; this one learns."""
        cfg = self.cfg
        if cfg.tubelet_size < 2 or cfg.stem != "linear":
            return
        per_frame = 3 * cfg.patch_size**2
        self.set_tubelet_filters(torch.randn(cfg.dim, per_frame) * (1.0 / per_frame**0.5))

    @torch.no_grad()
    def set_tubelet_filters(self, r: torch.Tensor) -> None:
        """The tubelet embedding from one spatial filter per channel, r (D, 3 * patch^2) in (c, py, px)
        order: odd channels sum the tubelet's frames, even ones take their difference (see above)."""
        cfg = self.cfg
        per_frame = 3 * cfg.patch_size**2
        w = self.embed.weight  # (D, tubelet * per_frame), input order (t, c, py, px)
        w.zero_()
        for k in range(cfg.tubelet_size):
            sl = slice(k * per_frame, (k + 1) * per_frame)
            w[1::2, sl] = r[1::2] / cfg.tubelet_size  # odd channels: appearance
            sign = -1.0 if k < cfg.tubelet_size / 2 else 1.0
            w[0::2, sl] = sign * r[0::2] * 2.0  # even channels: motion (differences are small: boost)

    def project_parameters(self) -> None:
        """Keep every alpha in [0, 1) after an optimiser step (projected gradient)."""
        with torch.no_grad():
            for blk in self.spatial:
                blk.alpha.clamp_(0.0, 0.999)

    def route(self, x: torch.Tensor, counts: list[int], random_router: bool = False, generator=None):
        """x (B', N, D) -> perm (B', N), expert (B', N), probs (B', N, E)."""
        if self.cfg.router_input == "ln1":
            x = self.spatial[0].ln1(x)
        probs = self.router(x).softmax(dim=-1)
        scores = probs
        if random_router:  # same capacities, random ranking: the paper's random-router baseline
            # drawn on the generator's device (the CPU in evaluation): the same ranking on any device
            gen_device = generator.device if generator is not None else probs.device
            scores = torch.rand(probs.shape, generator=generator, device=gen_device).to(probs.device)
        perm, expert = expert_preferred_routing(scores.detach(), counts)
        return perm, expert, probs

    def forward(
        self,
        video: torch.Tensor,
        counts: list[int] | None = None,
        random_router: bool = False,
        generator=None,
        route: str = "sliced",
        tokens: bool = False,
    ) -> tuple[torch.Tensor, dict]:
        """video (B, T, 3, H, W) normalised; counts per expert per time step (None = the dense model).
        route: how the MoNE blocks run, same result either way: "sliced" = tokens sorted into expert
        groups, each expert's matmuls on its own slice (fewer FLOPs); "masked" = full-width matmuls
        with per-token feature masks (fewer kernels, see MoNEBlock.forward_masked).
        tokens: also return the spatial transformer's output tokens (B, T', N, D), after its final
        LayerNorm and in input order, as aux["tokens"] (for training-only heads, mone.scene_aux)."""
        cfg = self.cfg
        b = video.shape[0]
        n, e = cfg.tokens_per_step, cfg.num_experts
        x = self.embed(video if cfg.stem == "conv" else patchify(video, cfg.tubelet_size, cfg.patch_size))
        x = x + self.pos_spatial  # (B, T', N, D)
        x = x.reshape(b * cfg.time_steps, n, cfg.dim)
        perm = None
        if counts is None:
            # dense ViViT (the baseline): no router, every token full width, MLP branch unscaled
            counts = [0] * (e - 1) + [n]
            expert = torch.full((x.shape[0], n), e - 1, dtype=torch.long, device=x.device)
            probs = F.one_hot(expert, e).float()
            r = torch.zeros(x.shape[0], n, 1, device=x.device)
        else:
            perm, expert, probs = self.route(x, counts, random_router, generator)
            r = probs.gather(2, expert.unsqueeze(-1))  # (B', N, 1): prob of the token's own expert
            if route == "sliced":
                x = x.gather(1, perm.unsqueeze(-1).expand(-1, -1, cfg.dim))  # sorted into expert groups
                r = r.gather(1, perm.unsqueeze(-1))
        if route == "masked":
            widths = self.expert_widths[expert]  # (B', N)
            mask = (torch.arange(cfg.dim, device=x.device) < widths.unsqueeze(-1)).to(x.dtype)
            for blk in self.spatial:
                x = blk.forward_masked(x, mask, r)
        elif route == "sliced":
            groups = expert_groups(counts)
            for blk in self.spatial:
                x = blk(x, groups, r)
        else:
            raise ValueError(f"route must be 'sliced' or 'masked', not {route!r}")
        x = self.ln_spatial(x)  # (B', N, D)
        out_tokens = None
        if tokens:
            out_tokens = x
            if route == "sliced" and perm is not None:  # back from expert groups to input order
                out_tokens = torch.empty_like(x).scatter(1, perm.unsqueeze(-1).expand_as(x), x)
            out_tokens = out_tokens.reshape(b, cfg.time_steps, n, cfg.dim)
        x = x.mean(dim=1).reshape(b, cfg.time_steps, cfg.dim)  # (B, T', D)
        x = x + self.pos_temporal
        for blk in self.temporal:
            x = blk(x)
        logits = self.head(self.ln_out(x.mean(dim=1)))
        aux = {
            "expert": expert.reshape(b, cfg.time_steps, n),
            "probs": probs.reshape(b, cfg.time_steps, n, e),
        }
        if out_tokens is not None:
            aux["tokens"] = out_tokens
        return logits, aux


# ---------------------------------------------------------------------------------------------
# Cost model (multiply-adds), paper Sec. 4 / notes: per spatial token per block 12*D*d + 2*N*D
# ---------------------------------------------------------------------------------------------
def macs_table(cfg: ModelConfig) -> dict:
    d, n, t = cfg.dim, cfg.tokens_per_step, cfg.time_steps
    per_token = [cfg.spatial_depth * (2 * cfg.mlp_ratio * d * w + 4 * d * w + 2 * n * d) for w in cfg.widths]
    temporal_block = t * (4 * d * d + 2 * cfg.mlp_ratio * d * d + 2 * t * d)
    embed = n * cfg.tubelet_size * 3 * cfg.patch_size**2 * d  # per time step
    if cfg.stem == "conv":
        c_in, side, embed = cfg.tubelet_size * 3, cfg.image_size, 0
        for c in cfg.stem_channels:
            side //= 2
            embed += side * side * c * c_in * 9
            c_in = c
        embed += n * c_in * d
    dense = (
        t * embed  # tubelet embedding
        + t * n * d * cfg.num_experts  # router
        + cfg.temporal_depth * temporal_block
        + d * cfg.num_classes
    )
    return {"dense": float(dense), "per_token": [float(p) for p in per_token]}


def gmacs(cfg: ModelConfig, counts: list[int] | None) -> float:
    tab = macs_table(cfg)
    if counts is None:
        counts = [0] * (cfg.num_experts - 1) + [cfg.tokens_per_step]
    spatial = sum(k * p for k, p in zip(counts, tab["per_token"], strict=True))
    return (tab["dense"] + cfg.time_steps * spatial) / 1e9
