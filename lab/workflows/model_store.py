"""Changing the model store from the app: rename, delete, upload, the course's model; only the teacher may.

The pages hide these controls from a student, but the check is here, where the change is made, so that no page
(or a stale button of a session that signed out meanwhile) can bypass it: each function takes the caller's
:class:`~lab.roles.Role` and raises :class:`~lab.roles.PermissionDeniedError` for a student. ``owner`` is the browser
session that stores a model (``ui.roles.session_owner()``), kept in the shared database (:mod:`lab.siamese.registry`).
"""

from __future__ import annotations

from pathlib import Path

from lab.i18n import _
from lab.roles import Role, require_teacher
from lab.siamese.store import ModelInfo, delete_model, import_model_file, rename_model, save_model, user_models_dir


def rename_stored_model(name: str, new_name: str, role: Role) -> ModelInfo:
    require_teacher(role, _("rename models"))
    return rename_model(name, new_name)


def delete_stored_model(name: str, role: Role) -> None:
    require_teacher(role, _("delete models"))
    delete_model(name)


def upload_model(data: bytes, file_name: str, name: str, role: Role, owner: str) -> ModelInfo:
    """Check an uploaded model file and store it (see :func:`lab.siamese.store.import_model_file`)."""
    require_teacher(role, _("upload models"))
    return import_model_file(data, file_name, name, owner=owner)


def store_course_model(role: Role, owner: str, folder: Path | None = None) -> ModelInfo:
    """Download the course's ``oneshot.h5`` (Koch et al.) with gdown and store it as ``koch-course``."""
    require_teacher(role, _("upload models"))
    from lab.siamese.pretrained import download_course_model, load_course_model

    path = download_course_model(folder or user_models_dir() / "downloads")
    return save_model(load_course_model(path), "koch-course", {"source": "Google Drive oneshot.h5", "threshold": 0.5},
                      owner=owner)
