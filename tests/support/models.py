"""A user's model store for a test: a folder holding a copy of the shipped model, named by the environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def store_with_the_shipped_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "mine") -> Path:
    """``tmp_path/models`` holding the shipped model as ``name`` (its .keras and .json), as ``ONESHOT_MODELS_DIR``."""
    from lab.siamese.store import SHIPPED_DIR

    folder = tmp_path / "models"
    folder.mkdir()
    for suffix in (".keras", ".json"):
        shutil.copy(SHIPPED_DIR / f"default{suffix}", folder / f"{name}{suffix}")
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(folder))
    return folder
