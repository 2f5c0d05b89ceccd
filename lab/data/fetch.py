"""Getting the Omniglot files into the data folder: from the official repository, or from a local copy.

Each file is checked by content before it is given its final name (and, when it comes from the official
repository, by size and md5 too), so the data folder only ever holds complete, valid files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lab.config import omniglot_dir
from lab.data.archives import safe_extract
from lab.data.download import ProgressCallback, RemoteFile, download
from lab.data.lake_runs import RUNS_ZIP, load_runs
from lab.data.omniglot import SPECS, check_archive_layout, decode_set
from lab.errors import ArchiveError, LabError, StorageError

OFFICIAL_BASE = "https://raw.githubusercontent.com/brendenlake/omniglot/master/python/"

# Sizes and md5 sums of the official files (brendenlake/omniglot, unchanged since 2015).
OFFICIAL_FILES = {
    "background": RemoteFile(
        "images_background.zip", OFFICIAL_BASE + "images_background.zip", 9_464_212, "68d2efa1b9178cc56df9314c21c6e718"
    ),
    "evaluation": RemoteFile(
        "images_evaluation.zip", OFFICIAL_BASE + "images_evaluation.zip", 6_462_886, "6b91aef0f799c5bb55b94e3f2daec811"
    ),
    "runs": RemoteFile(
        RUNS_ZIP, OFFICIAL_BASE + "one-shot-classification/all_runs.zip", 352_787, "e8996daecdf12afeeb4a53a179f06b19"
    ),
}
FILE_KEYS = tuple(OFFICIAL_FILES)


def check_file(key: str, path: Path) -> str:
    """Check one Omniglot file by content; return a one-line summary, raise :class:`ArchiveError` if bad."""
    if key == "runs":
        runs = load_runs(path)
        return f"{len(runs)} runs of {runs[0].training.shape[0]}-way one-shot tasks"
    alphabets, characters, drawings = check_archive_layout(path, key)
    return f"{alphabets} alphabets, {characters} characters, {drawings} drawings"


@dataclass(frozen=True)
class FileStatus:
    key: str
    path: Path
    present: bool
    extracted: bool  # the set's extracted folder is there (image sets only)

    @property
    def available(self) -> bool:
        return self.present or self.extracted


def status(data_dir: Path | None = None) -> list[FileStatus]:
    """What the data folder holds, from file names alone (cheap enough for every page view)."""
    root = omniglot_dir(data_dir)
    result = []
    for key, remote in OFFICIAL_FILES.items():
        folder = root / SPECS[key].folder if key in SPECS else None
        result.append(
            FileStatus(
                key=key,
                path=root / remote.file_name,
                present=(root / remote.file_name).is_file(),
                extracted=bool(folder and folder.is_dir()),
            )
        )
    return result


def fetch(key: str, data_dir: Path | None = None, progress: ProgressCallback | None = None) -> tuple[Path, str]:
    """Make sure the file ``key`` is in the data folder, downloading it if needed; return (path, summary)."""
    remote = OFFICIAL_FILES[key]
    root = omniglot_dir(data_dir)
    existing = root / remote.file_name
    if existing.is_file():
        try:
            return existing, "already present: " + check_file(key, existing)
        except LabError as exc:
            raise ArchiveError(
                f"{existing} exists but is not valid ({exc}) Move it away and fetch again; it was left untouched."
            ) from exc
    try:
        path = download(remote, root, progress=progress, validate=lambda part: check_file(key, part))
    except PermissionError as exc:
        raise StorageError(f"Cannot write into {root} ({exc.strerror}); choose a writable data folder.") from exc
    return path, "downloaded: " + check_file(key, path)


def install_archive(key: str, source: Path | bytes, data_dir: Path | None = None) -> Path:
    """Copy a user's archive (a path, or the bytes of an upload) into the data folder after checking it.

    The copy is written to a temporary file, checked, and only then renamed into place, so a bad upload
    never replaces or shadows a good file.
    """
    remote = OFFICIAL_FILES[key]
    root = omniglot_dir(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{remote.file_name}.", suffix=".tmp", dir=root)
    except OSError as exc:
        raise StorageError(f"Cannot write into {root} ({exc.strerror}); choose a writable data folder.") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(source, bytes):
                stream.write(source)
            else:
                with open(source, "rb") as original:
                    shutil.copyfileobj(original, stream)
        check_file(key, Path(temporary))
        destination = root / remote.file_name
        os.replace(temporary, destination)
        return destination
    finally:
        Path(temporary).unlink(missing_ok=True)


def extract(key: str, data_dir: Path | None = None) -> Path:
    """Extract an image set's zip into its folder beside it (atomically, refusing unsafe entries)."""
    spec = SPECS[key]
    root = omniglot_dir(data_dir)
    return safe_extract(
        root / spec.zip_name,
        root / spec.folder,
        inner=spec.folder,
        validate=lambda folder: decode_set(folder, key),
    )
