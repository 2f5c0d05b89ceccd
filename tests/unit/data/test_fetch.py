from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from lab.data import fetch as fetch_module
from lab.data.download import RemoteFile
from lab.data.fetch import extract, fetch, install_archive, status
from lab.data.omniglot import load_set
from lab.errors import ArchiveError, DownloadError, StorageError
from tests.support.zips import MIB, flip_data_byte, png, set_declared_size, write_zeros, write_zip


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


def assert_install_checks_before_saving(source: Path, target: Path) -> None:
    """A truncated upload saves nothing; a good all_runs.zip is saved; a wrong file never replaces it."""
    with pytest.raises(ArchiveError):
        install_archive("runs", b"PK\x03\x04 truncated", target)
    assert list(target.iterdir()) == []
    path = install_archive("runs", source / "all_runs.zip", target)
    assert path.read_bytes() == (source / "all_runs.zip").read_bytes()
    with pytest.raises(ArchiveError):  # a bad upload never replaces a good file
        install_archive("runs", (source / "images_evaluation.zip").read_bytes(), target)
    assert path.read_bytes() == (source / "all_runs.zip").read_bytes()


def test_install_archive_checks_before_saving(tmp_path: Path, omniglot_dir: Path) -> None:
    assert_install_checks_before_saving(omniglot_dir, tmp_path / "data")


def test_install_into_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    with pytest.raises(StorageError, match="Cannot write"):
        install_archive("runs", b"x", blocker / "data")


def assert_extracted_folder_loads_like_the_zip(root: Path, evaluation, alphabets: int) -> Path:  # type: ignore[no-untyped-def]
    """Extract the evaluation zip of ``root``, delete the zip, and load the same set from the folder alone."""
    folder = extract("evaluation", root)
    assert folder == root / "images_evaluation" and len(list(folder.iterdir())) == alphabets
    (root / "images_evaluation.zip").unlink()  # now only the folder is there
    from_folder = load_set("evaluation", root)
    assert np.array_equal(from_folder.images, evaluation.images)
    assert from_folder.character_names == evaluation.character_names
    with pytest.raises(ArchiveError, match="already exists"):
        extract("evaluation", root)
    return folder


def test_extracted_folder_loads_like_the_zip(writable_omniglot: Path, evaluation) -> None:
    assert_extracted_folder_loads_like_the_zip(writable_omniglot, evaluation, 20)


def test_half_extracted_folder_does_not_load_as_complete(writable_omniglot: Path) -> None:
    folder = extract("evaluation", writable_omniglot)
    (writable_omniglot / "images_evaluation.zip").unlink()
    for png in (folder / "Tibetan" / "character01").iterdir():
        png.unlink()
    with pytest.raises(ArchiveError, match="658 characters"):
        load_set("evaluation", writable_omniglot, use_cache=False)


# ------------------------------------------------------------------------------- hostile uploads
# Each builds a bad images_background.zip at the path given; install_archive must refuse it, say what was
# wrong under the upload's own name, and leave the data folder exactly as it was.

DRAWING = "images_background/Latin/character01/0001_01.png"


def _truncated(path: Path) -> None:
    write_zip(path, {DRAWING: png()})
    path.write_bytes(path.read_bytes()[:-30])  # the end of the central directory is gone


def _bad_crc(path: Path) -> None:
    flip_data_byte(write_zip(path, {DRAWING: png(), DRAWING.replace("_01", "_02"): png(seed=2)}), DRAWING)


def _lying_size(path: Path) -> None:
    set_declared_size(write_zip(path, {DRAWING: png()}), DRAWING, 100)


HOSTILE: dict[str, tuple[Callable[[Path], object], str]] = {
    "truncated": (_truncated, "not a readable zip archive (truncated or corrupt"),
    "bad CRC": (_bad_crc, f"the entry '{DRAWING}' is damaged (Bad CRC-32"),
    "bomb": (
        lambda path: write_zeros(path, {DRAWING: 8 * MIB}),
        f"the entry '{DRAWING}' unpacks to 8,388,608 bytes, over the limit of 1,048,576 bytes per entry",
    ),
    "larger than declared": (_lying_size, f"the entry '{DRAWING}' declares 100 bytes but stores"),
    "total over the limit": (
        lambda path: write_zeros(path, {f"images_background/x/character01/{n:04d}_01.png": MIB for n in range(65)}),
        "its entries unpack to more than the limit of 67,108,864 bytes in all",
    ),
    "zip slip": (lambda path: write_zip(path, {DRAWING: png(), "../evil.png": b"x"}), "points outside its folder"),
    "symbolic link": (lambda path: write_zip(path, {DRAWING: png()}, symlinks=(DRAWING + "l",)), "symbolic link"),
    "wrong layout": (lambda path: write_zip(path, {"other/x.png": png()}), "is not images_background/<alphabet>"),
}


def test_good_image_set_upload_installs(tmp_path: Path, omniglot_dir: Path) -> None:
    original = omniglot_dir / "images_evaluation.zip"
    path = install_archive("evaluation", original.read_bytes(), tmp_path)
    assert path == tmp_path / "images_evaluation.zip" and path.read_bytes() == original.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["images_evaluation.zip"]  # no temporary file left


def test_invalid_file_in_the_data_folder_is_named_with_what_to_do(tmp_path: Path) -> None:
    _bad_crc(tmp_path / "images_background.zip")
    with pytest.raises(ArchiveError) as caught:
        fetch("background", tmp_path)
    message = str(caught.value)
    assert "Bad CRC-32" in message and "Move it away and fetch again; it was left untouched." in message
    assert "Delete" not in message  # one piece of advice, not two


# ------------------------------------------------------------------ on the miniature Omniglot (no data needed)


def test_fetch_keeps_valid_miniature_files_without_network(miniature_omniglot: Path) -> None:
    for key in ("background", "evaluation", "runs"):
        path, summary = fetch(key, miniature_omniglot)
        assert path.parent == miniature_omniglot and summary.startswith("already present")


def test_status_sees_miniature_zips_and_folders(miniature_omniglot: Path, tmp_path: Path) -> None:
    states = {s.key: s for s in status(miniature_omniglot)}
    assert all(s.present and s.available and not s.extracted for s in states.values())
    extract("evaluation", miniature_omniglot)
    (miniature_omniglot / "images_evaluation.zip").unlink()
    evaluation = {s.key: s for s in status(miniature_omniglot)}["evaluation"]
    assert evaluation.extracted and evaluation.available and not evaluation.present
    assert not any(s.available for s in status(tmp_path / "empty"))


def test_install_archive_checks_miniature_files_before_saving(tmp_path: Path, miniature_omniglot: Path) -> None:
    target = tmp_path / "data"
    assert_install_checks_before_saving(miniature_omniglot, target)
    original = miniature_omniglot / "images_evaluation.zip"
    installed = install_archive("evaluation", original.read_bytes(), target)
    assert installed.read_bytes() == original.read_bytes()
    assert sorted(p.name for p in target.iterdir()) == ["all_runs.zip", "images_evaluation.zip"]  # no temporary file


def test_extracted_miniature_folder_loads_like_the_zip(miniature_omniglot: Path, mini_evaluation) -> None:
    folder = assert_extracted_folder_loads_like_the_zip(miniature_omniglot, mini_evaluation, 3)
    for png_file in (folder / "Eta" / "character01").iterdir():
        png_file.unlink()
    with pytest.raises(ArchiveError, match="20 characters"):
        load_set("evaluation", miniature_omniglot, use_cache=False)


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_upload_beside_miniature_files_is_refused_and_nothing_is_saved(
    tmp_path: Path, miniature_files: Path, kind: str
) -> None:
    build, problem = HOSTILE[kind]
    upload = tmp_path / "upload" / "images_background.zip"
    upload.parent.mkdir()
    build(upload)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(miniature_files / "all_runs.zip", data / "all_runs.zip")
    before = sorted((p.name, p.stat().st_size) for p in data.iterdir())
    for source in (upload.read_bytes(), upload):
        with pytest.raises(ArchiveError) as caught:
            install_archive("background", source, data)
        message = str(caught.value)
        assert message.startswith("images_background.zip") and problem in message
        assert message.endswith("images_background.zip was not saved; upload an intact copy.")
        assert ".tmp" not in message and "Delete" not in message and str(data) not in message
        assert sorted((p.name, p.stat().st_size) for p in data.iterdir()) == before
