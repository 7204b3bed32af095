"""Configs: the shipped recipes, the frozen experiments and the results each one produced, loading
by name or path, and unknown keys failing loudly."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from mone.checkpoint import same_config
from mone.config import CONFIG_DIR, EXPERIMENTS, Stage, TrainConfig, clip_spec, config_names, load_config
from mone.model import ModelConfig
from mone.train import main

SHIPPED = ("tiny", "dense_s", "mone_s", "nested_s", "nested_b", "mone_b", "dense_b")
TOPICS = ("learning_rate", "router", "distillation", "seeds", "benchmark_v2", "gesture_proxy")
RESULTS = REPO_ROOT / "docs" / "results"
EXPERIMENT_FILES = sorted((CONFIG_DIR / EXPERIMENTS).glob("*/*.py"))


def experiment(path: Path) -> str:
    """The load_config name of an experiment file: experiments/<topic>/<name>."""
    return path.relative_to(CONFIG_DIR).with_suffix("").as_posix()


def changed(a: dict, b: dict) -> set[str]:
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def docstring_lines(path: Path) -> list[str]:
    return (ast.get_docstring(ast.parse(path.read_text())) or "").splitlines()


# ---------------------------------------------------------------------------------------------
# shipped recipes
# ---------------------------------------------------------------------------------------------
def test_shipped_recipes_load_and_stay_short():
    top = {p.stem for p in CONFIG_DIR.glob("*.py")}
    assert set(SHIPPED) <= top
    experiments = {p.stem for p in EXPERIMENT_FILES}
    assert not top & experiments, "an experiment config belongs in configs/experiments/<topic>/ only"
    for name in sorted(top):
        cfg = load_config(name)
        assert cfg.name == name and cfg.total_steps > 0
        assert TrainConfig.from_dict(cfg.to_dict()) == cfg  # round trip through the checkpoint dict
        doc = docstring_lines(CONFIG_DIR / f"{name}.py")
        assert 1 <= len(doc) <= 3 and any("Command:" in line for line in doc), name
    # the trained nested-only baseline: mone_s's init, steps and learning rate, one width per step
    base, nested = load_config("mone_s").to_dict(), load_config("nested_s").to_dict()
    assert changed(base, nested) == {"name", "stages"}
    assert [dict(s, mode="nested", name="nested") for s in base["stages"]] == nested["stages"]


def test_checkpoints_a_config_starts_from_are_kept_by_the_config_that_trains_them():
    """init_from runs/<run>/step-<n>.pt: config <run> keeps step n; init_from or distill_from
    runs/<run>/final.pt: config <run> exists."""
    by_name = {load_config(n).name: load_config(n) for n in config_names()}
    for cfg in by_name.values():
        if cfg.init_from:
            run, _, step = re.fullmatch(r"runs/(\w+)/(step-(\d+)|final)\.pt", cfg.init_from).groups()
            assert run in by_name, (cfg.name, cfg.init_from)
            assert step is None or int(step) in by_name[run].keep_steps, (cfg.name, cfg.init_from)
        if cfg.distill_from:
            run = re.fullmatch(r"runs/(\w+)/final\.pt", cfg.distill_from).group(1)
            assert run in by_name, (cfg.name, cfg.distill_from)


def test_training_scripts_train_what_they_use():
    """train_shipped.sh, then train_nested_baseline.sh (and the evaluate_and_export.sh they call):
    every config loads, every checkpoint a later command reads (init_from, --mone/--nested/--dense/
    --checkpoint) is one an earlier command trains."""
    root = Path(__file__).resolve().parents[1]

    def commands(script: str, args: str = "") -> list[str]:
        # the script's `python3 -m mone.*` lines, with `bash other.sh ARGS` expanded in place
        text = (root / script).read_text().replace("\\\n", " ").replace('"$@"', args)
        out = []
        for line in text.splitlines():
            call = re.match(r"\s*bash (\w+\.sh)(.*)", line)
            if call:
                out += commands(call.group(1), call.group(2))
            elif "python3 -m mone." in line and not line.lstrip().startswith("#"):
                out.append(line)
        return out

    trained: set[str] = set()
    reads = 0
    for script in ("train_shipped.sh", "train_nested_baseline.sh"):
        for line in commands(script):
            for name in re.findall(r"--config ([\w/]+)", line):
                cfg = load_config(name)
                if cfg.init_from:
                    assert cfg.init_from.split("/")[1] in trained, (script, name, cfg.init_from)
                trained.add(cfg.name)  # its run folder: runs/<name>/
            for flag, run in re.findall(r"--(mone|nested|dense|checkpoint) runs/(\w+)/final\.pt", line):
                assert run in trained, (script, flag, run)
                reads += 1
    assert trained == {"dense_s", "mone_s", "nested_s"}
    assert reads == 9  # evaluate (mone, dense) + two exports, twice; the second evaluate adds --nested


# ---------------------------------------------------------------------------------------------
# experiments: frozen, and each result file made by one of them
# ---------------------------------------------------------------------------------------------
def literal(node: ast.AST) -> bool:
    """A value written out: constants, tuples/lists/dicts of them and dict(key=...) calls."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return literal(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(
            k is not None and literal(k) and literal(v) for k, v in zip(node.keys, node.values, strict=True)
        )
    if isinstance(node, ast.Call):
        return (
            isinstance(node.func, ast.Name)
            and node.func.id == "dict"
            and not node.args
            and all(kw.arg is not None and literal(kw.value) for kw in node.keywords)
        )
    return False


def test_experiment_topics():
    assert sorted(p.name for p in (CONFIG_DIR / EXPERIMENTS).iterdir() if p.is_dir()) == sorted(TOPICS)
    for topic in TOPICS:
        assert list((CONFIG_DIR / EXPERIMENTS / topic).glob("*.py")), topic


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=lambda p: p.stem)
def test_experiment_config_is_frozen(path):
    """The complete dict that produced the results, every setting written out: no import, no
    load_config, nothing computed, so no change elsewhere can change what the experiment was."""
    tree = ast.parse(path.read_text())
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    assert len(body) == 1 and isinstance(body[0], ast.Assign), "only CONFIG = {...} after the docstring"
    (target,) = body[0].targets
    assert isinstance(target, ast.Name) and target.id == "CONFIG"
    assert literal(body[0].value), "CONFIG must be written out, not computed"

    ns: dict = {}
    exec(compile(tree, str(path), "exec"), ns)
    config = ns["CONFIG"]
    assert set(config) == {f.name for f in fields(TrainConfig)}, "every setting written out"
    assert set(config["model"]) == {f.name for f in fields(ModelConfig)}
    for stage in config["stages"]:
        assert set(stage) == {f.name for f in fields(Stage)}

    name = experiment(path)
    cfg = load_config(name)
    assert cfg.name == path.stem and TrainConfig.from_dict(cfg.to_dict()) == cfg
    doc = docstring_lines(path)
    assert 1 <= len(doc) <= 3 and f"python -m mone.train --config {name}" in "\n".join(doc)


def test_config_names_are_unique():
    names = [load_config(n).name for n in config_names()]
    assert len(names) == len(set(names))


# what each experiment changes against the config it is measured against (README of each topic)
MEASURED_AGAINST = [
    ("learning_rate/mone_s_lr5e4", "seeds/mone_s_seed1", {"name", "seed", "stages"}),
    ("learning_rate/mone_s_lr5e4_seed1", "learning_rate/mone_s_lr5e4", {"name", "seed"}),
    (
        "router/mone_s_router",
        "learning_rate/mone_s_lr5e4",
        {"name", "router_lr_scale", "router_weight_decay"},
    ),
    ("router/mone_s_router_seed1", "router/mone_s_router", {"name", "seed"}),
    ("router/mone_s_router_late", "router/mone_s_router", {"name", "init_from", "stages"}),
    ("router/mone_s_router_late_seed1", "router/mone_s_router_late", {"name", "seed"}),
    ("router/mone_s_ln1", "learning_rate/mone_s_lr5e4", {"name", "model"}),
    ("distillation/mone_s_kd", "learning_rate/mone_s_lr5e4", {"name", "init_from", "stages", "distill_from"}),
    ("distillation/mone_s_kd_seed1", "distillation/mone_s_kd", {"name", "seed"}),
    ("distillation/mone_s_kd_6000steps", "learning_rate/mone_s_lr5e4", {"name", "distill_from"}),
    # the shipped recipes on another seed or benchmark: they describe the shipped models only while
    # those recipes are unchanged (then re-run them, or compare with the recorded config instead)
    ("seeds/mone_s_seed1", "mone_s", {"name", "seed"}),
    ("benchmark_v2/dense_s_v2", "dense_s", {"name", "benchmark"}),
    ("benchmark_v2/mone_s_v2", "mone_s", {"name", "benchmark", "init_from"}),
    ("benchmark_v2/nested_s_v2", "nested_s", {"name", "benchmark", "init_from"}),
    # the gesture recipe at a CPU's size (D=128, 64 px, batch 32) before the curriculum and the
    # scene-law losses went in
    (
        "gesture_proxy/nested_g64",
        "nested_b",
        {
            "name",
            "aux_weight",
            "model",
            "batch_size",
            "val_clips",
            "test_clips",
            "eval_every",
            "ckpt_every",
            "curriculum",
            "stages",
        },
    ),
    ("gesture_proxy/dense_g64_clean", "gesture_proxy/nested_g64", {"name", "stages", "scene"}),
    (
        "gesture_proxy/nested_g64_curriculum",
        "gesture_proxy/nested_g64",
        {"name", "stages", "curriculum", "eval_every"},
    ),
    (  # dense instead of nested, 4,000 steps; threads=1 shared the machine with the next one
        "gesture_proxy/dense_g64_curriculum",
        "gesture_proxy/nested_g64_curriculum",
        {"name", "stages", "eval_every", "threads"},
    ),
    (  # the curriculum run's weights, on fresh full-law clips
        "gesture_proxy/nested_g64_continued",
        "gesture_proxy/nested_g64_curriculum",
        {"name", "stages", "data_seed", "curriculum", "threads", "init_from"},
    ),
    ("gesture_proxy/dense_g112_curriculum", "gesture_proxy/dense_g64_curriculum", {"name", "model"}),
    (  # the embedding's lr alone (and validation every 250 steps)
        "gesture_proxy/dense_g112_embed_lr",
        "gesture_proxy/dense_g112_curriculum",
        {"name", "embed_lr_scale", "eval_every"},
    ),
    (
        "gesture_proxy/nested_g112_embed_lr",
        "gesture_proxy/nested_g64_curriculum",
        {"name", "model", "embed_lr_scale", "threads"},
    ),
    (  # the B recipe's conv stem in place of the linear embedding at 1/4 lr
        "gesture_proxy/dense_g112_conv",
        "gesture_proxy/dense_g112_embed_lr",
        {"name", "model", "embed_lr_scale"},
    ),
    # the scene-law losses through mone.train: dense beside its run without them, and nested_all
    ("gesture_proxy/dense_g112_aux", "gesture_proxy/dense_g112_conv", {"name", "aux_weight"}),
    (
        "gesture_proxy/nested_g112_aux",
        "gesture_proxy/nested_g112_embed_lr",
        {"name", "model", "embed_lr_scale", "aux_weight"},
    ),
    # which part of nested_g112_aux does the work: the losses on the full width's forward only,
    # and the conv stem without the losses
    ("gesture_proxy/nested_g112_aux_widest", "gesture_proxy/nested_g112_aux", {"name", "aux_widths"}),
    ("gesture_proxy/nested_g112_conv", "gesture_proxy/nested_g112_aux", {"name", "aux_weight"}),
    (  # the dense run's weights, then a short nested_all schedule on the full law
        "gesture_proxy/nested_g112_from_dense",
        "gesture_proxy/nested_g112_aux",
        {"name", "stages", "eval_every", "curriculum", "threads", "init_from"},
    ),
    (  # the B recipe's order in one run (dense stage, then nested_all), seed 1, fp32 on this CPU
        "gesture_proxy/nested_g112_dense_first",
        "gesture_proxy/nested_g112_from_dense",
        {"name", "stages", "seed", "eval_every", "curriculum", "init_from", "precision"},
    ),
]


def config_path(name: str) -> str:
    return name if name in SHIPPED else f"{EXPERIMENTS}/{name}"


def test_every_experiment_is_measured_against_something():
    assert sorted(e for e, _, _ in MEASURED_AGAINST) == sorted(
        experiment(p).removeprefix(f"{EXPERIMENTS}/") for p in EXPERIMENT_FILES
    )


@pytest.mark.parametrize("name,base,diff", MEASURED_AGAINST, ids=[e for e, _, _ in MEASURED_AGAINST])
def test_experiment_differs_from_its_baseline_only_in_what_it_tests(name, base, diff):
    cfg, ref = load_config(config_path(name)).to_dict(), load_config(config_path(base)).to_dict()
    assert changed(cfg, ref) == diff
    if name.startswith("gesture_proxy/"):
        assert cfg["dataset"] == "gestures" and cfg["model"]["num_classes"] == 27
        assert cfg["model"]["dim"] == 128 and cfg["batch_size"] == 32
        if "model" in diff and base.startswith("gesture_proxy/"):  # the B model's input or stem only
            if changed(cfg["model"], ref["model"]) == {"stem"}:
                assert (cfg["model"]["stem"], cfg["embed_lr_scale"]) == ("conv", 1.0)
                return
            assert changed(cfg["model"], ref["model"]) == {"image_size", "patch_size"}
            assert (cfg["model"]["image_size"], cfg["model"]["patch_size"]) == (112, 16)
        elif base.startswith("gesture_proxy/"):
            assert cfg["model"] == ref["model"]
        else:  # scaled down from the B recipe
            assert cfg["model"]["image_size"] == 64
        return
    if "stages" in diff and "init_from" not in diff:  # the learning-rate experiment: only the MoNE lr
        assert [dict(s, lr=None) for s in cfg["stages"]] == [dict(s, lr=None) for s in ref["stages"]]
        assert (cfg["stages"][0]["lr"], ref["stages"][0]["lr"]) == (5e-4, 1e-3)
    if "model" in diff:
        assert changed(cfg["model"], ref["model"]) == {"router_input"}
    if "init_from" in diff and "benchmark" in diff:
        assert cfg["init_from"] == ref["init_from"].replace("runs/dense_s/", "runs/dense_s_v2/")
    if "benchmark" in diff:
        assert (cfg["benchmark"], ref["benchmark"]) == (2, 1)
    if "init_from" in diff and "stages" in diff:  # the later hand-over: the same 9000 steps in all
        assert (
            cfg["init_from"] == "runs/dense_s/step-6000.pt"
            and ref["init_from"] == "runs/dense_s/step-3000.pt"
        )
        assert cfg["stages"][0]["steps"] + 6000 == ref["stages"][0]["steps"] + 3000
    if "distill_from" in diff:
        assert cfg["distill_from"] == "runs/dense_s/final.pt" and ref["distill_from"] is None


def result_files() -> list[Path]:
    return sorted(p for p in (RESULTS / "experiments").rglob("*") if p.is_file())


def test_every_result_file_has_the_config_that_made_it():
    """docs/results/experiments/<topic>/<name>-...: config experiments/<topic>/<name> exists, and
    each eval.json records exactly that config as the one evaluated."""
    evaluated = set()
    for path in result_files():
        topic = path.parent.relative_to(RESULTS / "experiments").as_posix()
        assert topic in TOPICS, path
        name = path.name.split("-", 1)[0]
        assert (CONFIG_DIR / EXPERIMENTS / topic / f"{name}.py").exists(), path
        if path.suffix == ".json":
            provenance = json.loads(path.read_text())["provenance"]
            # settings added to TrainConfig since the record count as agreeing at their default
            assert same_config(provenance["config"], load_config(f"{EXPERIMENTS}/{topic}/{name}")), path
            for key in ("config", "nested_config", "dense_config"):
                other = provenance[key] and provenance[key]["name"]
                if other and (CONFIG_DIR / EXPERIMENTS / topic / f"{other}.py").exists():
                    assert same_config(provenance[key], load_config(f"{EXPERIMENTS}/{topic}/{other}"))
                    evaluated.add(f"{topic}/{other}")
        else:
            assert path.with_name(f"{name}-eval.json").exists(), path  # the table or plot of an eval.json
    # and the other way round: every experiment has its results here
    assert {experiment(p).removeprefix(f"{EXPERIMENTS}/") for p in EXPERIMENT_FILES} <= evaluated


def test_provenance_records_commit_and_configs():
    for path in [RESULTS / "eval.json", *(p for p in result_files() if p.suffix == ".json")]:
        provenance = json.loads(path.read_text())["provenance"]
        assert set(provenance) == {"recorded", "config", "nested_config", "dense_config", "commit", "dirty"}
        assert provenance["recorded"] in ("at evaluation", "added from git history"), path
        assert re.fullmatch(r"[0-9a-f]{40}", provenance["commit"]), path
        for key in ("config", "nested_config", "dense_config"):
            if provenance[key] is not None:
                TrainConfig.from_dict(provenance[key])
    # the shipped results come from the shipped recipes
    shipped = json.loads((RESULTS / "eval.json").read_text())["provenance"]
    assert same_config(shipped["config"], load_config("mone_s"))
    assert same_config(shipped["nested_config"], load_config("nested_s"))
    assert same_config(shipped["dense_config"], load_config("dense_s"))


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_readme_holds_its_results(topic):
    """Each topic's README names every config of the topic and links every table and plot of it."""
    readme = CONFIG_DIR / EXPERIMENTS / topic / "README.md"
    text = readme.read_text()
    for cfg in (CONFIG_DIR / EXPERIMENTS / topic).glob("*.py"):
        assert f"`{cfg.stem}`" in text, cfg.stem
        assert f"--config {EXPERIMENTS}/{topic}/" in text
    links = {(readme.parent / link).resolve() for link in re.findall(r"\]\(([^)#]+)\)", text)}
    for link in links:
        assert link.exists(), link
    for result in (RESULTS / "experiments" / topic).iterdir():
        if result.suffix != ".json":
            assert result.resolve() in links, result.name


# ---------------------------------------------------------------------------------------------
# loading and checking
# ---------------------------------------------------------------------------------------------
def test_load_config_experiment_by_path(tmp_path):
    assert load_config("experiments/router/mone_s_router").name == "mone_s_router"
    with pytest.raises(FileNotFoundError, match="did you mean 'experiments/router/mone_s_router'"):
        load_config("mone_s_router")
    # the trainer's CLI takes the same name (and stops at the dense checkpoint it starts from)
    with pytest.raises(SystemExit, match="init_from checkpoint not found"):
        main(["--config", "experiments/router/mone_s_router", "--run-dir", str(tmp_path / "r")])


@pytest.mark.parametrize("where", ["top", "model", "stage"])
def test_unknown_config_keys_raise(tiny_dict, where):
    d = dict(tiny_dict)
    if where == "top":
        d["batch_szie"] = 4
    elif where == "model":
        d["model"] = {**d["model"], "dimm": 16}
    else:
        d["stages"] = [{**d["stages"][0], "lr_max": 1.0}]
    with pytest.raises(ValueError, match="unknown"):
        TrainConfig.from_dict(d)


def test_invalid_stage_values_raise():
    with pytest.raises(ValueError, match="mode"):
        Stage(name="x", mode="sparse", steps=1)
    with pytest.raises(ValueError, match="steps"):
        Stage(name="x", mode="mone", steps=-1)


def test_invalid_precision_raises(tiny_dict):
    with pytest.raises(ValueError, match="precision"):
        TrainConfig.from_dict({**tiny_dict, "precision": "fp16"})


def test_benchmark_version_is_checked_and_reaches_the_data(tiny_dict):
    with pytest.raises(ValueError, match="benchmark"):
        TrainConfig.from_dict({**tiny_dict, "benchmark": 3})
    assert clip_spec(TrainConfig.from_dict(tiny_dict)).benchmark == 1
    assert clip_spec(TrainConfig.from_dict({**tiny_dict, "benchmark": 2})).benchmark == 2


def test_load_config_missing_names_available():
    with pytest.raises(FileNotFoundError) as exc:
        load_config("nope")
    msg = str(exc.value)
    assert "nope" in msg
    for name in ("tiny", "mone_s", "dense_s"):
        assert name in msg


def test_load_config_from_path(tmp_path, tiny_dict):
    good = tmp_path / "mine.py"
    good.write_text(f"CONFIG = {tiny_dict!r}\n")
    assert load_config(str(good)).model.dim == 32
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n")
    with pytest.raises(ValueError, match="CONFIG"):
        load_config(str(empty))
    bad = tmp_path / "bad.py"
    bad.write_text(f"CONFIG = {dict(tiny_dict, epochs=3)!r}\n")
    with pytest.raises(ValueError, match="epochs"):
        load_config(str(bad))


def test_cli_config_errors_exit_2(capsys, tmp_path, tiny_dict):
    assert main(["--config", "nope", "--run-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "tiny" in err[0]
    bad = tmp_path / "bad.py"
    bad.write_text(f"CONFIG = {dict(tiny_dict, epochs=3)!r}\n")
    assert main(["--config", str(bad), "--run-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "epochs" in err[0]
    assert not (tmp_path / "r").exists()


def test_gesture_recipe_configs_agree_and_dense_b_is_iso_flops():
    """nested_b, mone_b and dense_b share the model, data and batch; nested_b trains dense first and
    ends nested_all (MoNE-B's init is a nested model); mone_b starts from it; dense_b trains as many
    FLOPs as nested_b's stages + mone_b (a training step costs 3x its forward)."""
    from mone import budget
    from mone.model import gmacs
    from mone.train import width_counts

    nested, mone, dense = (load_config(n) for n in ("nested_b", "mone_b", "dense_b"))
    shared = ("model", "dataset", "fps", "scene", "batch_size", "val_clips", "test_clips", "data_seed")
    shared += ("embed_lr_scale",)
    for key in shared:
        assert getattr(nested, key) == getattr(mone, key) == getattr(dense, key), key
    assert mone.init_from == "runs/nested_b/final.pt" and nested.init_from is None
    assert [s.mode for s in nested.stages] == ["dense", "nested_all"]
    assert [s.mode for s in dense.stages] == ["dense"]
    m = nested.model
    n, e = m.tokens_per_step, m.num_experts
    per_clip = {
        "dense": gmacs(m, None),
        "nested_all": sum(gmacs(m, c) for c in width_counts(n, e)),
    }
    budgets = mone.stages[0].budgets
    per_clip_mone = sum(gmacs(m, budget.counts_for_budget(b, n, e)) for b in budgets) / len(budgets)
    mone_total = sum(s.steps * per_clip[s.mode] for s in nested.stages) + mone.total_steps * per_clip_mone
    assert dense.total_steps == round(mone_total / per_clip["dense"])


def test_same_config_fills_model_settings_added_later():
    """A checkpoint written before a model setting existed matches while that setting holds its
    default, and not once it differs."""
    cfg = load_config("mone_s")
    stored = cfg.to_dict()
    del stored["model"]["stem"], stored["model"]["stem_width"]
    assert same_config(stored, cfg)
    assert not same_config({**stored, "model": {**stored["model"], "stem": "conv"}}, cfg)
    assert not same_config({**stored, "model": {**stored["model"], "dim": 64}}, cfg)
