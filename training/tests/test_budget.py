"""Budget math (paper Sec. 4.3): e_c -> capacities -> integer token counts, and the shared vectors file."""

from __future__ import annotations

import json
import math

import pytest
from conftest import CONTRACTS

from mone import budget, budget_vectors

# The paper's table (capacities smallest -> full expert), to 3 decimals.
PAPER_TABLE = {
    0.15: (0.816, 0.176, 0.008, 0.000),
    0.20: (0.601, 0.310, 0.083, 0.006),
    0.25: (0.488, 0.330, 0.150, 0.031),
    0.30: (0.414, 0.321, 0.194, 0.071),
    0.40: (0.307, 0.282, 0.239, 0.171),
    0.50: (0.227, 0.235, 0.251, 0.287),
    0.60: (0.161, 0.184, 0.241, 0.413),
    0.80: (0.059, 0.084, 0.170, 0.687),
    0.95: (0.008, 0.016, 0.062, 0.914),
}
EC_GRID = [
    0.125,
    0.126,
    0.13,
    0.14,
    0.15,
    0.175,
    0.2,
    0.25,
    0.3,
    0.333,
    0.4,
    0.45,
    0.5,
    0.55,
    0.6,
    0.666,
    0.7,
    0.75,
    0.8,
    0.85,
    0.9,
    0.95,
    0.99,
    0.999,
    1.0,
]


@pytest.mark.parametrize("ec,expected", sorted(PAPER_TABLE.items()))
def test_capacities_match_paper_table(ec, expected):
    caps = budget.capacities(ec)
    assert len(caps) == 4
    for got, want in zip(caps, expected, strict=True):
        assert abs(got - want) <= 0.0005 + 1e-12, (ec, caps, expected)


def test_width_fractions():
    assert budget.width_fractions(4) == [0.125, 0.25, 0.5, 1.0]
    assert budget.width_fractions(2) == [0.5, 1.0]


@pytest.mark.parametrize("ec", EC_GRID)
def test_capacities_sum_to_one_and_hit_ec(ec):
    caps = budget.capacities(ec)
    a = budget.width_fractions(4)
    assert all(0.0 <= c <= 1.0 for c in caps)
    assert abs(sum(caps) - 1.0) <= 1e-9
    assert abs(sum(c * ai for c, ai in zip(caps, a, strict=True)) - ec) <= 1e-9


def test_capacities_end_points_are_one_hot():
    assert budget.capacities(1.0) == [0.0, 0.0, 0.0, 1.0]
    assert budget.capacities(0.125) == [1.0, 0.0, 0.0, 0.0]


def test_full_expert_share_grows_with_budget():
    fulls = [budget.capacities(ec)[-1] for ec in EC_GRID]
    smalls = [budget.capacities(ec)[0] for ec in EC_GRID]
    assert all(b >= a for a, b in zip(fulls, fulls[1:], strict=False))
    assert all(b <= a for a, b in zip(smalls, smalls[1:], strict=False))


@pytest.mark.parametrize("bad", [0.1, 1.5, float("nan"), float("inf"), -0.5, 0.0, 1.0000001, 0.1249])
def test_invalid_ec_raises(bad):
    with pytest.raises(ValueError):
        budget.capacities(bad)
    with pytest.raises(ValueError):
        budget.counts_for_budget(bad, 64)


@pytest.mark.parametrize("n", [1, 7, 16, 64, 196, 1000])
@pytest.mark.parametrize("ec", EC_GRID)
def test_counts_floor_rule_leftover_to_smallest(ec, n):
    caps = budget.capacities(ec)
    counts = budget.counts_for_budget(ec, n)
    assert len(counts) == 4
    assert all(isinstance(k, int) and k >= 0 for k in counts)
    assert sum(counts) == n
    # every expert but the smallest gets exactly floor(c_j * N)
    for j in (1, 2, 3):
        assert counts[j] == math.floor(caps[j] * n)
    # ... and the smallest takes its own floor plus the leftovers (fewer than E tokens)
    assert counts[0] >= math.floor(caps[0] * n)
    assert counts[0] - math.floor(caps[0] * n) < 4


def test_token_counts_hand_examples():
    # 16 tokens at e_c = 0.5: .227 .235 .251 .287 -> floors 3, 4, 4 for experts 1..3, 5 for the smallest
    assert budget.counts_for_budget(0.5, 16) == [5, 3, 4, 4]
    assert budget.token_counts([0.25, 0.25, 0.25, 0.25], 10) == [4, 2, 2, 2]
    assert budget.token_counts([0.0, 0.0, 0.0, 1.0], 64) == [0, 0, 0, 64]
    assert budget.counts_for_budget(1.0, 64) == [0, 0, 0, 64]
    assert budget.counts_for_budget(0.125, 64) == [64, 0, 0, 0]


def test_effective_capacity_of_counts():
    assert budget.effective_capacity_of_counts([0, 0, 0, 8]) == 1.0
    assert budget.effective_capacity_of_counts([8, 0, 0, 0]) == 0.125
    assert budget.effective_capacity_of_counts([1, 1, 1, 1]) == pytest.approx((0.125 + 0.25 + 0.5 + 1) / 4)
    # flooring only ever moves tokens to the smallest expert, so the realised e_c never exceeds the target
    for ec in EC_GRID:
        assert budget.effective_capacity_of_counts(budget.counts_for_budget(ec, 64)) <= ec + 1e-12


def test_contract_vectors_file_equals_code():
    """contracts/budget-vectors.json is what `python -m mone.budget_vectors` writes, byte for byte."""
    path = CONTRACTS / "budget-vectors.json"
    on_disk = json.loads(path.read_text())
    fresh = budget_vectors.vectors()
    assert on_disk == fresh
    assert path.read_text() == json.dumps(fresh, indent=1) + "\n"
    # and the file covers what the TypeScript side relies on
    assert on_disk["beta"] == budget.BETA and on_disk["delta"] == budget.DELTA
    assert {c["num_tokens"] for c in on_disk["cases"]} >= {16, 64}
    assert {0.15, 0.5, 1.0} <= {c["e_c"] for c in on_disk["cases"]}
