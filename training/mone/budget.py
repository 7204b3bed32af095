"""Budget math: effective capacity e_c -> per-expert capacities -> per-expert token counts.

Paper Sec. 4.3 (Eq. 3): capacities c maximise  sum_i c_i * delta**(i-1) - beta * sum_i c_i log c_i
subject to sum_i c_i = 1 and sum_i c_i * a_i = e_c, with a_i = d_i / D = 1 / 2**(E-i).
Stationarity gives c_i ∝ exp((delta**(i-1) - mu * a_i) / beta); sum_i c_i a_i is monotone
decreasing in mu, so mu is found by bisection. No solver needed, and the TypeScript side
(src/inference/budget.ts) runs the identical procedure; contracts/budget-vectors.json pins both.

Index convention everywhere: expert 0 is the smallest (width D/2**(E-1)), expert E-1 is full width.
"""

from __future__ import annotations

import math

BETA = 10.0
DELTA = 2.0
BISECTION_STEPS = 200
MU_RANGE = 1.0e4


def _sum_lr(values) -> float:
    """Plain left-to-right float sum, the same order and rounding as the TypeScript port.
    (Python >= 3.12's built-in sum() of floats is compensated and could differ in the last bit.)"""
    acc = 0.0
    for v in values:
        acc += v
    return acc


def width_fractions(num_experts: int) -> list[float]:
    """a_i = d_i / D for i = 0..E-1 (smallest first): 1/8, 1/4, 1/2, 1 for E = 4."""
    return [1.0 / 2 ** (num_experts - 1 - i) for i in range(num_experts)]


def _capacities_for_mu(mu: float, num_experts: int, beta: float, delta: float) -> list[float]:
    a = width_fractions(num_experts)
    logits = [(delta**i - mu * a[i]) / beta for i in range(num_experts)]
    top = max(logits)  # log-sum-exp shift: mu spans +-1e4, exp would overflow otherwise
    w = [math.exp(v - top) for v in logits]
    s = _sum_lr(w)
    return [v / s for v in w]


def capacities(e_c: float, num_experts: int = 4, beta: float = BETA, delta: float = DELTA) -> list[float]:
    """Per-expert capacities (smallest expert first) for effective capacity e_c.

    e_c must lie in [a_0, 1] = [1/2**(E-1), 1]; the end points are exact one-hot solutions.
    """
    a = width_fractions(num_experts)
    if not (math.isfinite(e_c) and a[0] <= e_c <= 1.0):
        raise ValueError(f"e_c must be a number in [{a[0]}, 1], got {e_c!r}")
    if e_c == 1.0:
        return [0.0] * (num_experts - 1) + [1.0]
    if e_c == a[0]:
        return [1.0] + [0.0] * (num_experts - 1)
    lo, hi = -MU_RANGE, MU_RANGE  # f(lo) ~ 1 > e_c > f(hi) ~ a_0
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        c = _capacities_for_mu(mid, num_experts, beta, delta)
        if _sum_lr(ci * ai for ci, ai in zip(c, a, strict=True)) > e_c:
            lo = mid
        else:
            hi = mid
    return _capacities_for_mu(0.5 * (lo + hi), num_experts, beta, delta)


def token_counts(caps: list[float], num_tokens: int) -> list[int]:
    """k_j = floor(c_j * N) for every expert but the smallest, which takes the rest (Algorithm 1:
    leftovers from flooring stay on the smallest expert)."""
    counts = [math.floor(c * num_tokens) for c in caps]
    counts[0] = num_tokens - sum(counts[1:])
    return counts


def counts_for_budget(e_c: float, num_tokens: int, num_experts: int = 4) -> list[int]:
    return token_counts(capacities(e_c, num_experts), num_tokens)


def effective_capacity_of_counts(counts: list[int]) -> float:
    """The e_c actually realised by integer counts (what the FLOPs follow)."""
    a = width_fractions(len(counts))
    n = sum(counts)
    return _sum_lr(k * ai for k, ai in zip(counts, a, strict=True)) / n
