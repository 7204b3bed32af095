"""Experiment: is onnxruntime-web's com.microsoft MultiHeadAttention right on WebGPU here?

    python3 bench/experiments/webgpu_mha.py            # needs npm ci (onnxruntime-web, playwright)

Fused attention (bench/experiments/fuse_attention.py) is faster natively but is not exported,
because onnxruntime-web's WebGPU EP computed it wrongly (docs/bench/profile.md, "Fixes"). This
checks the op alone, so a new onnxruntime-web can be judged in a minute instead of by rebuilding
a model: one MultiHeadAttention node (q, k, v of shape (B, S, D), num_heads H) per case, run on
the installed onnxruntime-web's WASM and WebGPU backends in Chromium (webgpu_mha.mjs) and
compared with the same attention in numpy. The cases are the exported models' shapes (spatial:
B = time steps, S = tokens per step; temporal: B = 1, S = time steps) and a sweep of S.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = Path(__file__).resolve().parent

# name: (B, S, D, H)
CASES = {
    "motion S spatial": (4, 64, 128, 4),
    "motion S temporal": (1, 4, 128, 4),
    "gesture B spatial": (8, 49, 256, 8),
    "gesture B temporal": (1, 8, 256, 8),
    **{f"S={s}": (1, s, 32, 1) for s in (16, 31, 32, 33)},
}


def attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, heads: int) -> np.ndarray:
    """Softmax attention with scale 1/sqrt(head width): MultiHeadAttention's default."""
    b, s, d = q.shape
    dh = d // heads

    def split(x: np.ndarray) -> np.ndarray:
        return x.reshape(b, s, heads, dh).transpose(0, 2, 1, 3)

    a = split(q) @ split(k).transpose(0, 1, 3, 2) / np.sqrt(dh)
    a = np.exp(a - a.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    return (a @ split(v)).transpose(0, 2, 1, 3).reshape(b, s, d)


def write_cases(out: Path) -> None:
    rng = np.random.default_rng(0)
    cases = []
    for i, (name, (b, s, d, h)) in enumerate(CASES.items()):
        q, k, v = (rng.standard_normal((b, s, d)).astype(np.float32) for _ in range(3))
        node = helper.make_node(
            "MultiHeadAttention", ["q", "k", "v"], ["y"], domain="com.microsoft", num_heads=h
        )
        io = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [b, s, d]) for n in "qkvy"]
        graph = helper.make_graph([node], f"mha{i}", io[:3], io[3:])
        opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
        model = helper.make_model(graph, opset_imports=opsets, ir_version=8)
        onnx.save(model, out / f"mha{i}.onnx")
        y = attention(q, k, v, h)
        cases.append(
            {"name": name, "file": f"mha{i}.onnx", "shape": [b, s, d]}
            | {key: a.ravel().tolist() for key, a in (("q", q), ("k", k), ("v", v), ("y", y))}
        )
    (out / "cases.json").write_text(json.dumps(cases))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_cases(Path(tmp))
        res = subprocess.run(
            ["node", str(HERE / "webgpu_mha.mjs"), tmp], capture_output=True, text=True, check=True
        )
    rows = json.loads(res.stdout)
    print(f"onnxruntime-web {rows['version']}, adapter {rows['adapter']}")
    if rows["adapter"] == "none":
        sys.exit("no WebGPU adapter in this Chromium: nothing to check (see e2e/chromium.ts for the flags)")
    print(f"{'case':<20} {'B,S,D,H':<14} {'wasm max|d|':>12} {'webgpu max|d|':>14}")
    for name, (b, s, d, h) in CASES.items():
        r = rows["cases"][name]
        print(f"{name:<20} {f'{b},{s},{d},{h}':<14} {r['wasm']:>12.1e} {r['webgpu']:>14.1e}")
    if any(r["webgpu"] > 1e-4 for r in rows["cases"].values()):
        sys.exit("WebGPU MultiHeadAttention is wrong for some case (max |d| > 1e-4)")


if __name__ == "__main__":
    main()
