"""Becoming the teacher (lab/sign_in.py): the laptop's own browser, the one-time link, and the brake on guessing."""

from __future__ import annotations

from lab import sign_in
from lab.roles import Role, role
from lab.sign_in import LONGEST_WAIT_S, SignInThrottle, TeacherLink, is_local_client
from tests.support.clock import Clock


def test_only_a_loopback_browser_no_proxy_forwarded_is_local() -> None:
    assert is_local_client("127.0.0.1", {"host": "localhost:8501"}) and is_local_client("::1", {})
    assert is_local_client(None, None)  # Streamlit's loopback peer, or no network at all: a test's session
    assert not is_local_client(None, {"X-Forwarded-For": "192.168.1.40"})  # HAProxy on the laptop: a loopback peer
    assert not is_local_client("192.168.1.40", {})  # a phone on the room's network
    assert not is_local_client("127.0.0.1", {"X-Forwarded-For": "192.168.1.40"})  # through HAProxy on the laptop
    assert not is_local_client("127.0.0.1", {"forwarded": "for=10.0.0.3"})
    assert not is_local_client("not an address", {})


def test_without_a_password_the_teacher_is_the_local_browser_or_a_signed_in_session() -> None:
    assert role(signed_in=False, password=None, local=True) is Role.TEACHER
    assert role(signed_in=False, password=None, local=False) is Role.STUDENT
    assert role(signed_in=True, password=None, local=False) is Role.TEACHER  # the teacher link
    assert role(signed_in=False, password="secret", local=True) is Role.STUDENT  # a password rules, even locally


def test_wrong_tries_wait_longer_and_longer_up_to_a_cap() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    keys = ["session:a", "address:10.0.0.7"]
    waited = 0.0
    for _guess in range(20):  # a student's script: every guess as soon as it is allowed
        wait = throttle.wait(keys)
        clock.now += wait
        waited += wait
        throttle.failed(keys, "10.0.0.7")
    assert waited >= 30  # the bar: 20 wrong passwords take at least 30 s
    assert throttle.wait(keys) <= LONGEST_WAIT_S  # ... and the teacher waits at most this long after the last one
    clock.now += LONGEST_WAIT_S
    assert throttle.wait(keys) == 0
    throttle.succeeded(keys)
    assert throttle.wait(keys) == 0


def test_the_first_tries_are_free_and_other_sessions_are_not_slowed() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    for _try in range(sign_in.FREE_TRIES - 1):
        throttle.failed(["session:a"], None)
        assert throttle.wait(["session:a"]) == 0
    throttle.failed(["session:a"], None)
    assert throttle.wait(["session:a"]) > 0 and throttle.wait(["session:b"]) == 0
    clock.now += sign_in.FORGET_AFTER_S + 1
    assert throttle.wait(["session:a"]) == 0  # forgotten after a quiet quarter of an hour


def test_failures_are_logged_with_the_address(caplog) -> None:  # type: ignore[no-untyped-def]
    SignInThrottle().failed(["session:a"], "10.0.0.7")
    assert "10.0.0.7" in caplog.text


def test_a_teacher_link_works_once_and_a_new_one_is_announced() -> None:
    announced: list[str] = []
    link = TeacherLink(announced.append)
    first = link.token
    assert not link.use("") and not link.use(first + "x") and not link.use("guess")
    assert link.use(first)
    assert not link.use(first)  # spent
    assert announced == [link.token] and link.token != first
