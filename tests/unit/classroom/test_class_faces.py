"""The face round's kept faces: only with the round open, three per student, gone with the student's request, a removed
player, the class's end and the time limit; and the results the exercise asks for."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from lab.classroom.class_faces import (KEEP_HOURS, ClassFace, FaceRoundError, count_class_faces, delete_expired_faces,
                                       keep_hours, read_class_faces, store_face)
from lab.classroom.face_results import class_result, student_result
from lab.classroom.rooms import class_row, create_class, end_class, join_class, now, remove_player
from lab.db import transaction
from lab.db.engine import read
from lab.evaluation.roc import equal_error_rate, roc_curve


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def open_round(code: str, url: str) -> None:
    from lab.db import schema

    transaction(lambda c: c.execute(schema.classes.update().where(schema.classes.c.code == code)
                                    .values(activity="faces")), url)


def keep(code: str, token: str, vector: np.ndarray, url: str) -> int:
    from lab.classroom.rooms import player_of

    return transaction(lambda c: store_face(c, class_row(c, code), player_of(c, token), vector, b"png", "Facenet"), url)


def test_faces_are_kept_only_in_an_open_face_round_three_per_student(database_url: str) -> None:
    info = create_class("faces", database_url)
    ana = join_class(info.code, "Ana", database_url)
    with pytest.raises(FaceRoundError, match="not open"):
        keep(info.code, ana.token, unit(1, 0), database_url)
    open_round(info.code, database_url)
    assert [keep(info.code, ana.token, unit(1, i), database_url) for i in range(3)] == [1, 2, 3]
    with pytest.raises(FaceRoundError, match="3 photos already"):
        keep(info.code, ana.token, unit(1, 5), database_url)
    faces = read(lambda c: read_class_faces(c, info.id), database_url)
    assert [(f.nickname, f.photo) for f in faces] == [("Ana", 1), ("Ana", 2), ("Ana", 3)]
    assert np.allclose(faces[1].vector, unit(1, 1))


def test_faces_go_with_the_player_and_with_the_class(database_url: str) -> None:
    info = create_class("faces", database_url)
    open_round(info.code, database_url)
    ana, bea = (join_class(info.code, name, database_url) for name in ("Ana", "Bea"))
    for player in (ana, bea):
        keep(info.code, player.token, unit(1, 0), database_url)
    remove_player(info.code, ana.id, database_url)
    assert read(lambda c: count_class_faces(c, info.id), database_url) == 1
    transaction(lambda c: end_class(c, info.code), database_url)
    assert read(lambda c: count_class_faces(c, info.id), database_url) == 0


def test_faces_past_the_time_limit_are_left_out_then_deleted(database_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESHOT_CLASS_FACES_HOURS", "0.5")
    assert keep_hours() == 0.5
    info = create_class("faces", database_url)
    open_round(info.code, database_url)
    ana = join_class(info.code, "Ana", database_url)
    keep(info.code, ana.token, unit(1, 0), database_url)
    assert transaction(lambda c: delete_expired_faces(c), database_url) == 0
    later = now() + timedelta(minutes=31)
    assert transaction(lambda c: delete_expired_faces(c, later), database_url) == 1
    assert read(lambda c: count_class_faces(c, info.id), database_url) == 0


@pytest.mark.parametrize("typed", ["", "x", "-1", "0", "13", "nan"])
def test_the_time_limit_is_never_longer_than_twelve_hours(typed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESHOT_CLASS_FACES_HOURS", typed)
    assert keep_hours() == KEEP_HOURS


def face(player: int, photo: int, *vector: float) -> ClassFace:
    return ClassFace(player * 10 + photo, player, f"p{player}", photo, unit(*vector), now())


# Two students with two photos each and one with one: Ana's photos are close, Bea's second is nearer Caio's.
FACES = [face(1, 1, 1, 0, 0), face(1, 2, 1, 0.1, 0), face(2, 1, 0, 1, 0), face(2, 2, 0.2, 0.2, 1),
         face(3, 1, 0, 0.1, 1)]


def test_a_students_result_is_the_nearest_face_and_their_own_distances() -> None:
    ana, bea = student_result(FACES, 1), student_result(FACES, 2)
    assert [r.photo for r in ana] == [1, 2] and all(r.nearest_is_own for r in ana)
    assert ana[0].own_distances == pytest.approx((1 - float(unit(1, 0, 0) @ unit(1, 0.1, 0)),), abs=1e-6)
    assert not bea[1].nearest_is_own and bea[1].nearest_distance == pytest.approx(bea[1].nearest_other_person)
    assert student_result(FACES[:1], 1)[0].nearest_distance is None


def test_the_class_result_counts_rank1_and_every_pair() -> None:
    result = class_result(FACES)
    assert (result.participants, result.faces) == (3, 5)
    assert (result.rank1_right, result.rank1_asked) == (3, 4)  # Caio has no second photo: not asked
    assert result.genuine.size == 2 and result.impostor.size == 8
    same = np.r_[np.ones(2, bool), np.zeros(8, bool)]
    eer, score = equal_error_rate(roc_curve(-np.r_[result.genuine, result.impostor], same))
    assert result.eer == pytest.approx(eer) and result.eer_threshold == pytest.approx(-score)
    point = result.at(0.5)
    assert point.true_accepts + point.false_rejects == 2
    assert point.false_accepts == int(np.sum(result.impostor <= 0.5))
    empty = class_result([])
    assert empty.curve is None and empty.rank1 is None and empty.faces == 0


def test_two_tabs_keeping_a_photo_at_once_get_a_clear_refusal(database_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Both tabs saw two photos kept and took the third place: the database keeps one, the other is told."""
    import lab.workflows.face_round as workflow
    from lab.faces.detection import Detection, Face
    from lab.faces.photos import Photo
    from lab.faces.pipeline import FaceVector

    info = create_class("faces", database_url)
    open_round(info.code, database_url)
    ana = join_class(info.code, "Ana", database_url)
    keep(info.code, ana.token, unit(1, 0), database_url)
    photo = Photo("me.png", np.zeros((50, 50, 3), np.uint8), "")
    face = Face(0, 0, 50, 50, 1.0, np.zeros((50, 50, 3), np.uint8))
    monkeypatch.setattr("lab.faces.pipeline.face_vector",
                        lambda *_args: FaceVector(photo, Detection("yunet", [face], 0.0), 0, unit(0, 1)))

    def racing(connection, *_args) -> int:  # type: ignore[no-untyped-def]
        insert_photo(connection, info.id, ana.id, 2)  # the other tab's, committed first
        insert_photo(connection, info.id, ana.id, 2)  # this tab's: the same place
        return 2
    monkeypatch.setattr(workflow, "store_face", racing)
    with pytest.raises(FaceRoundError, match="at the same moment"):
        workflow.give_photo(info.code, ana.token, photo, consent=True, database_url=database_url)
    assert read(lambda c: count_class_faces(c, info.id), database_url) == 1  # nothing of this transaction kept


def insert_photo(connection, class_id: int, player_id: int, number: int) -> None:  # type: ignore[no-untyped-def]
    from lab.db import schema

    connection.execute(schema.class_faces.insert().values(class_id=class_id, player_id=player_id, photo=number,
                                                          model="Facenet", dimension=2, embedding=b"\0" * 8,
                                                          thumbnail=b"png", created_at=now()))
