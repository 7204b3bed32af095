"""Chart for docs/bench: measured latency ratio (vs e_c = 1) against GMACs ratio, per backend.

    python3 bench/plot.py docs/bench/bench-summary.json docs/bench/latency-vs-gmacs.png

Called by `npm run bench`. Points on y = x mean latency falls exactly in step with compute; the
target band (shaded) is latency ratio <= 1.2 x GMACs ratio. The dense baseline is drawn at its
own GMACs ratio (1.0) with a hollow marker. A model whose bound differs at a budget (the gesture
model: 1.35x at e_c = 0.25) gets that bound marked at the budget's GMACs ratio.
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

STYLE = {
    "node-1t": ("tab:blue", "o"),
    "node-2t": ("tab:cyan", "s"),
    "wasm-1t": ("tab:orange", "^"),
    "wasm-2t": ("tab:red", "v"),
    "webgpu-sw": ("tab:gray", "D"),
}
TOLERANCE = 1.2


def main(summary_path: str, out_path: str) -> None:
    with open(summary_path) as f:
        summary = json.load(f)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    xs = [0.0, 1.1]
    ec_ticks: dict[float, float] = {}
    ax.fill_between(
        xs,
        xs,
        [x * TOLERANCE for x in xs],
        color="tab:green",
        alpha=0.12,
        label=f"target: ratio <= {TOLERANCE}x GMACs ratio",
    )
    ax.plot(xs, xs, color="black", lw=1, ls="--", label="y = x (latency tracks FLOPs)")
    ax.plot(xs, [x * TOLERANCE for x in xs], color="tab:green", lw=1, ls=":")
    for series in summary["series"]:
        color, marker = STYLE.get(series["backend"], ("black", "x"))
        rows = [r for r in series["rows"] if r["ec"] is not None]
        rows.sort(key=lambda r: r["gmacsRatio"])
        software = series["backend"].startswith("webgpu")
        ax.plot(
            [r["gmacsRatio"] for r in rows],
            [r["latencyRatio"] for r in rows],
            color=color,
            marker=marker,
            ms=5,
            lw=1.0 if software else 1.4,
            ls="--" if software else "-",
            alpha=0.6 if software else 1.0,
            label=series["label"],
        )
        for r in rows:
            ec_ticks[r["ec"]] = r["gmacsRatio"]
        dense = [r for r in series["rows"] if r["ec"] is None]
        for r in dense:
            ax.plot(
                [r["gmacsRatio"]], [r["latencyRatio"]], marker=marker, ms=8, color=color, mfc="none", lw=0
            )
    ax.set_xlim(0, 1.1)
    ax.set_ylim(0, 1.25)
    ax.set_xlabel("GMACs ratio (budget / e_c = 1)")
    ax.set_ylabel("median latency ratio (budget / e_c = 1)")
    for ec, bound in summary.get("bounds", {}).get("ratio", {}).items():
        g = ec_ticks.get(float(ec))
        if g is not None and bound != TOLERANCE:
            ax.plot([g], [g * bound], marker="_", ms=14, mew=2, color="tab:green", lw=0)
            ax.annotate(
                f"{bound}x at e_c = {ec}",
                (g, g * bound),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
                color="tab:green",
            )
    model = summary.get("model", "mone-vivit-s")
    ax.set_title(f"{model}: latency vs compute, one process per backend (hollow: dense model)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    # e_c of each budget on a top axis, at its GMACs ratio (the targets: 0.25, 0.5, 0.75).
    top = ax.secondary_xaxis("top")
    shown = {ec: g for ec, g in ec_ticks.items() if ec in (0.15, 0.25, 0.5, 0.75, 1.0)}
    top.set_xticks(list(shown.values()), [f"{ec:g}" for ec in shown])
    top.set_xlabel("e_c", fontsize=8)
    top.tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(out_path, dpi=120)
    print(f"[bench] chart: {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
