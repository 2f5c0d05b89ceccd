"""bench/client without a server: the page as ForwardMsgs build it (stale elements dropped after a full run and
after a fragment's run, widgets found by key), and the bench harness's percentiles."""

from __future__ import annotations


from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.client.session import StreamlitSession
from bench.harness.statistics import percentile, summary
from tests.support.asyncio_thread import run_alone



def new_session(run_id: str, fragments: tuple[str, ...] = ()) -> ForwardMsg:
    message = ForwardMsg()
    message.new_session.page_script_hash = "main"
    message.metadata.run.script_run_id = run_id
    message.metadata.run.fragment_ids.extend(fragments)
    return message


def markdown(path: tuple[int, ...], body: str, fragment: str = "") -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.new_element.markdown.body = body
    message.delta.fragment_id = fragment
    return message


def button(path: tuple[int, ...], key: str, fragment: str = "") -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.new_element.button.id = f"$$ID-0123abcd-{key}"
    message.delta.new_element.button.label = key
    message.delta.fragment_id = fragment
    return message


def finished(status: int) -> ForwardMsg:
    message = ForwardMsg()
    message.script_finished = status
    return message


def feed(session: StreamlitSession, *messages: ForwardMsg) -> None:
    for message in messages:
        session._handle(message)


def test_the_page_after_full_and_fragment_runs() -> None:
    async def scenario() -> None:
        session = StreamlitSession("http://127.0.0.1:1", auto_rerun=False, fetch_media=False)
        feed(session, new_session("r1"), markdown((0, 0), "title"), button((0, 1), "go"),
             markdown((0, 2), "in the fragment", "f1"), finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert session.texts() == ["title", "go", "in the fragment"]
        assert session.widget("go") is not None and session.widget("stop") is None
        # The fragment reruns and writes something else: its old element goes, the rest of the page stays.
        feed(session, new_session("r2", ("f1",)), markdown((0, 3), "fragment again", "f1"),
             finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
        assert session.texts() == ["title", "go", "fragment again"]
        # A full run that no longer draws the button: it is gone after the run finished, not before.
        feed(session, new_session("r3"), markdown((0, 0), "title 2"))
        assert session.has_widget("go")
        feed(session, finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert session.texts() == ["title 2"] and not session.has_widget("go")
        assert session.stats.errors == [] and session.stats.runs == 3

    run_alone(scenario())


def test_exception_elements_are_errors_and_error_alerts_are_kept_apart() -> None:
    async def scenario() -> None:
        session = StreamlitSession("http://127.0.0.1:1", auto_rerun=False, fetch_media=False)
        error = ForwardMsg()
        error.metadata.delta_path.extend((0, 1))
        error.delta.new_element.exception.type = "ValueError"
        error.delta.new_element.exception.message = "boom"
        alert = ForwardMsg()
        alert.metadata.delta_path.extend((0, 2))
        alert.delta.new_element.alert.body = "no face"
        alert.delta.new_element.alert.format = 1  # ERROR
        feed(session, new_session("r1"), error, alert, finished(ForwardMsg.FINISHED_SUCCESSFULLY))
        assert session.stats.errors == ["exception element: ValueError: boom"]
        assert session.stats.error_alerts == ["no face"]

    run_alone(scenario())


def test_percentiles() -> None:
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert abs(percentile(list(map(float, range(1, 101))), 95) - 95.05) < 1e-9
    assert summary([]) == {"count": 0, "p50_s": None, "p95_s": None, "max_s": None}
