"""Pieces of the Class page shared by the projector and a student's device: the task's drawings, the polling
fragments' redraw rule, and the leaderboard as a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.classroom.rounds import ClassState, Round
from lab.data.omniglot import OmniglotSet
from lab.i18n import _
from lab.images import to_display

PER_ROW = 5  # five candidates a row: readable on a phone (columns stack) and on a projector
SEEN = "class_seen"  # the signature of what this session's page shows, to know when to redraw it


def show_task(data: OmniglotSet, task: Round, answer_buttons: bool, marks: bool) -> int | None:
    """The query and the candidates; with ``answer_buttons`` one button under each; with ``marks`` the right answer
    and the model's pick named under theirs. Returns the candidate clicked, if any."""
    character, drawer = task.query
    st.image(to_display(data.images[character, drawer]), caption=_("the query"), width=130, output_format="PNG")
    clicked = None
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
            if answer_buttons and column.button(str(i + 1), key=f"answer_{i}", width="stretch",
                                                help=_("Answer candidate {number}").format(number=i + 1)):
                clicked = i
    return clicked


def redraw_when_changed(signature: tuple) -> None:
    """Called by the polling fragments: a full redraw only when what the page shows has changed."""
    if st.session_state.get(SEEN) != signature:
        st.session_state[SEEN] = signature
        st.rerun()


def leaderboard_table(state: ClassState) -> pd.DataFrame:
    rows = [{_("rank"): rank, _("player"): row.name, _("right"): row.correct, _("answered"): row.answered,
             _("accuracy (%)"): round(row.accuracy * 100, 1) if row.accuracy is not None else None,
             _("mean time (s)"): round(row.mean_seconds, 2) if row.mean_seconds is not None else None}
            for rank, row in enumerate(state.leaderboard, start=1)]
    return pd.DataFrame(rows).set_index(_("rank")) if rows else pd.DataFrame()
