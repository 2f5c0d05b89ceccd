"""Live class: the lecturer runs rounds of the N-way one-shot quiz on the projector; every student answers on their
own device; the model plays too.

The projector's page (``/class?class=CODE&host=1``, teacher only) and a student's page (``/class?class=CODE``) hold a
small component (ui/class_live.py) that watches the class through a long poll on the server's class route
(api/classroom.py). On a student's device it draws each round and sends the answer itself, so that waiting, a new
round and an answer cost the server no script run; the projector's page is drawn again when the stage changes.
"""

from __future__ import annotations



import streamlit as st

from lab.classroom.qr import qr_png
from lab.errors import LabError
from lab.figures.classroom import answer_histogram, class_against_model
from lab.figures.omniglot import candidate_similarities
from lab.i18n import _, ngettext
from lab.workflows.coded_set import CodedSet
from lab.workflows.face_round import class_face_view
from lab.classroom.live import stage_version
from lab.workflows.classroom import (HUMANS_PUBLISHED, ROUND_WAYS, ClassState, PlayerView, Round, class_players,
                                     class_state, class_summary, end, find_class, join, open_classes, player_view,
                                     remove, reveal, start_class, start_round, students_join_address)
from ui.model_chooser import evaluation_or_explain
from ui.projector import projected, projector_on
from ui.class_live import projector_live_ui, student_live_ui
from ui.face_round import (faces_shown_ui, face_round_projector_ui, face_round_student_ui, face_round_switch_ui,
                           kept_faces_ui)
from ui.classroom import (act, class_projector_layout, done_ui, leaderboard_ui, refusal_ui, remove_player_ui,
                          show_task, sidebar_control_ui)
from ui.lesson import lesson_note_ui
from ui.roles import current_role, is_teacher, teacher_only_note

PAGE = "views/class.py"
PLAYER = "class_player"  # this session's membership: {"code", "token", "nickname"}


# --- -----------------------------------------------------------------------------------------
# --- the projector (teacher) ----------------------------------------------------------------------------------
def top_panel(code: str, title: str, joining: bool, drawn: str) -> None:
    """One row: how to join (address, code, QR code) and who is in. While students join (``joining``) the QR code is
    large; once rounds run the row shrinks, so that the round and its verdict fit on the projector without scrolling."""
    joining_at = students_join_address(st.context.url or "", code)
    address = joining_at.url
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
        if joining:
            join_address_note(joining_at.source)
        sidebar_control_ui()
    qr.image(qr_png(address), caption=_("Scan to join") if joining else None, width=220 if joining else 90)
    with counts:
        projector_live_ui(code, drawn)  # the counts, live; the page is drawn again on a new stage
        remove_player_ui(lambda: class_players(code), lambda player_id: remove(code, player_id, role=current_role()))


def join_address_note(source: str) -> None:
    """Which address the students use, and why: the projector's browser may be on localhost."""
    if source == "network":
        st.caption(_("This laptop's address on the room's network: students' devices must be on the same network. "
                     "(Set ONESHOT_PUBLIC_URL to show another address.)"))
    elif source == "public":
        st.caption(_("The public address set by ONESHOT_PUBLIC_URL."))
    elif source == "loopback":
        st.warning(_("No network address found: phones cannot open a localhost address. Connect this laptop to the "
                     "room's network and reload, or set ONESHOT_PUBLIC_URL."))


def host_controls(code: str, state: ClassState, evaluation: CodedSet) -> None:
    if state.info.faces_open:  # the quiz's controls wait for "Back to the quiz"
        columns = st.columns([3, 3, 6])
        face_round_switch_ui(code, True, columns[0])
        end_class_ui(code, columns[1])
        faces_shown_ui(code, state.info.faces_shown, columns[2])
        refusal_ui()
        done_ui(stage_version(state.stage))
        return
    columns = st.columns([4, 3, 3, 3, 3])
    columns[0].radio(_("Candidates (N)"), ROUND_WAYS, index=len(ROUND_WAYS) - 1, key="round_ways",
                     horizontal=True)
    next_number = (state.round.number + 1) if state.round else 1
    columns[1].button(_("Start round {number}").format(number=next_number), key="round_start", type="primary",
                      width="stretch", on_click=act, args=(lambda: start_round(
                          code, int(st.session_state["round_ways"]), role=current_role(), evaluation=evaluation),))
    can_reveal = state.round is not None and not state.round.revealed
    columns[2].button(_("Reveal answer"), key="round_reveal", disabled=not can_reveal, width="stretch",
                      on_click=act, args=(lambda: reveal(code, role=current_role()),))
    face_round_switch_ui(code, False, columns[3])
    end_class_ui(code, columns[4])
    refusal_ui()
    done_ui(stage_version(state.stage))


def end_class_ui(code: str, column: st.delta_generator.DeltaGenerator) -> None:
    column.button(_("End class"), key="class_end", width="stretch", on_click=act,
                  args=(lambda: end(code, role=current_role()),))


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


def verdict_ui(task: Round) -> None:
    model = (_("The model ({name}) was right.") if task.model_answer == task.answer else
             _("The model ({name}) was wrong: it picked {choice}.")).format(name=task.model_name,
                                                                            choice=task.model_answer + 1)
    st.success(_("The right answer is candidate {number}.").format(number=task.answer + 1) + " " + model)


def host_ui(code: str, evaluation: CodedSet) -> None:
    try:
        state = class_state(code)
    except LabError as exc:
        st.error(str(exc))
        return
    projector_page(code, evaluation, state)


def projector_page(code: str, evaluation: CodedSet, state: ClassState) -> None:
    data = evaluation.data
    if state.info.ended:
        st.subheader(state.info.title)
        st.success(_("This class has ended."))
        summary_ui(code, state)
        leaderboard_ui(state, top=None)
        return
    drawn = stage_version(state.stage)
    faces = class_face_view(code) if state.info.faces_open else None
    if faces is not None:  # the projector's page is drawn again on every face given or deleted too
        drawn = f"{drawn}/{faces.result.faces}"
    top_panel(state.info.code, state.info.title, joining=state.round is None and faces is None, drawn=drawn)
    lesson_note_ui(state.info)
    host_controls(code, state, evaluation)
    if faces is not None:
        face_round_projector_ui(faces)
        return
    task = state.round
    if task is None:
        st.info(_("Students join with the code or the QR code. Start the first round when they are in."))
        return
    drawings, board = st.columns([3, 2]) if task.revealed else (st.container(), None)
    with drawings:  # the drawings beside the verdict and the leaderboard's top: one screen of a 1280x720 projector
        st.markdown("**" + _("Round {number}: which candidate is the same character as the query?").format(
            number=task.number) + "**")
        show_task(data, task, marks=task.revealed, per_row=10 if projector_on() else 5)
    if board is not None:
        with board:
            verdict_ui(task)
            st.markdown("**" + _("Leaderboard: students and the model") + "**")
            leaderboard_ui(state, top=5)
        charts = st.columns(2)
        with charts[0]:
            st.plotly_chart(projected(answer_histogram(state.choices, task.answer, task.model_answer)),
                            key="class_histogram")
        with charts[1]:
            figure = candidate_similarities(list(task.model_similarities), task.answer, task.model_answer,
                                            title=_("The model's similarity per candidate"))
            st.plotly_chart(projected(figure), key="class_similarities")


# --- a student's device -----------------------------------------------------------------------------------------
def join_as(typed: str, nickname: str) -> None:
    # The device's address as the server saw it (behind a balancer on this machine, the address it forwarded; None on
    # this machine itself): joins are throttled per address.
    player = join(typed, nickname, client=st.context.ip_address)
    found = find_class(typed)
    st.session_state[PLAYER] = {"code": found.code, "token": player.token, "nickname": player.nickname}
    st.query_params["class"] = found.code


def join_ui(code: str) -> None:
    st.subheader(_("Join a class"))
    with st.form("join"):
        st.text_input(_("Class code (on the projector)"), value=code, max_chars=16, key="class_code")
        st.text_input(_("Nickname (shown on the projector)"), max_chars=20, key="nickname")
        st.form_submit_button(_("Join the class"), type="primary", key="class_join", on_click=act, args=(
            lambda: join_as(st.session_state["class_code"], st.session_state["nickname"]),))
    refusal_ui()


def student_ui(membership: dict) -> bool:
    """The student's page; False (after saying why) when this device is no longer in the class: removed by the teacher,
    or the class is gone. The page then offers to join again."""
    try:
        view = player_view(membership["code"], membership["token"])
    except LabError as exc:
        st.error(str(exc))
        st.session_state.pop(PLAYER, None)
        return False
    student_page(view, membership["token"])
    return True


def student_page(view: PlayerView, token: str) -> None:
    st.subheader(view.info.title)
    if view.info.ended:
        st.caption(_("You are **{nickname}** in class {code}: {correct} right of {answered} answered.").format(
            nickname=view.player.nickname, code=view.info.code, correct=view.correct, answered=view.answered))
        st.success(_("The class has ended: thank you! Your score: {correct} right of {answered}.").format(
            correct=view.correct, answered=view.answered))
        return
    # The round is drawn and answered by the component, on the device: no script run per round or per answer.
    student_live_ui(view.info.code, token, stage_version(view.stage), view.info.lesson_step, view.info.activity)
    if view.info.faces_open:
        face_round_student_ui(view.info.code, token)
    else:
        kept_faces_ui(view.info.code, token)


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
    class_projector_layout(hosting and projector_on())
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
    if membership and (membership["code"] == code or not code) and student_ui(membership):
        return
    st.markdown(_("A live round of the N-way one-shot quiz: everyone sees the same drawings on their own device, picks "
                  "the candidate of the same character as the query, and the model plays too."))
    left, right = st.columns(2)
    with left:
        join_ui(code)
    with right:
        teacher_start_ui()


main()
