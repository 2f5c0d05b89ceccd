"""Teacher and student: who may change what others made.

With no lecturer password set, the teacher is the browser on the laptop that runs the lab (or a session that opened
the one-time teacher link printed in its terminal, :mod:`lab.sign_in`), and every device that joins over the network
is a student. With one set
(``$ONESHOT_TEACHER_PASSWORD``, or ``[teacher] password`` in ``.streamlit/secrets.toml``), only a session that signed
in with it may delete, rename or upload models, start or stop training, remove people from the shared face database
or clear it, and run class rounds. Sign-in lives in the session only; nothing about it is stored.
"""

from __future__ import annotations

import enum
import hmac
import os
from collections.abc import Mapping

from lab.errors import LabError
from lab.i18n import _

PASSWORD_ENV = "ONESHOT_TEACHER_PASSWORD"


class Role(enum.Enum):
    TEACHER = "teacher"
    STUDENT = "student"


class PermissionDeniedError(LabError):
    """A student asked for something only the teacher may do."""


def teacher_password(secrets: Mapping | None = None) -> str | None:
    """The lecturer password: ``$ONESHOT_TEACHER_PASSWORD``, else ``secrets["teacher"]["password"]``; None if unset."""
    from_env = os.environ.get(PASSWORD_ENV, "")
    if from_env:
        return from_env
    try:
        section = (secrets or {}).get("teacher") or {}
        password = section.get("password") if isinstance(section, Mapping) else None
    except (AttributeError, KeyError, TypeError):
        return None
    return str(password) if password else None


def password_matches(given: str, expected: str) -> bool:
    """Compared in constant time, so that the time taken says nothing about how much of a guess was right."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def role(signed_in: bool, password: str | None, local: bool) -> Role:
    """The teacher is a session that signed in (the password, or the teacher link of :mod:`lab.sign_in`); with no
    password set, also the browser on the server's own machine (``local``), the lecturer's laptop."""
    return Role.TEACHER if signed_in or (password is None and local) else Role.STUDENT


def require_teacher(current: Role, action: str) -> None:
    """Raise :class:`PermissionDeniedError` naming ``action`` unless ``current`` is the teacher."""
    if current is not Role.TEACHER:
        raise PermissionDeniedError(_("Only the teacher may {action}. Sign in as the teacher in the sidebar.").format(
            action=action))
