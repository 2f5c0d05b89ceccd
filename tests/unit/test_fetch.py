from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.data import fetch as fetch_module
from lab.data.download import RemoteFile
from lab.data.fetch import extract, fetch, install_archive, status
from lab.data.omniglot import load_set
from lab.errors import ArchiveError, DownloadError, StorageError


def test_fetch_keeps_valid_files_without_network(omniglot_dir: Path) -> None:
    for key in ("background", "evaluation", "runs"):
        path, summary = fetch(key, omniglot_dir)
        assert path.parent == omniglot_dir and summary.startswith("already present")


def test_fetch_refuses_to_overwrite_an_invalid_file(tmp_path: Path) -> None:
    (tmp_path / "all_runs.zip").write_bytes(b"not a zip")
    with pytest.raises(ArchiveError, match="left untouched"):
        fetch("runs", tmp_path)
    assert (tmp_path / "all_runs.zip").read_bytes() == b"not a zip"


def test_fetch_when_offline_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fetch_module.OFFICIAL_FILES, "runs", RemoteFile("all_runs.zip", "http://127.0.0.1:9/all_runs.zip"))
    with pytest.raises(DownloadError, match="Could not download"):
        fetch("runs", tmp_path)
    assert not (tmp_path / "all_runs.zip").exists()


def test_status_sees_zips_and_folders(writable_omniglot: Path, tmp_path: Path) -> None:
    states = {s.key: s for s in status(writable_omniglot)}
    assert all(s.present and s.available for s in states.values())
    assert not any(s.available for s in status(tmp_path / "empty"))


def test_install_archive_checks_before_saving(tmp_path: Path, omniglot_dir: Path) -> None:
    target = tmp_path / "data"
    with pytest.raises(ArchiveError):
        install_archive("runs", b"PK\x03\x04 truncated", target)
    assert list(target.iterdir()) == []
    path = install_archive("runs", omniglot_dir / "all_runs.zip", target)
    assert path.read_bytes() == (omniglot_dir / "all_runs.zip").read_bytes()
    with pytest.raises(ArchiveError):  # a bad upload never replaces a good file
        install_archive("runs", (omniglot_dir / "images_evaluation.zip").read_bytes(), target)
    assert path.read_bytes() == (omniglot_dir / "all_runs.zip").read_bytes()


def test_install_into_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    with pytest.raises(StorageError, match="Cannot write"):
        install_archive("runs", b"x", blocker / "data")


def test_extracted_folder_loads_like_the_zip(writable_omniglot: Path, evaluation) -> None:
    folder = extract("evaluation", writable_omniglot)
    assert folder == writable_omniglot / "images_evaluation"
    assert len(list(folder.iterdir())) == 20
    (writable_omniglot / "images_evaluation.zip").unlink()  # now only the folder is there
    from_folder = load_set("evaluation", writable_omniglot)
    assert np.array_equal(from_folder.images, evaluation.images)
    assert from_folder.character_names == evaluation.character_names
    with pytest.raises(ArchiveError, match="already exists"):
        extract("evaluation", writable_omniglot)


def test_half_extracted_folder_does_not_load_as_complete(writable_omniglot: Path) -> None:
    folder = extract("evaluation", writable_omniglot)
    (writable_omniglot / "images_evaluation.zip").unlink()
    for png in (folder / "Tibetan" / "character01").iterdir():
        png.unlink()
    with pytest.raises(ArchiveError, match="658 characters"):
        load_set("evaluation", writable_omniglot, use_cache=False)
