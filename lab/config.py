"""Where the lab finds and keeps its files.

Every folder can be set by an environment variable, so that tests, CI and users can point the lab at their
own copies; the defaults follow the XDG convention (``~/.cache/oneshot-lab``).

Every folder comes back resolved (absolute, no ``..``): ``./run.sh`` sets ``../shared/...``, and pages and commands
show these folders as they are, where ``/work/app/../shared/data`` would hide which folder is meant.
"""

from __future__ import annotations

import os
from pathlib import Path

OMNIGLOT_DIR_ENV = "OMNIGLOT_DIR"
CACHE_DIR_ENV = "ONESHOT_CACHE_DIR"


def user_cache_root() -> Path:
    """The per-user cache folder of the lab (``$XDG_CACHE_HOME/oneshot-lab`` or ``~/.cache/oneshot-lab``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return _resolved(Path(base) / "oneshot-lab")


def _resolved(folder: Path) -> Path:
    return folder.expanduser().resolve()


def omniglot_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds (or will hold) the Omniglot zips or their extracted folders.

    Order: an explicit ``override`` (the CLI's ``--data-dir``), then ``$OMNIGLOT_DIR``, then the user cache.
    """
    if override:
        return _resolved(Path(override))
    env = os.environ.get(OMNIGLOT_DIR_ENV)
    if env:
        return _resolved(Path(env))
    return user_cache_root() / "omniglot"


def array_cache_dir() -> Path:
    """Where decoded arrays are cached. Separate from the data folder, which may be read-only."""
    env = os.environ.get(CACHE_DIR_ENV)
    root = _resolved(Path(env)) if env else user_cache_root()
    return root / "arrays"


TRAINING_STANDBY_ENV = "ONESHOT_TRAINING_STANDBY"


def training_standby() -> bool:
    """Whether the training page readies a training process when it is opened (``$ONESHOT_TRAINING_STANDBY``;
    ``0`` turns it off): a Start click then skips importing TensorFlow and decoding the data, at the price of
    a waiting process that holds them in memory."""
    return os.environ.get(TRAINING_STANDBY_ENV, "1").strip() != "0"


DATA_DIR_ENV = "ONESHOT_DATA_DIR"


def lab_data_dir() -> Path:
    """Where the lab keeps data that must survive clearing caches (the shared SQLite database, old face databases):
    ``$ONESHOT_DATA_DIR``, else ``$XDG_DATA_HOME/oneshot-lab`` (``~/.local/share/oneshot-lab``)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return _resolved(Path(env))
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return _resolved(Path(base) / "oneshot-lab")


FACE_DB_DIR_ENV = "FACE_DB_DIR"


def face_db_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where earlier versions of the lab kept face databases, one ``.npz`` file each: ``override``, ``$FACE_DB_DIR``,
    or ``$XDG_DATA_HOME/oneshot-lab/faces``. Face databases now live in the shared database (:mod:`lab.db`); the face
    database page names the files found here, with the command that imports them (``python -m lab faces import``).
    """
    if override:
        return _resolved(Path(override))
    env = os.environ.get(FACE_DB_DIR_ENV)
    if env:
        return _resolved(Path(env))
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return _resolved(Path(base) / "oneshot-lab" / "faces")


FACES_DIR_ENV = "FACES_DIR"


def faces_dir() -> Path | None:
    """A folder of sample face photos (``$FACES_DIR``; ``./run.sh`` points it at ``../shared/data/faces``), if any."""
    return _existing_folder(FACES_DIR_ENV)


FACES_LFW_DIR_ENV = "FACES_LFW_DIR"


def faces_lfw_dir() -> Path | None:
    """A labelled face set large enough to measure on (``$FACES_LFW_DIR``; ``./run.sh`` points it at
    ``../shared/data/faces-lfw``: 40 people of Labeled Faces in the Wild), if any. The threshold lab and the experiment
    start there: on the sample's 9 photos every figure is degenerate (AUC 1, a CNN worse than guessing)."""
    return _existing_folder(FACES_LFW_DIR_ENV)


def _existing_folder(variable: str) -> Path | None:
    env = os.environ.get(variable)
    return _resolved(Path(env)) if env and Path(env).expanduser().is_dir() else None


JOINS_PER_MINUTE_ENV = "ONESHOT_JOINS_PER_MINUTE"
JOINS_PER_MINUTE = 6


def joins_per_minute() -> int:
    """How many class joins one client address may try per minute on one server (``$ONESHOT_JOINS_PER_MINUTE``,
    default 6; ``0`` turns the throttle off, for a room whose devices all reach the server through one address). A value
    that is not a whole number counts as the default."""
    text = os.environ.get(JOINS_PER_MINUTE_ENV, "").strip()
    return int(text) if text.isdigit() else JOINS_PER_MINUTE
