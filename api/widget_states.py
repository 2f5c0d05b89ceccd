"""Widget states from the browser, as a browser sends them: a scripted client's forged states are dropped before
Streamlit reads them.

A browser sends the states of widgets the app drew, under the ids Streamlit made for them (all begin with ``$$``,
e.g. ``$$ID-<hash>-<key>``). A script speaking the protocol can send a state under any id, such as
``teacher_signed_in``: Streamlit keeps it, cannot read it back, and every later run of that session failed with a
KeyError shown to the user (the first keyed widget of the page). This ASGI middleware parses each message on the
WebSocket (``/_stcore/stream``; Streamlit's ``BackMsg`` protobuf) and removes such states, so that a forged state can
neither set a key the app uses nor break the session. Messages it does not understand pass unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from google.protobuf.message import DecodeError
from streamlit.proto.BackMsg_pb2 import BackMsg

STREAMLIT_IDS = "$$"  # every id Streamlit gives a widget (element ids, internal keys) starts with it
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def without_forged_states(data: bytes) -> bytes:
    """``data`` (a serialised BackMsg) without widget states whose id Streamlit cannot have made."""
    message = BackMsg()
    try:
        message.ParseFromString(data)
    except DecodeError:
        return data  # Streamlit answers a malformed message itself
    if message.WhichOneof("type") != "rerun_script":
        return data
    widgets = message.rerun_script.widget_states.widgets
    kept = [state for state in widgets if state.id.startswith(STREAMLIT_IDS)]
    if len(kept) == len(widgets):
        return data
    del widgets[:]
    widgets.extend(kept)
    return message.SerializeToString()


class ForgedWidgetStates:
    """ASGI middleware: :func:`without_forged_states` on every binary message of Streamlit's WebSocket."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope.get("path", "").endswith("/_stcore/stream"):
            await self.app(scope, receive, send)
            return

        async def filtered() -> Message:
            message = await receive()
            if message.get("type") == "websocket.receive" and message.get("bytes"):
                message["bytes"] = without_forged_states(message["bytes"])
            return message

        await self.app(scope, filtered, send)
