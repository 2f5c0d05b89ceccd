"""Teacher and student (lab/roles.py): where the lecturer password comes from, how it is compared, who is the
teacher, and the refusal a student gets."""

from __future__ import annotations

import pytest

from lab import roles
from lab.roles import PASSWORD_ENV, PermissionDeniedError, Role


@pytest.fixture(autouse=True)
def no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def test_without_a_password_the_laptop_browser_is_the_teacher() -> None:
    assert roles.teacher_password({}) is None and roles.teacher_password(None) is None
    assert roles.role(signed_in=False, password=None, local=True) is Role.TEACHER  # the laptop's own browser
    roles.require_teacher(roles.role(False, None, local=True), "delete models")  # no refusal
    assert roles.role(signed_in=False, password=None, local=False) is Role.STUDENT  # a phone on the network


def test_the_secrets_section_is_read() -> None:
    assert roles.teacher_password({"teacher": {"password": "from-secrets"}}) == "from-secrets"
    assert roles.teacher_password({"teacher": {"password": 1234}}) == "1234", "a TOML number is a password too"
    for unusable in ({"teacher": {}}, {"teacher": "not a table"}, {"teacher": {"password": ""}}, {"other": {}}):
        assert roles.teacher_password(unusable) is None, unusable


def test_the_environment_wins_over_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "from-env")
    assert roles.teacher_password({"teacher": {"password": "from-secrets"}}) == "from-env"
    assert roles.teacher_password({}) == "from-env"
    monkeypatch.setenv(PASSWORD_ENV, "")  # set but empty: as if unset
    assert roles.teacher_password({"teacher": {"password": "from-secrets"}}) == "from-secrets"


def test_passwords_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = roles.hmac.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        calls.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(roles.hmac, "compare_digest", spy)
    assert roles.password_matches("sésamo", "sésamo") and not roles.password_matches("sesamo", "sésamo")
    assert not roles.password_matches("", "sésamo") and not roles.password_matches("sésamo ", "sésamo")
    assert len(calls) == 4 and all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)


def test_with_a_password_only_a_signed_in_session_is_the_teacher() -> None:
    assert roles.role(signed_in=True, password="secret", local=False) is Role.TEACHER
    assert roles.role(signed_in=False, password="secret", local=True) is Role.STUDENT
    roles.require_teacher(Role.TEACHER, "delete models")
    with pytest.raises(PermissionDeniedError, match="Only the teacher may delete models. Sign in as the teacher"):
        roles.require_teacher(Role.STUDENT, "delete models")
