"""Add or replace a model's entry in the app's model index (public/models/index.json), with the
numbers taken from its export (metadata and ONNX file) and its checkpoint, never typed by hand.

    python -m mone.model_index --index ../public/models/index.json --model mone-gesture-b \
        --checkpoint runs/mone_b/final.pt --name "MoNE ViViT-B (gestures)" \
        --task "hand gestures (27 classes, Jester's labels, synthetic)" \
        --samples ../samples/gesture/index.json --mirrored --baseline vivit-dense-gesture-b

The entry's id is the metadata's name; kind, classes, model_bytes and dense_gmacs come from the
metadata, parameters from the checkpoint's model. An existing entry with the same id is replaced in
place (its default_for kept unless --default-for says otherwise); a new one goes at the end. The
index is checked against contracts/models-index.schema.json before it is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .checkpoint import read_checkpoint
from .metadata import validate_metadata

SCHEMA = Path(__file__).resolve().parents[2] / "contracts" / "models-index.schema.json"


def dense_gmacs(meta: dict) -> float:
    """GMACs per clip with every token on the full expert (as the index's contract defines it)."""
    tok, macs = meta["tokens"], meta["macs"]
    return (macs["dense"] + tok["time_steps"] * tok["per_step"] * macs["per_token"][-1]) / 1e9


def parameters(model, dense: bool) -> int:
    """Trainable parameters the exported graph uses: a dense graph has no router and no MLP scaling."""
    unused = lambda n: dense and (n.startswith("router.") or n.endswith(".alpha"))  # noqa: E731
    return sum(p.numel() for n, p in model.named_parameters() if not unused(n))


def entry_for(meta: dict, parameters: int, **fields) -> dict:
    """The index entry of an exported model; `fields` are the ones an export cannot know (name,
    task, backends, samples, camera_mirrored, and baseline / default_for where they apply)."""
    baseline = fields.pop("baseline", None)
    entry = {
        "id": meta["name"],
        "name": fields.pop("name"),
        "task": fields.pop("task"),
        "kind": meta["variant"],
        **({"baseline": baseline} if baseline else {}),
        "model_bytes": meta["model_bytes"],
        "dense_gmacs": dense_gmacs(meta),
        "parameters": parameters,
        "classes": len(meta["labels"]),
    }
    return {**entry, **fields}


def upsert(index: dict, entry: dict) -> dict:
    """The index with `entry` in place of the entry of the same id (keeping its default_for when the
    new entry names none), or appended."""
    models = list(index["models"])
    for i, old in enumerate(models):
        if old["id"] == entry["id"]:
            if "default_for" in old and "default_for" not in entry:
                entry = {**entry, "default_for": old["default_for"]}
            models[i] = entry
            break
    else:
        models.append(entry)
    return {**index, "models": models}


def validate_index(index: dict) -> None:
    import jsonschema  # the CPU side has it (the device machine does not need this module)

    jsonschema.validate(index, json.loads(SCHEMA.read_text()))
    for backend in ("webgpu", "wasm"):
        defaults = [m["id"] for m in index["models"] if backend in m.get("default_for", {})]
        if len(defaults) != 1:
            raise ValueError(f"the index needs exactly one default model for {backend}, has {defaults}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="public/models/index.json (edited in place)")
    ap.add_argument("--model", required=True, help="the export's name: <name>.json beside the index")
    ap.add_argument("--checkpoint", type=Path, required=True, help="the checkpoint it was exported from")
    ap.add_argument("--name", required=True, help="display name")
    ap.add_argument("--task", required=True)
    ap.add_argument("--samples", required=True, help="its samples' index.json, relative to the index")
    ap.add_argument("--backends", default="webgpu,wasm")
    ap.add_argument("--mirrored", action="store_true", help="mirror camera frames before this model")
    ap.add_argument("--baseline", help="MoNE models: the id of the dense baseline")
    args = ap.parse_args(argv)

    meta = json.loads((args.index.parent / f"{args.model}.json").read_text())
    validate_metadata(meta)
    model, _ = read_checkpoint(args.checkpoint)
    fields = dict(
        name=args.name,
        task=args.task,
        baseline=args.baseline,
        backends=args.backends.split(","),
        samples=args.samples,
        camera_mirrored=args.mirrored,
    )
    entry = entry_for(meta, parameters(model, dense=meta["variant"] == "dense"), **fields)
    index = upsert(json.loads(args.index.read_text()), entry)
    try:
        validate_index(index)
    except Exception as exc:  # noqa: BLE001 - any contract failure: say it, write nothing
        print(f"error: the index would not be valid: {exc}", file=sys.stderr)
        return 2
    args.index.write_text(json.dumps(index, indent=2) + "\n")
    print(json.dumps(entry, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
