"""Becoming the teacher in the app (AppTest): wrong passwords are slowed down and then the right one works; without a
password a session over the network is a student until it opens the one-time teacher link."""

from __future__ import annotations

import pytest

import ui.roles
from lab.sign_in import SignInThrottle, teacher_link
from tests.support.pages import displayed_texts, start
from tests.support.clock import Clock


def text_of(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(displayed_texts(app))


def can_start_a_class(app) -> bool:  # type: ignore[no-untyped-def]
    return any(b.key == "class_start" for b in app.button)


def test_guesses_are_refused_for_a_while_then_the_right_password_works(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(ui.roles, "sign_in_throttle", lambda throttle=SignInThrottle(clock): throttle)
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "s3cret")
    page = start("views/class.py")
    for guess in ("a", "b", "c"):
        page.text_input(key="teacher_password_input").input(guess).run()
        assert "Wrong password." in text_of(page)
    page.text_input(key="teacher_password_input").input("s3cret").run()  # too soon: not even looked at
    assert "Too many wrong tries: try again in 1 s." in text_of(page) and not can_start_a_class(page)
    clock.now += 1
    page.text_input(key="teacher_password_input").input("s3cret").run()
    assert can_start_a_class(page) and "Signed in as the teacher." in text_of(page)


def test_a_network_session_without_a_password_is_a_student_until_the_teacher_link(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONESHOT_TEACHER_PASSWORD", raising=False)
    monkeypatch.setattr(ui.roles, "is_local_session", lambda: False)  # a phone on the room's network
    student = start("views/class.py")
    assert "Only the teacher may start a class" in text_of(student) and not can_start_a_class(student)
    assert "You are a student." in text_of(student)

    token = teacher_link().token
    tablet = start("views/class.py", {"teacher": token})
    assert can_start_a_class(tablet) and "teacher" not in tablet.query_params  # the token left the address
    again = start(None, {"teacher": token})  # the same link, a second time (the home page says why)
    assert "This teacher link is not valid (any more)" in text_of(again)
    again.switch_page("views/class.py").run()
    assert not can_start_a_class(again)


def test_a_session_through_a_balancer_is_a_student_without_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONESHOT_TEACHER_PASSWORD", raising=False)
    monkeypatch.setattr(ui.roles, "client_headers", lambda: {"X-Forwarded-For": "192.168.1.40"})  # HAProxy's
    through = start("views/class.py")
    assert not can_start_a_class(through) and "You are a student." in text_of(through)
    monkeypatch.setattr(ui.roles, "client_headers", dict)  # the laptop's own browser
    assert can_start_a_class(start("views/class.py"))
