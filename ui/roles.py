"""The session's role: a sidebar sign-in for the lecturer (the password, or the one-time teacher link), and helpers
that show a student why a control is not theirs.

Sign-in state lives in ``st.session_state`` only: a reload of the page keeps it (same session), a new tab does not.
Wrong passwords and links are slowed down per session and per client address (:mod:`lab.sign_in`).
"""

from __future__ import annotations

import math
import os
import secrets
import uuid
from collections.abc import Mapping

import streamlit as st

from lab.classroom.join_address import PUBLIC_URL_ENV, network_address
from lab.i18n import _
from lab.roles import PASSWORD_ENV, Role, password_matches, role, teacher_password
from lab.sign_in import is_local_client, sign_in_throttle, teacher_link

SIGNED_IN = "teacher_signed_in"
OWNER = "session_owner"
REFUSED = "teacher_sign_in_refused"  # why the last try did not sign in, shown once
LINK_PARAM = "teacher"  # /?teacher=TOKEN: the one-time teacher link


def _secrets() -> dict:
    try:
        return {"teacher": dict(st.secrets.get("teacher", {}))}
    except Exception:  # no secrets.toml, or one that does not parse: then only the environment variable counts
        return {}


def password() -> str | None:
    return teacher_password(_secrets())


def client_address() -> str | None:
    """The browser's address as the server sees it; None for a loopback peer (Streamlit's rule) or without a network
    connection (AppTest has a stand-in)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def client_headers() -> dict[str, str]:
    """The headers of the session's connection (a balancer's X-Forwarded-For among them); none in AppTest."""
    headers = st.context.headers
    return dict(headers) if isinstance(headers, Mapping) else {}


def is_local_session() -> bool:
    """Whether this session's browser runs on the server's machine (not through a balancer or a proxy)."""
    return is_local_client(client_address(), client_headers())


def current_role() -> Role:
    return role(st.session_state.get(SIGNED_IN) is True, password(), local=is_local_session())


def is_teacher() -> bool:
    return current_role() is Role.TEACHER


def session_owner() -> str:
    """A random id of this browser session: what a student enrols is theirs to remove, in this session only."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = uuid.uuid4().hex
    return st.session_state[OWNER]


def _throttle_keys() -> tuple[list[str], str | None]:
    address = client_address()
    return [f"session:{session_owner()}"] + ([f"address:{address}"] if address else []), address


def _may_try() -> bool:
    """False (with the reason kept for the sidebar) while this session or its address must wait after wrong tries."""
    keys, _address = _throttle_keys()
    wait = sign_in_throttle().wait(keys)
    if wait > 0:
        st.session_state[REFUSED] = _("Too many wrong tries: try again in {seconds} s.").format(
            seconds=math.ceil(wait))
    return wait <= 0


def _tried(right: bool) -> None:
    keys, address = _throttle_keys()
    st.session_state[SIGNED_IN] = right
    if right:
        sign_in_throttle().succeeded(keys)
    else:
        sign_in_throttle().failed(keys, address)


def _sign_in() -> None:
    given = st.session_state.get("teacher_password_input", "")
    st.session_state["teacher_password_input"] = ""  # never kept on screen
    if not given:  # the button after the box's own on_change (the box was just emptied): not a try
        return
    if not _may_try():
        return
    expected = password()
    right = expected is not None and isinstance(given, str) and password_matches(given, expected)
    _tried(right)
    if not right:
        st.session_state[REFUSED] = _("Wrong password.")


def _sign_out() -> None:
    st.session_state[SIGNED_IN] = False


def use_teacher_link() -> None:
    """``?teacher=TOKEN`` in the address: the one-time link printed in the server's terminal makes this session the
    teacher; the token leaves the address at once (it must not end up in a bookmark or on the projector)."""
    token = st.query_params.get(LINK_PARAM)
    if token is None:
        return
    del st.query_params[LINK_PARAM]
    if not _may_try():
        return
    right = teacher_link().use(str(token))
    _tried(right)
    if not right:
        st.session_state[REFUSED] = _("This teacher link is not valid (any more): each link works once. Use the "
                                      "newest one in the server's terminal.")


def sign_in_ui() -> Role:
    """In the sidebar: sign in with the password when one is set; without one, say who is the teacher."""
    use_teacher_link()
    refused = st.session_state.pop(REFUSED, None)
    with st.sidebar:
        if st.session_state.get(SIGNED_IN) is True:
            st.caption(_("Signed in as the teacher."))
            st.button(_("Sign out"), key="teacher_sign_out", on_click=_sign_out)
        elif password() is None:
            if not is_local_session():
                st.caption(_("You are a student. The teacher uses the laptop that runs the lab, or the teacher link "
                             "printed in its terminal."))
        else:
            with st.expander(_("Teacher sign-in"), expanded=refused is not None):
                st.text_input(_("Teacher password"), type="password", key="teacher_password_input",
                              on_change=_sign_in)
                st.button(_("Sign in"), key="teacher_sign_in", on_click=_sign_in)
        if refused:
            st.error(refused)
    return current_role()


def announce_teacher_link(port: int, https: bool) -> None:
    """At the server's start, with no password set: print the one-time teacher link in its terminal (and a new one
    each time one is used). Behind a proxy or a tunnel (``$ONESHOT_PUBLIC_URL``) the laptop's own browser cannot be
    told from a student's (both arrive from the proxy), so a password is made for the run and printed instead."""
    if password() is not None:
        return
    if os.environ.get(PUBLIC_URL_ENV, "").strip():
        os.environ[PASSWORD_ENV] = secrets.token_urlsafe(9)
        print(f"  No lecturer password was set and {PUBLIC_URL_ENV} is: this run's teacher password is "
              f"{os.environ[PASSWORD_ENV]} (Teacher sign-in, in the sidebar)", flush=True)
        return

    base = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/") or \
        f"{'https' if https else 'http'}://{network_address() or 'localhost'}:{port}"

    def show(token: str) -> None:
        print(f"  Teacher link (works once; for a browser other than this computer's): {base}/?{LINK_PARAM}={token}",
              flush=True)

    show(teacher_link(show).token)


def teacher_only_note(action: str) -> None:
    """Say why a control is missing for a student (instead of a button that fails)."""
    st.info(_("Only the teacher may {action}. The teacher signs in in the sidebar.").format(action=action),
            icon=":material/lock:")
