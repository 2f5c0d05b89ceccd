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
from lab.data.archives import REFETCH, safe_extract, verify_archive
from lab.data.download import ProgressCallback, RemoteFile, download
from lab.data.lake_runs import RUNS_ZIP, load_runs
from lab.data.omniglot import SPECS, check_archive_layout, decode_set
from lab.errors import ArchiveError, LabError, StorageError
from lab.i18n import _, ngettext

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


def check_file(key: str, path: Path, shown_as: str | None = None, advice: str = REFETCH) -> str:
    """Check one Omniglot file completely; return a one-line summary, raise :class:`ArchiveError` if bad.

    Every entry's size and CRC first (:func:`verify_archive`, which refuses a zip bomb before unpacking it),
    then the content: the official counts of an image set, or all 20 runs of ``all_runs.zip``. Messages call
    the file ``shown_as`` (default: its path) and end with ``advice``, which suits a file in the data folder.
    """
    verify_archive(path, shown_as, advice)
    if key == "runs":
        runs = load_runs(path, shown_as)
        return ngettext("{runs} run of {way}-way one-shot tasks", "{runs} runs of {way}-way one-shot tasks",
                        len(runs)).format(runs=len(runs), way=runs[0].training.shape[0])
    alphabets, characters, drawings = check_archive_layout(path, key, shown_as)
    return _("{alphabets} alphabets, {characters} characters, {drawings} drawings").format(
        alphabets=alphabets, characters=characters, drawings=drawings)


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
            return existing, _("already present: {summary}").format(
                summary=check_file(key, existing, remote.file_name, advice=""))
        except LabError as exc:
            raise ArchiveError(_("{path} exists but is not valid ({reason}) Move it away and fetch again; it was "
                                 "left untouched.").format(path=existing, reason=exc)) from exc
    summaries: list[str] = []  # the check of the downloaded part, kept so the file is not checked twice

    def validate(part: Path) -> None:
        # The part is discarded on failure, so the message gives no advice about deleting it.
        summaries.append(check_file(key, part, remote.file_name, advice=""))

    try:
        path = download(remote, root, progress=progress, validate=validate)
    except PermissionError as exc:
        raise StorageError(_("Cannot write into {folder} ({reason}); choose a writable data folder.").format(
            folder=root, reason=exc.strerror)) from exc
    return path, _("downloaded: {summary}").format(summary=summaries[-1])


def install_archive(key: str, source: Path | bytes, data_dir: Path | None = None) -> Path:
    """Copy a user's archive (a path, or the bytes of an upload) into the data folder after checking it.

    The copy is written to a temporary file, checked completely (:func:`check_file`), and only then renamed
    into place, so a bad upload never replaces or shadows a good file and leaves nothing behind. Messages
    name the upload as the user knows it (never the temporary file) and say that it was not saved.
    """
    remote = OFFICIAL_FILES[key]
    shown_as = remote.file_name if isinstance(source, bytes) else Path(source).name
    root = omniglot_dir(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{remote.file_name}.", suffix=".tmp", dir=root)
    except OSError as exc:
        raise StorageError(_("Cannot write {name} into {folder} ({reason}); choose a writable data folder.").format(
            name=shown_as, folder=root, reason=exc.strerror)) from exc
    try:
        _write_copy(handle, source, shown_as, root)
        try:
            check_file(key, Path(temporary), shown_as, advice="")
        except LabError as exc:
            raise ArchiveError(_("{reason} {name} was not saved; upload an intact copy.").format(
                reason=exc, name=shown_as)) from exc
        destination = root / remote.file_name
        os.replace(temporary, destination)
        return destination
    finally:
        Path(temporary).unlink(missing_ok=True)


def _write_copy(handle: int, source: Path | bytes, shown_as: str, root: Path) -> None:
    """Write the upload (bytes) or the file at ``source`` into the open temporary file ``handle``."""
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(source, bytes):
                stream.write(source)
            else:
                with open(source, "rb") as original:
                    shutil.copyfileobj(original, stream)
    except OSError as exc:  # a full disk, or a source that vanished: the user's problem, not a bug
        raise StorageError(_("Cannot copy {name} into {folder} ({reason}); it was not saved.").format(
            name=shown_as, folder=root, reason=exc.strerror or exc)) from exc


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
