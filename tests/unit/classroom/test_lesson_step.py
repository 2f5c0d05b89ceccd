"""The class's lesson step: only the teacher moves it, only to a step the lesson has; each move is a new stage, so
that every joined device hears of it; an ended class stays where it ended."""

from __future__ import annotations

import pytest

from lab.classroom.live import read_live_stage
from lab.classroom.rooms import ClassroomError, find_class, join_class
from lab.lesson import UnknownStepError
from lab.roles import PermissionDeniedError, Role
from lab.workflows.classroom import end, move_lesson, start_class


def test_the_teacher_moves_the_class_through_the_lesson(database_url: str) -> None:
    info = start_class("Lecture", role=Role.TEACHER, database_url=database_url)
    join_class(info.code, "Ana", database_url)
    before = read_live_stage(info.code, database_url)
    assert before.lesson is None
    moved = move_lesson(info.code, "roc", role=Role.TEACHER, database_url=database_url)
    assert moved.lesson_step == "roc" == find_class(info.code, database_url).lesson_step
    after = read_live_stage(info.code, database_url)
    assert after.lesson == "roc" and after.version != before.version
    assert after.as_json()["lesson"] == "roc"
    move_lesson(info.code, "nway", role=Role.TEACHER, database_url=database_url)
    assert read_live_stage(info.code, database_url).version not in (before.version, after.version)


def test_a_student_or_an_unknown_step_is_refused(database_url: str) -> None:
    info = start_class("Lecture", role=Role.TEACHER, database_url=database_url)
    move_lesson(info.code, "pairs", role=Role.TEACHER, database_url=database_url)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may move the class to another lesson step"):
        move_lesson(info.code, "roc", role=Role.STUDENT, database_url=database_url)
    with pytest.raises(UnknownStepError, match="no step 'drop table'"):
        move_lesson(info.code, "drop table", role=Role.TEACHER, database_url=database_url)
    assert find_class(info.code, database_url).lesson_step == "pairs"
    end(info.code, role=Role.TEACHER, database_url=database_url)
    with pytest.raises(ClassroomError, match="has ended"):
        move_lesson(info.code, "roc", role=Role.TEACHER, database_url=database_url)
