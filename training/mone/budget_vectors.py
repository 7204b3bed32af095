"""Write contracts/budget-vectors.json: e_c -> capacities -> counts, asserted by pytest and vitest.

python -m mone.budget_vectors [--out ../contracts/budget-vectors.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import budget

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "contracts" / "budget-vectors.json"
EC_GRID = [
    0.125,
    0.13,
    0.15,
    0.2,
    0.25,
    0.3,
    0.35,
    0.4,
    0.45,
    0.5,
    0.55,
    0.6,
    0.65,
    0.7,
    0.75,
    0.8,
    0.85,
    0.9,
    0.95,
    0.99,
    1.0,
]
TOKEN_COUNTS = [64, 16, 196]


def vectors() -> dict:
    cases = []
    for n in TOKEN_COUNTS:
        for ec in EC_GRID:
            caps = budget.capacities(ec)
            cases.append(
                {"e_c": ec, "num_tokens": n, "capacities": caps, "counts": budget.token_counts(caps, n)}
            )
    return {"beta": budget.BETA, "delta": budget.DELTA, "num_experts": 4, "cases": cases}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args()
    Path(args.out).write_text(json.dumps(vectors(), indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
