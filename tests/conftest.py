"""Shared fixtures: where the real Omniglot files are, and a private cache folder for every test session.

The Omniglot files are read from ``$OMNIGLOT_DIR`` if set, else from ``../shared/data/omniglot`` beside the
repository (as in CI). Tests never write there: anything they change is a copy in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_OMNIGLOT = REPO.parent / "shared" / "data" / "omniglot"
SHARED_FACES = REPO.parent / "shared" / "data" / "faces"
SHARED_WEIGHTS = REPO.parent / "shared" / "data" / "deepface" / "weights"


def _real_omniglot_dir() -> Path:
    folder = Path(os.environ.get("OMNIGLOT_DIR") or SHARED_OMNIGLOT)
    if not (folder / "images_background.zip").is_file() and not (folder / "images_background").is_dir():
        raise pytest.UsageError(
            f"The tests need the Omniglot files: none found in {folder}. Set OMNIGLOT_DIR to a folder with "
            "images_background.zip, images_evaluation.zip and all_runs.zip."
        )
    return folder


@pytest.fixture(scope="session")
def omniglot_dir() -> Path:
    return _real_omniglot_dir()


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All tests share one array cache in a temporary folder (never the user's own cache)."""
    cache = tmp_path_factory.mktemp("oneshot-cache")
    os.environ["ONESHOT_CACHE_DIR"] = str(cache)
    os.environ["OMNIGLOT_DIR"] = str(_real_omniglot_dir())
    return cache


@pytest.fixture(scope="session", autouse=True)
def face_environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DeepFace's home with the offline weights (installed from the shared folder as a user would, by
    `python -m lab faces weights`), sample photos from the shared folder, and a private face-database folder.

    Set before anything imports DeepFace, which creates its folders at import time.
    """
    from lab.faces.weights import ensure_weights

    folder = Path(os.environ.get("FACES_DIR") or SHARED_FACES)
    if not (folder / "train").is_dir():
        raise pytest.UsageError(f"The tests need the face photos of ../shared/data/faces (none in {folder}); set FACES_DIR.")
    home = tmp_path_factory.mktemp("deepface-home")
    os.environ["DEEPFACE_HOME"] = str(home)
    os.environ["FACES_DIR"] = str(folder)
    os.environ["FACE_DB_DIR"] = str(tmp_path_factory.mktemp("face-databases"))
    source = Path(os.environ.get("DEEPFACE_WEIGHTS_SOURCE") or SHARED_WEIGHTS)
    missing = [r.file.name for r in ensure_weights(source if source.is_dir() else None, home=home) if not r.ok]
    if missing:
        raise pytest.UsageError(f"The tests need DeepFace's offline weights ({', '.join(missing)}) in {source}; "
                                "set DEEPFACE_WEIGHTS_SOURCE to a folder holding them.")
    return folder


@pytest.fixture(scope="session")
def faces_dir(face_environment: Path) -> Path:
    return face_environment


@pytest.fixture
def writable_omniglot(tmp_path: Path, omniglot_dir: Path) -> Path:
    """A writable copy of the data folder, for tests that add, extract or break files."""
    copy = tmp_path / "omniglot"
    copy.mkdir()
    for name in ("images_background.zip", "images_evaluation.zip", "all_runs.zip"):
        shutil.copy(omniglot_dir / name, copy / name)
    return copy


@pytest.fixture(scope="session")
def background():
    from lab.data.omniglot import load_set

    return load_set("background")


@pytest.fixture(scope="session")
def evaluation():
    from lab.data.omniglot import load_set

    return load_set("evaluation")
