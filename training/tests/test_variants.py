"""int8 weights (mone.variants): folding, the int8 graph (weights quantized ahead of time, routing
untouched), the evaluation numbers, the rule, writing and withdrawing the metadata entry, the
weight_files contract, and the shipped int8 files against their fp32 models."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from conftest import PUBLIC_MODELS, REPO_ROOT

from mone import datasets, variants
from mone.config import TrainConfig
from mone.data import to_input
from mone.export import export
from mone.metadata import MetadataError, validate_metadata
from mone.model import MoNEViViT

pytestmark = pytest.mark.export

ort = pytest.importorskip("onnxruntime")

HAS_WASM = shutil.which("node") is not None and (REPO_ROOT / "node_modules" / "onnxruntime-web").exists()
needs_wasm = pytest.mark.skipif(not HAS_WASM, reason="the WASM timing needs Node and node_modules")


def tiny_model(tiny_dict: dict, path: Path, dense: bool = False) -> None:
    """A random tiny checkpoint with a decisive router (no routing ties) and non-zero alphas."""
    cfg = TrainConfig.from_dict(tiny_dict)
    torch.manual_seed(0)
    model = MoNEViViT(cfg.model)
    with torch.no_grad():
        model.router.weight.mul_(50.0)
        for i, blk in enumerate(model.spatial):
            blk.alpha.fill_(0.3 + 0.3 * i)
    torch.save({"model": model.state_dict(), "config": cfg.to_dict()}, path)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny config's MoNE and dense exports, and its test split (20 clips)."""
    from mone.config import CONFIG_DIR

    ns: dict = {}
    exec((CONFIG_DIR / "tiny.py").read_text(), ns)
    tmp = tmp_path_factory.mktemp("variants")
    tiny_model(ns["CONFIG"], tmp / "tiny.pt")
    out = tmp / "models"
    export(tmp / "tiny.pt", out, "tiny-mone")
    export(tmp / "tiny.pt", out, "tiny-dense", dense=True)
    cfg = TrainConfig.from_dict(ns["CONFIG"])
    cache = tmp / "data-cache"
    data = datasets.load_split(cfg, "test", cache, progress=False)
    return {"out": out, "cfg": cfg, "cache": cache, "data": data, "tmp": tmp}


def run_both(fp32: Path, int8: Path, frames: np.ndarray, counts: list[int]):
    feed = {"video": to_input(frames[None]).numpy(), "expert_counts": np.array(counts, np.int64)}
    return variants.session(fp32).run(None, feed), variants.session(int8).run(None, feed)


def constant_slices(proto: onnx.ModelProto) -> list[str]:
    inits = {t.name for t in proto.graph.initializer}
    return [n.name for n in proto.graph.node if n.op_type == "Slice" and n.input[0] in inits]


# ---------------------------------------------------------------------------------------------
# fold and quantize
# ---------------------------------------------------------------------------------------------
def test_fold_turns_each_expert_slice_into_its_own_weight(tiny, tmp_path):
    src = tiny["out"] / "tiny-mone.onnx"
    assert constant_slices(onnx.load(str(src)))  # the exporter's shared weights
    folded = variants.fold(src, tmp_path / "folded.onnx")
    assert constant_slices(folded) == []
    assert len(folded.graph.initializer) > 0
    # MatMul+Add stay unfused, so the exporter's scopes still name the nodes.
    assert {n.op_type for n in folded.graph.node}.isdisjoint({"Gemm", "FusedMatMul"})
    assert variants.kept_fp32(folded)
    frames = np.asarray(tiny["data"]["video"][0])
    (a, ea, _), (b, eb, _) = run_both(src, tmp_path / "folded.onnx", frames, [4, 4, 4, 4])
    assert np.abs(a - b).max() <= 1e-5 and np.array_equal(ea, eb)


def test_int8_graph_quantizes_weights_ahead_and_leaves_routing_fp32(tiny, tmp_path):
    src, dst = tiny["out"] / "tiny-mone.onnx", tmp_path / "tiny-mone.int8.onnx"
    proto = variants.quantize(src, dst)
    ops = [n.op_type for n in proto.graph.node]
    assert "DequantizeLinear" not in ops  # no weight dequantized per run
    assert ops.count("MatMulInteger") > 0
    fp32 = onnx.load(str(src))
    # The routing permutation (a one-hot gather of token values), the router and the embedding:
    # plain MatMuls with the exporter's inputs.
    for scope in variants.KEEP_FP32:
        before = {
            n.name: list(n.input)
            for n in fp32.graph.node
            if n.op_type == "MatMul" and n.name.startswith(scope)
        }
        after = {
            n.name: list(n.input)
            for n in proto.graph.node
            if n.op_type == "MatMul" and n.name.startswith(scope)
        }
        assert before and set(before) == set(after), scope
    permutation = [n for n in proto.graph.node if n.op_type == "MatMul" and n.name.startswith("routing/")]
    inits = {t.name for t in proto.graph.initializer}
    assert any(n.input[0] not in inits and n.input[1] not in inits for n in permutation)
    # Attention's QK^T and AV read no constant weight: not quantized either.
    attention = [
        n for n in proto.graph.node if n.op_type == "MatMul" and n.name.startswith("spatial_block_0/")
    ]
    assert attention and all(not set(n.input) & inits for n in attention)
    assert [o.domain for o in proto.opset_import] == sorted({n.domain for n in proto.graph.node} | {""})
    assert dst.stat().st_size < src.stat().st_size
    # The routing is fp32's, exactly; the logits are close.
    frames = np.asarray(tiny["data"]["video"][3])
    for counts in ([16, 0, 0, 0], [4, 4, 4, 4], [0, 0, 0, 16]):
        (a, ea, pa), (b, eb, pb) = run_both(src, dst, frames, counts)
        assert np.array_equal(ea, eb) and np.array_equal(pa, pb)
        assert np.abs(a - b).max() < 0.1 * np.abs(a).max()


def test_int8_check_rejects_runtime_dequantization_and_a_quantized_router(tiny, tmp_path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    src = tiny["out"] / "tiny-mone.onnx"
    fp32 = onnx.load(str(src))
    # Quantized as exported: the shared weights are dequantized at run time.
    quantize_dynamic(
        src, tmp_path / "as-is.onnx", op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8
    )
    with pytest.raises(variants.VariantError, match=r"dequantizes weights at run time"):
        variants.check_quantized(fp32, onnx.load(str(tmp_path / "as-is.onnx")))
    # Folded but with nothing excluded: the embedding and the router are quantized.
    variants.fold(src, tmp_path / "folded.onnx")
    quantize_dynamic(
        tmp_path / "folded.onnx",
        tmp_path / "all.onnx",
        op_types_to_quantize=["MatMul"],
        weight_type=QuantType.QInt8,
    )
    with pytest.raises(variants.VariantError, match=r"must stay fp32 were quantized: .*embed/.*routing/"):
        variants.check_quantized(fp32, onnx.load(str(tmp_path / "all.onnx")))
    with pytest.raises(variants.VariantError, match=r"nothing was quantized"):
        variants.check_quantized(fp32, onnx.load(str(tmp_path / "folded.onnx")))


# ---------------------------------------------------------------------------------------------
# evaluation, timing, the rule
# ---------------------------------------------------------------------------------------------
def test_compare_counts_every_clip_and_token(tiny, tmp_path):
    src, dst = tiny["out"] / "tiny-mone.onnx", tmp_path / "int8.onnx"
    variants.quantize(src, dst)
    meta = json.loads((tiny["out"] / "tiny-mone.json").read_text())
    data = tiny["data"]
    point = variants.compare(variants.session(src), variants.session(dst), meta, data, 0.5)
    assert point["e_c"] == 0.5
    clips = len(data["label"])
    for key in ("top1_fp32", "top1", "top1_agreement"):
        assert 0 <= point[key] <= 1 and (point[key] * clips) == pytest.approx(round(point[key] * clips))
    assert point["expert_agreement"] == 1.0  # the router and its input stay fp32
    assert 0 <= point["max_logit_diff"] < 1
    # The same session on both sides agrees with itself everywhere.
    same = variants.compare(variants.session(src), variants.session(src), meta, data, 0.5)
    assert same["top1"] == same["top1_fp32"] and same["top1_agreement"] == 1 and same["max_logit_diff"] == 0


def test_interleaved_ms_times_each_model_at_each_budget(tiny):
    src = tiny["out"] / "tiny-mone.onnx"
    meta = json.loads((tiny["out"] / "tiny-mone.json").read_text())
    video = to_input(torch.as_tensor(tiny["data"]["video"][:1])).numpy()
    ms = variants.interleaved_ms(
        {"a": variants.session(src), "b": variants.session(src)}, meta, video, [0.5, 1.0], rounds=1, reps=3
    )
    assert set(ms) == {"a", "b"} and all(set(v) == {0.5, 1.0} for v in ms.values())
    assert all(t > 0 for v in ms.values() for t in v.values())


@needs_wasm
def test_wasm_timing_runs_both_files_in_node(tiny, tmp_path):
    src, dst = tiny["out"] / "tiny-mone.onnx", tmp_path / "int8.onnx"
    variants.quantize(src, dst)
    meta = json.loads((tiny["out"] / "tiny-mone.json").read_text())
    video = to_input(torch.as_tensor(tiny["data"]["video"][:1])).numpy()
    runtime, ms = variants.wasm_ms({"fp32": src, "int8": dst}, meta, video, [0.25, 1.0])
    assert runtime.startswith("onnxruntime-web ") and "WASM in Node" in runtime and "1 thread" in runtime
    assert set(ms) == {"fp32", "int8"} and all(set(v) == {0.25, 1.0} for v in ms.values())
    assert all(t > 0 for v in ms.values() for t in v.values())


@needs_wasm
def test_int8_logits_natively_are_the_browsers(tiny, tmp_path):
    """What the judge measures with onnxruntime on this CPU is what WASM computes from the same file:
    with 8-bit weights an AVX2 CPU without VNNI saturates int16 sums where WASM does not (this tiny
    model put one logit 0.05 off natively, 0.001 in WASM); 7-bit weights (REDUCE_RANGE) agree."""
    src, dst = tiny["out"] / "tiny-mone.onnx", tmp_path / "int8.onnx"
    variants.quantize(src, dst)
    meta = json.loads((tiny["out"] / "tiny-mone.json").read_text())
    budgets = [0.25, 1.0]
    for k in (3, 9, 12):
        video = to_input(torch.as_tensor(tiny["data"]["video"][k : k + 1])).numpy()
        wasm = variants.wasm_run({"fp32": src, "int8": dst}, meta, video, budgets, rounds=1, reps=1)["logits"]
        for ec in budgets:
            feed = {"video": video, "expert_counts": variants.counts_of(meta, ec)}
            for name, path in (("fp32", src), ("int8", dst)):
                native = variants.session(path).run(None, feed)[0][0]
                assert np.abs(native - np.array(wasm[name][ec])).max() < 1e-4, (k, ec, name)


def point(change: float = 0.0, ms: float = 3.0, wasm_ms: float = 10.0) -> dict:
    return {
        "e_c": 0.5,
        "top1_fp32": 0.9,
        "top1": 0.9 + change,
        "top1_agreement": 0.99,
        "max_logit_diff": 0.3,
        "ms_fp32": 5.0,
        "ms": ms,
        "wasm_ms_fp32": 15.0,
        "wasm_ms": wasm_ms,
    }


def test_the_rule_is_half_a_point_either_way_and_faster_everywhere():
    assert variants.verdict([point(), point(-0.005), point(+0.005)]) == []
    assert variants.verdict([point(-0.0055)]) == ["e_c 0.5: top-1 changes by -0.55 points (limit 0.5)"]
    assert variants.verdict([point(+0.006)]) == ["e_c 0.5: top-1 changes by +0.60 points (limit 0.5)"]
    assert variants.verdict([point(ms=5.0)]) == ["e_c 0.5: int8 is not faster (5.00 vs 5.00 ms)"]
    assert variants.verdict([point(wasm_ms=16.0)]) == [
        "e_c 0.5: int8 is not faster on WASM (16.00 vs 15.00 ms)"
    ]


# ---------------------------------------------------------------------------------------------
# the whole tool
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def models_copy(tiny, tmp_path):
    out = tmp_path / "models"
    shutil.copytree(tiny["out"], out)
    return out


def fake_wasm(paths, meta, video, budgets):
    """Node stands in: the WASM numbers are the rule's input, not what this test is about."""
    return "onnxruntime-web 0.0.0 WASM in Node (fake), 1 thread", {
        k: {ec: 10.0 for ec in budgets} for k in paths
    }


@pytest.mark.parametrize("name", ["tiny-mone", "tiny-dense"])
def test_write_ships_then_withdraws_the_int8_file(tiny, models_copy, monkeypatch, name):
    monkeypatch.setattr(variants, "wasm_ms", fake_wasm)
    model = models_copy / f"{name}.onnx"
    before = json.loads((models_copy / f"{name}.json").read_text())
    monkeypatch.setattr(variants, "verdict", lambda points: [])
    report = variants.run(model, tiny["cfg"], tiny["cache"], write=True)
    assert report["ship"] and report["written"] and report["clips"] == 20
    assert [p["e_c"] for p in report["points"]] == ([1.0] if name == "tiny-dense" else variants.EVAL_BUDGETS)
    assert ("expert_agreement" in report["points"][0]) == (name == "tiny-mone")
    meta = json.loads((models_copy / f"{name}.json").read_text())
    validate_metadata(meta)
    [entry] = meta["weight_files"]
    int8 = models_copy / f"{name}.int8.onnx"
    assert entry["file"] == int8.name and entry["bytes"] == int8.stat().st_size
    assert entry["sha256"] == hashlib.sha256(int8.read_bytes()).hexdigest()
    assert entry["from_sha256"] == meta["model_sha256"] and entry["backends"] == ["wasm"]
    assert entry["evaluation"]["clips"] == 20 and entry["evaluation"]["data_seed"] == tiny["cfg"].data_seed
    assert (
        entry["evaluation"]["timing"].startswith("onnxruntime ")
        and "fake" in entry["evaluation"]["wasm_timing"]
    )
    assert list(meta) == [*list(before)[:7], "weight_files", *list(before)[7:]]  # after model_sha256
    assert {k: v for k, v in meta.items() if k != "weight_files"} == before

    monkeypatch.setattr(variants, "verdict", lambda points: ["e_c 0.5: top-1 changes by -0.60 points"])
    report = variants.run(model, tiny["cfg"], tiny["cache"], write=True)
    assert not report["ship"] and report["why_not"] == ["e_c 0.5: top-1 changes by -0.60 points"]
    assert not int8.exists()
    assert json.loads((models_copy / f"{name}.json").read_text()) == before


def test_without_write_nothing_changes(tiny, models_copy, monkeypatch):
    monkeypatch.setattr(variants, "wasm_ms", fake_wasm)
    before = sorted(p.name for p in models_copy.iterdir())
    report = variants.run(models_copy / "tiny-mone.onnx", tiny["cfg"], tiny["cache"], clips=5, budgets=[0.5])
    assert report["clips"] == 5 and not report["written"] and len(report["points"]) == 1
    assert sorted(p.name for p in models_copy.iterdir()) == before
    table = variants.markdown(report)
    assert "| 0.5 |" in table and "tiny-mone.onnx: 5 test clips" in table and "WASM ms" in table


def test_cli_errors(tiny, models_copy, capsys):
    assert variants.main(["--model", str(models_copy / "nope.onnx"), "--config", "tiny"]) == 2
    assert "error: model not found" in capsys.readouterr().err
    # A config whose clips the model does not read (mone_s: 8 frames of 64 px).
    args = ["--model", str(models_copy / "tiny-mone.onnx"), "--config", "mone_s"]
    assert variants.main([*args, "--cache-dir", str(tiny["cache"])]) == 2
    assert "does not describe tiny-mone: frames: model 4 vs config 8" in capsys.readouterr().err
    (models_copy / "tiny-mone.onnx").write_bytes(b"not the exported file")
    assert variants.main(["--model", str(models_copy / "tiny-mone.onnx"), "--config", "tiny"]) == 2
    assert "sha256 differs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        variants.main(["--model", "m.onnx", "--config", "tiny", "--write", "--clips", "5"])
    assert exit_.value.code == 2


# ---------------------------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def meta_with_entry(tiny):
    meta = json.loads((tiny["out"] / "tiny-mone.json").read_text())
    entry = {
        "file": "tiny-mone.int8.onnx",
        "bytes": 1000,
        "sha256": "b" * 64,
        "from_sha256": meta["model_sha256"],
        "weights": "int8-dynamic",
        "backends": ["wasm"],
        "evaluation": {"split": "test", "clips": 20, "timing": "t", "points": [point()]},
    }
    return variants.with_weight_files(meta, [entry])


def test_metadata_without_weight_files_stays_valid(tiny, meta_with_entry):
    validate_metadata(json.loads((tiny["out"] / "tiny-mone.json").read_text()))
    validate_metadata(meta_with_entry)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda w: w.pop("sha256"), r"at weight_files/0: 'sha256' is a required property"),
        (lambda w: w.update(weights="fp16"), r"at weight_files/0/weights: 'fp16' is not one of"),
        (lambda w: w.update(backends=[]), r"at weight_files/0/backends: \[\] should be non-empty"),
        (lambda w: w.update(backends=["cpu"]), r"at weight_files/0/backends/0: 'cpu' is not one of"),
        (lambda w: w["evaluation"]["points"][0].update(top1=91), r"points/0/top1: 91 is greater than"),
        (lambda w: w.update(file="tiny-mone.onnx"), r"weight_files\[0\]\.file must not be model_file"),
        (lambda w: w.update(from_sha256="c" * 64), r"weight_files\[0\]\.from_sha256 .*another export"),
    ],
)
def test_a_malformed_entry_is_rejected_naming_the_field(meta_with_entry, edit, message):
    meta = copy.deepcopy(meta_with_entry)
    edit(meta["weight_files"][0])
    with pytest.raises(MetadataError, match=message):
        validate_metadata(meta)


def test_a_file_listed_twice_is_rejected(meta_with_entry):
    meta = copy.deepcopy(meta_with_entry)
    meta["weight_files"].append(copy.deepcopy(meta["weight_files"][0]))
    with pytest.raises(MetadataError, match=r"weight_files\[1\]\.file is listed twice"):
        validate_metadata(meta)


# ---------------------------------------------------------------------------------------------
# the shipped int8 files
# ---------------------------------------------------------------------------------------------
SHIPPED = [
    (meta, w)
    for meta in (
        json.loads(p.read_text()) for p in sorted(PUBLIC_MODELS.glob("*.json")) if p.name != "index.json"
    )
    if "model_file" in meta
    for w in meta.get("weight_files", [])
]
# Golden clips (test clips 2, 9, 17 at six budgets): int8 logits against the fp32 golden logits.
# The largest difference over the whole test split at the measured budgets is recorded per file
# (max_logit_diff, 0.23-0.35 for the shipped files); the golden clips stay within it.


@pytest.mark.parametrize("meta, entry", SHIPPED, ids=[w["file"] for _, w in SHIPPED])
def test_shipped_int8_file_is_the_one_described_and_keeps_golden_top1_and_routing(meta, entry):
    path = PUBLIC_MODELS / entry["file"]
    assert path.stat().st_size == entry["bytes"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert entry["from_sha256"] == meta["model_sha256"] and entry["weights"] == variants.INT8
    variants.check_quantized(onnx.load(str(PUBLIC_MODELS / meta["model_file"])), onnx.load(str(path)))
    assert variants.verdict(entry["evaluation"]["points"]) == []
    assert entry["evaluation"]["clips"] == 2000
    tolerance = max(p["max_logit_diff"] for p in entry["evaluation"]["points"])
    golden = json.loads((PUBLIC_MODELS / f"{meta['name']}.golden.json").read_text())
    sess = variants.session(path)
    for clip in golden["clips"]:
        frames = np.frombuffer((PUBLIC_MODELS / clip["file"]).read_bytes(), np.uint8).reshape(clip["shape"])
        for case in clip["cases"]:
            feed = {
                "video": to_input(frames[None]).numpy(),
                "expert_counts": np.array(case["counts"], np.int64),
            }
            logits, experts, _ = sess.run(None, feed)
            where = f"{clip['file']} e_c={case['e_c']}"
            assert int(np.argmax(logits)) == int(np.argmax(case["logits"])), where
            assert experts.reshape(-1).tolist() == case["expert_index"], where
            assert np.abs(logits[0] - np.array(case["logits"])).max() <= tolerance, where
