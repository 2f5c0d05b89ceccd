"""Shared fixtures, in two tiers.

**Fast tier** (``pytest -m "not data"``): needs nothing outside the repository. ``miniature_omniglot`` is a
miniature Omniglot made on the fly (see :mod:`tests.support.synthetic`): a few alphabets of random stroke drawings
in the official zip layout, and a 20-run ``all_runs.zip``. ``mini_background`` / ``mini_evaluation`` are its
decoded sets.

**Data tier** (marker ``data``): tests that request ``omniglot_dir``, ``background``, ``evaluation``,
``writable_omniglot``, ``faces_dir``, ``face_environment``, ``lfw_dir`` or ``lfw_sample`` (and everything under tests/pages
and tests/e2e) need ``../shared``: the full Omniglot set, the face photos (the sample and LFW) and DeepFace's weights. They are marked ``data`` at collection,
and fail with a clear :class:`pytest.UsageError` when the files are absent.

Where the real files are: ``$OMNIGLOT_DIR``, ``$FACES_DIR``, ``$FACES_LFW_DIR`` and ``$DEEPFACE_WEIGHTS_SOURCE`` if set, else
``$ONESHOT_SHARED_DIR/data/...`` if set, else ``../shared/data/...`` beside the repository (as in CI). Tests never
write there: anything they change is a copy in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ONESHOT_SHARED_DIR") or REPO.parent / "shared")
SHARED_OMNIGLOT = SHARED / "data" / "omniglot"
SHARED_FACES = SHARED / "data" / "faces"
SHARED_LFW = SHARED / "data" / "faces-lfw"
SHARED_WEIGHTS = SHARED / "data" / "deepface" / "weights"

# Tests that request one of these need ../shared; they get the `data` marker.
DATA_FIXTURES = frozenset(
    {"omniglot_dir", "background", "evaluation", "writable_omniglot", "faces_dir", "face_environment", "shared_weights",
     "lfw_dir", "lfw_sample"}
)
# Folders whose every test needs ../shared (the app's pages and the browser tests show the real data).
DATA_FOLDERS = (REPO / "tests" / "pages", REPO / "tests" / "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if DATA_FIXTURES & set(getattr(item, "fixturenames", ())) or any(f in path.parents for f in DATA_FOLDERS):
            item.add_marker(pytest.mark.data)


# ------------------------------------------------------------------------------------------ real data


def _real_omniglot_dir() -> Path:
    # Resolved, as lab.config resolves every folder it hands out (run.sh passes $PWD/../shared/...).
    folder = Path(os.environ.get("ONESHOT_REAL_OMNIGLOT_DIR") or SHARED_OMNIGLOT).resolve()
    if not (folder / "images_background.zip").is_file() and not (folder / "images_background").is_dir():
        raise pytest.UsageError(
            f"This test is marked `data`: it needs the full Omniglot files, and none are in {folder}. Set OMNIGLOT_DIR "
            "to a folder with images_background.zip, images_evaluation.zip and all_runs.zip (../shared/data/omniglot), "
            'or run the fast tier only: pytest -m "not data".'
        )
    return folder


def _real_faces_dir() -> Path:
    return Path(os.environ.get("ONESHOT_REAL_FACES_DIR") or SHARED_FACES).resolve()


def _real_lfw_dir() -> Path:
    return Path(os.environ.get("ONESHOT_REAL_FACES_LFW_DIR") or SHARED_LFW).resolve()


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Private folders for every test session, needing no data: one array cache (never the user's own cache),
    DeepFace's home (set before anything imports DeepFace, which creates its folders at import time) and the
    face-database folder. ``OMNIGLOT_DIR`` points at the real files when they are there, else at an empty folder,
    so that no test falls back on the user's own copy. ``FACES_LFW_DIR`` is unset: the face pages then start on the
    small sample, which embeds in seconds; a test that wants LFW (or a few of its photos) sets it. No training
    standby: every test that shows the training page would start a process importing TensorFlow; the tests of the
    standby turn it on."""
    saved = {name: os.environ.get(name) for name in ("OMNIGLOT_DIR", "FACES_DIR", "FACES_LFW_DIR",
                                                       "ONESHOT_REAL_OMNIGLOT_DIR", "ONESHOT_REAL_FACES_DIR",
                                                       "ONESHOT_REAL_FACES_LFW_DIR", "ONESHOT_TRAINING_STANDBY",
                                                       "ONESHOT_DATA_DIR", "ONESHOT_DATABASE_URL",
                                                       "ONESHOT_TEACHER_PASSWORD")}
    os.environ["ONESHOT_TRAINING_STANDBY"] = "0"
    # The user's choice (or run.sh's ../shared) is remembered before OMNIGLOT_DIR is pointed elsewhere.
    os.environ["ONESHOT_REAL_OMNIGLOT_DIR"] = os.environ.get("OMNIGLOT_DIR") or str(SHARED_OMNIGLOT)
    os.environ["ONESHOT_REAL_FACES_DIR"] = os.environ.get("FACES_DIR") or str(SHARED_FACES)
    os.environ["ONESHOT_REAL_FACES_LFW_DIR"] = os.environ.get("FACES_LFW_DIR") or str(SHARED_LFW)
    os.environ.pop("FACES_LFW_DIR", None)
    cache = tmp_path_factory.mktemp("oneshot-cache")
    os.environ["ONESHOT_CACHE_DIR"] = str(cache)
    os.environ["DEEPFACE_HOME"] = str(tmp_path_factory.mktemp("deepface-home"))
    os.environ["FACE_DB_DIR"] = str(tmp_path_factory.mktemp("face-databases"))
    # The shared database: a fresh SQLite file for the session, never the user's (a test that wants PostgreSQL or
    # its own database passes a URL).
    os.environ["ONESHOT_DATA_DIR"] = str(tmp_path_factory.mktemp("oneshot-data"))
    os.environ.pop("ONESHOT_DATABASE_URL", None)
    os.environ.pop("ONESHOT_TEACHER_PASSWORD", None)
    try:
        os.environ["OMNIGLOT_DIR"] = str(_real_omniglot_dir())
    except pytest.UsageError:
        os.environ["OMNIGLOT_DIR"] = str(tmp_path_factory.mktemp("no-omniglot"))
    faces = _real_faces_dir()
    if (faces / "train").is_dir():
        os.environ["FACES_DIR"] = str(faces)
    else:
        os.environ.pop("FACES_DIR", None)
    yield cache
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def omniglot_dir() -> Path:
    """The full Omniglot files (data tier)."""
    folder = _real_omniglot_dir()
    os.environ["OMNIGLOT_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def face_environment() -> Path:
    """The sample photos of ../shared/data/faces, with DeepFace's offline weights installed in the session's
    DeepFace home from the shared folder, as a user would by `python -m lab faces weights` (data tier)."""
    from lab.faces.weights import ensure_weights

    folder = _real_faces_dir()
    if not (folder / "train").is_dir():
        raise pytest.UsageError(
            f"This test is marked `data`: it needs the face photos of ../shared/data/faces (none in {folder}); set "
            'FACES_DIR, or run the fast tier only: pytest -m "not data".'
        )
    os.environ["FACES_DIR"] = str(folder)
    source = Path(os.environ.get("DEEPFACE_WEIGHTS_SOURCE") or SHARED_WEIGHTS)
    home = Path(os.environ["DEEPFACE_HOME"])
    missing = [r.file.name for r in ensure_weights(source if source.is_dir() else None, home=home) if not r.ok]
    if missing:
        raise pytest.UsageError(
            f"This test is marked `data`: it needs DeepFace's offline weights ({', '.join(missing)}) in {source}; set "
            'DEEPFACE_WEIGHTS_SOURCE to a folder holding them, or run the fast tier only: pytest -m "not data".'
        )
    return folder


@pytest.fixture(scope="session")
def shared_weights() -> Path:
    """The folder of DeepFace's offline weights in ../shared (data tier)."""
    source = Path(os.environ.get("DEEPFACE_WEIGHTS_SOURCE") or SHARED_WEIGHTS)
    if not source.is_dir():
        raise pytest.UsageError(f"This test is marked `data`: it needs DeepFace's offline weights in {source}; set "
                                'DEEPFACE_WEIGHTS_SOURCE, or run the fast tier only: pytest -m "not data".')
    return source


@pytest.fixture(scope="session")
def faces_dir(face_environment: Path) -> Path:
    return face_environment


@pytest.fixture(scope="session")
def lfw_dir(face_environment: Path) -> Path:
    """The 40 LFW people of ../shared/data/faces-lfw (1,667 photos; embedding them takes a minute or two), with
    DeepFace's offline weights installed (data tier). Not set as ``FACES_LFW_DIR``: a test that wants the pages to
    start there sets it itself."""
    folder = _real_lfw_dir()
    if not folder.is_dir() or not any(p.is_dir() for p in folder.iterdir()):
        raise pytest.UsageError(
            f"This test is marked `data`: it needs the LFW photos of ../shared/data/faces-lfw (none in {folder}); set "
            'FACES_LFW_DIR, or run the fast tier only: pytest -m "not data".'
        )
    return folder


@pytest.fixture(scope="session")
def lfw_sample(lfw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small labelled folder made of real LFW photos (4 people x 6 photos; read-only by convention: copy before changing): it embeds
    in seconds, and unlike the sample folder every person has enough photos for both folds (data tier)."""
    folder = tmp_path_factory.mktemp("lfw-sample")
    for person in ("Colin_Powell", "Hugo_Chavez", "Serena_Williams", "Tony_Blair"):
        (folder / person).mkdir()
        for photo in sorted((lfw_dir / person).iterdir())[:6]:
            shutil.copy(photo, folder / person / photo.name)
    return folder


@pytest.fixture
def writable_omniglot(tmp_path: Path, omniglot_dir: Path) -> Path:
    """A writable copy of the data folder, for tests that add, extract or break files."""
    copy = tmp_path / "omniglot"
    copy.mkdir()
    for name in ("images_background.zip", "images_evaluation.zip", "all_runs.zip"):
        shutil.copy(omniglot_dir / name, copy / name)
    return copy


@pytest.fixture(scope="session")
def background(omniglot_dir: Path):
    from lab.data.omniglot import load_set

    return load_set("background", omniglot_dir)


@pytest.fixture(scope="session")
def evaluation(omniglot_dir: Path):
    from lab.data.omniglot import load_set

    return load_set("evaluation", omniglot_dir)


# ------------------------------------------------------------------------------- a miniature Omniglot


@pytest.fixture(scope="session")
def miniature_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The miniature zips, made once per session (read-only by convention: copy before changing)."""
    from tests.support.synthetic import write_miniature_omniglot

    return write_miniature_omniglot(tmp_path_factory.mktemp("miniature-omniglot"))


@pytest.fixture
def miniature_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lab.data.omniglot.SPECS`` holds the miniature counts for this test (the dict is shared by every module)."""
    from lab.data import omniglot
    from tests.support.synthetic import MINIATURE_SPECS

    for name, spec in MINIATURE_SPECS.items():
        monkeypatch.setitem(omniglot.SPECS, name, spec)


@pytest.fixture
def miniature_omniglot(tmp_path: Path, miniature_files: Path, miniature_specs: None,
                       monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable data folder with a miniature Omniglot (see :mod:`tests.support.synthetic`), which is also
    ``$OMNIGLOT_DIR`` for this test; :mod:`lab.data.omniglot` expects the miniature counts meanwhile."""
    folder = tmp_path / "omniglot"
    shutil.copytree(miniature_files, folder)
    monkeypatch.setenv("OMNIGLOT_DIR", str(folder))
    return folder


def _decode_miniature(miniature_files: Path, set_name: str):
    from lab.data import omniglot
    from tests.support.synthetic import MINIATURE_SPECS

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(omniglot.SPECS, set_name, MINIATURE_SPECS[set_name])
        return omniglot.load_set(set_name, miniature_files, use_cache=False)


@pytest.fixture(scope="session")
def mini_background(miniature_files: Path):
    """The miniature background set, decoded: 4 alphabets x 5 characters x 20 drawers."""
    return _decode_miniature(miniature_files, "background")


@pytest.fixture(scope="session")
def mini_evaluation(miniature_files: Path):
    """The miniature evaluation set, decoded: 3 alphabets x 7 characters x 20 drawers."""
    return _decode_miniature(miniature_files, "evaluation")


# ------------------------------------------------------------------------------------------ PostgreSQL


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of the tests' PostgreSQL database, ``$ONESHOT_TEST_POSTGRES_URL`` (``./run.sh test`` starts the server
    with deploy/postgres.sh and sets it). Skips with the reason when PostgreSQL is not available (fails instead under
    ``ONESHOT_REQUIRE_POSTGRES=1``, which ./run.sh test sets). Shared by the session: a test that needs an empty
    database asks for ``fresh_postgres_url``."""
    from tests.support.postgres import server_url_or_skip

    return server_url_or_skip()


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """The URL of an empty PostgreSQL database ``oneshot_t_<random>`` made for this test and dropped after it (with
    any connection still open on it)."""
    from tests.support.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        yield url
