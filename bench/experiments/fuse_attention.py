"""Experiment (not the exporter): rewrite each attention of an exported MoNE/ViViT ONNX graph into
one com.microsoft MultiHeadAttention node, to measure what the change would buy before it is made
in training/mone/onnx_graph.py (GraphBuilder.attention).

    python3 bench/experiments/fuse_attention.py public/models/mone-vivit-s.onnx /tmp/mone-mha.onnx

Per attention the builder emits 3 Slice (q/k/v of the fused qkv) -> 3 Reshape -> 3 Transpose ->
MatMul -> Mul (1/sqrt(dh)) -> Softmax -> MatMul -> Transpose -> Reshape (13 nodes, ORT fuses a few).
This keeps the 3 Slices and replaces the other 10 with MultiHeadAttention(q, k, v, num_heads)
whose default scale is 1/sqrt(dh): same math. Prints max |logits difference| on a random clip.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper


def fuse(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    g = model.graph
    prod = {o: n for n in g.node for o in n.output}
    cons: dict[str, list[onnx.NodeProto]] = {}
    for n in g.node:
        for i in n.input:
            cons.setdefault(i, []).append(n)
    inits = {t.name: t for t in g.initializer}
    drop: set[str] = set()
    new_nodes: dict[str, onnx.NodeProto] = {}  # inserted in place of the final Reshape
    fused = 0
    for sm in [n for n in g.node if n.op_type == "Softmax" and not n.name.startswith("routing")]:
        mul = prod[sm.input[0]]
        mm1 = prod[mul.input[0]]
        qt, kt = prod[mm1.input[0]], prod[mm1.input[1]]
        mm2 = cons[sm.output[0]][0]
        vt = prod[mm2.input[1]]
        ot = cons[mm2.output[0]][0]
        out = cons[ot.output[0]][0]
        qr, kr, vr = prod[qt.input[0]], prod[kt.input[0]], prod[vt.input[0]]
        q, k, v = qr.input[0], kr.input[0], vr.input[0]  # Slice outputs (T', N, D)
        heads = int(numpy_helper.to_array(inits[qr.input[1]])[2])
        scope = sm.name.split("/")[0]
        mha = helper.make_node(
            "MultiHeadAttention",
            [q, k, v],
            [out.output[0]],
            name=f"{scope}/MultiHeadAttention_fused",
            domain="com.microsoft",
            num_heads=heads,
        )
        for n in (qr, kr, vr, qt, kt, vt, mm1, mul, sm, mm2, ot):
            drop.add(n.name)
        new_nodes[out.name] = mha
        fused += 1
    nodes = []
    for n in g.node:
        if n.name in new_nodes:
            nodes.append(new_nodes[n.name])
        elif n.name not in drop:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model, fused


def main(src: str, dst: str) -> None:
    model, fused = fuse(onnx.load(src))
    onnx.save(model, dst)
    rng = np.random.default_rng(0)
    # the graph's own input shape and its metadata's tokens per step (any model size)
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    video = rng.standard_normal(shape).astype(np.float32)
    n = json.loads(Path(src).with_suffix(".json").read_text())["tokens"]["per_step"]
    quarter = n // 4
    worst = 0.0
    quiet = ort.SessionOptions()
    quiet.log_severity_level = 3
    cases = ([0, 0, 0, n], [quarter] * 3 + [n - 3 * quarter], [n - 2 * quarter - 2, quarter, quarter, 2])
    for counts in cases:
        feeds = {"video": video, "expert_counts": np.array(counts, np.int64)}
        a = ort.InferenceSession(src, quiet, providers=["CPUExecutionProvider"]).run(["logits"], feeds)[0]
        b = ort.InferenceSession(dst, quiet, providers=["CPUExecutionProvider"]).run(["logits"], feeds)[0]
        worst = max(worst, float(np.abs(a - b).max()))
    print(f"{dst}: {fused} attentions fused, {len(model.graph.node)} nodes, max |dlogits| {worst:.2e}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
