"""Live class: the lecturer runs rounds of the N-way one-shot quiz on the projector; every student answers on their
own device; the model plays too.

The projector's page (``/class?class=CODE&host=1``, teacher only) and a student's page (``/class?class=CODE``) both
poll the shared database once a second in a small fragment, and redraw the whole page only when something they show
changed (a new round, a reveal, the end), so 30 students cost the server a few queries a second, not 30 page runs.
"""

from __future__ import annotations



import streamlit as st

from lab.classroom.plots import answer_histogram, class_against_model
from lab.classroom.qr import qr_png
from lab.data.omniglot import OmniglotSet
from lab.errors import LabError
from lab.i18n import _, ngettext
from lab.plots import candidate_similarities
from lab.workflows.evaluation import Evaluation
from lab.workflows.classroom import (HUMANS_PUBLISHED, ROUND_WAYS, ClassState, PlayerView, answer_round, class_stage,
                                     class_state, class_summary, end, find_class, join_class, join_url, open_classes,
                                     player_view, reveal, start_class, start_round)
from ui.model_chooser import evaluation_or_explain
from ui.omniglot_data import load_set_or_explain
from ui.projector import projected
from ui.classroom import act, drawn, leaderboard_table, redraw_when_changed, refusal_ui, show_task
from ui.roles import current_role, is_teacher, teacher_only_note

POLL_SECONDS = 1.5  # within the 2 s the issue asks for; 30 students at 1 Hz took a whole core of polls alone
PAGE = "views/classroom.py"
PLAYER = "class_player"  # this session's membership: {"code", "token", "nickname"}


# --- -----------------------------------------------------------------------------------------
# --- the projector (teacher) ----------------------------------------------------------------------------------
@st.fragment(run_every=POLL_SECONDS)
def live_counts(code: str) -> None:
    try:
        state = class_state(code, with_results=False)
    except LabError as exc:
        st.error(str(exc))
        return
    if state.round is None:
        st.metric(_("Students in the class"), state.players)
    else:
        students, answers = st.columns(2)
        students.metric(_("Students"), state.players)
        answers.metric(_("Answers to round {number}").format(number=state.round.number),
                       f"{state.answered} / {state.players}")
    redraw_when_changed(state.stage)


def top_panel(code: str, title: str, joining: bool) -> None:
    """One row: how to join (address, code, QR code) and who is in. While students join (``joining``) the QR code is
    large; once rounds run the row shrinks, so that the round and its verdict fit on the projector without scrolling."""
    address = join_url(st.context.url or "", code)
    how, qr, counts = st.columns([5, 3, 3] if joining else [4, 1, 4])
    with how:
        if joining:
            st.markdown(f"**{title}**")
            st.markdown(_("Join at **{address}** with the code").format(address=address))
        size = "2.6em" if joining else "1.5em"
        st.markdown(f"<p style='font-size:{size};font-weight:700;letter-spacing:0.12em;margin:0'>{code}</p>",
                    unsafe_allow_html=True)
        if not joining:
            st.caption(_("Join at {address}").format(address=address))
    qr.image(qr_png(address), caption=_("Scan to join") if joining else None, width=220 if joining else 90)
    with counts:
        live_counts(code)


def host_controls(code: str, state: ClassState, evaluation: Evaluation) -> None:
    columns = st.columns([4, 3, 3, 3])
    columns[0].radio(_("Candidates (N)"), ROUND_WAYS, index=len(ROUND_WAYS) - 1, key="round_ways",
                     horizontal=True)
    next_number = (state.round.number + 1) if state.round else 1
    columns[1].button(_("Start round {number}").format(number=next_number), key="round_start", type="primary",
                      width="stretch", on_click=act, args=(lambda: start_round(
                          code, int(st.session_state["round_ways"]), role=current_role(), evaluation=evaluation),))
    can_reveal = state.round is not None and not state.round.revealed
    columns[2].button(_("Reveal answer"), key="round_reveal", disabled=not can_reveal, width="stretch",
                      on_click=act, args=(lambda: reveal(code, role=current_role()),))
    columns[3].button(_("End class"), key="class_end", width="stretch",
                      on_click=act, args=(lambda: end(code, role=current_role()),))
    refusal_ui()


def summary_ui(code: str, state: ClassState) -> None:
    summary = class_summary(code)
    model_name = state.round.model_name if state.round else "-"
    st.subheader(_("The class against the model"))
    if summary.class_accuracy is None:
        st.info(_("No answers were given in this class."))
    st.plotly_chart(projected(class_against_model(summary.class_accuracy, summary.model_accuracy, HUMANS_PUBLISHED,
                                                  model_name)), key="class_summary")
    st.caption(_("{rounds}, {answers} answers. Lake et al. (2015) report 95.5% for people on 20-way within-alphabet "
                 "tasks; rounds with fewer candidates are easier.").format(
        rounds=ngettext("{n} round", "{n} rounds", summary.rounds).format(n=summary.rounds), answers=summary.answers))


def host_ui(code: str, evaluation: Evaluation) -> None:
    try:
        state = class_state(code)
    except LabError as exc:
        st.error(str(exc))
        return
    projector_page(code, evaluation, state)
    drawn(state.stage)  # only once the page is drawn whole: see ui.classroom.redraw_when_changed


def projector_page(code: str, evaluation: Evaluation, state: ClassState) -> None:
    data = evaluation.data
    if state.info.ended:
        st.subheader(state.info.title)
        st.success(_("This class has ended."))
        summary_ui(code, state)
        st.dataframe(leaderboard_table(state))
        return
    top_panel(code, state.info.title, joining=state.round is None)
    host_controls(code, state, evaluation)
    task = state.round
    if task is None:
        st.info(_("Students join with the code or the QR code. Start the first round when they are in."))
        return
    st.markdown("**" + _("Round {number}: which candidate is the same character as the query?").format(
        number=task.number) + "**")
    if task.revealed:
        model = (_("The model ({name}) was right.") if task.model_answer == task.answer else
                 _("The model ({name}) was wrong: it picked {choice}.")).format(name=task.model_name,
                                                                                choice=task.model_answer + 1)
        st.success(_("The right answer is candidate {number}.").format(number=task.answer + 1) + " " + model)
        charts = st.columns(2)
        with charts[0]:
            st.plotly_chart(projected(answer_histogram(state.choices, task.answer, task.model_answer)),
                            key="class_histogram")
        with charts[1]:
            figure = candidate_similarities(list(task.model_similarities), task.answer, task.model_answer)
            figure.update_layout(title=_("The model's similarity per candidate"))
            st.plotly_chart(projected(figure), key="class_similarities")
    show_task(data, task, on_answer=None, marks=task.revealed)
    if task.revealed:
        st.subheader(_("Leaderboard: students and the model"))
        st.dataframe(leaderboard_table(state))
        st.caption(_("Time: from the round's start to the answer, in seconds; the model's is the time it takes to "
                     "score the candidates."))


# --- a student's device -----------------------------------------------------------------------------------------
@st.cache_data(ttl=POLL_SECONDS / 2, show_spinner=False, max_entries=64)
def shared_stage(code: str) -> tuple:
    """A class's stage, read at most twice a second per server whatever the number of students polling it."""
    return class_stage(code)


@st.fragment(run_every=POLL_SECONDS)
def student_poll(code: str) -> None:
    """The only thing a student's page does every second: one cached lookup, and a redraw when the class moved on.
    The student's own answer needs no poll: their click redraws the page."""
    try:
        stage = shared_stage(code)
    except LabError:
        return  # the page itself shows what is wrong
    redraw_when_changed(stage)


def join(typed: str, nickname: str) -> None:
    player = join_class(typed, nickname)
    found = find_class(typed)
    st.session_state[PLAYER] = {"code": found.code, "token": player.token, "nickname": player.nickname}
    st.query_params["class"] = found.code


def join_ui(code: str) -> None:
    st.subheader(_("Join a class"))
    with st.form("join"):
        st.text_input(_("Class code (on the projector)"), value=code, max_chars=16, key="class_code")
        st.text_input(_("Nickname (shown on the projector)"), max_chars=20, key="nickname")
        st.form_submit_button(_("Join the class"), type="primary", key="class_join", on_click=act, args=(
            lambda: join(st.session_state["class_code"], st.session_state["nickname"]),))
    refusal_ui()


def student_round_ui(view: PlayerView, data: OmniglotSet) -> None:
    task = view.round
    if task is None:
        st.info(_("Waiting for the teacher to start the first round..."))
        return
    st.subheader(_("Round {number}: which candidate is the same character as the query?").format(number=task.number))
    if task.revealed:
        if view.choice is None:
            st.warning(_("You did not answer. The right answer was candidate {number}.").format(number=task.answer + 1))
        elif view.choice == task.answer:
            st.success(_("Right! Candidate {number}.").format(number=task.answer + 1))
        else:
            st.error(_("Not this time: you picked {choice}, the answer was {number}.").format(
                choice=view.choice + 1, number=task.answer + 1))
        st.caption(_("The model picked candidate {choice}. Wait for the next round.").format(
            choice=task.model_answer + 1))
    elif view.choice is not None:
        st.info(_("Your answer: candidate {choice}. Wait for the teacher to reveal the answer.").format(
            choice=view.choice + 1))
    open_to_answer = not task.revealed and view.choice is None

    def answer(choice: int) -> None:
        act(lambda: answer_round(view.player.token, task.number, choice))

    show_task(data, task, on_answer=answer if open_to_answer else None, marks=task.revealed)
    refusal_ui()


def student_ui(membership: dict, data: OmniglotSet) -> None:
    try:
        view = player_view(membership["code"], membership["token"])
    except LabError as exc:
        st.error(str(exc))
        st.session_state.pop(PLAYER, None)
        return
    student_page(view, data)
    drawn(view.stage)  # only once the page is drawn whole: see ui.classroom.redraw_when_changed


def student_page(view: PlayerView, data: OmniglotSet) -> None:
    st.subheader(view.info.title)
    st.caption(_("You are **{nickname}** in class {code}: {correct} right of {answered} answered.").format(
        nickname=view.player.nickname, code=view.info.code, correct=view.correct, answered=view.answered))
    if view.info.ended:
        st.success(_("The class has ended: thank you! Your score: {correct} right of {answered}.").format(
            correct=view.correct, answered=view.answered))
        return
    student_poll(view.info.code)
    student_round_ui(view, data)


# --- the landing page -----------------------------------------------------------------------------------------
def teacher_start_ui() -> None:
    st.subheader(_("Run a class"))
    if not is_teacher():
        teacher_only_note(_("start a class"))
        return
    with st.form("start_class"):
        title = st.text_input(_("Title shown on the projector"), value=_("One-shot learning: you against the model"),
                              max_chars=80, key="class_title")
        started = st.form_submit_button(_("Start a class"), type="primary", key="class_start")
    if started:
        try:
            info = start_class(title, role=current_role())
        except LabError as exc:
            st.error(str(exc))
            return
        st.query_params.update({"class": info.code, "host": "1"})
        st.rerun()
    running = open_classes()
    if running:
        st.markdown(_("Classes not ended yet (open one again on the projector):"))
        for info in running[:5]:
            st.page_link(PAGE, label=f"{info.code}: {info.title}",
                         query_params={"class": info.code, "host": "1"})


def main() -> None:
    code = str(st.query_params.get("class", "")).strip()
    membership = st.session_state.get(PLAYER)
    hosting = st.query_params.get("host") == "1"
    if hosting and code and not is_teacher():
        teacher_only_note(_("show the class on the projector"))
        hosting = False
    if not hosting:
        st.title(_("Live class"))
    if hosting:
        evaluation = evaluation_or_explain()  # the model that plays (chosen in the sidebar), with the drawings
        if evaluation is not None:
            host_ui(code, evaluation)
        return
    if membership and (membership["code"] == code or not code):
        data = load_set_or_explain("evaluation")
        if data is not None:
            student_ui(membership, data)
        return
    st.markdown(_("A live round of the N-way one-shot quiz: everyone sees the same drawings on their own device, picks "
                  "the candidate of the same character as the query, and the model plays too."))
    left, right = st.columns(2)
    with left:
        join_ui(code)
    with right:
        teacher_start_ui()


main()
