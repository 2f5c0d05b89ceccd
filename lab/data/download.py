"""Downloads that survive a cut connection.

A file is streamed into ``NAME.part`` beside its destination; a later attempt resumes from where the part
stopped (HTTP Range). Only when the whole file is there, with the expected size, checksum and content, is it
renamed to ``NAME``: a download that fails half way never leaves a file that looks complete.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.errors import DownloadError, LabError
from lab.formatting import format_message
from lab.i18n import _

ProgressCallback = Callable[[int, "int | None"], None]
"""Called with (bytes so far, total bytes or None) as a download proceeds."""

CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """A file to fetch, with what the official copy is known to be."""

    file_name: str
    url: str
    size: int | None = None
    md5: str | None = None


def _md5(path: Path) -> str:
    digest = hashlib.md5()  # noqa: S324 - the official checksums of Omniglot are md5, not a security check
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    remote: RemoteFile,
    folder: Path,
    progress: ProgressCallback | None = None,
    validate: Callable[[Path], object] | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch ``remote`` into ``folder``; return the final path. Raises :class:`DownloadError`."""
    folder.mkdir(parents=True, exist_ok=True)
    destination = folder / remote.file_name
    part = folder / f"{remote.file_name}.part"
    _fetch_part(remote, part, progress, timeout)
    _check_part(remote, part, validate)
    os.replace(part, destination)
    return destination


def _fetch_part(remote: RemoteFile, part: Path, progress: ProgressCallback | None, timeout: float) -> None:
    """Stream ``remote`` into ``part``, resuming after the bytes a previous attempt left there."""
    done = part.stat().st_size if part.exists() else 0
    if remote.size is not None and done > remote.size:
        part.unlink()
        done = 0

    request = urllib.request.Request(remote.url, headers={"User-Agent": "oneshot-lab"})
    if done:
        request.add_header("Range", f"bytes={done}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if done and response.status != 206:
                done = 0  # the server ignored the Range header: start over
            length = response.headers.get("Content-Length")
            total = done + int(length) if length is not None else remote.size
            with open(part, "ab" if done else "wb") as handle:
                if progress:
                    progress(done, total)
                while chunk := response.read(CHUNK):
                    handle.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and remote.size is not None and done == remote.size:
            pass  # the part is already complete; the checks below decide
        else:
            raise DownloadError(_("{url} answered HTTP {code} ({reason}).").format(
                url=remote.url, code=exc.code, reason=exc.reason)) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        message = _("Could not download {url}: {reason}.").format(url=remote.url, reason=getattr(exc, "reason", exc))
        if part.exists():
            message += " " + format_message(_("{done:,} bytes are kept in {part} and the next try resumes from there."),
                done=done, part=part)
        raise DownloadError(message) from exc


def _check_part(remote: RemoteFile, part: Path, validate: Callable[[Path], object] | None) -> None:
    """Raise unless the part has the expected size, checksum and content; a part that cannot become right is removed."""
    size = part.stat().st_size
    if remote.size is not None and size != remote.size:
        if size < remote.size:
            raise DownloadError(format_message(_(
                "{url} stopped after {size:,} of {expected:,} bytes; run the fetch again to resume."),
                url=remote.url, size=size, expected=remote.size))
        part.unlink()
        raise DownloadError(format_message(_(
            "{url} sent {size:,} bytes, expected {expected:,}; the file was discarded."),
            url=remote.url, size=size, expected=remote.size))
    if remote.md5 is not None and _md5(part) != remote.md5:
        part.unlink()
        raise DownloadError(_("{url} does not have the official md5 checksum; the file was discarded.").format(
            url=remote.url))
    if validate is not None:
        try:
            validate(part)
        except LabError as exc:
            part.unlink()
            raise DownloadError(_("The file from {url} failed its content check: {reason}").format(
                url=remote.url, reason=exc)) from exc
