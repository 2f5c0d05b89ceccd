"""The lesson in a live class: the step's page and its link, the class a teacher's projector hosts, and a joined
student's device following the teacher's steps (mounted by app.py on every page).

**Following.** A student's session has joined a class when ``st.session_state["class_player"]`` holds its membership
(views/class.py). It follows the teacher from the moment it joins: whenever the class's lesson step differs from
the step this session was last sent to, the run switches to that step's page with its settings. On every page but
the Class page (whose own component watches the stage) a small watcher (ui/class_live.py, "follow" mode) holds the
class's long poll and asks for one rerun when the teacher moves, so a step change costs each device one script run
(plus the switch's run).

Following **stops** on the first run in which the page is not the page of the step this session was sent to: the
student opened another page (the navigation, a link, a typed address). The rerun that ``st.switch_page`` itself causes
lands on the step's page, so it never counts as leaving; changing the settings of the step's page (the same page) does
not either. A student who left sees "Follow the teacher" with the teacher's current step in the sidebar (kept current
by the same watcher); pressing it sends the device to that step and following **resumes**. Joining another class
starts following again.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lab.classroom.rooms import ClassInfo, class_of_player
from lab.errors import LabError
from lab.i18n import _
from lab.lesson import STEPS, LessonStep, UnknownStepError, find_step, step_number
from ui.class_live import follow_live_ui

PLAYER = "class_player"  # views/class.py: this session's membership {"code", "token", "nickname"}
HOSTED = "class_hosted"  # the class this teacher's projector last showed (views/class.py)
GOING = "lesson_going_to"  # the step this device is on its way to (between the two runs of follow_ui)
FOLLOW = "lesson_follow_state"  # {"code": class, "following": bool, "step": the step this session was sent to}


def page_file(path: str) -> str:
    """The file of the page at URL path ``path``: a page file is named after its path (app.py's PAGES)."""
    return f"views/{path.replace('-', '_')}.py"


# The file of each page a step opens, by URL path (tests/unit/test_lesson.py checks them against app.py).
PAGE_FILES = {step.page: page_file(step.page) for step in STEPS}
LESSON_PAGE = page_file("lesson")


def step_heading(step: LessonStep) -> str:
    return _("Step {number} of {total}: {title}").format(number=step_number(step.id), total=len(STEPS),
                                                         title=_(step.title))


def step_params(step: LessonStep, code: str | None, host: bool = False) -> dict[str, str]:
    """The step page's settings; the Class page's step names the class (the projector's: as its host)."""
    params = step.query_params()
    if step.page == "class" and code:
        params.update({"class": code, "host": "1"} if host else {"class": code})
    return params


def open_step_link(step: LessonStep, code: str | None = None, host: bool = False) -> None:
    st.page_link(PAGE_FILES[step.page], label=_("Open the page: {title}").format(title=_(step.title)),
                 icon=":material/open_in_new:", query_params=step_params(step, code, host))


def known_step(step_id: str | None) -> LessonStep | None:
    try:
        return find_step(step_id) if step_id else None
    except UnknownStepError:
        return None


def lesson_note_ui(info: ClassInfo) -> None:
    """The Class page's projector: which lesson step the class is on, and a link to the lesson."""
    st.session_state[HOSTED] = info.code
    step = known_step(info.lesson_step)
    label = (_("Lesson: {heading}").format(heading=step_heading(step)) if step
             else _("Lesson: not started (students' devices follow its steps)"))
    st.page_link(LESSON_PAGE, label=label, icon=":material/school:", query_params={"class": info.code})


def switch_to_step(step: LessonStep, code: str) -> None:
    """``st.switch_page`` to the step's page with its settings. A value that a widget of the same key kept in the
    session (``within`` on the ROC page, then on the quiz) would win over the URL, so the step's keys are dropped from
    the session state. The switch refuses to set a URL parameter that a widget of the page being left still binds
    (ui.settings.BIND): it runs in a run that drew no page (:func:`follow_ui`), whose end released them."""
    for key in step.query_params():
        st.session_state.pop(key, None)
    st.switch_page(PAGE_FILES[step.page], query_params=step_params(step, code))


# --- a joined student's device ---------------------------------------------------------------------------------
def _resume() -> None:
    state = st.session_state.get(FOLLOW)
    if isinstance(state, dict):
        state.update(following=True, step=None)


def _follow_state(code: str) -> dict:
    state = st.session_state.get(FOLLOW)
    if not isinstance(state, dict) or state.get("code") != code:
        state = {"code": code, "following": True, "step": None}
        st.session_state[FOLLOW] = state
    return state


def follow_ui(page_path: str, slot: DeltaGenerator) -> bool:
    """On every page, before it runs: a joined student's device goes where the teacher's lesson is (see above);
    ``slot``: the top of the sidebar, for its watcher and the "Follow the teacher" button. True when this run must not
    draw its page: the device is on its way to the step's page.

    The way there takes two runs, with public APIs only: this one draws no page, so at its end Streamlit releases the
    URL parameters that the left page's widgets bound (``st.switch_page`` refuses to set a bound one, such as ``within``
    from the ROC page on the way to the quiz); the watcher, mounted with the step to go to, asks at once for the next
    run, which switches."""
    going = st.session_state.pop(GOING, None)  # set by the previous run only: never left over for a later class
    membership = st.session_state.get(PLAYER)
    if not isinstance(membership, dict):
        return False
    try:
        info = class_of_player(str(membership.get("code", "")), str(membership.get("token", "")))
    except LabError:  # the class is gone, or the teacher removed this player: the Class page says so
        return False
    if info.ended:
        return False
    state, step = _follow_state(info.code), known_step(info.lesson_step)
    if isinstance(going, dict) and going.get("from") == page_path and state["following"]:
        target = known_step(going.get("step"))  # (a page the student opened between the two runs wins)
        if target is not None:
            switch_to_step(target, info.code)
    sent = known_step(state["step"])
    if state["following"] and sent is not None and page_path != sent.page:
        state["following"] = False  # the student opened another page themselves
    if state["following"] and step is not None and step.id != state["step"]:
        state["step"] = step.id
        st.session_state[GOING] = {"step": step.id, "from": page_path}
        st.caption(_("Following the teacher to {heading}...").format(heading=step_heading(step)))
        with slot:
            follow_live_ui(info.code, info.lesson_step, go=step.id)
        return True
    if page_path != "class":  # the Class page's own component watches the stage (and the lesson step)
        with slot:
            follow_live_ui(info.code, info.lesson_step)
    if step is not None:
        following_ui(step, state["following"], slot)
    return False


def following_ui(step: LessonStep, following: bool, slot: DeltaGenerator) -> None:
    if following:
        st.info("**" + step_heading(step) + "**" + ("  \n" + _(step.exercise) if step.exercise else ""),
                icon=":material/school:")
        return
    with slot:
        st.caption(_("You left the teacher's lesson to explore. The class is on: {heading}").format(
            heading=step_heading(step)))
        st.button(_("Follow the teacher: {title}").format(title=_(step.title)), key="lesson_follow_again",
                  type="primary", icon=":material/school:", on_click=_resume)
