"""The lesson: the lecture's path of steps (lab.lesson), one at a time, with the step's exercise and a link that opens
its page with its settings.

Alone, a student or a lecturer preparing goes through it at their own pace: previous, next or any step; the step is in
the URL (``/lesson?step=roc``), so a step can be bookmarked. On the projector of a live class (the teacher's session,
with the class in ``?class=CODE`` or the class its Class page last showed), every move puts the class on that step:
the students' devices follow to the step's page (ui/lesson.py).
"""

from __future__ import annotations

import html

import streamlit as st

from lab.classroom.rooms import ClassInfo
from lab.errors import LabError
from lab.i18n import _
from lab.lesson import STEPS, LessonStep, UnknownStepError, find_step, neighbour, step_number
from lab.workflows.classroom import find_class, move_lesson
from ui.classroom import class_projector_layout, sidebar_control_ui
from ui.lesson import HOSTED, PLAYER, known_step, open_step_link
from ui.projector import projector_on
from ui.roles import current_role, is_teacher, teacher_only_note

STEP = "step"  # the URL's parameter


def hosted_class() -> ClassInfo | None:
    """The open class this teacher's projector runs: ``?class=CODE``, else the class the Class page last showed."""
    asked = str(st.query_params.get("class", "")).strip()
    if asked and not is_teacher():
        teacher_only_note(_("move a class through the lesson"))
        return None
    code = asked or st.session_state.get(HOSTED)
    if not code or not is_teacher() or PLAYER in st.session_state and not asked:
        return None
    try:
        info = find_class(code)
    except LabError as exc:
        st.error(str(exc))
        return None
    return None if info.ended else info


def current_step(info: ClassInfo | None) -> LessonStep:
    """The URL's step (a forged one is named, and the first step shown), else the class's, else the first."""
    asked = st.query_params.get(STEP)
    if asked is not None:
        try:
            return find_step(asked)
        except UnknownStepError as exc:
            st.warning(str(exc) + " " + _("This link's step could not be used: choose a step below."))
    return (known_step(info.lesson_step) if info else None) or STEPS[0]


def go(step_id: str) -> None:
    st.query_params[STEP] = step_id


def chosen() -> None:
    go(st.session_state["lesson_choice"])


def moves_ui(step: LessonStep) -> None:
    """Previous, the chooser, next."""
    before, after = neighbour(step.id, -1), neighbour(step.id, 1)
    left, middle, right = st.columns([1, 3, 1], vertical_alignment="bottom")
    left.button(_("Previous"), key="lesson_previous", icon=":material/arrow_back:", disabled=before is None,
                width="stretch", on_click=go, args=(before.id if before else step.id,))
    st.session_state["lesson_choice"] = step.id
    middle.selectbox(_("Step"), [s.id for s in STEPS], key="lesson_choice", on_change=chosen,
                     format_func=lambda i: f"{step_number(i)}. {_(find_step(i).title)}")
    right.button(_("Next"), key="lesson_next", icon=":material/arrow_forward:", disabled=after is None,
                 type="primary", width="stretch", on_click=go, args=(after.id if after else step.id,))


def steps_list(step: LessonStep) -> None:
    """The numbered path, the current step in bold; small, so that all 13 fit beside the step on a projector."""
    def item(shown: LessonStep) -> str:
        title = html.escape(_(shown.title))
        return f"<li><b>{title}</b></li>" if shown.id == step.id else f"<li>{title}</li>"

    items = "".join(item(s) for s in STEPS)
    st.markdown(f"<ol style='font-size:0.85em;line-height:1.4;padding-left:1.4em;margin:0'>{items}</ol>",
                unsafe_allow_html=True)


def step_ui(step: LessonStep, info: ClassInfo | None) -> None:
    st.caption(_("Step {number} of {total}").format(number=step_number(step.id), total=len(STEPS)))
    st.header(_(step.title))
    st.markdown(_(step.text))
    if step.exercise:
        st.info("**" + _("Exercise") + "**  \n" + _(step.exercise), icon=":material/edit_note:")
    open_step_link(step, info.code if info else None, host=info is not None)


def class_sync(info: ClassInfo, step: LessonStep) -> None:
    """The projector shows ``step``: the class is on it (written once per move; the students' devices follow)."""
    if info.lesson_step != step.id:
        try:
            move_lesson(info.code, step.id, role=current_role())
        except LabError as exc:
            st.error(str(exc))
            return
    st.caption(_("Class {code}: the students' devices follow these steps.").format(code=info.code))
    sidebar_control_ui()


def main() -> None:
    info = hosted_class()
    step = current_step(info)
    class_projector_layout(info is not None and projector_on())  # the projector's whole width for the step
    st.title(_("Lesson"))
    if info is not None:
        class_sync(info, step)
    moves_ui(step)
    listing, shown = st.columns([2, 5], gap="large")
    with listing:
        steps_list(step)
    with shown:
        step_ui(step, info)


main()
