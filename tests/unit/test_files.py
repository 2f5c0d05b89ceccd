"""Atomic writes and the clean-up of temporary files left by a killed writer."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lab.files import atomic_write, remove_stale_temporaries


def test_atomic_write_replaces_the_file_readable_by_everyone(tmp_path: Path) -> None:
    target = tmp_path / "class.npz"
    target.write_bytes(b"old")
    atomic_write(target, lambda temporary: temporary.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["class.npz"]


def test_temporary_file_keeps_the_suffix_and_sits_beside_the_target(tmp_path: Path) -> None:
    seen: list[Path] = []

    def write(temporary: Path) -> None:
        seen.append(temporary)
        temporary.write_text("x")

    atomic_write(tmp_path / "model.keras", write)
    (temporary,) = seen
    assert temporary.parent == tmp_path and temporary.name.startswith(".model.") and temporary.suffix == ".keras"
    assert not temporary.exists()


def test_a_failed_write_keeps_the_old_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "class.npz"
    target.write_bytes(b"old content")

    def crash(temporary: Path) -> None:
        temporary.write_bytes(b"half writ")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, crash)
    assert target.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["class.npz"]
    with pytest.raises(KeyboardInterrupt):  # an interrupt too
        atomic_write(target, lambda temporary: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert [p.name for p in tmp_path.iterdir()] == ["class.npz"] and target.read_bytes() == b"old content"


def test_a_failed_first_write_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        atomic_write(tmp_path / "new.json", lambda temporary: (_ for _ in ()).throw(ValueError("bad")))
    assert list(tmp_path.iterdir()) == []


def test_remove_stale_temporaries_removes_only_matching_names(tmp_path: Path) -> None:
    target = tmp_path / "k.npz"
    stale = [tmp_path / ".k.abcd_123.npz", tmp_path / ".k.zz99zz99.npz"]
    kept = [
        tmp_path / "k.npz",  # the file itself
        tmp_path / ".k.x.abcd1234.npz",  # a temporary file of database "k.x", not "k"
        tmp_path / ".k.ABCD1234.npz",  # not mkstemp's alphabet
        tmp_path / ".k.abc123.npz",  # too short
        tmp_path / ".k.abcd1234.json",  # another suffix
        tmp_path / ".other.abcd1234.npz",  # another file's
        tmp_path / "k.abcd1234.npz",  # not hidden
    ]
    for path in stale + kept:
        path.write_bytes(b"x")
    folder = tmp_path / ".k.dir12345.npz"  # a folder with a matching name is not a file
    folder.mkdir()
    removed = remove_stale_temporaries(target)
    assert sorted(removed) == sorted(stale)
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept) and folder.is_dir()
    assert remove_stale_temporaries(target) == []


def test_atomic_write_leaves_a_real_temporary_name_that_cleanup_recognises(tmp_path: Path) -> None:
    target = tmp_path / "class.npz"
    names: list[str] = []

    def interrupted(temporary: Path) -> None:
        names.append(temporary.name)
        os.link(temporary, tmp_path / "survivor")  # what a killed writer would leave: the temporary file itself
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(target, interrupted)
    os.rename(tmp_path / "survivor", tmp_path / names[0])
    assert remove_stale_temporaries(target) == [tmp_path / names[0]]
