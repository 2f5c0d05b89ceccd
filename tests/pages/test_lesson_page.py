"""The Lesson view (AppTest): self-paced in English and Portuguese, a forged step, and a live class in which the
teacher's projector moves the class's step and a joined student's session follows it to the step's page."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from lab.classroom.rooms import find_class
from lab.roles import PASSWORD_ENV
from tests.pages.test_classroom_page import host_a_class, join
from tests.support.pages import component_data, start


def page_links(app) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    """(label, page, query parameters) of every page link drawn."""
    return [(e.proto.label, e.proto.page, {k: v[0] for k, v in parse_qs(e.proto.query_string).items()})
            for e in app.get("page_link")]


def landed(app, page: str) -> None:  # type: ignore[no-untyped-def]
    """After a run that switched pages: AppTest reruns the page it was last told, where a browser reruns the page it
    was sent to; tell it (without a run)."""
    assert not app.exception, app.exception
    app.switch_page(page)


def header(app) -> str:  # type: ignore[no-untyped-def]
    return app.header[0].value


def test_the_lesson_step_by_step_in_english() -> None:
    app = start("views/lesson.py")
    assert app.title[0].value == "Lesson" and header(app) == "Omniglot: 1,623 characters, 20 drawers each"
    assert app.button(key="lesson_previous").disabled
    app.button(key="lesson_next").click().run()
    assert app.query_params["step"] == ["pairs"] or app.query_params["step"] == "pairs"
    app.selectbox(key="lesson_choice").set_value("nway").run()
    assert header(app) == "16-way one-shot" and "Step 5 of 13" in [c.value for c in app.caption]
    assert "Play 10 rounds against the model" in app.info[0].value
    assert ("Open the page: 16-way one-shot", "quiz",
            {"mode": "Quiz: you against the model", "way": "16", "within": "true"}) in page_links(app)
    app.button(key="lesson_previous").click().run()
    assert header(app) == "ROC and EER" and not app.exception and not app.warning


def test_the_lesson_in_portuguese_from_a_bookmark() -> None:
    app = start("views/lesson.py", {"lang": "pt", "step": "pairs"})
    assert app.title[0].value == "Aula" and header(app) == "Pares de treino"
    assert "Passo 2 de 13" in [c.value for c in app.caption]
    assert any("<li>Omniglot: 1.623 caracteres, 20 desenhistas cada</li>" in m.value for m in app.markdown)
    assert ("Abrir a página: Pares de treino", "omniglot", {"tab": "Pares", "within": "true"}) in page_links(app)
    assert (app.button(key="lesson_previous").label, app.button(key="lesson_next").label) == ("Anterior", "Próximo")


def test_a_forged_step_is_named_and_the_first_step_shown() -> None:
    app = start("views/lesson.py", {"step": "<script>"})  # shown without its markup
    assert "The lesson has no step 'script'. This link's step could not be used" in app.warning[0].value
    assert header(app) == "Omniglot: 1,623 characters, 20 drawers each" and not app.exception


def goes_to(student, step: str) -> None:  # type: ignore[no-untyped-def]
    """The two runs of following: the first draws no page and mounts the watcher with the step to go to (which asks
    for the next run at once), the second switches to the step's page."""
    student.run()
    assert not student.exception, student.exception
    assert component_data(student, "lesson_follow")["go"] == step and not student.title
    student.run()
    assert not student.exception, student.exception


def test_the_projector_moves_the_class_and_a_student_follows() -> None:
    teacher, code = host_a_class("Lesson class")
    assert any(label.startswith("Lesson: not started") for label, _p, _q in page_links(teacher))
    ana = join(code, "Ana")
    teacher.switch_page("views/lesson.py").run()  # the class its Class page showed: the projector's class
    assert find_class(code).lesson_step == "omniglot"
    assert "Class " + code in "\n".join(c.value for c in teacher.caption)
    teacher.selectbox(key="lesson_choice").set_value("roc").run()
    assert find_class(code).lesson_step == "roc"

    goes_to(ana, "roc")  # the reruns the student's watcher asks for: the session goes to the step's page
    assert ana.title[0].value == "Verification and ROC"
    assert "Step 4 of 13: ROC and EER" in ana.info[0].value
    assert ana.session_state["pairs"] == 10_000
    watcher = component_data(ana, "lesson_follow")  # one long poll, which asks for a rerun when the step changes
    assert (watcher["mode"], watcher["code"], watcher["lesson"]) == ("follow", code, "roc")
    landed(ana, "views/roc.py")

    teacher.button(key="lesson_next").click().run()
    assert find_class(code).lesson_step == "nway"
    goes_to(ana, "nway")
    assert ana.title[0].value == "N-way one-shot learning" and ana.session_state["way"] == 16
    assert ana.session_state["within"] is True  # the link's value, not the ROC page's "within" kept in the session
    landed(ana, "views/quiz.py")

    ana.switch_page("views/map.py").run()  # the student explores: following stops
    teacher.button(key="lesson_next").click().run()
    ana.run()
    assert ana.title[0].value == "Embedding map"
    follow = ana.button(key="lesson_follow_again")
    assert follow.label == "Follow the teacher: Nearest-template classification"
    follow.click()
    goes_to(ana, "nearest")
    assert ana.title[0].value == "Nearest-neighbour classification"
    landed(ana, "views/nearest.py")

    teacher.selectbox(key="lesson_choice").set_value("face-round").run()  # the last step: the Class page itself
    assert ("Open the page: The face round", "class", {"class": code, "host": "1"}) in page_links(teacher)
    goes_to(ana, "face-round")
    assert ana.title[0].value == "Live class"
    live = component_data(ana, "class_live")  # the student's component watches the lesson too: no second watcher
    assert (live["mode"], live["lesson"], live["drawn"]) == ("student", "face-round", "waiting@face-round")
    assert component_data(ana, "lesson_follow") is None


def test_a_student_cannot_move_a_class(monkeypatch: pytest.MonkeyPatch) -> None:
    teacher, code = host_a_class("Lesson class")
    monkeypatch.setenv(PASSWORD_ENV, "a-password")  # from now on nobody signed in is the teacher
    student = start("views/lesson.py", {"class": code, "step": "roc"})
    assert "Only the teacher may move a class through the lesson" in "\n".join(
        m.value for m in [*student.markdown, *student.info, *student.warning, *student.caption])
    assert find_class(code).lesson_step is None
