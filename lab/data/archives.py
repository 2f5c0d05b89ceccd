"""Safe reading and extraction of zip archives.

The Omniglot zips come from the network or from a user's disk, so nothing in them is trusted: entries that
would land outside the target folder (``../x``, ``/etc/x``, symbolic links) are refused, a truncated or
corrupt archive is reported as such, no entry is unpacked past a size limit (a zip bomb is refused from its
declared sizes, before any decompression), and extraction goes to a temporary sibling folder that is
renamed into place only once everything was written and checked, so a crash never leaves a half-extracted
folder that later loads as if complete.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from lab.errors import ArchiveError
from lab.formatting import format_message
from lab.i18n import N_, _

IGNORED_PARTS = ("__MACOSX",)


def is_ignorable(name: str) -> bool:
    """Metadata that archivers add (``__MACOSX/``, ``.DS_Store``) and that carries no data."""
    parts = PurePosixPath(name).parts
    return any(part in IGNORED_PARTS or part.startswith(".") for part in parts)


def check_member(info: zipfile.ZipInfo, shown_as: str, advice: str) -> None:
    """Raise :class:`ArchiveError` for an entry that could write outside the extraction folder."""
    name = info.filename
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _error(shown_as, _("the entry {name!r} has an absolute or Windows path; refusing to use it.").format(
            name=name), advice)
    if ".." in PurePosixPath(name).parts:
        raise _error(shown_as, _("the entry {name!r} points outside its folder ('..'); refusing to use it.").format(
            name=name), advice)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise _error(shown_as, _("the entry {name!r} is a symbolic link; refusing to use it.").format(name=name), advice)


# Limits on what an archive may unpack to. An Omniglot drawing is a ~1 KB PNG: in the official zips the
# largest entry is 980 bytes, and the sets unpack to 4,810,560 bytes (images_background.zip, 19,280
# drawings), 3,371,735 bytes (images_evaluation.zip, 13,180) and 223,271 bytes (all_runs.zip, 820 files),
# measured from ../shared/data/omniglot. The limits are three orders of magnitude above a drawing and over
# ten times the largest set, so no genuine file comes near them, while a zip bomb (a 9.5 MB upload that
# unpacks to 1 GB) is refused from its declared sizes before anything is decompressed.
MAX_ENTRY_BYTES = 1 << 20  # 1 MiB per entry
MAX_TOTAL_BYTES = 64 << 20  # 64 MiB for the whole archive
CHUNK_BYTES = 1 << 16  # entries are streamed in pieces this size, never read whole

# The advice for a file that sits in the data folder; callers checking something else (an upload, a
# download that is discarded on failure) pass their own, or none. Marked here, translated in the message.
REFETCH = N_("Delete this file and fetch it again.")

# What zipfile raises for damaged data: a CRC mismatch (BadZipFile, at the end of an entry's stream), a cut
# file (EOFError), corrupt deflate data (zlib.error), an encrypted entry (RuntimeError) or an unknown method.
_READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, RuntimeError, NotImplementedError)


def _error(shown_as: str, problem: str, advice: str) -> ArchiveError:
    """An :class:`ArchiveError` that names the file as the user knows it, says what is wrong and what to do.

    ``problem`` comes translated; ``advice`` is English marked with N_ (a default argument), translated here.
    """
    advice = _(advice) if advice else ""  # _("") would be the catalogue's header
    return ArchiveError(" ".join(part for part in (f"{shown_as}: {problem}", advice) if part))


@contextmanager
def open_zip(
    path: Path,
    shown_as: str | None = None,
    advice: str = REFETCH,
    max_entry: int = MAX_ENTRY_BYTES,
    max_total: int = MAX_TOTAL_BYTES,
) -> Iterator[zipfile.ZipFile]:
    """Open ``path`` as a zip whose every entry passed :func:`check_member` and whose declared sizes are
    within ``max_entry`` each and ``max_total`` in all.

    Every reader opens zips here, so a bomb copied into the data folder by hand is refused from its header
    before anything is unpacked, however its bytes are split between entries. Messages name the file
    ``shown_as`` (default: its path), so a temporary copy is reported under the name the user gave it.
    """
    shown_as = shown_as or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _error(shown_as, _("not a readable zip archive (truncated or corrupt: {reason}).").format(reason=exc),
                     advice) from exc
    with archive:
        declared = 0
        for info in archive.infolist():
            check_member(info, shown_as, advice)
            check_declared_size(info, shown_as, advice, max_entry)
            declared += info.file_size
            if declared > max_total:
                problem = format_message(_(
                    "its entries unpack to more than the limit of {limit:,} bytes in all (a zip bomb?); refusing to "
                    "unpack it."), limit=max_total)
                raise _error(shown_as, problem, advice)
        yield archive


def check_declared_size(info: zipfile.ZipInfo, shown_as: str, advice: str, max_entry: int = MAX_ENTRY_BYTES) -> None:
    """Refuse an entry from its header alone: over the size limit, or a stored entry whose sizes disagree."""
    if info.file_size > max_entry:
        problem = format_message(_(
            "the entry {name!r} unpacks to {size:,} bytes, over the limit of {limit:,} bytes per entry (a zip bomb?); "
            "refusing to unpack it."), name=info.filename, size=info.file_size, limit=max_entry)
        raise _error(shown_as, problem, advice)
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        problem = format_message(_(
            "the entry {name!r} declares {size:,} bytes but stores {stored:,}; the archive is damaged or crafted."),
            name=info.filename, size=info.file_size, stored=info.compress_size)
        raise _error(shown_as, problem, advice)


def stream_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown_as: str, advice: str, max_entry: int = MAX_ENTRY_BYTES
) -> Iterator[bytes]:
    """The bytes of one entry in chunks of at most :data:`CHUNK_BYTES`, checked as they come.

    The declared size is checked before anything is decompressed; the bytes actually produced are counted
    against it; zipfile checks the CRC when the stream ends. Every failure is an :class:`ArchiveError`.
    """
    check_declared_size(info, shown_as, advice, max_entry)
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                produced += len(chunk)
                if produced > info.file_size:
                    problem = format_message(_(
                        "the entry {name!r} holds more than its declared {size:,} bytes; the archive is damaged or "
                        "crafted."), name=info.filename, size=info.file_size)
                    raise _error(shown_as, problem, advice)
                yield chunk
    except _READ_ERRORS as exc:
        raise _error(shown_as, _("the entry {name!r} is damaged ({reason}).").format(name=info.filename, reason=exc),
                     advice) from exc
    if produced != info.file_size:
        problem = format_message(_(
            "the entry {name!r} holds {produced:,} of its declared {size:,} bytes; the archive is damaged."),
            name=info.filename, produced=produced, size=info.file_size)
        raise _error(shown_as, problem, advice)


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown_as: str | None = None, advice: str = REFETCH
) -> bytes:
    """The bytes of one entry, refused before reading if it declares more than :data:`MAX_ENTRY_BYTES`.

    So a zip bomb copied into the data folder by hand costs no memory when a page loads it.
    """
    return b"".join(stream_member(archive, info, shown_as or str(archive.filename), advice))


def verify_archive(
    path: Path,
    shown_as: str | None = None,
    advice: str = REFETCH,
    max_entry: int = MAX_ENTRY_BYTES,
    max_total: int = MAX_TOTAL_BYTES,
) -> tuple[int, int]:
    """Check a whole zip before anyone relies on it; return (entries, bytes unpacked).

    First every entry's declared size against ``max_entry`` and the running total against ``max_total``,
    before decompressing anything; then every entry is streamed (never held whole) so its CRC and actual
    size are checked. Raises :class:`ArchiveError` naming the file as ``shown_as`` and the bad entry.
    """
    shown_as = shown_as or str(path)
    with open_zip(path, shown_as, advice, max_entry, max_total) as archive:  # declared sizes checked there
        entries = archive.infolist()
        unpacked = 0
        for info in entries:
            for chunk in stream_member(archive, info, shown_as, advice, max_entry):
                unpacked += len(chunk)
    return len(entries), unpacked


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
        raise ArchiveError(_("{target} already exists; remove it first if you want to extract again.").format(
            target=target))
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
                    raise ArchiveError(_("The archive entry {name!r} escapes the target folder.").format(
                        name=info.filename))
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(read_member(archive, info))
        content = staging / inner if inner else staging
        if not content.is_dir():
            raise ArchiveError(_("{path} has no top-level folder {inner!r}; it is not the expected archive.").format(
                path=zip_path, inner=inner))
        if validate is not None:
            validate(content)
        content.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
