"""The Class page (AppTest): a teacher starts a class and rounds, students join and answer, the projector reveals.

Each AppTest is one browser session; they share the test session's SQLite database, as sessions on one server do.
"""

from __future__ import annotations

import pytest

from lab.workflows.classroom import class_state
from tests.support.pages import displayed_texts, start


def text_of(app) -> str:
    return "\n".join(displayed_texts(app))


def button(app, key: str):
    return next(b for b in app.button if b.key == key)


def host_a_class(title: str = "Test class"):
    teacher = start("views/classroom.py")
    teacher.text_input(key="class_title").input(title)
    button(teacher, "class_start").click().run()
    assert not teacher.exception, teacher.exception
    code = teacher.query_params["class"]
    assert teacher.query_params.get("host") == "1"
    return teacher, code if isinstance(code, str) else code[0]


def join(code: str, nickname: str):
    student = start("views/classroom.py", {"class": code})
    student.text_input(key="nickname").input(nickname)
    button(student, "class_join").click().run()
    assert not student.exception, student.exception
    return student


def test_a_round_from_start_to_reveal_with_two_students() -> None:
    teacher, code = host_a_class()
    assert code in text_of(teacher)  # the join code is on the projector, with its QR code
    ana, bob = join(code, "Ana"), join(code, "Bob")
    assert "You are **Ana**" in text_of(ana)
    assert "Waiting for the teacher" in text_of(ana)

    teacher.selectbox(key="round_ways").select(5)
    button(teacher, "round_start").click().run()
    assert not teacher.exception, teacher.exception
    state = class_state(code)
    assert state.round is not None and state.round.ways == 5 and state.players == 2

    ana.run()  # the poll would redraw within a second; AppTest has no timers, so the test reruns
    answer = state.round.answer
    button(ana, f"answer_{answer}").click().run()
    assert "Your answer: candidate" in text_of(ana)
    assert not any(b.key and b.key.startswith("answer_") for b in ana.button)  # one answer per round
    bob.run()
    button(bob, f"answer_{(answer + 1) % 5}").click().run()
    assert class_state(code).answered == 2

    button(teacher, "round_reveal").click().run()
    assert not teacher.exception, teacher.exception
    shown = text_of(teacher)
    assert f"The right answer is candidate {answer + 1}" in shown
    board = teacher.dataframe[0].value
    assert list(board["player"])[:1] != ["Bob"] and "Ana" in set(board["player"])
    ana.run()
    assert "Right!" in text_of(ana)
    bob.run()
    assert "Not this time" in text_of(bob)

    button(teacher, "class_end").click().run()
    assert "This class has ended" in text_of(teacher)
    assert "95.5%" in text_of(teacher)


def test_a_taken_nickname_and_a_wrong_code_are_explained() -> None:
    _teacher, code = host_a_class()
    join(code, "Carla")
    again = start("views/classroom.py", {"class": code})
    again.text_input(key="nickname").input("carla")
    button(again, "class_join").click().run()
    assert [e.value for e in again.error] == ["The nickname 'carla' is taken in this class; choose another."]
    lost = start("views/classroom.py", {"class": "NOPE99"})
    lost.text_input(key="nickname").input("Dan")
    button(lost, "class_join").click().run()
    assert "There is no class with the code NOPE99" in lost.error[0].value


def test_with_a_password_a_student_cannot_run_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    _teacher, code = host_a_class()  # no password yet: everyone is the teacher
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "s3cret")
    student = start("views/classroom.py")
    assert "Only the teacher may start a class" in text_of(student)
    assert not any(b.key == "class_start" for b in student.button)
    projector = start("views/classroom.py", {"class": code, "host": "1"})
    assert "Only the teacher may show the class on the projector" in text_of(projector)
    assert not any(b.key == "round_start" for b in projector.button)
    projector.text_input(key="teacher_password_input").input("wrong").run()
    assert "Wrong password." in text_of(projector)
    projector.text_input(key="teacher_password_input").input("s3cret").run()
    assert any(b.key == "round_start" for b in projector.button)
