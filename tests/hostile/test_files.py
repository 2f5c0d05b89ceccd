"""Files in the way: damaged face database files (of earlier versions, read for an import), outputs that are folders
or files. (A writer killed mid-enrolment: tests/unit/faces/test_gallery_repository.py.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.cli import main
from lab.db.engine import DatabaseError
from lab.faces.npz_import import read_npz
from tests.hostile.inputs import pickled_gallery_file


def test_a_damaged_database_is_explained_in_plain_words_and_left_as_it_is(tmp_path: Path) -> None:
    pickled = tmp_path / "pickled.npz"
    before = pickled_gallery_file(pickled)
    with pytest.raises(DatabaseError) as refused:
        read_npz(pickled)
    message = str(refused.value)
    assert "Python objects" in message and "allow_pickle" not in message and "left as it is" in message
    assert pickled.read_bytes() == before
    partial = tmp_path / "partial.npz"
    np.savez(partial, model=np.array("Facenet"))
    with pytest.raises(DatabaseError, match="it lacks arrays that every face database has"):
        read_npz(partial)


def test_outputs_in_the_way_get_a_message_not_a_traceback(faces_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    photo = faces_dir / "test" / "obama1.jpg"
    a_file = tmp_path / "faces.png"
    a_file.write_bytes(b"mine")
    assert main(["faces", "detect", str(photo), "--save", str(a_file)]) == 1
    assert "is a file; give a folder" in capsys.readouterr().err and a_file.read_bytes() == b"mine"
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["embed", str(photo), "--out", str(folder)]) == 1
    assert "is a folder; give the file to write" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faces.png", "out"] and not any(folder.iterdir())
    assert main(["embed", "/dev/zero", "--out", str(tmp_path / "codes.npy")]) == 1
    assert "not a regular file" in capsys.readouterr().err
