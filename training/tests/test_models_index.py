"""The model zoo (public/models/index.json): valid against contracts/models-index.schema.json (the
file src/model/modelsIndex.ts validates with ajv), and every entry's numbers agree with that
model's metadata, its ONNX file and its samples."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import onnx
import pytest
from conftest import CONTRACTS, PUBLIC_MODELS
from onnx import TensorProto

from mone.metadata import validate_metadata

INDEX = json.loads((PUBLIC_MODELS / "index.json").read_text())
SCHEMA = json.loads((CONTRACTS / "models-index.schema.json").read_text())
MODELS = INDEX["models"]
BACKENDS = ("webgpu", "wasm")


def metadata(model_id: str) -> dict:
    meta = json.loads((PUBLIC_MODELS / f"{model_id}.json").read_text())
    validate_metadata(meta)
    return meta


def test_index_matches_the_schema():
    jsonschema.validate(INDEX, SCHEMA)


def test_ids_are_unique_and_one_mone_default_per_backend():
    ids = [m["id"] for m in MODELS]
    assert len(ids) == len(set(ids))
    for backend in BACKENDS:
        defaults = [m["id"] for m in MODELS if backend in m.get("default_for", {})]
        assert len(defaults) == 1, f"{backend}: {defaults}"
    for m in MODELS:
        assert set(m.get("default_for", {})) <= set(m["backends"]), m["id"]
        if m["kind"] == "dense":
            assert "baseline" not in m and "default_for" not in m, m["id"]


@pytest.mark.parametrize("entry", MODELS, ids=[m["id"] for m in MODELS])
def test_entry_matches_metadata_and_files(entry):
    meta = metadata(entry["id"])
    onnx_path = PUBLIC_MODELS / meta["model_file"]
    assert meta["name"] == entry["id"]
    assert meta["model_file"] == f"{entry['id']}.onnx"
    assert (PUBLIC_MODELS / f"{entry['id']}.golden.json").is_file()
    assert meta["variant"] == entry["kind"]
    assert len(meta["labels"]) == entry["classes"]
    assert onnx_path.stat().st_size == meta["model_bytes"] == entry["model_bytes"]
    tok, macs = meta["tokens"], meta["macs"]
    dense = (macs["dense"] + tok["time_steps"] * tok["per_step"] * macs["per_token"][-1]) / 1e9
    assert entry["dense_gmacs"] == pytest.approx(dense, rel=1e-9)
    # The graph stores every weight once, plus a few hundred float constants of its own (LayerNorm
    # epsilons, scales, slice helpers): its float initializers are the parameters within 0.5%.
    graph = onnx.load(str(onnx_path)).graph
    floats = sum(int(np.prod(t.dims)) for t in graph.initializer if t.data_type == TensorProto.FLOAT)
    assert entry["parameters"] == pytest.approx(floats, rel=5e-3)


@pytest.mark.parametrize("entry", MODELS, ids=[m["id"] for m in MODELS])
def test_samples_cover_every_class(entry):
    samples_index = (PUBLIC_MODELS / entry["samples"]).resolve()
    samples = json.loads(samples_index.read_text())["samples"]
    assert {s["label"] for s in samples} == set(metadata(entry["id"])["labels"])
    for s in samples:
        assert (samples_index.parent / s["file"]).is_file(), s["file"]


def test_baselines_are_dense_models_of_the_same_task():
    by_id = {m["id"]: m for m in MODELS}
    for m in MODELS:
        if "baseline" not in m:
            continue
        baseline = by_id[m["baseline"]]
        assert baseline["kind"] == "dense"
        assert metadata(baseline["id"])["labels"] == metadata(m["id"])["labels"]
        assert baseline["samples"] == m["samples"]
        assert baseline["camera_mirrored"] == m["camera_mirrored"]


@pytest.mark.parametrize("entry", MODELS, ids=[m["id"] for m in MODELS])
def test_index_tool_rebuilds_each_entry(entry):
    """mone.model_index (what ship_gesture_b.sh adds the gesture models with) derives every number
    of an entry from the export and the model; given the rest, it rebuilds the shipped entry, and
    putting it back leaves the index as it is."""
    from mone.config import load_config
    from mone.model import MoNEViViT
    from mone.model_index import entry_for, parameters, upsert, validate_index

    config = {"mone-vivit-s": "mone_s", "vivit-dense-s": "dense_s"}[entry["id"]]
    meta = metadata(entry["id"])
    given = {k: entry[k] for k in ("name", "task", "backends", "samples", "camera_mirrored")}
    rebuilt = entry_for(
        meta,
        parameters(MoNEViViT(load_config(config).model), dense=meta["variant"] == "dense"),
        baseline=entry.get("baseline"),
        **given,
    )
    assert {**rebuilt, **({"default_for": entry["default_for"]} if "default_for" in entry else {})} == entry
    assert upsert(INDEX, rebuilt) == INDEX  # default_for kept when the new entry names none
    validate_index(upsert(INDEX, rebuilt))
    with pytest.raises(ValueError, match="exactly one default model for wasm"):
        validate_index(upsert(INDEX, {**rebuilt, "id": "copy", "default_for": {"wasm": "x"}}))
