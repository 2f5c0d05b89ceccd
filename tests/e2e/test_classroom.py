"""A live class on one server in real browsers: a projector at 1280x720 and three students (one on a phone-sized
screen); rounds reach the students and their answers reach the projector without a reload."""

from __future__ import annotations

from tests.e2e.class_round import SCREENSHOTS, STUDENTS, join, run_round, start_class, wait_idle


def test_a_class_with_a_teacher_and_three_students(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    phones = [browser.new_context(viewport={"width": 390, "height": 844} if i == 0 else {"width": 1280, "height": 720})
              for i in range(len(STUDENTS))]
    try:
        teacher = projector.new_page()
        teacher.set_default_timeout(90_000)
        code = start_class(teacher, server_url)
        wait_idle(teacher)
        teacher.screenshot(path=str(SCREENSHOTS / "class-join-1280x720.png"))
        students = []
        for context, nickname in zip(phones, STUDENTS):
            student = context.new_page()
            student.set_default_timeout(90_000)
            join(student, server_url, code, nickname)
            students.append(student)
        teacher.get_by_text("3", exact=True).first.wait_for(timeout=15_000)  # "Students in the class: 3", live

        run_round(teacher, students, 5, [1, 2, 3])
        wait_idle(students[0])
        students[0].screenshot(path=str(SCREENSHOTS / "class-student-phone.png"), full_page=True)
        result = run_round(teacher, students, 20, [4, 5, 6], shot="class-reveal-1280x720.png")
        assert result["number"] == 2
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
        assert teacher.get_by_text("Traceback").count() == 0
    finally:
        projector.close()
        for context in phones:
            context.close()
