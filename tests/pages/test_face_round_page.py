"""The Class page's face round (AppTest): the teacher opens it, students' pages draw the consent and photo form, the
projector's result is lab's for the faces kept, thumbnails only with the teacher's switch, numbers in the reader's
language. Photos are given in the browser test (tests/e2e/test_face_round.py); here faces are kept through lab."""

from __future__ import annotations

import numpy as np

from lab.classroom.class_faces import read_class_faces, store_face
from lab.classroom.face_results import class_result
from lab.classroom.rooms import class_row, player_of
from lab.db import transaction
from lab.db.engine import read
from lab.faces.photos import thumbnail
from lab.faces.thumbnails import png_bytes
from tests.pages.test_classroom_page import button, host_a_class, join, text_of
from tests.support.pages import component_data

# Two students, two faces each: vectors far apart between students, close within.
VECTORS = {"Ana": [(1.0, 0.0, 0.1), (1.0, 0.1, 0.0)], "Bob": [(0.0, 1.0, 0.1), (0.2, 1.0, 0.0)]}


def captions(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [caption.value for caption in app.caption]


def keep_faces(code: str, token: str, vectors: list[tuple[float, ...]]) -> None:
    picture = png_bytes(thumbnail(np.full((20, 20, 3), 128, np.uint8)))
    for vector in vectors:
        transaction(lambda c, v=vector: store_face(c, class_row(c, code), player_of(c, token), np.array(v), picture,
                                                   "Facenet"))


def test_a_face_round_on_the_projector_and_on_a_students_page() -> None:
    teacher, code = host_a_class()
    students = {name: join(code, name) for name in VECTORS}
    button(teacher, "face_round_open").click().run()
    assert not teacher.exception, teacher.exception
    assert component_data(teacher, "class_live")["drawn"] == "waiting+faces/0"  # redrawn on each face
    for name, student in students.items():
        student.run()  # what the component asks for when the stage's activity changes
        assert "Face round" in text_of(student) and student.checkbox(key="face_consent").value is False
        assert component_data(student, "class_live")["activity"] == "faces"
        keep_faces(code, component_data(student, "class_live")["token"], VECTORS[name])
    teacher.run()
    assert not teacher.exception, teacher.exception
    faces = read(lambda c: read_class_faces(c, class_row(c, code).id))
    result = class_result(faces)
    shown = [m.value for m in teacher.metric]
    assert shown == ["2", f"{result.rank1:.0%}", f"{result.eer:.1%}"]
    point = result.at(round(result.eer_threshold or 0.4, 2))
    assert "same-person pairs accepted" in text_of(teacher) and point.total == 6
    assert "Ana" not in captions(teacher)  # the classmates' thumbnails (captioned with nicknames): off at first
    teacher.toggle(key="faces_shown").set_value(True).run()
    assert not teacher.exception, teacher.exception
    assert {"Ana", "Bob"} <= set(captions(teacher))
    ana = students["Ana"].run()  # as after giving a photo
    assert "your own photo" in text_of(ana) and "a classmate's face" not in text_of(ana)
    ana.button(key="face_result_update").click().run()
    assert not ana.exception, ana.exception
    button(teacher, "face_round_close").click().run()  # back to the quiz: the faces stay until the end...
    bob = students["Bob"].run()
    assert not [box for box in bob.checkbox if box.key == "face_consent"]  # no photo form outside the round
    bob.button(key="face_forget").click().run()  # ...and a student deletes theirs whenever they like
    assert not bob.exception, bob.exception
    assert "2 faces deleted." in text_of(bob)
    assert [f.nickname for f in read(lambda c: read_class_faces(c, class_row(c, code).id))] == ["Ana", "Ana"]
    button(teacher, "class_end").click().run()
    assert read(lambda c: len(read_class_faces(c, class_row(c, code).id))) == 0


def test_the_face_round_writes_numbers_in_portuguese() -> None:
    teacher, code = host_a_class(params={"lang": "pt"})
    students = {name: join(code, name, {"lang": "pt"}) for name in VECTORS}
    button(teacher, "face_round_open").click().run()
    for name, student in students.items():
        keep_faces(code, component_data(student, "class_live")["token"], VECTORS[name])
    teacher.run()
    assert not teacher.exception, teacher.exception
    shown = text_of(teacher)
    assert "Limiar (distância de cosseno; o do modelo: 0,40)" in shown
    assert "Em 0,40:" in shown
    student = students["Ana"]
    student.run()
    assert "0,0" in text_of(student) and "sua própria foto" in text_of(student)
