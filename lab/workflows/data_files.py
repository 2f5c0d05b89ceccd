"""Changing the server's data folders from the app: Omniglot files uploaded or downloaded into the data folder, and
DeepFace's weight files copied from a folder of the server; only the teacher may (or the single user: with no lecturer
password, the browser on the laptop that runs the lab, :mod:`lab.roles`).

These write into folders every session of the server (and every replica that shares them) reads, and a download
pulls tens of megabytes on the room's network, so a student's page shows an explanation instead of the controls; the
check is here, where the change is made, so that no page (or a stale button of a session that signed out) can bypass
it: each function takes the caller's :class:`~lab.roles.Role` and raises :class:`~lab.roles.PermissionDeniedError`
for a student. The command line acts as the teacher and calls :mod:`lab.data.fetch` itself.
"""

from __future__ import annotations

from pathlib import Path

from lab.data.download import ProgressCallback
from lab.data.fetch import FILE_KEYS, OFFICIAL_FILES, fetch, install_archive
from lab.errors import ArchiveError
from lab.faces.weights import WeightResult, ensure_weights
from lab.i18n import _
from lab.roles import Role, require_teacher


def archive_key(file_name: str) -> str:
    """Which official file an upload is, by its name (``images_background.zip`` is ``background``)."""
    by_name = {OFFICIAL_FILES[key].file_name: key for key in FILE_KEYS}
    key = by_name.get(file_name)
    if key is None:
        raise ArchiveError(_("{upload} is not one of {files}; rename it if it is one of them.").format(
            upload=file_name, files=", ".join(by_name)))
    return key


def upload_archive(file_name: str, data: bytes, *, role: Role, data_dir: Path | None = None) -> Path:
    """Check an uploaded Omniglot zip completely and save it into the data folder
    (:func:`lab.data.fetch.install_archive`: nothing is written unless every check passed); the teacher only."""
    require_teacher(role, _("add files to the data folder"))
    return install_archive(archive_key(file_name), data, data_dir)


def download_official(key: str, *, role: Role, progress: ProgressCallback | None = None,
                      data_dir: Path | None = None) -> tuple[Path, str]:
    """Download one official Omniglot file into the data folder (:func:`lab.data.fetch.fetch`); the teacher only."""
    require_teacher(role, _("download files into the data folder"))
    return fetch(key, data_dir, progress=progress)


def copy_face_weights(folder: Path, *, role: Role) -> list[WeightResult]:
    """Copy DeepFace's offline weight files from a folder of the server (:func:`lab.faces.weights.ensure_weights`,
    each checked by sha256); the teacher only: a student may not read the server's folders through the page."""
    require_teacher(role, _("copy model files on the server"))
    return ensure_weights(folder)
