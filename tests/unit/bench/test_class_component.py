"""What bench.classroom's students do in place of the class page's component, without a server: the
component's data read from its element, the JSON requests to the class routes, the waits after failures, and the
stage watcher's long poll (fake answers, no real sleeping)."""

from __future__ import annotations

import asyncio
import json

import pytest
from streamlit.proto.BidiComponent_pb2 import BidiComponent
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.classroom.component import (Backoff, RouteError, StageWatcher, round_path, round_view_problem, stage_path,
                                       stage_problem)
from bench.client.http_client import LONG_POLL_TIMEOUT_S, HttpResponse, json_request
from bench.client.page import bidi_data
from bench.client.session import StreamlitSession
from tests.support.asyncio_thread import run_alone
from tests.unit.bench.test_client import feed, finished, markdown, new_session

PNG = "data:image/png;base64,iVBORw0KGgo="


def component(path: tuple[int, ...], key: str, data: object, mixed: bool = False) -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    proto = message.delta.new_element.bidi_component
    proto.id = f"$$ID-0123abcd-{key}"
    proto.component_name = "class_live"
    if mixed:
        proto.mixed.json = json.dumps(data)
    else:
        proto.json = json.dumps(data)
    return message


def test_component_data_by_key() -> None:
    async def scenario() -> None:
        session = StreamlitSession("http://127.0.0.1:1", auto_rerun=False, fetch_media=False)
        data = {"mode": "student", "code": "ABCD", "token": "t0k", "api": "/api/class"}
        feed(session, new_session("r1"), markdown((0, 0), "You are in"), component((0, 1), "class_live", data),
             finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert session.component_data("class_live") == data
        assert session.component_data("other") is None
        assert session.texts() == ["You are in"]
        # A later full run without the component: it is gone with the run's end.
        feed(session, new_session("r2"), markdown((0, 0), "The class ended"),
             finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert session.component_data("class_live") is None

    run_alone(scenario())


def test_trigger_sends_what_set_trigger_value_sends() -> None:
    async def scenario() -> list:
        session = StreamlitSession("http://127.0.0.1:1", auto_rerun=False, fetch_media=False)
        mounted = component((0, 1), "class_live", {"mode": "student", "drawn": "1-open"})
        mounted.delta.fragment_id = "f1"
        feed(session, new_session("r1"), mounted, finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        sent = []

        async def send(message: object) -> None:  # the server's answer: the fragment's run
            sent.append(message)
            feed(session, new_session("r2", ("f1",)), mounted, finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))

        session._send = send  # type: ignore[method-assign]
        await session.trigger("class_live", "stage", "ended", timeout=5)
        return sent

    (message,) = run_alone(scenario())
    rerun = message.rerun_script
    assert rerun.fragment_id == "f1"
    (state,) = rerun.widget_states.widgets
    assert state.id == "$$STREAMLIT_INTERNAL_KEY_$$ID-0123abcd-class_live__events"
    assert json.loads(state.json_trigger_value) == [{"event": "stage", "value": "ended"}]


def test_bidi_data_reads_json_and_the_json_half_of_mixed() -> None:
    assert bidi_data(BidiComponent(json='{"a": 1}')) == {"a": 1}
    proto = BidiComponent()
    proto.mixed.json = '{"b": [1, 2]}'
    assert bidi_data(proto) == {"b": [1, 2]}
    assert bidi_data(BidiComponent(bytes=b"raw")) is None
    assert bidi_data(BidiComponent()) is None


def test_json_request_sends_cookies_and_body_and_parses_the_answer() -> None:
    async def scenario() -> tuple[bytes, HttpResponse]:
        received: list[bytes] = []

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            received.append(head + await reader.readexactly(length))
            body = b'{"choice": 3}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            response = await json_request(f"http://127.0.0.1:{port}", "POST", "/api/class/ABCD/answer",
                                          {"round": 1, "choice": 3}, headers={"X-Player-Token": "t0k"},
                                          cookies={"SERVERID": "s2", "_streamlit_xsrf": "x"}, timeout=5)
        return received[0], response

    request, response = run_alone(scenario())
    head, _, body = request.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /api/class/ABCD/answer HTTP/1.1")
    assert b"Cookie: SERVERID=s2; _streamlit_xsrf=x" in head
    assert b"X-Player-Token: t0k" in head and b"Content-Type: application/json" in head
    assert json.loads(body) == {"round": 1, "choice": 3}
    assert response.status == 200 and response.json() == {"choice": 3}
    assert HttpResponse(502, [], b"<html>bad gateway</html>").json() is None


def test_backoff_doubles_up_to_fifteen_seconds_and_resets() -> None:
    backoff = Backoff()
    assert [backoff.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    backoff.reset()
    assert backoff.next() == 1.0


def test_paths() -> None:
    assert stage_path("/api/class", "AB CD", "") == "/api/class/AB%20CD/stage?seen="
    assert stage_path("/api/class", "ABCD", "1-open/3/0", live=True) == \
        "/api/class/ABCD/stage?seen=1-open%2F3%2F0&live=1"
    assert round_path("/api/class", "ABCD", 2) == "/api/class/ABCD/round?have=2"
    assert round_path("/api/class", "ABCD", None) == "/api/class/ABCD/round?have="


def stage(version: str, *, live: str = "", round: int | None = None, revealed: bool = False,
          ended: bool = False) -> dict:
    return {"version": version, "live": live or version, "round": round, "revealed": revealed, "ended": ended,
            "players": 3, "answered": 0}


def round_view(number: int | None, have: int | None, ways: int = 3, **changes: object) -> dict:
    view = {"version": "v", "round": number, "ways": ways, "revealed": False, "ended": False, "choice": None,
            "answer": None, "model_answer": None, "correct": 0, "answered": 0, "nickname": "s",
            "images": None if number in (None, have) else {"round": number, "query": PNG, "candidates": [PNG] * ways}}
    return view | changes


def test_round_view_problems() -> None:
    assert round_view_problem(round_view(2, 1), 1) is None
    assert round_view_problem(round_view(2, 2), 2) is None  # no images: the page has them
    assert round_view_problem(round_view(None, None), None) is None
    assert round_view_problem(round_view(1, None), None) is None
    assert "no images" in round_view_problem(round_view(1, None, images=None), None)
    assert "no images" in round_view_problem(round_view(2, 1, images=None), 1)
    assert "candidates" in round_view_problem(round_view(2, 1, ways=5) | {"ways": 4}, 1)
    assert "before the reveal" in round_view_problem(round_view(2, 1, answer=1), 1)
    assert round_view_problem(round_view(2, 2, revealed=True, answer=1, model_answer=0), 2) is None
    assert "keys missing" in round_view_problem({"round": 1}, 0)
    assert stage_problem(stage("v1")) is None and "keys missing" in stage_problem({"version": "v1"})


class FakeServer:
    """Answers of the stage route in order (an exception is raised as a network error), with the paths asked."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.paths: list[str] = []
        self.timeouts: list[float] = []

    async def fetch(self, path: str, headers: dict[str, str] | None, timeout: float) -> HttpResponse:
        self.paths.append(path)
        self.timeouts.append(timeout)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, HttpResponse):
            return answer
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(answer).encode())


def watch(server: FakeServer, **kwargs: object) -> tuple[StageWatcher, list[float], list[dict], list[str], object]:
    waits: list[float] = []
    changes: list[dict] = []
    errors: list[str] = []
    failing = kwargs.pop("failing", 0)

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def on_change(stage: dict) -> None:
        nonlocal failing
        if failing:
            failing -= 1
            raise OSError("round: connection reset")
        changes.append(stage)

    watcher = StageWatcher(server.fetch, "/api/class", "ABCD", on_change=on_change, on_error=errors.append,
                           sleep=sleep, **kwargs)  # type: ignore[arg-type]
    try:
        result: object = run_alone(watcher.watch())
    except RouteError as exc:
        result = exc
    return watcher, waits, changes, errors, result


def test_watcher_calls_on_change_once_per_version_and_stops_at_the_end() -> None:
    server = FakeServer(stage("v1"), stage("v1"), stage("v2", round=1), stage("v3", round=1, revealed=True),
                        stage("v4", round=1, revealed=True, ended=True))
    watcher, waits, changes, errors, result = watch(server)
    assert [c["version"] for c in changes] == ["v1", "v2", "v3", "v4"]
    assert server.paths == ["/api/class/ABCD/stage?seen=", "/api/class/ABCD/stage?seen=v1",
                            "/api/class/ABCD/stage?seen=v1", "/api/class/ABCD/stage?seen=v2",
                            "/api/class/ABCD/stage?seen=v3"]
    assert all(timeout == LONG_POLL_TIMEOUT_S > 25 for timeout in server.timeouts)
    assert waits == [] and errors == [] and result["ended"] and watcher.polls == 5


def test_watcher_backs_off_after_network_errors_and_resets_after_a_success() -> None:
    server = FakeServer(OSError("refused"), TimeoutError(), OSError("reset"), stage("v1"), OSError("refused"),
                        HttpResponse(500, [], b"oops"), stage("v2", ended=True))
    watcher, waits, changes, errors, result = watch(server)
    assert waits == [1.0, 2.0, 4.0, 1.0, 2.0]
    assert len(errors) == 5 and "HTTP 500" in errors[-1] and watcher.failures == 5
    assert [c["version"] for c in changes] == ["v1", "v2"] and result["version"] == "v2"


def test_watcher_backs_off_after_a_503_without_counting_an_error() -> None:
    # The component waits as after any failure (it does not read Retry-After).
    server = FakeServer(HttpResponse(503, [("Retry-After", "2")], b'{"error": "busy"}'),
                        HttpResponse(503, [("Retry-After", "2")], b'{"error": "busy"}'), stage("v1", ended=True))
    watcher, waits, _, errors, _ = watch(server)
    assert waits == [1.0, 2.0] and errors == [] and watcher.refused == 2


def test_watcher_retries_a_failed_change_with_the_old_version() -> None:
    server = FakeServer(stage("v1"), stage("v1"), stage("v1"), stage("v2", ended=True))
    _, waits, changes, errors, _ = watch(server, failing=2)
    # The changes failed: the next polls still say the page has nothing, so the server answers at once; the waits
    # grow, since no stage was handled in between.
    assert server.paths[:3] == ["/api/class/ABCD/stage?seen="] * 3
    assert waits == [1.0, 2.0] and len(errors) == 2
    assert [c["version"] for c in changes] == ["v1", "v2"]


def test_watcher_live_polls_the_counts_and_changes_only_with_the_version() -> None:
    server = FakeServer(stage("v1", live="v1.0"), stage("v1", live="v1.1"), stage("v2", live="v2.0", ended=True))
    _, _, changes, _, _ = watch(server, live=True, version="v1")
    assert server.paths == ["/api/class/ABCD/stage?seen=&live=1", "/api/class/ABCD/stage?seen=v1.0&live=1",
                            "/api/class/ABCD/stage?seen=v1.1&live=1"]
    assert [c["version"] for c in changes] == ["v2"]  # the page was drawn with v1: no rerun for it


def test_watcher_gives_up_on_an_unknown_class() -> None:
    server = FakeServer(HttpResponse(404, [], b'{"error": "no class"}'))
    _, _, _, _, result = watch(server)
    assert isinstance(result, RouteError) and result.status == 404


@pytest.mark.parametrize("status", [403, 404])
def test_watcher_gives_up_when_the_round_route_refuses_the_player(status: int) -> None:
    async def refused(_stage: dict) -> None:
        raise RouteError("round: refused", HttpResponse(status, [], b""))

    server = FakeServer(stage("v1"))
    watcher = StageWatcher(server.fetch, "/api/class", "ABCD", on_change=refused)
    with pytest.raises(RouteError):
        run_alone(watcher.watch())
