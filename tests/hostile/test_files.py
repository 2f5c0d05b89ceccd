"""Files in the way: writers killed mid-save, damaged databases, outputs that are folders or files."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab.cli import main
from lab.faces.database import DatabaseError, FaceDatabase, locked, open_database, remove
from lab.files import remove_stale_temporaries

REPO = Path(__file__).resolve().parents[2]
KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from lab.faces.database import open_database, locked

path = Path(sys.argv[1])
database = open_database(path)
import numpy as np
real_savez = np.savez
def savez_then_die(handle, **arrays):
    real_savez(handle, **arrays)
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 does: no finally, no clean-up
np.savez = savez_then_die
with locked(path):
    database.save()
"""


def small_database(path: Path, people: tuple[str, ...] = ("ada", "alan")) -> FaceDatabase:
    rng = np.random.default_rng(0)
    database = FaceDatabase(path, "Facenet", "yunet", np.array(people), np.array([f"{p}.jpg" for p in people]),
                            rng.normal(size=(len(people), 128)).astype(np.float32),
                            np.zeros((len(people), 96, 96, 3), np.uint8))
    database.save()
    return database


def test_a_writer_killed_mid_save_leaves_nothing_that_stays(tmp_path: Path) -> None:
    path = tmp_path / "k.npz"
    small_database(path)
    before = path.read_bytes()
    for _ in range(3):  # before the fix, leftovers piled up: 6 files of up to 16 MB in 12 killed enrolments
        run = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], cwd=REPO, capture_output=True)
        assert run.returncode == -signal.SIGKILL
        assert len(list(tmp_path.glob(".k.*.npz"))) == 1  # the last kill's; each writer cleaned the one before
        assert path.read_bytes() == before  # a killed save never touches the database
    assert open_database(path).size == 2  # opening cleans up what no living writer owns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.lock", "k.npz"]


def test_a_living_writers_temporary_file_is_never_removed(tmp_path: Path) -> None:
    path = tmp_path / "class.npz"
    small_database(path)
    in_progress = tmp_path / ".class.abcd1234.npz"
    other_database = tmp_path / ".class.x.abcd1234.npz"  # a temporary of the database "class.x", not of "class"
    with locked(path):
        in_progress.write_bytes(b"being written")
        other_database.write_bytes(b"another database's")
        open_database(path)  # a writer holds the lock: its file stays
        assert in_progress.exists()
    remove(path, "ada")  # the next writer takes the lock, then cleans
    assert not in_progress.exists() and other_database.exists()
    assert remove_stale_temporaries(tmp_path / "class.x.npz") == [other_database]


def test_a_damaged_database_is_explained_in_plain_words_and_left_as_it_is(tmp_path: Path) -> None:
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, model=np.array("Facenet"), detector=np.array("yunet"), people=np.array([object()], dtype=object),
             sources=np.array(["a"]), embeddings=np.zeros((1, 128)), thumbnails=np.zeros((1, 96, 96, 3), np.uint8))
    before = pickled.read_bytes()
    with pytest.raises(DatabaseError) as refused:
        open_database(pickled)
    message = str(refused.value)
    assert "Python objects" in message and "allow_pickle" not in message and "left as it is" in message
    assert pickled.read_bytes() == before
    partial = tmp_path / "partial.npz"
    np.savez(partial, model=np.array("Facenet"))
    with pytest.raises(DatabaseError, match="it lacks arrays that every face database has"):
        open_database(partial)


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
