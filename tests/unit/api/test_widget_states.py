"""Forged widget states are dropped from Streamlit's WebSocket messages; what a browser sends passes unchanged."""

from __future__ import annotations


from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from api.widget_states import ForgedWidgetStates, without_forged_states
from tests.support.asyncio_thread import run_alone


def rerun(*ids: str) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = "class=AB3K7Q"
    message.rerun_script.widget_states.widgets.extend(WidgetState(id=i, bool_value=True) for i in ids)
    return message.SerializeToString()


def ids_of(data: bytes) -> list[str]:
    message = BackMsg()
    message.ParseFromString(data)
    return [w.id for w in message.rerun_script.widget_states.widgets]


def test_forged_ids_go_and_streamlit_ids_stay() -> None:
    sent = rerun("$$ID-3f2a-class_start", "teacher_signed_in", "$$STREAMLIT_INTERNAL_KEY_x", "class_player")
    kept = without_forged_states(sent)
    assert ids_of(kept) == ["$$ID-3f2a-class_start", "$$STREAMLIT_INTERNAL_KEY_x"]
    parsed = BackMsg()
    parsed.ParseFromString(kept)
    assert parsed.rerun_script.query_string == "class=AB3K7Q"  # the rest of the message is untouched


def test_a_browser_message_and_garbage_pass_unchanged() -> None:
    browser = rerun("$$ID-3f2a-class_start")
    assert without_forged_states(browser) is browser
    other = BackMsg()
    other.load_git_info = True
    assert without_forged_states(other.SerializeToString()) == other.SerializeToString()
    assert without_forged_states(b"\xff\xfe not protobuf") == b"\xff\xfe not protobuf"


def test_the_middleware_filters_only_streamlit_websocket() -> None:
    seen: list[bytes] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append((await receive())["bytes"])

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "websocket.receive", "bytes": rerun("$$ID-a-b", "teacher_signed_in")}

    middleware = ForgedWidgetStates(app)
    run_alone(middleware({"type": "websocket", "path": "/_stcore/stream"}, receive, None))
    run_alone(middleware({"type": "websocket", "path": "/other"}, receive, None))
    assert ids_of(seen[0]) == ["$$ID-a-b"] and ids_of(seen[1]) == ["$$ID-a-b", "teacher_signed_in"]
