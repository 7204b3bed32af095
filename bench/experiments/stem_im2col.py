"""Experiment (not the exporter): is the conv stem faster as im2col + MatMul than as onnxruntime's
Conv? Cuts the stem (video -> the last 1x1 conv) out of an exported conv-stem graph, builds the same
stem channels-last with each 3x3 stride-2 layer as Pad -> nine strided Slices -> Concat -> MatMul
-> Add -> Relu, checks both give the same output on a random clip, and times them interleaved on
onnxruntime, one thread. Both files are written to OUT for other runtimes (onnxruntime-web).

    cd training && python -m mone.export --random mone_b --out /tmp/b --name mone-gesture-b
    python3 bench/experiments/stem_im2col.py /tmp/b/mone-gesture-b.onnx /tmp/stem

Measured (docs/bench/profile.md, the gesture shape): the Conv stem was faster natively and on WASM.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def conv_stem(model_path: Path, out: Path) -> tuple[onnx.ModelProto, list[onnx.NodeProto]]:
    m = onnx.load(str(model_path))
    convs = [n for n in m.graph.node if n.op_type == "Conv" and n.name.startswith("embed/")]
    onnx.utils.extract_model(str(model_path), str(out), ["video"], [convs[-1].output[0]])
    return onnx.load(str(out)), convs


def im2col_stem(stem: onnx.ModelProto, video_shape: list[int], tubelet: int) -> onnx.ModelProto:
    weights = {i.name: numpy_helper.to_array(i) for i in stem.graph.initializer}
    nodes, inits = [], []

    def const(arr) -> str:
        name = f"c{len(inits)}"
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(kind: str, inputs: list[str], **attrs) -> str:
        name = f"{kind.lower()}_{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [name], name=name, **attrs))
        return name

    _, frames, channels, size, _ = video_shape
    steps = frames // tubelet
    x = op("Reshape", ["video", const(np.array([steps, tubelet * channels, size, size], np.int64))])
    x = op("Transpose", [x], perm=[0, 2, 3, 1])  # channels last
    for conv in (n for n in stem.graph.node if n.op_type == "Conv"):
        w, b = weights[conv.input[1]], weights[conv.input[2]]
        cout, cin, k, _ = w.shape
        if k == 1:
            x = op("Add", [op("MatMul", [x, const(w[:, :, 0, 0].T.copy())]), const(b)])
            break
        # output row i of a 3x3 stride-2 conv padded by 1 reads input rows 2i-1..2i+1: pad the top
        # and left by one, then take every second row and column from offsets 0, 1, 2
        padded = op("Pad", [x, const(np.array([0, 1, 1, 0, 0, 0, 0, 0], np.int64))])
        taps = [
            op(
                "Slice",
                [
                    padded,
                    const(np.array([dy, dx], np.int64)),
                    const(np.array([dy + size, dx + size], np.int64)),
                    const(np.array([1, 2], np.int64)),
                    const(np.array([2, 2], np.int64)),
                ],
            )
            for dy in range(3)
            for dx in range(3)
        ]
        cols = op("Concat", taps, axis=3)
        w_mat = w.transpose(2, 3, 1, 0).reshape(9 * cin, cout).copy()  # rows in (dy, dx, cin) order
        x = op("Relu", [op("Add", [op("MatMul", [cols, const(w_mat)]), const(b)])])
        size //= 2
    nodes.append(helper.make_node("Transpose", [x], ["out"], name="to_nchw", perm=[0, 3, 1, 2]))
    dims = [d.dim_value for d in stem.graph.output[0].type.tensor_type.shape.dim]
    graph = helper.make_graph(
        nodes,
        "stem_im2col",
        [helper.make_tensor_value_info("video", TensorProto.FLOAT, video_shape)],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, dims)],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> int:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    stem, _ = conv_stem(src, out / "stem-conv.onnx")
    shape = [d.dim_value for d in stem.graph.input[0].type.tensor_type.shape.dim]
    # the stem stacks a tubelet's frames as channels: its first conv's input channels / 3
    first = next(n for n in stem.graph.node if n.op_type == "Conv")
    w0 = next(i for i in stem.graph.initializer if i.name == first.input[1])
    onnx.save(im2col_stem(stem, shape, w0.dims[1] // shape[2]), str(out / "stem-im2col.onnx"))

    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    sessions = {n: ort.InferenceSession(str(out / f"stem-{n}.onnx"), so) for n in ("conv", "im2col")}
    feed = {"video": np.random.default_rng(0).random(shape, dtype=np.float32)}
    a, b = (s.run(None, feed)[0] for s in sessions.values())
    print(f"max |difference| {np.abs(a - b).max():.2e} (output max {np.abs(a).max():.2f})")
    times: dict[str, list[float]] = {n: [] for n in sessions}
    for _ in range(40):  # interleaved, so drift hits both alike
        for n, s in sessions.items():
            t0 = time.perf_counter()
            s.run(None, feed)
            times[n].append(time.perf_counter() - t0)
    print(" | ".join(f"{n} {1000 * np.median(t[5:]):.2f} ms" for n, t in times.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
