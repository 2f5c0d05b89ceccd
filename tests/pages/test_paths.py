"""Folders are shown resolved: ./run.sh sets ../shared/..., and '/work/app/../shared/data' hides which folder it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.pages import displayed_texts, start


@pytest.fixture
def detours(omniglot_dir: Path, faces_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every folder the pages show, set with a '..' in it, as run.sh does; returns an empty Omniglot folder, so
    that the data-missing panel can be shown too."""
    monkeypatch.setenv("OMNIGLOT_DIR", str(omniglot_dir / ".." / omniglot_dir.name))
    monkeypatch.setenv("FACES_DIR", str(faces_dir / "train" / ".."))
    monkeypatch.setenv("FACE_DB_DIR", str(Path(os.environ["FACE_DB_DIR"]) / ".." / "databases"))
    (tmp_path / "empty").mkdir()
    return tmp_path / "empty" / ".." / "empty"


def unresolved(texts: list[str]) -> list[str]:
    return [text for text in texts if "/../" in text]


def test_no_page_shows_a_folder_with_dot_dot(detours: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = start()  # the home page: the data folder, each file's path, the array cache
    assert any("Data folder:" in text for text in displayed_texts(app))
    assert unresolved(displayed_texts(app)) == []
    for page in ("views/threshold.py", "views/database.py", "views/experiment.py"):
        app.switch_page(page).run()  # the labelled folder's default, the database's path in the sidebar
        assert not app.exception and unresolved(displayed_texts(app)) == [], page
    monkeypatch.setenv("OMNIGLOT_DIR", str(detours))
    app = start()
    assert any("Some Omniglot files are missing" in w.value for w in app.warning)  # with the data-missing panel
    assert unresolved(displayed_texts(app)) == []
