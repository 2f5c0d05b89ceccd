"""A scripted client that sends widget states under the app's own session keys (``teacher_signed_in``,
``class_player``, ...) through Streamlit's protocol: the session goes on without a traceback, and the keys keep the
values the app gave them."""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.client.session import StreamlitSession
from tests.support.asyncio_thread import run_alone

FORGED = [WidgetState(id="teacher_signed_in", bool_value=True), WidgetState(id="class_player", string_value="x"),
          WidgetState(id="projector_setting", int_value=5), WidgetState(id="session_owner", int_value=3),
          WidgetState(id="language_setting", string_value="xx"), WidgetState(id="zz", double_value=1.5)]


def test_forged_widget_states_break_nothing(server_url: str) -> None:
    async def scenario() -> tuple[list[str], bool, bool]:
        async with StreamlitSession(server_url, name="forger", timeout=300, fetch_media=False) as session:
            await session.open("/")
            await session.interact(FORGED)
            await session.goto("/class")
            joinable = session.has_widget("class_join")  # class_player forged: still a visitor who may join
            await session.interact(FORGED)
            await session.goto("/train")
            return session.stats.errors, joinable, session.has_text("Train a Siamese network")

    errors, joinable, trained = run_alone(scenario())
    assert errors == [] and joinable and trained
