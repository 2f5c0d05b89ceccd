"""Changing the data folders from the app is the teacher's: a student's upload, download or weight copy is refused
before anything is read or written; the teacher's upload is checked and saved as lab.data.fetch does."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.errors import ArchiveError
from lab.roles import PermissionDeniedError, Role
from lab.workflows import data_files


def test_a_student_changes_no_data_folder(miniature_omniglot: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "data"
    runs = (miniature_omniglot / "all_runs.zip").read_bytes()
    monkeypatch.setattr(data_files, "fetch", lambda *a, **k: pytest.fail("a student's download started"))
    monkeypatch.setattr(data_files, "ensure_weights", lambda *a, **k: pytest.fail("a student's copy started"))
    with pytest.raises(PermissionDeniedError, match="Only the teacher may add files to the data folder"):
        data_files.upload_archive("all_runs.zip", runs, role=Role.STUDENT, data_dir=target)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may download files into the data folder"):
        data_files.download_official("runs", role=Role.STUDENT, data_dir=target)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may copy model files on the server"):
        data_files.copy_face_weights(tmp_path, role=Role.STUDENT)
    assert not target.exists()


def test_the_teachers_upload_is_checked_and_saved(miniature_omniglot: Path, tmp_path: Path) -> None:
    target = tmp_path / "data"
    runs = (miniature_omniglot / "all_runs.zip").read_bytes()
    with pytest.raises(ArchiveError, match="notes.zip is not one of images_background.zip"):
        data_files.upload_archive("notes.zip", runs, role=Role.TEACHER, data_dir=target)
    with pytest.raises(ArchiveError, match="was not saved"):
        data_files.upload_archive("all_runs.zip", b"PK\x03\x04 truncated", role=Role.TEACHER, data_dir=target)
    saved = data_files.upload_archive("all_runs.zip", runs, role=Role.TEACHER, data_dir=target)
    assert saved == target / "all_runs.zip" and saved.read_bytes() == runs
    assert data_files.archive_key("images_evaluation.zip") == "evaluation"
