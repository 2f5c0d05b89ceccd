"""The protocol client of bench.classroom against a real server: it opens /roc, moves the threshold slider
once and sees the page show the new value; it joins a class and plays a round through the class routes as the
page's component does (no timing asserted: that is the bench's job)."""

from __future__ import annotations

import asyncio
import time

from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.client.session import StreamlitSession
from lab.classroom.live import HOLD_SECONDS
from tests.support.asyncio_thread import run_alone


def test_client_opens_roc_and_moves_the_slider(server_url: str) -> None:
    async def scenario() -> tuple[str, list[str], list[str]]:
        async with StreamlitSession(server_url, name="test", timeout=600) as session:
            await session.open("/roc")
            slider = session.widget("threshold")
            assert slider is not None and slider.kind == "slider"
            assert slider.fragment_id, "the threshold slider lives in a fragment"
            before = [text for text in session.texts() if text.startswith("Threshold ")]
            value = 0.615 if not session.has_text("Threshold 0.615.") else 0.385
            await session.set_slider("threshold", value, until=lambda s: s.has_text(f"Threshold {value:.3f}."),
                                     timeout=120)
            after = [text for text in session.texts() if text.startswith("Threshold ")]
            return f"Threshold {value:.3f}.", before, after + session.stats.errors

    expected, before, after = run_alone(scenario())
    assert not any(expected in text for text in before)
    assert any(expected in text for text in after)
    assert all(text.startswith("Threshold ") for text in after), f"errors: {after}"


def test_client_joins_a_class_and_plays_a_round_through_the_class_routes(server_url: str) -> None:
    """What bench.classroom's simulated students do: join through the form (a script run), read the token from the
    live component's data, long-poll the stage, fetch the round with its drawings, answer it: no script run from the
    join to the answer. The class and its round are made straight in the server's database (the test's own)."""
    from bench.classroom.component import COMPONENT_KEY, round_path, stage_path
    from bench.classroom.students import joined
    from bench.client.http_client import LONG_POLL_TIMEOUT_S
    from lab.classroom.rooms import create_class
    from lab.classroom.rounds import add_round

    code = create_class("bench client").code
    candidates = [(10, 1), (11, 2), (12, 3), (13, 4), (14, 5)]

    async def scenario() -> dict:
        async with StreamlitSession(server_url, name="student", timeout=600) as session:
            await session.open("/class", f"class={code}")
            await session.submit("class_join", {"class_code": WidgetState(string_value=code),
                                                "nickname": WidgetState(string_value="bench")}, until=joined)
            data = session.component_data(COMPONENT_KEY)
            runs = session.stats.runs
            api, token = data["api"], {"X-Player-Token": data["token"]}
            first = (await session.get_json(stage_path(api, code, ""))).json()
            poll = asyncio.create_task(session.get_json(stage_path(api, code, first["version"]),
                                                        timeout=LONG_POLL_TIMEOUT_S))
            await asyncio.sleep(1)
            started = time.perf_counter()
            await asyncio.to_thread(add_round, code, (12, 7), candidates, 2, "default", [0.1, 0.2, 0.9, 0.3, 0.4], 0.01)
            woken = await poll
            waited = time.perf_counter() - started
            view = (await session.get_json(round_path(api, code, None), token)).json()
            again = (await session.get_json(round_path(api, code, 1), token)).json()
            stranger = await session.get_json(round_path(api, code, None), {"X-Player-Token": "0" * 32})
            answer = await session.post_json(f"{api}/{code}/answer", {"round": 1, "choice": 3}, token)
            return {"data": data, "first": first, "woken": woken.json(), "waited": waited, "view": view,
                    "again": again, "stranger": stranger.status, "answer": (answer.status, answer.json()),
                    "runs": session.stats.runs - runs, "errors": session.stats.errors}

    got = run_alone(scenario())
    assert got["data"]["mode"] == "student" and got["data"]["code"] == code and got["data"]["token"]
    assert got["first"]["version"] == "waiting" and got["first"]["players"] == 1
    assert got["woken"]["version"] == "1-open" and got["woken"]["round"] == 1
    assert got["waited"] < HOLD_SECONDS - 1, "the long poll answered with the new round, not after its hold"
    images = got["view"]["images"]
    assert got["view"]["round"] == 1 and got["view"]["ways"] == 5 and images["round"] == 1
    assert len(images["candidates"]) == 5 and images["query"].startswith("data:image/png;base64,")
    assert got["view"]["answer"] is None and got["again"]["images"] is None
    assert got["stranger"] == 403 and got["answer"] == (200, {"choice": 3})
    assert got["runs"] == 0 and got["errors"] == []
