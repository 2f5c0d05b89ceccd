"""The lesson in a live class, in real browsers: the teacher's projector (1280x720) moves through four lesson steps and
two students' devices (a phone and a laptop) follow each to the step's page; a student who goes exploring stays where
they went, is offered "Follow the teacher", and lands on the teacher's current step when they press it."""

from __future__ import annotations

import re
import time

from tests.e2e.class_round import SCREENSHOTS, join, start_class
from tests.e2e.conftest import wait_idle

# step as chosen on the projector -> (URL path, the page's title)
STEPS = {"1. Omniglot: 1,623 characters, 20 drawers each": ("omniglot", "Omniglot dataset"),
         "4. ROC and EER": ("roc", "Verification and ROC"),
         "5. 16-way one-shot": ("quiz", "N-way one-shot learning"),
         "6. Nearest-template classification": ("nearest", "Nearest-neighbour classification")}


def on_page(student, path: str, title: str) -> None:  # type: ignore[no-untyped-def]
    student.wait_for_url(re.compile(rf"/{path}(\?|$)"), timeout=90_000)
    student.get_by_role("heading", name=title).first.wait_for(timeout=90_000)


def followed(students: dict, path: str, title: str, started: float) -> None:
    for nickname, student in students.items():
        on_page(student, path, title)
        print(f"{nickname} on /{path} {time.perf_counter() - started:.1f} s after the teacher's move")


def choose(teacher, step: str) -> float:  # type: ignore[no-untyped-def]
    """The teacher picks ``step`` in the lesson's step chooser; returns when the move was made."""
    teacher.get_by_role("combobox", name="Step").click()
    started = time.perf_counter()
    teacher.get_by_role("option", name=step).click()
    teacher.get_by_role("heading", name=step.split(". ", 1)[1]).wait_for()
    return started


def test_students_follow_the_teacher_s_lesson(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    laptop = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        teacher = projector.new_page()
        teacher.set_default_timeout(90_000)
        code = start_class(teacher, server_url)
        students = {"Ana": phone.new_page(), "Bruno": laptop.new_page()}
        for nickname, student in students.items():
            student.set_default_timeout(90_000)
            join(student, server_url, code, nickname)
            wait_idle(student)

        wait_idle(teacher)
        teacher.screenshot(path=str(SCREENSHOTS / "lesson-class-projector-1280x720.png"))  # the link to the lesson
        started = time.perf_counter()  # the projector opens the lesson: the class is on its first step
        teacher.get_by_role("link", name=re.compile("^Lesson: not started")).click()
        teacher.get_by_role("heading", name="Omniglot: 1,623 characters, 20 drawers each").wait_for()
        followed(students, *STEPS["1. Omniglot: 1,623 characters, 20 drawers each"], started)
        followed(students, *STEPS["4. ROC and EER"], choose(teacher, "4. ROC and EER"))
        for step in ("5. 16-way one-shot", "6. Nearest-template classification"):
            started = time.perf_counter()
            teacher.get_by_role("button", name="Next").click()
            teacher.get_by_role("heading", name=step.split(". ", 1)[1]).wait_for()
            followed(students, *STEPS[step], started)
            if step.startswith("5."):  # the link's settings, not those the ROC page left in the session
                for student in students.values():
                    assert student.get_by_role("checkbox", name="All candidates from the query's alphabet").is_checked()
                wait_idle(teacher)
                teacher.screenshot(path=str(SCREENSHOTS / "lesson-projector-1280x720.png"))
                wait_idle(students["Ana"])
                students["Ana"].screenshot(path=str(SCREENSHOTS / "lesson-student-phone.png"))

        bruno = students["Bruno"]  # explores on his own: he no longer follows
        bruno.get_by_role("link", name="Embedding map").click()
        on_page(bruno, "map", "Embedding map")
        wait_idle(bruno)
        started = time.perf_counter()
        teacher.get_by_role("button", name="Next").click()
        followed({"Ana": students["Ana"]}, "distance", "Two drawings, one distance", started)
        back = bruno.get_by_role("button", name="Follow the teacher: Two drawings, one distance")
        back.wait_for()  # the sidebar names the teacher's new step
        assert re.search(r"/map(\?|$)", bruno.url)
        wait_idle(bruno)
        back.scroll_into_view_if_needed()
        bruno.screenshot(path=str(SCREENSHOTS / "lesson-student-exploring-1280x720.png"))
        back.click()
        on_page(bruno, "distance", "Two drawings, one distance")
        for page in (teacher, *students.values()):
            assert page.get_by_text("Traceback").count() == 0
    finally:
        for context in (projector, phone, laptop):
            context.close()
