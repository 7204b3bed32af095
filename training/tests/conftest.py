"""Shared fixtures for the mone test suite: tiny shapes, one thread, temp files only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)
os.environ.setdefault("OMP_NUM_THREADS", "1")

TRAINING_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = TRAINING_ROOT.parent
CONTRACTS = REPO_ROOT / "contracts"
PUBLIC_MODELS = REPO_ROOT / "public" / "models"


def subprocess_env() -> dict:
    """Environment for child pythons: one thread each, and the package importable from training/."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(TRAINING_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


# What the device machine's python lacks (its package list: no PyAV, no jsonschema). Its calls of
# gpu_session.sh must not need them; the CPU machine exports and renders samples afterwards.
DEVICE_MISSING = ("av", "jsonschema")


def device_like_env(tmp_path: Path, env: dict) -> dict:
    """`env` for child pythons that cannot import DEVICE_MISSING, as on the device machine: a
    sitecustomize on PYTHONPATH refuses them (every python started under it, however deep)."""
    site = tmp_path / "device-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        "import sys\n"
        "class _Missing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.partition('.')[0] in {DEVICE_MISSING!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r} (as on the device machine)')\n"
        "sys.meta_path.insert(0, _Missing())\n"
    )
    return {**env, "PYTHONPATH": os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


@pytest.fixture
def python_exe() -> str:
    return sys.executable


@pytest.fixture
def tiny_dict() -> dict:
    """configs/tiny.py as a dict (a fresh copy per test)."""
    import copy

    from mone.config import CONFIG_DIR, load_config

    load_config("tiny")  # the shipped file itself must load
    ns: dict = {}
    exec((CONFIG_DIR / "tiny.py").read_text(), ns)
    return copy.deepcopy(ns["CONFIG"])


@pytest.fixture
def tiny_model_cfg(tiny_dict):
    from mone.model import ModelConfig

    return ModelConfig.from_dict(tiny_dict["model"])
