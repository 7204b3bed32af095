"""Build the browser ONNX graph of a trained MoNEViViT by hand (onnx.helper), op by op.

Why by hand: the graph must take the budget as an *input* (dynamic group sizes), run each expert's
matmul on its own contiguous token slice, and keep every node inside the blocks on the WebGPU EP.
Writing it explicitly keeps those properties visible and testable (parity with PyTorch is asserted
in tests/test_export.py). Placement rules from the runtime notes:
- TopK's K and Slice's bounds are read on the CPU: they come from the `expert_counts` *input*
  through a few int64 ops at the top of the graph (never from GPU results).
- Routing uses TopK on scores shaped (T', N, 1), so its indices feed ScatterElements directly;
  tokens are gathered with a one-hot permutation matmul (float only; ~1% of the MACs), avoiding int64
  Unsqueeze/Expand, which would run on the CPU.
- Each weight is stored once; an expert's prefix of it is a Slice with constant bounds, folded by
  onnxruntime when the session is created (the file is 4.3 MB instead of 7.1 MB for the shipped
  model, same run time).
"""

from __future__ import annotations

import math

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from .model import MoNEViViT

OPSET = 17


class GraphBuilder:
    def __init__(self):
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0
        self.scope = "graph"
        self._shared: dict[tuple[int, bool], str] = {}

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{self.scope}/{hint}_{self._n}"

    def const(self, value, dtype=np.float32, hint="c") -> str:
        n = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), n))
        return n

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=self.name(op_type), **attrs))
        return outs[0] if n_out == 1 else outs

    def shared(self, param: torch.Tensor, hint: str = "c", transpose: bool = False) -> str:
        """One initializer per parameter, however many nodes read it."""
        key = (id(param), transpose)
        if key not in self._shared:
            v = t(param)
            self._shared[key] = self.const(np.ascontiguousarray(v.T) if transpose else v, hint=hint)
        return self._shared[key]

    def prefix(self, x: str, size: int, axis: int, full: int) -> str:
        """x[..., :size] along `axis` of a constant (the whole tensor when size == full). Only
        constant bounds: onnxruntime folds these Slices when the session is created, so the file
        stores each weight once and the run time is unchanged."""
        if size == full:
            return x
        return self.op(
            "Slice",
            [x, self.const([0], np.int64), self.const([size], np.int64), self.const([axis], np.int64)],
        )

    def nested_linear(self, x: str, lin: torch.nn.Linear, width: int, sliced: str) -> str:
        """An expert's slice of a NestedLinear on its tokens: sliced="in" reads the first `width`
        input features (full-width output, full bias), "out" writes the first `width` outputs."""
        w_t = self.shared(lin.weight, "w", transpose=True)  # (in, out)
        b = self.shared(lin.bias, "b")
        if sliced == "in":
            w_t = self.prefix(w_t, width, 0, lin.in_features)
        else:
            w_t = self.prefix(w_t, width, 1, lin.out_features)
            b = self.prefix(b, width, 0, lin.out_features)
        return self.op("Add", [self.op("MatMul", [x, w_t]), b])

    # -- small layers -----------------------------------------------------------------------
    def linear(self, x: str, w: np.ndarray, b: np.ndarray | None) -> str:
        """x (.., in) @ w.T (+ b): w is a PyTorch (out, in) weight (already sliced)."""
        y = self.op("MatMul", [x, self.const(np.ascontiguousarray(w.T), hint="w")])
        return self.op("Add", [y, self.const(b, hint="b")]) if b is not None else y

    def layer_norm(self, x: str, ln: torch.nn.LayerNorm) -> str:
        return self.op(
            "LayerNormalization",
            [x, self.shared(ln.weight), self.shared(ln.bias)],
            axis=-1,
            epsilon=ln.eps,
        )

    def gelu(self, x: str) -> str:
        # exact GELU (erf), the pattern ORT fuses: 0.5 * x * (1 + erf(x / sqrt(2)))
        e = self.op("Erf", [self.op("Div", [x, self.const(math.sqrt(2.0))])])
        return self.op("Mul", [self.op("Mul", [x, self.op("Add", [e, self.const(1.0)])]), self.const(0.5)])

    def reshape(self, x: str, shape: list[int]) -> str:
        return self.op("Reshape", [x, self.const(shape, np.int64, "shape")])

    def attention(self, qkv: str, t_steps: int, n: int, d: int, heads: int) -> str:
        """qkv (T', N, 3D) -> (T', N, D): joint softmax attention over all tokens, all heads."""
        dh = d // heads

        def part(i: int, perm: list[int]) -> str:
            s = self.op(
                "Slice",
                [
                    qkv,
                    self.const([i * d], np.int64),
                    self.const([(i + 1) * d], np.int64),
                    self.const([2], np.int64),
                ],
            )
            return self.op("Transpose", [self.reshape(s, [t_steps, n, heads, dh])], perm=perm)

        q, k, v = part(0, [0, 2, 1, 3]), part(1, [0, 2, 3, 1]), part(2, [0, 2, 1, 3])
        att = self.op("Mul", [self.op("MatMul", [q, k]), self.const(1.0 / math.sqrt(dh))])  # head width
        y = self.op("MatMul", [self.op("Softmax", [att], axis=-1), v])  # (T', H, N, dh)
        return self.reshape(self.op("Transpose", [y], perm=[0, 2, 1, 3]), [t_steps, n, d])


def t(p: torch.Tensor) -> np.ndarray:
    return p.detach().cpu().numpy().astype(np.float32)


def build_graph(model: MoNEViViT, dense: bool = False) -> onnx.ModelProto:
    """dense=True: a plain ViViT graph (no router, every token full width) for the dense baseline;
    it keeps the same inputs/outputs so the app and benchmarks treat both alike."""
    cfg = model.cfg
    e, n, d, ts = cfg.num_experts, cfg.tokens_per_step, cfg.dim, cfg.time_steps
    widths = cfg.widths
    g = GraphBuilder()
    video = helper.make_tensor_value_info(
        "video", TensorProto.FLOAT, [1, cfg.frames, 3, cfg.image_size, cfg.image_size]
    )
    counts_in = helper.make_tensor_value_info("expert_counts", TensorProto.INT64, [e])

    # -- tubelet embedding: (1, T, 3, H, W) -> (T', N, tubelet*3*p*p) -> (T', N, D) --------------
    g.scope = "embed"
    p, gh = cfg.patch_size, cfg.grid
    if cfg.stem == "conv":  # ConvStem: (T', tubelet*C, H, W) -> Conv/Relu stack -> (T', N, D)
        x = g.reshape("video", [ts, cfg.tubelet_size * 3, cfg.image_size, cfg.image_size])
        for m in model.embed.convs:  # op for module, in the module's order
            if isinstance(m, torch.nn.ReLU):
                x = g.op("Relu", [x])
                continue
            w, b = g.const(t(m.weight), hint="w"), g.const(t(m.bias), hint="b")
            pads = [m.padding[0]] * 4
            x = g.op("Conv", [x, w, b], kernel_shape=list(m.kernel_size), strides=list(m.stride), pads=pads)
        x = g.op("Transpose", [g.reshape(x, [ts, d, n])], perm=[0, 2, 1])
        x = g.op("Add", [x, g.const(t(model.pos_spatial))])
    else:
        x = g.reshape("video", [ts, cfg.tubelet_size, 3, gh, p, gh, p])
        x = g.op("Transpose", [x], perm=[0, 3, 5, 1, 2, 4, 6])  # (T', gh, gw, tubelet, C, p, p)
        x = g.reshape(x, [ts, n, cfg.tubelet_size * 3 * p * p])
        x = g.op(
            "Add", [g.linear(x, t(model.embed.weight), t(model.embed.bias)), g.const(t(model.pos_spatial))]
        )

    if dense:
        groups = [(e - 1, None)]
        r_sorted = None
        g.scope = "outputs"
        expert_out = g.op("Identity", [g.const(np.full((ts, n), e - 1, np.int32), np.int32, "expert")])
        probs_out = g.op("Identity", [g.const(np.eye(e, dtype=np.float32)[[e - 1] * n][None].repeat(ts, 0))])
    else:
        # -- budget bounds, once, on the CPU from the input: starts/ends of each expert's group ----
        g.scope = "budget"
        bounds = {}
        ks = {}
        for j in reversed(range(e)):
            ks[j] = g.op(
                "Slice", ["expert_counts", g.const([j], np.int64), g.const([j + 1], np.int64)]
            )  # (1,)
            larger = g.op("Slice", ["expert_counts", g.const([j + 1], np.int64), g.const([e], np.int64)])
            start = g.op("ReduceSum", [larger], keepdims=1) if j < e - 1 else g.const([0], np.int64)
            end = g.op("Add", [start, ks[j]])
            bounds[j] = {
                "tok": (start, end),
                "tok_feat": (
                    g.op("Concat", [start, g.const([0], np.int64)], axis=0),
                    g.op("Concat", [end, g.const([widths[j]], np.int64)], axis=0),
                ),
            }

        # -- router + Expert Preferred Routing per time step (Algorithm 1) --------------------
        g.scope = "routing"
        r_in = g.layer_norm(x, model.spatial[0].ln1) if model.cfg.router_input == "ln1" else x
        probs = g.op(
            "Softmax", [g.linear(r_in, t(model.router.weight), t(model.router.bias))], axis=-1
        )  # (T',N,E)
        taken = g.const(np.zeros((ts, n, 1), np.float32), hint="taken")
        expert_f = g.const(np.zeros((ts, n, 1), np.float32), hint="expert")
        zeros_row = g.const(np.zeros((1, 1, n), np.float32))
        perm_parts, r_parts = [], []
        for j in reversed(range(e)):  # the largest expert chooses first
            s = g.op(
                "Slice", [probs, g.const([j], np.int64), g.const([j + 1], np.int64), g.const([2], np.int64)]
            )
            s = g.op("Sub", [s, g.op("Mul", [taken, g.const(2.0)])])  # taken tokens fall below any prob
            vals, idx = g.op("TopK", [s, ks[j]], n_out=2, axis=1, largest=1, sorted=1)  # (T', k_j, 1)
            ones = g.op("Add", [g.op("Mul", [vals, g.const(0.0)]), g.const(1.0)])
            taken = g.op("ScatterElements", [taken, idx, ones], axis=1)
            if j > 0:
                expert_f = g.op(
                    "ScatterElements", [expert_f, idx, g.op("Mul", [ones, g.const(float(j))])], axis=1
                )
            # one-hot rows of the permutation for this group: (T', k_j, N)
            rows = g.op("Add", [g.op("Mul", [vals, g.const(0.0)]), zeros_row])
            perm_parts.append(g.op("ScatterElements", [rows, idx, ones], axis=2))
            r_parts.append(vals)  # untaken tokens: the TopK value *is* the token's own router prob
        perm = g.op("Concat", perm_parts, axis=1)  # (T', N, N), groups largest expert first
        x = g.op("MatMul", [perm, x])  # tokens sorted into contiguous expert groups
        r_sorted = g.op("Concat", r_parts, axis=1)  # (T', N, 1)
        groups = [(j, bounds[j]) for j in reversed(range(e))]
        g.scope = "outputs"
        expert_out = g.op("Cast", [g.reshape(expert_f, [ts, n])], to=TensorProto.INT32)
        probs_out = g.op("Identity", [probs])

    # -- spatial MoNE blocks ------------------------------------------------------------------
    for li, blk in enumerate(model.spatial):
        g.scope = f"spatial_block_{li}"
        ax1 = g.const([1], np.int64)
        ax12 = g.const([1, 2], np.int64)

        def in_proj(h, lin, j, b, g=g, ax12=ax12):
            w = widths[j]
            if b is None:  # dense graph: whole tensor, full width
                return g.linear(h, t(lin.weight), t(lin.bias))
            hj = g.op("Slice", [h, *b["tok_feat"], ax12])  # (T', k_j, d_j)
            return g.nested_linear(hj, lin, w, sliced="in")

        def out_proj(a, lin, j, b, g=g, ax1=ax1, sliced=False):
            # a: all tokens (T', N, full), or this group's tokens already (sliced=True)
            w = widths[j]
            if b is None:
                return g.linear(a, t(lin.weight), t(lin.bias))
            aj = a if sliced else g.op("Slice", [a, *b["tok"], ax1])  # (T', k_j, full)
            y = g.nested_linear(aj, lin, w, sliced="out")
            if w == d:
                return y
            return g.op("Pad", [y, g.const([0, 0, 0, 0, 0, d - w], np.int64)], mode="constant")

        def cat(parts, g=g):
            return parts[0] if len(parts) == 1 else g.op("Concat", parts, axis=1)

        h = g.layer_norm(x, blk.ln1)
        qkv = cat([in_proj(h, blk.qkv, j, b) for j, b in groups])
        a = g.attention(qkv, ts, n, d, cfg.heads)
        z = g.op("Add", [x, cat([out_proj(a, blk.proj, j, b) for j, b in groups])])
        h = g.layer_norm(z, blk.ln2)
        m = cat([out_proj(g.gelu(in_proj(h, blk.fc1, j, b)), blk.fc2, j, b, sliced=True) for j, b in groups])
        if r_sorted is not None:
            scale = g.op("Add", [g.op("Mul", [r_sorted, g.const(float(blk.alpha.detach()))]), g.const(1.0)])
            m = g.op("Mul", [m, scale])
        x = g.op("Add", [z, m])

    # -- pooling, dense temporal transformer, head -------------------------------------------
    g.scope = "temporal"
    x = g.op("ReduceMean", [g.layer_norm(x, model.ln_spatial)], axes=[1], keepdims=0)  # (T', D)
    x = g.op("Add", [x, g.const(t(model.pos_temporal))])
    x = g.reshape(x, [1, ts, d])
    for blk in model.temporal:
        h = g.layer_norm(x, blk.ln1)
        x = g.op(
            "Add",
            [
                x,
                g.linear(
                    g.attention(
                        g.reshape(g.linear(h, t(blk.qkv.weight), t(blk.qkv.bias)), [1, ts, 3 * d]),
                        1,
                        ts,
                        d,
                        cfg.heads,
                    ),
                    t(blk.proj.weight),
                    t(blk.proj.bias),
                ),
            ],
        )
        h = g.layer_norm(x, blk.ln2)
        x = g.op(
            "Add",
            [
                x,
                g.linear(
                    g.gelu(g.linear(h, t(blk.fc1.weight), t(blk.fc1.bias))),
                    t(blk.fc2.weight),
                    t(blk.fc2.bias),
                ),
            ],
        )
    g.scope = "head"
    x = g.op("ReduceMean", [x], axes=[1], keepdims=0)  # (1, D)
    logits = g.linear(g.layer_norm(x, model.ln_out), t(model.head.weight), t(model.head.bias))

    g.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="out/logits"))
    g.nodes.append(helper.make_node("Identity", [expert_out], ["expert_index"], name="out/expert_index"))
    g.nodes.append(helper.make_node("Identity", [probs_out], ["router_probs"], name="out/router_probs"))
    outputs = [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, cfg.num_classes]),
        helper.make_tensor_value_info("expert_index", TensorProto.INT32, [ts, n]),
        helper.make_tensor_value_info("router_probs", TensorProto.FLOAT, [ts, n, e]),
    ]
    graph = helper.make_graph(
        g.nodes,
        "mone_vivit_dense" if dense else "mone_vivit",
        [video, counts_in],
        outputs,
        initializer=g.inits,
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mone-live")
    m.ir_version = 8  # readable by onnxruntime >= 1.14 (web and node)
    onnx.checker.check_model(m)
    return m
