"""The session's role: a sidebar sign-in for the lecturer, and helpers that show a student why a control is not theirs.

Sign-in state lives in ``st.session_state`` only: a reload of the page keeps it (same session), a new tab does not.
"""

from __future__ import annotations

import uuid

import streamlit as st

from lab.i18n import _
from lab.roles import Role, password_matches, role, teacher_password

SIGNED_IN = "teacher_signed_in"
OWNER = "session_owner"


def _secrets() -> dict:
    try:
        return {"teacher": dict(st.secrets.get("teacher", {}))}
    except Exception:  # no secrets.toml, or one that does not parse: then only the environment variable counts
        return {}


def password() -> str | None:
    return teacher_password(_secrets())


def current_role() -> Role:
    return role(bool(st.session_state.get(SIGNED_IN)), password())


def is_teacher() -> bool:
    return current_role() is Role.TEACHER


def session_owner() -> str:
    """A random id of this browser session: what a student enrols is theirs to remove, in this session only."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = uuid.uuid4().hex
    return st.session_state[OWNER]


def _sign_in() -> None:
    given = st.session_state.get("teacher_password_input", "")
    expected = password()
    st.session_state["teacher_password_input"] = ""  # never kept on screen
    st.session_state[SIGNED_IN] = expected is not None and password_matches(given, expected)
    st.session_state["teacher_sign_in_failed"] = not st.session_state[SIGNED_IN]


def _sign_out() -> None:
    st.session_state[SIGNED_IN] = False


def sign_in_ui() -> Role:
    """In the sidebar: nothing without a password set (everyone is the teacher); else sign in / sign out."""
    if password() is None:
        return Role.TEACHER
    with st.sidebar:
        if st.session_state.get(SIGNED_IN):
            st.caption(_("Signed in as the teacher."))
            st.button(_("Sign out"), key="teacher_sign_out", on_click=_sign_out)
        else:
            with st.expander(_("Teacher sign-in")):
                st.text_input(_("Teacher password"), type="password", key="teacher_password_input",
                              on_change=_sign_in)
                st.button(_("Sign in"), key="teacher_sign_in", on_click=_sign_in)
                if st.session_state.get("teacher_sign_in_failed"):
                    st.error(_("Wrong password."))
    return current_role()


def teacher_only_note(action: str) -> None:
    """Say why a control is missing for a student (instead of a button that fails)."""
    st.info(_("Only the teacher may {action}. The teacher signs in in the sidebar.").format(action=action),
            icon=":material/lock:")
