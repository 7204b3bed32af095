"""Model metadata validation against the shared schema (contracts/model-metadata.schema.json),
the same file src/inference/metadata.ts validates with."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "contracts" / "model-metadata.schema.json"


class MetadataError(ValueError):
    pass


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def validate_metadata(meta: dict) -> None:
    """Schema plus the cross-field rules the schema cannot express."""
    try:
        jsonschema.validate(meta, load_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise MetadataError(f"metadata invalid at {where}: {exc.message}") from exc
    tok, exp = meta["tokens"], meta["experts"]
    checks = [
        (len(meta["labels"]) == meta["outputs"]["logits"]["shape"][-1], "labels must match the logits width"),
        (
            tok["per_step"] == tok["grid_height"] * tok["grid_width"],
            "tokens.per_step must be grid_height*grid_width",
        ),
        (
            tok["time_steps"] * tok["tubelet_size"] == meta["video"]["frames"],
            "time_steps*tubelet_size != frames",
        ),
        (len(exp["widths"]) == exp["count"], "experts.widths must have experts.count entries"),
        (exp["widths"][-1] == exp["hidden_dim"], "the largest expert must be full width"),
        (len(meta["macs"]["per_token"]) == exp["count"], "macs.per_token needs one entry per expert"),
    ]
    files = [w["file"] for w in meta.get("weight_files", [])]
    for i, w in enumerate(meta.get("weight_files", [])):
        checks += [
            (w["file"] != meta["model_file"], f"weight_files[{i}].file must not be model_file"),
            (files.index(w["file"]) == i, f"weight_files[{i}].file is listed twice"),
            (
                w["from_sha256"] == meta["model_sha256"],
                f"weight_files[{i}].from_sha256 is not model_sha256: made from another export",
            ),
        ]
    for ok, msg in checks:
        if not ok:
            raise MetadataError(f"metadata invalid: {msg}")
