from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lab.data.archives import open_zip, safe_extract
from lab.errors import ArchiveError
from tests.unit.zips import png, write_zip


@pytest.mark.parametrize(
    "name",
    ["../evil.png", "images/../../evil.png", "/etc/evil.png", "C:/evil.png", "images\\..\\evil.png"],
)
def test_entries_escaping_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    archive = write_zip(tmp_path / "bad.zip", {"images/ok.png": png(), name: b"x"})
    with pytest.raises(ArchiveError, match="refusing"):
        with open_zip(archive):
            pass
    target = tmp_path / "out"
    with pytest.raises(ArchiveError):
        safe_extract(archive, target)
    assert not target.exists()
    assert not (tmp_path / "evil.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.zip"]  # no staging folder left behind


def test_symbolic_links_are_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "link.zip", {"images/ok.png": png()}, symlinks=("images/link",))
    with pytest.raises(ArchiveError, match="symbolic link"):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_truncated_archive_is_reported(tmp_path: Path, omniglot_dir: Path) -> None:
    data = (omniglot_dir / "all_runs.zip").read_bytes()
    cut = tmp_path / "all_runs.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        with open_zip(cut):
            pass


def test_non_zip_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "images_background.zip"
    fake.write_bytes(b"<html>404 not found</html>")
    with pytest.raises(ArchiveError, match="not a readable zip"):
        with open_zip(fake):
            pass


def test_corrupt_member_stops_extraction_and_leaves_nothing(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "crc.zip", {"top/a.png": png(seed=1), "top/b.png": png(seed=2)})
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("top/b.png")
    # Flip a byte inside the stored data of b.png so its CRC no longer matches.
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    raw[offset] ^= 0xFF
    archive.write_bytes(bytes(raw))
    with pytest.raises(ArchiveError, match="damaged"):
        safe_extract(archive, tmp_path / "out", inner="top")
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crc.zip"]


def test_safe_extract_moves_inner_folder_into_place(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "ok.zip", {"top/": b"", "top/a/x.png": png(), "__MACOSX/top/._x.png": b"junk"})
    seen = []
    result = safe_extract(archive, tmp_path / "data", inner="top", validate=seen.append)
    assert result == tmp_path / "data"
    assert (tmp_path / "data" / "a" / "x.png").read_bytes() == png()
    assert len(seen) == 1 and not seen[0].exists()  # validated in the staging folder, which then moved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "ok.zip"]


def test_failed_validation_leaves_no_folder(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "ok.zip", {"top/a/x.png": png()})

    def reject(folder: Path) -> None:
        raise ArchiveError("wrong layout")

    with pytest.raises(ArchiveError, match="wrong layout"):
        safe_extract(archive, tmp_path / "data", inner="top", validate=reject)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.zip"]


def test_extract_refuses_to_overwrite(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "ok.zip", {"top/x.png": png()})
    (tmp_path / "data").mkdir()
    with pytest.raises(ArchiveError, match="already exists"):
        safe_extract(archive, tmp_path / "data", inner="top")


def test_missing_inner_folder_is_reported(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "ok.zip", {"other/x.png": png()})
    with pytest.raises(ArchiveError, match="no top-level folder"):
        safe_extract(archive, tmp_path / "data", inner="top")
