"""A face gallery in the shared database (lab.faces.gallery_repository through lab.workflows.gallery), on SQLite and
PostgreSQL, with made-up embeddings (no model needed): enrol, identify, remove, clear, import an old .npz file;
refusals; concurrent and killed writers."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from lab.db.engine import DatabaseError, read
from lab.db.schema import faces, galleries
from lab.faces.embedding import distances
from lab.faces.gallery import Gallery, GalleryMismatchError, NotYourPersonError
from lab.faces.gallery_repository import SOURCE_LENGTH
from lab.faces.npz_import import import_npz
from lab.roles import Role
from lab.workflows import gallery as fdb
from tests.hostile.inputs import pickled_gallery_file

REPO = Path(__file__).resolve().parents[3]
FACE = np.full((40, 30, 3), 128, np.uint8)


def vectors(count: int, seed: int = 0, dimension: int = 128) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(count, dimension)).astype(np.float32)


def enrol(name: str, person: str, count: int = 1, seed: int = 0, owner: str | None = None,
          model: str = "Facenet", dimension: int = 128) -> Gallery:
    return fdb.enrol(name, model, "yunet", person, vectors(count, seed, dimension), [FACE] * count,
                     [f"{person}{i}.jpg" for i in range(count)], owner)


def counts(url: str) -> tuple[int, int]:
    """(rows of faces, sum of the galleries' revisions)."""
    return read(lambda c: (c.execute(sa.select(sa.func.count()).select_from(faces)).scalar(),
                           c.execute(sa.select(sa.func.coalesce(sa.func.sum(galleries.c.revision), 0))).scalar()), url)


def test_enrol_identify_and_the_stored_rows(database_url: str) -> None:
    assert fdb.list_galleries() == []
    empty = fdb.open_gallery("class", "Facenet", "yunet")
    assert empty.size == 0 and empty.gallery_id is None and fdb.list_galleries() == []  # nothing made by a look
    with pytest.raises(DatabaseError, match="enrol someone to create it"):
        fdb.open_gallery("class")
    enrol("class", "ada", 2, seed=1, owner="session-a")
    after = enrol("class", "alan", 1, seed=2)
    assert fdb.list_galleries() == ["class"] and after.summary() == "class (Facenet + yunet), 2 people, 3 faces"
    assert after.persons() == {"ada": [0, 1], "alan": [2]} and list(after.sources) == ["ada0.jpg", "ada1.jpg", "alan0.jpg"]
    assert after.owned_by("session-a") == {"ada": [0, 1]} and after.owned_by("someone") == {}
    assert np.array_equal(after.embeddings[:2], vectors(2, 1)) and after.embeddings.dtype == np.float32
    thumbnail = after.thumbnails[0]
    assert thumbnail.shape == (96, 96, 3) and thumbnail.dtype == np.uint8 and int(thumbnail.mean()) == 128
    assert len(after.pictures([0, 2])) == 2
    stored = read(lambda c: c.execute(sa.select(faces.c.model, faces.c.dimension, faces.c.embedding,
                                                faces.c.thumbnail)).first(), database_url)
    assert stored[:2] == ("Facenet", 128) and len(stored[2]) == 128 * 4 and bytes(stored[3][:4]) == b"\x89PNG"

    query = vectors(1, 1)[0] + 0.01
    found = after.identify(query, "cosine")
    assert [m.person for m in found.ranking] == ["ada", "alan"] and found.person == "ada"
    assert found.ranking[0].distance == pytest.approx(distances(after.embeddings, query, "cosine").min(), abs=1e-6)


def test_the_process_keeps_a_gallery_until_its_revision_changes(database_url: str) -> None:
    enrol("class", "ada")
    first = fdb.open_gallery("class")
    assert fdb.open_gallery("class") is first  # one SELECT of the revision, the same vectors
    enrol("class", "alan", seed=3)  # e.g. by another server
    second = fdb.open_gallery("class")
    assert second is not first and second.revision > first.revision and second.size == 2


def test_identifying_writes_nothing(database_url: str) -> None:
    enrol("class", "ada", 2)
    before = counts(database_url)
    database = fdb.open_gallery("class")
    for metric in ("cosine", "euclidean", "euclidean_l2", "angular"):
        database.identify(vectors(1, 9)[0], metric)
    assert counts(database_url) == before


def test_remove_clear_and_a_students_own_enrolment(database_url: str) -> None:
    enrol("class", "ada", 2, owner="student")
    enrol("class", "alan", 1, seed=2, owner="other")
    with pytest.raises(DatabaseError, match="this session enrolled no face of 'alan'"):
        fdb.remove("class", "alan", owner="student")
    after = fdb.remove("class", "ada", owner="student")
    assert list(after.persons()) == ["alan"]
    before = counts(database_url)
    with pytest.raises(DatabaseError, match="not in the database"):
        fdb.remove("class", "ada")
    assert counts(database_url) == before  # a refused change leaves even the revision as it was
    assert list(fdb.remove("class", "alan").persons()) == []
    enrol("class", "grace", 3)
    assert fdb.clear_gallery("class") == 3
    cleared = fdb.open_gallery("class")
    assert cleared.size == 0 and (cleared.model, cleared.detector) == ("Facenet", "yunet")
    with pytest.raises(DatabaseError, match="no face database 'ghost'"):
        fdb.clear_gallery("ghost")


def test_a_gallery_never_mixes_models_or_dimensions(database_url: str) -> None:
    enrol("class", "ada")
    before = counts(database_url)
    with pytest.raises(GalleryMismatchError, match="built with Facenet"):
        enrol("class", "alan", model="Dlib")
    with pytest.raises(GalleryMismatchError, match="built with Facenet"):
        fdb.open_gallery("class", "Dlib", "yunet")
    with pytest.raises(GalleryMismatchError, match="have 512 values; the database holds 128"):
        enrol("class", "alan", dimension=512)
    with pytest.raises(GalleryMismatchError, match="has 64 values"):
        fdb.open_gallery("class").identify(np.zeros(64))
    with pytest.raises(ValueError, match="person"):
        enrol("class", "../../etc")
    assert counts(database_url) == before


def test_a_long_photo_name_keeps_its_end(database_url: str) -> None:
    name = "x" * 400 + ".jpg"
    fdb.enrol("class", "Facenet", "yunet", "ada", vectors(1), [FACE], [name])
    source = str(fdb.open_gallery("class").sources[0])
    assert len(source) == SOURCE_LENGTH and source.endswith("xx.jpg") and source.startswith("...")


def old_file(path: Path, people: list[str], model: str = "Facenet") -> dict[str, np.ndarray]:
    """A face database as earlier versions of the lab wrote it."""
    rng = np.random.default_rng(5)
    arrays = {"format": np.array(1), "model": np.array(model), "detector": np.array("opencv"),
              "people": np.array(people), "sources": np.array([f"{p}_{i}.jpg" for i, p in enumerate(people)]),
              "embeddings": rng.normal(size=(len(people), 128)).astype(np.float32),
              "thumbnails": rng.integers(0, 255, (len(people), 96, 96, 3), dtype=np.uint8)}
    np.savez(path, **arrays)
    return arrays


def test_an_old_npz_database_is_imported_whole_and_only_once(database_url: str, tmp_path: Path) -> None:
    arrays = old_file(tmp_path / "lecture.npz", ["ada", "alan", "ada"])
    report = import_npz(tmp_path / "lecture.npz")
    assert (report.database, report.imported, report.skipped, report.faces) == ("lecture", ("ada", "alan"), (), 3)
    database = fdb.open_gallery("lecture")
    assert (database.model, database.detector) == ("Facenet", "opencv")
    assert list(database.people) == ["ada", "alan", "ada"] and list(database.sources) == list(arrays["sources"])
    assert np.array_equal(database.embeddings, arrays["embeddings"])
    assert all(np.array_equal(database.thumbnails[r], arrays["thumbnails"][r]) for r in range(3))  # PNG is lossless

    before = counts(database_url)[0]
    again = import_npz(tmp_path / "lecture.npz")
    assert again.imported == () and again.skipped == ("ada", "alan") and counts(database_url)[0] == before
    old_file(tmp_path / "more.npz", ["alan", "grace"])
    more = import_npz(tmp_path / "more.npz", "lecture")
    assert more.imported == ("grace",) and more.skipped == ("alan",) and more.faces == 1
    old_file(tmp_path / "dlib.npz", ["bob"], model="Dlib")
    with pytest.raises(GalleryMismatchError):
        import_npz(tmp_path / "dlib.npz", "lecture")


def test_damaged_and_pickled_files_are_refused_and_left_as_they_are(database_url: str, tmp_path: Path) -> None:
    old_file(tmp_path / "good.npz", ["ada"])
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes((tmp_path / "good.npz").read_bytes()[:3000])
    with pytest.raises(DatabaseError, match="damaged"):
        import_npz(damaged)
    pickled = tmp_path / "pickled.npz"
    before = pickled_gallery_file(pickled)
    with pytest.raises(DatabaseError) as refused:
        import_npz(pickled)
    assert "Python objects" in str(refused.value) and "allow_pickle" not in str(refused.value)
    assert "left as it is" in str(refused.value) and pickled.read_bytes() == before
    partial = tmp_path / "partial.npz"
    np.savez(partial, model=np.array("Facenet"))
    with pytest.raises(DatabaseError, match="it lacks arrays that every face database has"):
        import_npz(partial)
    with pytest.raises(DatabaseError, match="no face database file"):
        import_npz(tmp_path / "missing.npz")
    assert fdb.list_galleries() == []


def test_a_student_adds_only_to_their_own_person_decided_in_the_transaction(database_url: str) -> None:
    enrol("class", "obama", 2, owner=None)  # the teacher's (or the command line's)
    enrol("class", "mine", 1, seed=1, owner="student-1")
    before = counts(database_url)
    for person in ("obama", "OBAMA", "mine"):
        with pytest.raises(NotYourPersonError, match="was enrolled by someone else"):
            fdb.enrol("class", "Facenet", "yunet", person, vectors(1, 5), [FACE], ["x.jpg"], "student-2", only_own=True)
    with pytest.raises(NotYourPersonError):  # a student without a session id owns nobody
        fdb.enrol("class", "Facenet", "yunet", "mine", vectors(1, 5), [FACE], ["x.jpg"], None, only_own=True)
    assert counts(database_url) == before  # nothing written, not even the revision
    after = fdb.enrol("class", "Facenet", "yunet", "mine", vectors(1, 6), [FACE], ["y.jpg"], "student-1", only_own=True)
    assert len(after.persons()["mine"]) == 2


def test_two_students_racing_for_a_new_name_cannot_both_take_it(database_url: str) -> None:
    """Both pass the check before embedding; the gallery's lock makes the second transaction see the first's faces."""
    import threading

    enrol("class", "someone")
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def student(number: int) -> None:
        barrier.wait()
        try:
            fdb.enrol("class", "Facenet", "yunet", "newcomer", vectors(1, number), [FACE], [f"{number}.jpg"],
                      f"student-{number}", only_own=True)
            outcomes.append(f"student-{number}")
        except NotYourPersonError:
            outcomes.append("refused")

    threads = [threading.Thread(target=student, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 3
    database = fdb.open_gallery("class")
    assert {str(database.owners[r]) for r in database.persons()["newcomer"]} == set(outcomes) - {"refused"}


def test_who_sees_which_thumbnail_and_file_name(database_url: str) -> None:
    enrol("class", "teacher-made", 1, owner=None)
    enrol("class", "ada", 1, seed=1, owner="session-a")
    database = fdb.open_gallery("class")
    assert database.thumbnails_shared is False
    shown = {viewer: [database.thumbnail_shown(r, viewer, teacher) for r in range(2)]
             for viewer, teacher in (("session-a", False), ("session-b", False), (None, False), ("x", True))}
    assert shown == {"session-a": [False, True], "session-b": [False, False], None: [False, False], "x": [True, True]}
    assert [database.source_shown(r, "session-a", False) for r in range(2)] == [False, True]
    revision = database.revision
    shared = fdb.share_thumbnails("class", True, role=Role.TEACHER)
    assert shared.thumbnails_shared and shared.revision > revision  # every server reads the gallery again
    assert [shared.thumbnail_shown(r, "session-b", False) for r in range(2)] == [True, True]
    assert [shared.source_shown(r, "session-b", False) for r in range(2)] == [False, False]  # file names stay private
    assert fdb.share_thumbnails("class", False, role=Role.TEACHER).thumbnails_shared is False


def _enrol_ten(url: str, worker: int) -> None:
    import os

    os.environ["ONESHOT_DATABASE_URL"] = url
    for number in range(10):
        fdb.enrol("class", "Facenet", "yunet", f"p{worker}-{number}", vectors(1, worker * 100 + number), [FACE],
                  [f"{worker}-{number}.jpg"], owner=f"worker{worker}")


def test_four_processes_enrolling_at_once_lose_nothing(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")  # as separate servers: nothing shared but the database
    workers = [context.Process(target=_enrol_ten, args=(database_url, w)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    database = fdb.open_gallery("class")
    assert database.size == 40 and len(database.persons()) == 40  # the gallery was created once, by one of them
    assert database.revision == 40  # every enrolment bumped it once
    assert all(len(database.owned_by(f"worker{w}")) == 10 for w in range(4))


KILLED_WRITER = """
import os, signal, sys
import numpy as np
from lab.faces import gallery_repository
from lab.workflows import gallery as fdb

real_insert = gallery_repository._insert
def insert_then_die(connection, *args):
    real_insert(connection, *args)  # the rows are written, the transaction is not committed
    os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 does: no finally, no clean-up, no rollback
gallery_repository._insert = insert_then_die
fdb.enrol("class", "Facenet", "yunet", "newcomer", np.ones((3, 128), np.float32), [np.zeros((8, 8, 3), np.uint8)] * 3,
          ["a.jpg", "b.jpg", "c.jpg"])
"""


def test_a_writer_killed_mid_enrolment_leaves_the_gallery_as_it_was(database_url: str, tmp_path: Path) -> None:
    enrol("class", "ada", 2)
    before = counts(database_url)
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", KILLED_WRITER], cwd=REPO, capture_output=True, timeout=120,
                             env={**__import__("os").environ, "ONESHOT_DATABASE_URL": database_url})
        assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
        assert counts(database_url) == before
    after = enrol("class", "alan", seed=4)  # the database is not locked by the dead writer
    assert list(after.persons()) == ["ada", "alan"]
    if database_url.startswith("sqlite"):  # nothing beside the database but SQLite's own write-ahead log
        assert {p.name for p in tmp_path.iterdir()} <= {"shared.sqlite", "shared.sqlite-wal", "shared.sqlite-shm"}
