"""The MoNE model: nested projections, Expert Preferred Routing, blocks, the full forward, and MACs."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from mone import budget
from mone.model import (
    DenseBlock,
    ModelConfig,
    MoNEBlock,
    MoNEViViT,
    NestedLinear,
    attention,
    expert_groups,
    expert_preferred_routing,
    gmacs,
    macs_table,
    patchify,
)

BUDGETS = [1.0, 0.8, 0.5, 0.3, 0.2, 0.15]


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randomise(model: torch.nn.Module, seed: int = 0, alpha: float | None = 0.3) -> None:
    """Give every parameter (LayerNorms, biases, alphas included) non-trivial values."""
    g = _gen(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("alpha"):
                if alpha is not None:
                    p.fill_(alpha)
            elif name.endswith("weight") and ("ln" in name.split(".")[-2]):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g) / math.sqrt(max(1, p.shape[-1]) / 16))


# ---------------------------------------------------------------------------------------------
# (a) nested linear layers
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("d", [4, 8, 16, 32])
def test_nested_linear_forward_in_equals_full_layer_on_zeroed_features(d):
    torch.manual_seed(0)
    lin = NestedLinear(32, 48)
    x = torch.randn(3, 5, 32)
    zeroed = x.clone()
    zeroed[..., d:] = 0
    got = lin.forward_in(x, d)
    assert got.shape == (3, 5, 48)  # full output width
    torch.testing.assert_close(got, lin(zeroed), rtol=1e-5, atol=1e-6)
    # features d.. must not matter at all
    x2 = x.clone()
    x2[..., d:] = 100.0
    torch.testing.assert_close(lin.forward_in(x2, d), got, rtol=0, atol=0)


@pytest.mark.parametrize("d", [4, 8, 16, 32])
def test_nested_linear_forward_out_is_prefix_of_full_layer_zero_padded(d):
    torch.manual_seed(1)
    lin = NestedLinear(48, 32)
    x = torch.randn(3, 5, 48)
    got = lin.forward_out(x, d)
    full = lin(x)
    assert got.shape == (3, 5, 32)
    torch.testing.assert_close(got[..., :d], full[..., :d], rtol=1e-5, atol=1e-6)
    assert torch.count_nonzero(got[..., d:]) == 0
    # the out-projection reads the *full* input width (a known pitfall is slicing it)
    x2 = x.clone()
    x2[..., -1] += 1.0
    assert not torch.allclose(lin.forward_out(x2, d)[..., :d], got[..., :d])


def test_attention_scales_by_head_width():
    torch.manual_seed(2)
    b, n, d, heads = 2, 6, 32, 4
    qkv = torch.randn(b, n, 3 * d)
    q, k, v = qkv.view(b, n, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
    # written out: softmax(q k^T / sqrt(d_head)) v, per head, heads concatenated
    att = (q @ k.transpose(-2, -1)) / math.sqrt(d // heads)
    ref = (att.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, d)
    torch.testing.assert_close(attention(qkv, heads), ref, rtol=1e-5, atol=1e-6)
    wrong = ((q @ k.transpose(-2, -1)) / math.sqrt(d)).softmax(dim=-1) @ v  # the model-width pitfall
    assert not torch.allclose(attention(qkv, heads), wrong.transpose(1, 2).reshape(b, n, d), atol=1e-3)


def test_patchify_layout():
    # (B, T, C, H, W) -> (B, T', N, tubelet*C*p*p), feature order (t, c, py, px), tokens row-major
    b, t, c, h, w, p, tub = 1, 4, 3, 16, 24, 8, 2
    video = torch.arange(b * t * c * h * w, dtype=torch.float32).reshape(b, t, c, h, w)
    x = patchify(video, tub, p)
    gh, gw = h // p, w // p
    assert x.shape == (b, t // tub, gh * gw, tub * c * p * p)
    for ts in range(t // tub):
        for row in range(gh):
            for col in range(gw):
                want = video[
                    0, ts * tub : (ts + 1) * tub, :, row * p : (row + 1) * p, col * p : (col + 1) * p
                ].reshape(-1)
                assert torch.equal(x[0, ts, row * gw + col], want)


# ---------------------------------------------------------------------------------------------
# (b) Expert Preferred Routing against a literal Algorithm 1
# ---------------------------------------------------------------------------------------------
def literal_epr(scores: list[list[float]], counts: list[int]) -> list[int]:
    """Algorithm 1 for ONE example, plain Python: scores[token][expert] -> expert of each token."""
    n, e = len(scores), len(counts)
    assignment = [0] * n  # M <- smallest expert for every token
    free = set(range(n))
    for j in range(e - 1, -1, -1):  # the biggest expert chooses first
        ranked = sorted(free, key=lambda i: scores[i][j], reverse=True)
        for i in ranked[: counts[j]]:
            assignment[i] = j
            free.discard(i)
    return assignment  # leftovers (none when counts sum to N) stay on the smallest expert


COUNT_VECTORS = [
    [5, 3, 4, 4],  # e_c = 0.5 for N = 16
    [14, 2, 0, 0],  # zeros for the large experts
    [0, 0, 0, 16],  # one-hot full
    [16, 0, 0, 0],  # one-hot smallest
    [0, 16, 0, 0],  # one-hot middle
    [0, 8, 0, 8],  # zeros interleaved
    [1, 1, 1, 13],
]


@pytest.mark.parametrize("counts", COUNT_VECTORS)
def test_batched_epr_equals_literal_algorithm_1(counts):
    b, n, e = 5, 16, 4
    scores = torch.rand(b, n, e, generator=_gen(sum(i * c for i, c in enumerate(counts))))
    perm, expert = expert_preferred_routing(scores, counts)
    assert perm.shape == (b, n) and expert.shape == (b, n)
    for row in range(b):
        want = literal_epr(scores[row].tolist(), counts)
        assert expert[row].tolist() == want, f"row {row}"
        # perm is a permutation of the row's tokens, grouped largest expert first
        assert sorted(perm[row].tolist()) == list(range(n))
        start = 0
        for j, s, end in expert_groups(counts):
            assert s == start
            group = perm[row, s:end].tolist()
            assert {want[i] for i in group} == {j}
            start = end
        assert start == n


def test_batched_epr_never_mixes_examples():
    b, n, e = 4, 16, 4
    counts = [5, 3, 4, 4]
    scores = torch.rand(b, n, e, generator=_gen(7))
    _, expert = expert_preferred_routing(scores, counts)
    # changing other rows never changes a row's routing
    other = scores.clone()
    other[1:] = torch.rand(b - 1, n, e, generator=_gen(8))
    _, expert2 = expert_preferred_routing(other, counts)
    assert torch.equal(expert2[0], expert[0])
    # each row routed alone equals the batched result; reversing the batch reverses the result
    for row in range(b):
        _, alone = expert_preferred_routing(scores[row : row + 1], counts)
        assert torch.equal(alone[0], expert[row])
    _, rev = expert_preferred_routing(scores.flip(0), counts)
    assert torch.equal(rev, expert.flip(0))
    # and every row has exactly counts[j] tokens on expert j
    for row in range(b):
        assert torch.bincount(expert[row], minlength=e).tolist() == counts


def test_epr_bigger_expert_chooses_first():
    # token 0 is everyone's favourite: the full expert must get it, not a smaller one
    scores = torch.full((1, 4, 4), 0.1)
    scores[0, 0, :] = 0.9
    scores[0, 1, 2] = 0.8
    _, expert = expert_preferred_routing(scores, [2, 0, 1, 1])
    assert expert[0, 0].item() == 3
    assert expert[0, 1].item() == 2
    assert sorted(expert[0, 2:].tolist()) == [0, 0]


def test_expert_groups():
    assert expert_groups([5, 3, 4, 4]) == [(3, 0, 4), (2, 4, 8), (1, 8, 11), (0, 11, 16)]
    assert expert_groups([0, 0, 0, 16]) == [(3, 0, 16)]
    assert expert_groups([14, 2, 0, 0]) == [(1, 0, 2), (0, 2, 16)]


# ---------------------------------------------------------------------------------------------
# (c, d) blocks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_small_expert_tokens_keep_features_beyond_their_width(tiny_model_cfg, alpha):
    cfg = tiny_model_cfg
    torch.manual_seed(3)
    blk = MoNEBlock(cfg)
    _randomise(blk, seed=3, alpha=alpha)
    n, dim = cfg.tokens_per_step, cfg.dim
    counts = [6, 4, 3, 3]  # smallest first; groups are laid out largest first
    groups = expert_groups(counts)
    x = torch.randn(2, n, dim)
    r = torch.rand(2, n, 1)

    recorded = {"proj": [], "fc2": []}
    for name in recorded:
        lin = getattr(blk, name)
        orig = lin.forward_out

        def spy(a, d, _orig=orig, _name=name):
            y = _orig(a, d)
            recorded[_name].append((d, y))
            return y

        lin.forward_out = spy
    out = blk(x, groups, r)

    # both out-projections are zero-padded beyond the group's width -> z[..., d:] == x[..., d:]
    for name in ("proj", "fc2"):
        assert len(recorded[name]) == len(groups)
        for (j, s, e), (d, y) in zip(groups, recorded[name], strict=True):
            assert d == cfg.widths[j]
            assert y.shape == (2, e - s, dim)
            assert torch.count_nonzero(y[..., d:]) == 0, name
            assert torch.count_nonzero(y[..., :d]) > 0, name
    for j, s, e in groups:
        d = cfg.widths[j]
        torch.testing.assert_close(out[:, s:e, d:], x[:, s:e, d:], rtol=0, atol=0)
        assert not torch.allclose(out[:, s:e, :d], x[:, s:e, :d])  # the block did update the prefix


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_full_expert_block_equals_dense_block(tiny_model_cfg, alpha):
    cfg = tiny_model_cfg
    torch.manual_seed(4)
    mone_blk = MoNEBlock(cfg)
    _randomise(mone_blk, seed=4, alpha=alpha)
    dense = DenseBlock(cfg)
    missing, unexpected = dense.load_state_dict(mone_blk.state_dict(), strict=False)
    assert not missing and unexpected == ["alpha"]
    n = cfg.tokens_per_step
    x = torch.randn(2, n, cfg.dim)
    r = torch.rand(2, n, 1)
    out = mone_blk(x, [(cfg.num_experts - 1, 0, n)], r)
    ref = dense(x)
    if alpha == 0.0:
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    else:
        # only the MLP branch is scaled by (alpha r + 1): out - ref = alpha r * MLP(LN(z))
        assert not torch.allclose(out, ref, atol=1e-4)


def reference_forward(
    model: MoNEViViT, video: torch.Tensor, counts: list[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token-by-token MoNE in the ORIGINAL token order (no permutation): each token's in-projections read
    only its first d_j features and its out-projections write only its first d_j features."""
    cfg = model.cfg
    b, n, dim = video.shape[0], cfg.tokens_per_step, cfg.dim
    x = model.embed(patchify(video, cfg.tubelet_size, cfg.patch_size)) + model.pos_spatial
    x = x.reshape(b * cfg.time_steps, n, dim)
    probs = model.router(x).softmax(-1)
    expert = torch.tensor([literal_epr(row.tolist(), counts) for row in probs])  # (B', N)
    width = torch.tensor(cfg.widths)[expert]  # (B', N)
    mask = (torch.arange(dim) < width[..., None]).float()  # (B', N, D)
    r = probs.gather(2, expert[..., None])
    for blk in model.spatial:
        a = attention(F.linear(blk.ln1(x) * mask, blk.qkv.weight, blk.qkv.bias), cfg.heads)
        z = x + blk.proj(a) * mask
        m = blk.fc2(F.gelu(blk.fc1(blk.ln2(z) * mask))) * mask
        x = z + (blk.alpha * r + 1) * m
    x = model.ln_spatial(x).mean(1).reshape(b, cfg.time_steps, dim) + model.pos_temporal
    for blk in model.temporal:
        x = blk(x)
    return model.head(model.ln_out(x.mean(1))), expert.reshape(b, cfg.time_steps, n)


@pytest.fixture
def tiny_model(tiny_model_cfg):
    torch.manual_seed(5)
    model = MoNEViViT(tiny_model_cfg)
    _randomise(model, seed=5, alpha=0.4)
    return model.eval()


@pytest.fixture
def tiny_video(tiny_model_cfg):
    c = tiny_model_cfg
    return torch.randn(2, c.frames, 3, c.image_size, c.image_size, generator=_gen(6))


@pytest.mark.parametrize("ec", BUDGETS)
def test_model_forward_equals_unpermuted_reference(tiny_model, tiny_video, ec):
    cfg = tiny_model.cfg
    counts = budget.counts_for_budget(ec, cfg.tokens_per_step)
    with torch.no_grad():
        logits, aux = tiny_model(tiny_video, counts)
        ref_logits, ref_expert = reference_forward(tiny_model, tiny_video, counts)
    assert torch.equal(aux["expert"], ref_expert)
    torch.testing.assert_close(logits, ref_logits, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("ec", BUDGETS)
def test_masked_route_equals_sliced_route(tiny_model, tiny_video, ec):
    """The full-width matmuls with feature masks compute the same model as the per-expert slices,
    gradients included (the GPU benchmark picks between them by speed alone)."""
    counts = budget.counts_for_budget(ec, tiny_model.cfg.tokens_per_step)
    video = tiny_video.clone().requires_grad_(True)
    out = {}
    for route in ("sliced", "masked"):
        logits, aux = tiny_model(video, counts, route=route)
        (grad,) = torch.autograd.grad(logits.square().sum(), video)
        out[route] = (logits.detach(), aux["expert"], grad)
    torch.testing.assert_close(out["masked"][0], out["sliced"][0], rtol=1e-4, atol=1e-5)
    assert torch.equal(out["masked"][1], out["sliced"][1])
    torch.testing.assert_close(out["masked"][2], out["sliced"][2], rtol=1e-3, atol=1e-5)
    with pytest.raises(ValueError, match="route"):
        tiny_model(tiny_video, counts, route="grouped")


# ---------------------------------------------------------------------------------------------
# (e) expert assignment respects the counts in every time step
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("random_router", [False, True])
@pytest.mark.parametrize("ec", BUDGETS + [0.125, 0.4, 0.6])
def test_expert_counts_per_time_step(tiny_model, tiny_video, ec, random_router):
    cfg = tiny_model.cfg
    counts = budget.counts_for_budget(ec, cfg.tokens_per_step)
    with torch.no_grad():
        logits, aux = tiny_model(tiny_video, counts, random_router=random_router, generator=_gen(9))
    b = tiny_video.shape[0]
    assert logits.shape == (b, cfg.num_classes) and torch.isfinite(logits).all()
    assert aux["expert"].shape == (b, cfg.time_steps, cfg.tokens_per_step)
    assert aux["probs"].shape == (b, cfg.time_steps, cfg.tokens_per_step, cfg.num_experts)
    torch.testing.assert_close(aux["probs"].sum(-1), torch.ones(b, cfg.time_steps, cfg.tokens_per_step))
    for i in range(b):
        for t in range(cfg.time_steps):
            assert torch.bincount(aux["expert"][i, t], minlength=cfg.num_experts).tolist() == counts
            if not random_router:  # the learned router: EPR on this step's probabilities
                assert aux["expert"][i, t].tolist() == literal_epr(aux["probs"][i, t].tolist(), counts)


def test_batch_examples_are_independent(tiny_model, tiny_video):
    counts = budget.counts_for_budget(0.3, tiny_model.cfg.tokens_per_step)
    with torch.no_grad():
        both, aux = tiny_model(tiny_video, counts)
        one, aux1 = tiny_model(tiny_video[1:], counts)
    torch.testing.assert_close(both[1:], one, rtol=1e-5, atol=1e-6)
    assert torch.equal(aux["expert"][1:], aux1["expert"])


def test_full_budget_with_alpha_zero_equals_dense_mode(tiny_model, tiny_video):
    # counts all on the full expert: only the permutation differs from the dense model, and it must not matter
    n = tiny_model.cfg.tokens_per_step
    with torch.no_grad():
        for blk in tiny_model.spatial:
            blk.alpha.zero_()
        full, aux = tiny_model(tiny_video, [0, 0, 0, n])
        dense, aux_d = tiny_model(tiny_video, None)
    torch.testing.assert_close(full, dense, rtol=1e-4, atol=1e-5)
    assert (aux["expert"] == 3).all() and (aux_d["expert"] == 3).all()


# ---------------------------------------------------------------------------------------------
# (f) dense mode ignores the router
# ---------------------------------------------------------------------------------------------
def test_dense_mode_has_no_router_influence(tiny_model, tiny_video):
    with torch.no_grad():
        before, aux = tiny_model(tiny_video, None)
        routed_before, _ = tiny_model(
            tiny_video, budget.counts_for_budget(0.5, tiny_model.cfg.tokens_per_step)
        )
        tiny_model.router.weight.copy_(torch.randn(tiny_model.router.weight.shape, generator=_gen(10)))
        tiny_model.router.bias.copy_(torch.randn(tiny_model.router.bias.shape, generator=_gen(11)))
        for blk in tiny_model.spatial:
            blk.alpha.fill_(0.9)
        after, _ = tiny_model(tiny_video, None)
        routed_after, _ = tiny_model(
            tiny_video, budget.counts_for_budget(0.5, tiny_model.cfg.tokens_per_step)
        )
    assert torch.equal(before, after)
    assert not torch.allclose(routed_before, routed_after)  # ... while the routed model does depend on it
    assert (aux["expert"] == tiny_model.cfg.num_experts - 1).all()


def test_router_and_alpha_get_gradients_in_mone_mode(tiny_model, tiny_video):
    tiny_model.train()
    logits, _ = tiny_model(tiny_video, budget.counts_for_budget(0.5, tiny_model.cfg.tokens_per_step))
    logits.square().sum().backward()
    assert tiny_model.router.weight.grad is not None and tiny_model.router.weight.grad.abs().sum() > 0
    assert all(blk.alpha.grad is not None and blk.alpha.grad.abs() > 0 for blk in tiny_model.spatial)


def test_project_parameters_keeps_alpha_in_range(tiny_model):
    vals = [-0.5, 1.7, 0.25]
    with torch.no_grad():
        for blk, v in zip(tiny_model.spatial, vals, strict=False):
            blk.alpha.fill_(v)
    tiny_model.project_parameters()
    got = [float(blk.alpha.detach()) for blk in tiny_model.spatial]
    assert all(0.0 <= a < 1.0 for a in got), got
    assert got[0] == 0.0 and got[1] > 0.99


# ---------------------------------------------------------------------------------------------
# (g) cost model
# ---------------------------------------------------------------------------------------------
def test_gmacs_hand_computation_tiny(tiny_model_cfg):
    cfg = tiny_model_cfg
    assert (cfg.dim, cfg.tokens_per_step, cfg.time_steps, cfg.spatial_depth, cfg.temporal_depth) == (
        32,
        16,
        2,
        2,
        1,
    )
    assert cfg.widths == [4, 8, 16, 32]
    # per spatial token per block at width w: 12*D*w + 2*N*D = 384 w + 1024; two blocks
    per_token = [2 * (384 * w + 1024) for w in (4, 8, 16, 32)]
    assert per_token == [5120, 8192, 14336, 26624]
    # embedding 2*16*(2*3*8*8)*32 + router 2*16*32*4 + temporal 2*(12*32*32 + 2*2*32) + head 32*10
    dense = 393216 + 4096 + 24832 + 320
    assert dense == 422464
    tab = macs_table(cfg)
    assert tab == {"dense": float(dense), "per_token": [float(p) for p in per_token]}

    assert budget.counts_for_budget(0.5, 16) == [5, 3, 4, 4]
    assert gmacs(cfg, [5, 3, 4, 4]) == pytest.approx(
        (422464 + 2 * (5 * 5120 + 3 * 8192 + 4 * 14336 + 4 * 26624)) / 1e9
    )
    assert gmacs(cfg, [5, 3, 4, 4]) == pytest.approx(850496 / 1e9)
    assert budget.counts_for_budget(0.15, 16) == [14, 2, 0, 0]
    assert gmacs(cfg, [14, 2, 0, 0]) == pytest.approx(598592 / 1e9)
    # e_c = 1 is the dense count
    assert gmacs(cfg, budget.counts_for_budget(1.0, 16)) == pytest.approx(1274432 / 1e9)
    assert gmacs(cfg, budget.counts_for_budget(1.0, 16)) == gmacs(cfg, None)


def test_gmacs_of_shipped_size_and_monotone():
    from mone.config import load_config

    cfg = load_config("mone_s").model
    dense = gmacs(cfg, None)
    assert 0.2 < dense < 0.26  # configs/mone_s.py documents 0.23 GMACs dense
    values = [
        gmacs(cfg, budget.counts_for_budget(ec, cfg.tokens_per_step)) for ec in (0.15, 0.3, 0.5, 0.8, 1.0)
    ]
    assert values == sorted(values) and values[-1] == dense
    assert values[2] < 0.75 * dense  # e_c = 0.5 really saves compute


def test_router_input_setting(tiny_model_cfg):
    """router_input="ln1" routes on LN(x) with the first block's LN; unknown values are rejected."""
    with pytest.raises(ValueError, match="router_input"):
        ModelConfig.from_dict({**tiny_model_cfg.to_dict(), "router_input": "pixels"})
    torch.manual_seed(0)
    model = MoNEViViT(ModelConfig.from_dict({**tiny_model_cfg.to_dict(), "router_input": "ln1"})).eval()
    ln = model.spatial[0].ln1
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5)  # a non-trivial LN, so "which LN" is tested too
        x = torch.randn(3, tiny_model_cfg.tokens_per_step, tiny_model_cfg.dim) * 5 + 2
        _, _, probs = model.route(x, [4, 4, 4, 4])
        expected = model.router(F.layer_norm(x, (x.shape[-1],), ln.weight, ln.bias)).softmax(-1)
        on_tokens = model.router(x).softmax(-1)
    assert torch.allclose(probs, expected, atol=1e-6)
    assert not torch.allclose(probs, on_tokens, atol=1e-3)


def test_conv_stem_tokens_macs_and_settings(tiny_model_cfg, tiny_video):
    """stem="conv": one token per patch from the tubelet's frames (both frames and the pixels of a
    token's own patch reach it), the MACs table counts what the convolutions compute, the linear
    stem's MACs are unchanged, and bad settings are refused."""
    cfg = ModelConfig.from_dict({**tiny_model_cfg.to_dict(), "stem": "conv"})
    assert cfg.stem_channels == [24, 48, 96]  # patch 8: three stride-2 convs
    torch.manual_seed(0)
    model = MoNEViViT(cfg).eval()
    tokens = model.embed(tiny_video)
    assert tokens.shape == (2, cfg.time_steps, cfg.tokens_per_step, cfg.dim)
    logits, _ = model(tiny_video, budget.counts_for_budget(0.5, cfg.tokens_per_step))
    assert logits.shape == (2, cfg.num_classes)
    # tubelet 0's second frame, inside token 5's patch (row 1, col 1): changes tubelet 0 only
    video = tiny_video.clone()
    p = cfg.patch_size
    video[0, 1, :, p + 3, p + 3] += 5.0
    moved = (model.embed(video) - tokens).abs().amax(-1)  # (B, T', N)
    assert moved[0, 0, 5] > 1e-3 and moved[0, 1:].max() == 0 and moved[1].max() == 0
    # MACs: the table's embedding term equals what torch counts for the stem (FLOPs = 2 MACs)
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as fc:
        model.embed(tiny_video[:1])
    linear = ModelConfig.from_dict(tiny_model_cfg.to_dict())
    embed_linear = cfg.time_steps * cfg.tokens_per_step * cfg.tubelet_size * 3 * p * p * cfg.dim
    stem_macs = macs_table(cfg)["dense"] - (macs_table(linear)["dense"] - embed_linear)
    assert stem_macs == fc.get_total_flops() / 2
    assert macs_table(linear)["per_token"] == macs_table(cfg)["per_token"]
    with pytest.raises(ValueError, match="stem"):
        ModelConfig.from_dict({**tiny_model_cfg.to_dict(), "stem": "resnet"})
    with pytest.raises(ValueError, match="power-of-two"):
        ModelConfig.from_dict(
            {**tiny_model_cfg.to_dict(), "stem": "conv", "patch_size": 12, "image_size": 36}
        )


def test_conv_stem_first_conv_starts_motion_aware(tiny_model_cfg):
    """At init the first conv's even channels see the tubelet's frame difference (zero on a still
    tubelet, not on a moving one) and its odd channels their mean, as the linear stem's init."""
    torch.manual_seed(0)
    model = MoNEViViT(ModelConfig.from_dict({**tiny_model_cfg.to_dict(), "stem": "conv"}))
    conv = model.embed.convs[0]
    frame = torch.randn(1, 3, 32, 32, generator=_gen(1))
    still = conv(torch.cat([frame, frame], 1))
    moving = conv(torch.cat([frame, frame.roll(4, dims=3)], 1))
    assert still[:, 0::2].abs().max() < 1e-5 < moving[:, 0::2].abs().max()
    assert still[:, 1::2].abs().max() > 0.1
    assert torch.allclose(conv.weight[1::2, :3], conv.weight[1::2, 3:])
