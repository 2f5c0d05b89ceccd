"""What bench.classroom reads from the pages it drives, without a server: the class page before and after the class
ended (the student's and the projector's), the Verify page's figures and the ROC page's threshold, all by widget
key and element kind, so the same checks hold in any language of the app."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.classroom.projector import class_over
from bench.classroom.students import class_ended, joined, threshold_shown, verdict_shown
from bench.client.session import StreamlitSession
from tests.support.asyncio_thread import run_alone
from tests.unit.bench.test_class_component import component
from tests.unit.bench.test_client import button, feed, finished, markdown, new_session

DONE = ForwardMsg.FINISHED_SUCCESSFULLY


def metric(path: tuple[int, ...], label: str, body: str) -> ForwardMsg:
    message = ForwardMsg()
    message.metadata.delta_path.extend(path)
    message.delta.new_element.metric.label = label
    message.delta.new_element.metric.body = body
    return message


def page_checks(*messages: ForwardMsg) -> dict[str, bool]:
    """The bench's checks on a page made of ``messages`` (one completed full run)."""
    async def scenario() -> dict[str, bool]:
        session = StreamlitSession("http://127.0.0.1:1", auto_rerun=False, fetch_media=False)
        feed(session, new_session("r1"), *messages, finished(DONE))
        at_0615 = threshold_shown(0.615)
        return {"joined": joined(session), "class_ended": class_ended(session), "class_over": class_over(session),
                "verdict_shown": verdict_shown(session), "0.615 shown": at_0615(session)}  # type: ignore[operator]

    return run_alone(scenario())


def test_the_student_joins_plays_and_sees_the_end_of_the_class() -> None:
    form = page_checks(markdown((0, 0), "Aula ABCD"), button((0, 1), "class_join"))
    playing = page_checks(markdown((0, 0), "Aula ABCD"), component((0, 1), "class_live", {"token": "t0k"}))
    ended = page_checks(markdown((0, 0), "A aula terminou: obrigado! 3 de 5."))
    assert (form["joined"], form["class_ended"]) == (False, False)
    assert (playing["joined"], playing["class_ended"]) == (True, False)
    assert (ended["joined"], ended["class_ended"]) == (False, True)


def test_the_projector_sees_the_end_of_the_class() -> None:
    live = page_checks(component((0, 0), "class_live", {"mode": "projector"}), button((0, 1), "round_start"))
    between_rounds = page_checks(button((0, 1), "round_start"))
    over = page_checks(markdown((0, 0), "Fim da aula."))
    assert (live["class_over"], between_rounds["class_over"], over["class_over"]) == (False, False, True)


def test_the_verdict_and_the_threshold_are_found_whatever_the_language() -> None:
    verify = page_checks(metric((0, 0), "distância", "0,41"), metric((0, 1), "veredito", "mesma pessoa"))
    roc = page_checks(markdown((0, 0), "Limiar 0,615."))
    english_roc = page_checks(markdown((0, 0), "Threshold 0.615."))
    assert verify["verdict_shown"] and not roc["verdict_shown"]
    assert roc["0.615 shown"] and english_roc["0.615 shown"] and not verify["0.615 shown"]
