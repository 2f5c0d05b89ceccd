"""The live class's component (``st.components.v2``): it watches the class's stage through a long poll (api/classroom.py)
and, on a student's device, draws each round and sends the answer itself (ui/class_live.js), so that a class of 100
costs the server no script run while it waits, one answer or one new round at a time.

The page passes the texts in the session's language and the stage it drew; the component asks for a rerun only when
the page itself must change (the projector: a new stage; a student: the end of the class).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lab.i18n import _

API = "/api/class"
HERE = Path(__file__).resolve().parent
KEY = "class_live"

# One module from two files: the long poll and its helpers, then the modes (projector, student, follow).
class_live = st.components.v2.component(
    "oneshot_class_live", js=(HERE / "class_live_watch.js").read_text() + "\n" + (HERE / "class_live.js").read_text(),
    css=(HERE / "class_live.css").read_text())


def _noop() -> None:
    """The trigger only asks for a rerun; the page reads the class again."""


def student_texts() -> dict[str, str]:
    return {
        "you": _("You are **{nickname}** in class {code}: {correct} right of {answered} answered."),
        "waiting": _("Waiting for the teacher to start the first round..."),
        "round": _("Round {number}: which candidate is the same character as the query?"),
        "query": _("the query"),
        "right": _("Right! Candidate {number}."),
        "wrong": _("Not this time: you picked {choice}, the answer was {number}."),
        "missed": _("You did not answer. The right answer was candidate {number}."),
        "model": _("The model picked candidate {choice}. Wait for the next round."),
        "answered": _("Your answer: candidate {choice}. Wait for the teacher to reveal the answer."),
        "answer_help": _("Answer candidate {number}"),
        "right_mark": _("right"),
        "model_mark": _("model"),
        "closed": _("This round is closed; wait for the next one."),
        "failed": _("Your answer did not reach the server; try again."),
        "offline": _("No connection to the class: trying again..."),
        "gone": _("This class is no longer on the server."),
    }


def student_live_ui(code: str, token: str, drawn: str, lesson: str | None = None, activity: str = "quiz") -> None:
    """The student's round, drawn and answered on the device; ``drawn``: the stage version the page shows;
    ``lesson``: the lesson step it drew (the page runs again when the teacher moves to another one). In the face round
    (``activity`` "faces") the page draws the form and the component only watches for the next stage."""
    class_live(key=KEY, data={"mode": "student", "api": API, "code": code, "token": token, "drawn": drawn,
                              "lesson": lesson, "activity": activity, "texts": student_texts()},
               on_stage_change=_noop)


def projector_live_ui(code: str, drawn: str) -> None:
    """The projector's live counts; the page is drawn again when the class's stage differs from ``drawn``."""
    texts = {"students": _("Students"), "answers": _("Answers to round {number}"), "faces": _("Faces kept"),
             "offline": _("No connection to the class: trying again...")}
    class_live(key=KEY, data={"mode": "projector", "api": API, "code": code, "drawn": drawn, "texts": texts},
               on_stage_change=_noop)


FOLLOW_KEY = "lesson_follow"


def follow_live_ui(code: str, lesson: str | None, go: str | None = None) -> None:
    """A joined student's watcher on any page but the Class page (whose own component watches the stage): one rerun
    when the class's lesson step differs from ``lesson``, the step this run drew, or when the class ends; with ``go``
    (a step), one rerun at once: the device is on its way there (ui/lesson.py)."""
    texts = {"offline": _("No connection to the class: trying again...")}
    class_live(key=FOLLOW_KEY, data={"mode": "follow", "api": API, "code": code, "lesson": lesson, "go": go,
                                     "texts": texts}, on_lesson_change=_noop)
