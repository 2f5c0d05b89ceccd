"""A live class on one server in real browsers: a projector at 1280x720 and three students (one on a phone-sized
screen, who joins through the address the projector shows); rounds reach the students and their answers reach the
projector without a reload, and without a single script run on the students' pages."""

from __future__ import annotations

import re

from tests.e2e.class_round import (SCREENSHOTS, STUDENTS, ScriptRuns, join, join_at, on_this_machine, run_round,
                                   shown_join_address, start_class, wait_idle)
from tests.e2e.conftest import ARTIFACTS, running_app


def test_a_class_with_a_teacher_and_three_students(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    phones = [browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) if i == 0
              else browser.new_context(viewport={"width": 1280, "height": 720}) for i in range(len(STUDENTS))]
    try:
        teacher = projector.new_page()
        teacher.set_default_timeout(90_000)
        code = start_class(teacher, server_url)
        wait_idle(teacher)
        teacher.screenshot(path=str(SCREENSHOTS / "class-join-1280x720.png"))
        address = shown_join_address(teacher)  # this machine's network address (or the balancer's), not 127.0.0.1
        assert address.endswith(f"/class?class={code}") and server_url.rsplit(":", 1)[1] in address
        students, runs = [], []
        for number, (context, nickname) in enumerate(zip(phones, STUDENTS)):
            student = context.new_page()
            student.set_default_timeout(90_000)
            runs.append(ScriptRuns(student))
            if number == 0:  # the phone scans the QR code: the projector's address, only its host made 127.0.0.1
                join_at(student, on_this_machine(address), code, nickname)
            else:
                join(student, server_url, code, nickname)
            wait_idle(student)
            students.append(student)
        teacher.locator(".oneshot-live").get_by_text("3", exact=True).wait_for(timeout=15_000)  # "Students: 3", live
        joined = [r.count for r in runs]

        run_round(teacher, students, 5, [1, 2, 3])
        wait_idle(students[0])
        students[0].screenshot(path=str(SCREENSHOTS / "class-student-phone.png"), full_page=True)
        result = run_round(teacher, students, 20, [4, 5, 6], shot="class-reveal-1280x720.png")
        assert result["number"] == 2
        # Two rounds started, answered and revealed: not one script run on any student's page (no polling fragment).
        assert [r.count for r in runs] == joined
        teacher.set_viewport_size({"width": 1920, "height": 1080})
        wait_idle(teacher)
        teacher.screenshot(path=str(SCREENSHOTS / "class-reveal-1920x1080.png"))
        teacher.set_viewport_size({"width": 1280, "height": 720})

        teacher.get_by_role("button", name="End class").click()
        teacher.get_by_text("This class has ended.").wait_for()
        teacher.get_by_text("The class against the model").wait_for()
        wait_idle(teacher)
        teacher.screenshot(path=str(SCREENSHOTS / "class-end-1280x720.png"), full_page=True)
        for student in students:
            student.get_by_text("The class has ended: thank you!").wait_for(timeout=15_000)
        assert [r.count - j for r, j in zip(runs, joined)] == [1, 1, 1]  # the end: one run each, asked by the component
        assert teacher.get_by_text("Traceback").count() == 0
    finally:
        projector.close()
        for context in phones:
            context.close()


def test_the_projector_shows_the_public_address(browser, session_cache, face_environment) -> None:  # type: ignore[no-untyped-def]
    public = "https://oneshot.example.org/lab"
    # Behind a proxy the laptop's browser cannot be told from a student's: with no password the server makes one.
    with running_app("streamlit-public-url.log", ONESHOT_PUBLIC_URL=public) as url:
        log = (ARTIFACTS / "streamlit-public-url.log").read_text()
        password = re.search(r"this run's teacher password is (\S+) ", log).group(1)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            teacher = context.new_page()
            teacher.set_default_timeout(90_000)
            code = start_class(teacher, url, password)
            assert shown_join_address(teacher) == f"{public}/class?class={code}"
            teacher.get_by_text("The public address set by ONESHOT_PUBLIC_URL.").wait_for()
        finally:
            context.close()
