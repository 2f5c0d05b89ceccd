"""The lesson's steps as data: stable, short, unique ids; every step opens a page that app.py's navigation has (its
settings are checked by the page itself in tests/pages/test_lesson_links.py); texts translated in Portuguese."""

from __future__ import annotations

import ast
import re

import pytest

from lab.i18n import translations, use_language_source
from lab.lesson import ID_MAX, STEPS, UnknownStepError, find_step, neighbour, step_ids, step_number
from tests.conftest import REPO


def navigation_pages() -> dict[str, str]:
    """url_path -> page file of every PageSpec in app.py (read from its source: importing app.py starts a server)."""
    pages = {}
    for node in ast.walk(ast.parse((REPO / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PageSpec" and len(node.args) > 1:
            file, path = node.args[:2]
            if isinstance(file, ast.Constant) and isinstance(path, ast.Constant):
                pages[path.value] = file.value
    return pages


def test_the_lecture_path_in_order() -> None:
    assert [step.page for step in STEPS] == [
        "omniglot", "omniglot", "train", "roc", "quiz", "nearest", "distance", "detect", "verify", "database",
        "threshold", "experiment", "class"]
    assert len(set(step_ids())) == len(STEPS)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) and len(i) <= ID_MAX for i in step_ids())
    assert [s.id for s in STEPS if s.exercise] == ["roc", "nway", "nearest", "distance", "face-round"]


def test_every_step_opens_a_page_of_the_navigation() -> None:
    pages = navigation_pages()
    assert {"omniglot", "roc", "quiz", "class", "lesson"} <= set(pages)
    assert [s.id for s in STEPS if s.page not in pages] == []


def test_the_quiz_step_opens_the_quiz_at_16_ways() -> None:
    assert find_step("nway").query_params() == {"mode": "Quiz: you against the model", "way": "16",
                                                "within": "true"}


def test_a_label_parameter_is_written_in_the_session_s_language() -> None:
    use_language_source(lambda: "pt")
    try:
        assert find_step("nway").query_params()["mode"] == translations("pt").gettext("Quiz: you against the model")
        assert find_step("pairs").query_params() == {"tab": "Pares", "within": "true"}
    finally:
        use_language_source(lambda: "en")


def test_every_step_is_translated() -> None:
    catalogue = translations("pt")
    texts = [t for s in STEPS for t in (s.title, s.text, s.exercise) if t]
    assert [t for t in texts if catalogue.gettext(t) == t] == []


def test_numbers_and_neighbours_and_a_forged_id() -> None:
    assert step_number("omniglot") == 1 and step_number("face-round") == len(STEPS)
    assert neighbour("omniglot", -1) is None and neighbour("omniglot", 1).id == "pairs"
    assert neighbour("face-round", 1) is None
    with pytest.raises(UnknownStepError, match="The lesson has no step 'nope'"):
        find_step("nope")
    with pytest.raises(UnknownStepError):
        find_step("x" * 500)


def test_the_pages_the_steps_open_are_app_py_s() -> None:
    from ui.lesson import PAGE_FILES

    pages = navigation_pages()
    assert {path: pages.get(path) for path in PAGE_FILES} == PAGE_FILES
