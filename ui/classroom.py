"""Pieces of the Class page shared by the projector and a student's device: the task's drawings, the polling
fragments' redraw rule, and the leaderboard as a table."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lab.classroom.rounds import ClassState, Round
from lab.data.omniglot import OmniglotSet
from lab.errors import LabError
from lab.i18n import _
from lab.images import to_display

PER_ROW = 5  # five candidates a row: readable on a phone (columns stack) and on a projector
REFUSED = "class_refused"  # a class action's refusal, shown on the next run
SEEN = "class_seen"  # the signature of what this session's page shows, to know when to redraw it


def show_task(data: OmniglotSet, task: Round, on_answer: Callable[[int], None] | None, marks: bool) -> None:
    """The query and the candidates; with ``on_answer`` a button under each that calls it with the candidate's index;
    with ``marks`` the right answer and the model's pick named under theirs."""
    character, drawer = task.query
    st.image(to_display(data.images[character, drawer]), caption=_("the query"), width=130, output_format="PNG")
    for start in range(0, task.ways, PER_ROW):
        columns = st.columns(PER_ROW)
        for i, column in enumerate(columns, start=start):
            if i >= task.ways:
                break
            c, d = task.candidates[i]
            caption = str(i + 1)
            if marks:
                notes = [n for n, on in ((_("right"), i == task.answer), (_("model"), i == task.model_answer)) if on]
                caption += f" ({', '.join(notes)})" if notes else ""
            column.image(to_display(data.images[c, d]), caption=caption, width=96, output_format="PNG")
            if marks and i == task.answer:
                column.markdown(_(":green-background[**✓ right**]"))
            if on_answer is not None:
                column.button(str(i + 1), key=f"answer_{i}", width="stretch", on_click=on_answer, args=(i,),
                              help=_("Answer candidate {number}").format(number=i + 1))


def in_fragment_run() -> bool:
    """Whether this run is a fragment's own (its timer), not the whole page's (in which fragments run inline)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx(suppress_warning=True)
    return bool(context is not None and context.fragment_ids_this_run)


def redraw_when_changed(stage: tuple) -> None:
    """Called by the polling fragments: a full redraw when the page on screen shows another stage of the class.

    What is on screen is what the last *finished* full run drew (:func:`drawn`): a full run that a poll's rerun
    interrupted (a busy server answers a poll while the page is still being drawn) leaves the old stage, so the next
    poll asks again instead of leaving a half-drawn page for good."""
    if in_fragment_run() and st.session_state.get(SEEN) != stage:
        st.rerun()


def drawn(stage: tuple) -> None:
    """Called at the end of a full run: the page now shows ``stage``."""
    st.session_state[SEEN] = stage


def leaderboard_table(state: ClassState) -> pd.DataFrame:
    rows = [{_("rank"): rank, _("player"): row.name, _("right"): row.correct, _("answered"): row.answered,
             _("accuracy (%)"): round(row.accuracy * 100, 1) if row.accuracy is not None else None,
             _("mean time (s)"): round(row.mean_seconds, 2) if row.mean_seconds is not None else None}
            for rank, row in enumerate(state.leaderboard, start=1)]
    return pd.DataFrame(rows).set_index(_("rank")) if rows else pd.DataFrame()


def act(action: Callable[[], object]) -> None:
    """Run a class action in a button's callback, before the page runs again, so the page shows its outcome at once
    (a rerun from inside the page would cost a second run); a refusal is shown by :func:`refusal_ui`."""
    try:
        action()
    except LabError as exc:
        st.session_state[REFUSED] = str(exc)


def refusal_ui() -> None:
    message = st.session_state.pop(REFUSED, None)
    if message:
        st.error(message)
