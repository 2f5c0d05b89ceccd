"""Pieces of the Class page: the task's drawings on the projector, the leaderboard, the projector's layout, and the
class actions' callbacks. A student's round is drawn by the live component (ui/class_live.py)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lab.classroom.rooms import Player
from lab.classroom.rounds import ClassState, Round
from lab.data.omniglot import OmniglotSet
from lab.errors import LabError
from lab.formatting import styled_numbers
from lab.i18n import _
from lab.images import to_display

PER_ROW = 5  # five candidates a row; ten on a projector, so that a 20-way round takes two rows of a 720-pixel screen
REFUSED = "class_refused"  # a class action's refusal, shown on the next run
DONE = "class_done"  # what a class action did, shown on the next run
SIDEBAR = "class_sidebar_shown"  # the projector's sidebar, brought back by the lecturer


def show_task(data: OmniglotSet, task: Round, marks: bool, per_row: int = PER_ROW) -> None:
    """The round's query and candidates, as the projector shows them; with ``marks`` the right answer and the model's
    pick named under theirs."""
    character, drawer = task.query
    beside = per_row > PER_ROW  # a projector: the query left of the candidates, to save a row of the screen
    query_column, grid = st.columns([1, 7], vertical_alignment="center") if beside else (st.container(), st.container())
    query_column.image(to_display(data.images[character, drawer]), caption=_("the query"), width=110 if not beside
                       else 80, output_format="PNG")
    with grid:
        candidates_ui(data, task, marks, per_row)


def candidates_ui(data: OmniglotSet, task: Round, marks: bool, per_row: int) -> None:
    for start in range(0, task.ways, per_row):
        columns = st.columns(per_row)
        for i, column in enumerate(columns, start=start):
            if i >= task.ways:
                break
            c, d = task.candidates[i]
            caption = str(i + 1)
            if marks:
                notes = [n for n, on in ((_("right"), i == task.answer), (_("model"), i == task.model_answer)) if on]
                caption += f" ({', '.join(notes)})" if notes else ""
            column.image(to_display(data.images[c, d]), caption=caption, width=96 if per_row <= PER_ROW else 64,
                         output_format="PNG")
            if marks and i == task.answer and per_row <= PER_ROW:  # a projector's row has no room: the caption says it
                column.markdown(_(":green-background[**✓ right**]"))


def leaderboard_table(state: ClassState) -> pd.DataFrame:
    rows = [{_("rank"): rank, _("player"): row.name, _("right"): row.correct, _("answered"): row.answered,
             _("accuracy (%)"): round(row.accuracy * 100, 1) if row.accuracy is not None else None,
             _("mean time (s)"): round(row.mean_seconds, 2) if row.mean_seconds is not None else None}
            for rank, row in enumerate(state.leaderboard, start=1)]
    return pd.DataFrame(rows).set_index(_("rank")) if rows else pd.DataFrame()


def leaderboard_ui(state: ClassState, top: int | None) -> None:
    """The leaderboard, or its ``top`` rows and how many follow: a class of 100 must not push the round off the
    projector."""
    table = leaderboard_table(state)
    shown = styled_numbers(table if top is None else table.head(top), {_("accuracy (%)"): 1, _("mean time (s)"): 2})
    st.dataframe(shown,
                 column_config={_("mean time (s)"): st.column_config.NumberColumn(help=_(
                     "Time: from the round's start to the answer, in seconds; the model's is the time it takes to "
                     "score the candidates."))})
    if top is not None and len(table) > top:
        st.caption(_("... and {count} more players.").format(count=len(table) - top))


HIDDEN_SIDEBAR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
{ display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 3rem !important; }
</style>"""
PROJECTING = "class_projecting"  # this run draws the projector's page in projector mode


def _toggle_sidebar() -> None:
    st.session_state[SIDEBAR] = not st.session_state.get(SIDEBAR, False)


def class_projector_layout(projecting: bool) -> None:
    """On the projector (projector mode, the host's page) the sidebar is hidden, so that the class has the whole
    screen, until the lecturer brings it back (:func:`sidebar_control_ui`)."""
    st.session_state[PROJECTING] = projecting
    if projecting and not st.session_state.get(SIDEBAR):
        st.markdown(HIDDEN_SIDEBAR_CSS, unsafe_allow_html=True)


def sidebar_control_ui() -> None:
    """A small button that shows or hides the projector's sidebar again."""
    if st.session_state.get(PROJECTING):
        shown = st.session_state.get(SIDEBAR, False)
        st.button(_("Hide the sidebar") if shown else _("Show the sidebar"), key="class_sidebar", type="tertiary",
                  on_click=_toggle_sidebar)


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


def done_ui(version: str) -> None:
    """What the last projector action did, shown for as long as the class stays at the stage ``version`` it was first
    shown at: the projector's page may run again at once (its component asks when it hears of the same change)."""
    done = st.session_state.get(DONE)
    if not isinstance(done, dict):
        st.session_state.pop(DONE, None)
        return
    shown_at = done.setdefault("version", version)
    if shown_at != version:
        st.session_state.pop(DONE, None)
        return
    st.success(str(done.get("message", "")))


@st.fragment
def remove_player_ui(players: Callable[[], list[Player]], remove: Callable[[int], str]) -> None:
    """The projector's small control that takes a player out of the class. Opening it reruns only this fragment and
    reads the players then (``players()``; they join without the projector's page running); ``remove(player_id)``
    returns the nickname, and the workflow refuses anyone but the teacher. After a removal the whole page runs again."""
    popover = st.popover(_("Remove a player"), icon=":material/person_remove:", type="tertiary",
                         key="class_remove_popover", on_change="rerun")
    if not popover.open:
        return
    with popover:
        names = {player.id: player.nickname for player in players()}
        if not names:
            st.caption(_("Nobody has joined yet."))
            return
        chosen = st.selectbox(_("Player"), list(names), format_func=names.get, key="class_remove_player")
        if st.button(_("Remove from the class"), key="class_remove", type="primary"):
            def removed() -> None:
                st.session_state[DONE] = {"message": _("{nickname} is no longer in the class; their device has been "
                                                       "told.").format(nickname=remove(int(chosen)))}
            act(removed)
            st.rerun(scope="app")  # the counts, the leaderboard and the outcome; the popover stays open for the next
