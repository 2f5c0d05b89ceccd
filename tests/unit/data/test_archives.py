from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lab.data.archives import (
    MAX_ENTRY_BYTES,
    MAX_TOTAL_BYTES,
    REFETCH,
    open_zip,
    read_member,
    safe_extract,
    verify_archive,
)
from lab.data.omniglot import load_set
from lab.errors import ArchiveError
from tests.support.zips import MIB, flip_data_byte, png, set_declared_size, write_zeros, write_zip


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


def test_truncated_archive_is_reported(tmp_path: Path, miniature_files: Path) -> None:
    data = (miniature_files / "all_runs.zip").read_bytes()
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
    flip_data_byte(archive, "top/b.png")
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


# ------------------------------------------------------------------------------- whole-archive checks


def refused(action: Callable[[], object]) -> tuple[int, str]:
    """Run ``action``, which must raise ArchiveError; return (peak bytes Python allocated meanwhile, message)."""
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveError) as caught:
            action()
        return tracemalloc.get_traced_memory()[1], str(caught.value)
    finally:
        tracemalloc.stop()


def test_the_real_archives_pass_far_below_the_limits(omniglot_dir: Path) -> None:
    for name, entries in (("images_background.zip", 20275), ("images_evaluation.zip", 13860), ("all_runs.zip", 880)):
        count, unpacked = verify_archive(omniglot_dir / name)
        assert count == entries and unpacked < MAX_TOTAL_BYTES / 10  # 4.8 MB, 3.4 MB and 0.2 MB
        with zipfile.ZipFile(omniglot_dir / name) as archive:
            assert max(info.file_size for info in archive.infolist()) < MAX_ENTRY_BYTES / 1000  # under 1 KB


def test_bomb_is_refused_from_its_declared_size_with_the_default_limits(tmp_path: Path) -> None:
    bomb = write_zeros(tmp_path / "bomb.zip", {"top/b.png": 8 * MIB}, others={"top/a.png": png()})
    assert bomb.stat().st_size < 64 * 1024  # 8 MiB of zeros packs into a few KB
    peak, message = refused(lambda: verify_archive(bomb, shown_as="images_background.zip"))
    assert "images_background.zip: the entry 'top/b.png' unpacks to 8,388,608 bytes" in message
    assert "over the limit of 1,048,576 bytes per entry" in message and message.endswith(REFETCH)
    assert peak < MIB  # refused before anything was unpacked


def test_entry_and_total_limits_can_be_set(tmp_path: Path) -> None:
    archive = write_zeros(tmp_path / "many.zip", {f"top/{n}.png": 100_000 for n in range(5)})
    assert verify_archive(archive) == (5, 500_000)
    with pytest.raises(ArchiveError, match="'top/0.png' unpacks to 100,000 bytes, over the limit of 50,000"):
        verify_archive(archive, max_entry=50_000)
    with pytest.raises(ArchiveError, match="more than the limit of 300,000 bytes in all"):
        verify_archive(archive, max_total=300_000)


def test_bad_crc_is_found_by_the_whole_archive_check(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / ".upload.zip.1234.tmp", {"top/a.png": png(), "top/b.png": png(seed=2)})
    flip_data_byte(archive, "top/b.png")
    with open_zip(archive):
        pass  # the names alone look fine
    with pytest.raises(ArchiveError) as caught:
        verify_archive(archive, shown_as="upload.zip", advice="Upload an intact copy.")
    message = str(caught.value)
    assert message.startswith("upload.zip: the entry 'top/b.png' is damaged (Bad CRC-32")
    assert message.endswith("Upload an intact copy.") and ".tmp" not in message and "Delete" not in message


@pytest.mark.parametrize(
    ("compression", "problem"),
    [(zipfile.ZIP_STORED, "declares 100 bytes but stores"), (zipfile.ZIP_DEFLATED, "is damaged \\(Bad CRC-32")],
)
def test_entry_larger_than_it_declares_is_refused(tmp_path: Path, compression: int, problem: str) -> None:
    archive = tmp_path / "lying.zip"
    with zipfile.ZipFile(archive, "w", compression) as z:
        z.writestr("top/a.png", png())
    set_declared_size(archive, "top/a.png", 100)
    with pytest.raises(ArchiveError, match=f"'top/a.png' {problem}"):
        verify_archive(archive)


def test_entry_shorter_than_it_declares_is_refused(tmp_path: Path) -> None:
    archive = write_zeros(tmp_path / "short.zip", {"top/a.png": 1000})
    set_declared_size(archive, "top/a.png", 2000)  # the CRC is right, the data ends early
    with pytest.raises(ArchiveError, match="'top/a.png' holds 1,000 of its declared 2,000 bytes"):
        verify_archive(archive)


def test_read_member_refuses_a_bomb_before_reading_it(tmp_path: Path) -> None:
    bomb = write_zeros(tmp_path / "bomb.zip", {"top/b.png": 64 * MIB})
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("top/b.png")
        peak, message = refused(lambda: read_member(archive, info))
    assert peak < MIB and "over the limit" in message and str(bomb) in message
    # A bomb that lies about its size is cut at the size it declares, then fails its CRC.
    set_declared_size(bomb, "top/b.png", 1000)
    with zipfile.ZipFile(bomb) as archive:
        peak, message = refused(lambda: read_member(archive, archive.getinfo("top/b.png")))
    assert peak < MIB and "Bad CRC-32" in message


def test_loading_a_bomb_copied_into_the_data_folder_costs_no_memory(tmp_path: Path) -> None:
    write_zeros(
        tmp_path / "images_evaluation.zip",
        {"images_evaluation/Tibetan/character01/0001_02.png": 64 * MIB},
        others={"images_evaluation/Tibetan/character01/0001_01.png": png()},
    )
    peak, message = refused(lambda: load_set("evaluation", tmp_path, use_cache=False))
    assert peak < MIB and str(tmp_path / "images_evaluation.zip") in message and "0001_02.png" in message
    assert message.endswith(REFETCH)


def test_a_hand_copied_zip_of_many_entries_under_the_entry_limit_is_refused_before_any_is_read(tmp_path: Path) -> None:
    # 65 entries of 1 MiB each: every one under the per-entry limit, 65 MiB in all.
    write_zeros(tmp_path / "images_evaluation.zip",
                {f"images_evaluation/Tibetan/character01/{n:04d}_01.png": MIB for n in range(65)})
    peak, message = refused(lambda: load_set("evaluation", tmp_path, use_cache=False))
    assert peak < MIB and "more than the limit of 67,108,864 bytes in all" in message
