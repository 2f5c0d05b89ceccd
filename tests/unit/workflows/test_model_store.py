"""Changing the model store (lab/workflows/model_store.py): the teacher may, a student is refused before any file
is touched, whatever the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.roles import PermissionDeniedError, Role
from lab.siamese import store
from lab.workflows import model_store


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    (folder / "theirs.keras").write_bytes(b"weights")
    (folder / "theirs.json").write_text('{"owner": "another-session"}')
    return folder


def test_a_student_can_neither_rename_delete_nor_upload(stored: Path) -> None:
    with pytest.raises(PermissionDeniedError, match="Only the teacher may rename models"):
        model_store.rename_stored_model("theirs", "mine", Role.STUDENT)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may delete models"):
        model_store.delete_stored_model("theirs", Role.STUDENT)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may upload models"):
        model_store.upload_model(b"PK", "model.keras", "uploaded", Role.STUDENT, "student-session")
    with pytest.raises(PermissionDeniedError, match="Only the teacher may upload models"):
        model_store.store_course_model(Role.STUDENT, "student-session", stored / "downloads")
    assert sorted(p.name for p in stored.iterdir()) == ["theirs.json", "theirs.keras"], "nothing was touched"


def test_the_teacher_renames_and_deletes_any_model(stored: Path) -> None:
    renamed = model_store.rename_stored_model("theirs", "kept", Role.TEACHER)
    assert renamed.name == "kept" and renamed.owner == "another-session", "a rename keeps the owner"
    model_store.delete_stored_model("kept", Role.TEACHER)
    assert list(stored.iterdir()) == []
