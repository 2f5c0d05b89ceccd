"""Safe reading and extraction of zip archives.

The Omniglot zips come from the network or from a user's disk, so nothing in them is trusted: entries that
would land outside the target folder (``../x``, ``/etc/x``, symbolic links) are refused, a truncated or
corrupt archive is reported as such, and extraction goes to a temporary sibling folder that is renamed into
place only once everything was written and checked, so a crash never leaves a half-extracted folder that
later loads as if complete.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from lab.errors import ArchiveError

IGNORED_PARTS = ("__MACOSX",)


def is_ignorable(name: str) -> bool:
    """Metadata that archivers add (``__MACOSX/``, ``.DS_Store``) and that carries no data."""
    parts = PurePosixPath(name).parts
    return any(part in IGNORED_PARTS or part.startswith(".") for part in parts)


def check_member(info: zipfile.ZipInfo) -> None:
    """Raise :class:`ArchiveError` for an entry that could write outside the extraction folder."""
    name = info.filename
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"The archive entry {name!r} has an absolute or Windows path; refusing to use it.")
    if ".." in PurePosixPath(name).parts:
        raise ArchiveError(f"The archive entry {name!r} points outside its folder ('..'); refusing to use it.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(f"The archive entry {name!r} is a symbolic link; refusing to use it.")


@contextmanager
def open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """Open ``path`` as a zip whose every entry passed :func:`check_member`."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ArchiveError(
            f"{path} is not a readable zip archive (truncated or corrupt: {exc}). Delete it and fetch it again."
        ) from exc
    with archive:
        for info in archive.infolist():
            check_member(info)
        yield archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The bytes of one entry; a CRC mismatch or a cut-off entry becomes an :class:`ArchiveError`."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ArchiveError(
            f"{archive.filename}: the entry {info.filename!r} is damaged ({exc}). Delete the archive and fetch it again."
        ) from exc


def safe_extract(
    zip_path: Path,
    target: Path,
    inner: str | None = None,
    validate: Callable[[Path], object] | None = None,
) -> Path:
    """Extract ``zip_path`` into the folder ``target``, which must not exist yet.

    With ``inner``, the archive's top-level folder of that name becomes ``target`` (the Omniglot zips hold
    one folder, ``images_background/``); without it, the archive's whole content does. The archive is
    written into a temporary folder beside ``target``; ``validate`` (if given) is called on what will become
    ``target``, and only then is it renamed into place. On any error the temporary folder is removed, so
    ``target`` either appears complete or not at all.
    """
    target = Path(target)
    if target.exists():
        raise ArchiveError(f"{target} already exists; remove it first if you want to extract again.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        root = staging.resolve()
        with open_zip(zip_path) as archive:
            for info in archive.infolist():
                if is_ignorable(info.filename):
                    continue
                destination = (staging / info.filename).resolve()
                # check_member already refused '..' and absolute names; this is the belt to those braces.
                if root not in destination.parents and destination != root:
                    raise ArchiveError(f"The archive entry {info.filename!r} escapes the target folder.")
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(read_member(archive, info))
        content = staging / inner if inner else staging
        if not content.is_dir():
            raise ArchiveError(f"{zip_path} has no top-level folder {inner!r}; it is not the expected archive.")
        if validate is not None:
            validate(content)
        content.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
