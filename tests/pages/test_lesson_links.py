"""Every lesson step's link sets its page's widgets: each query parameter is a widget key of that page, and the page's
URL checks accept its value (no "could not be used" warning), in English and, for the label values, in Portuguese."""

from __future__ import annotations

import pytest

from lab.i18n import use_language_source
from lab.lesson import STEPS, LessonStep
from tests.support.pages import start
from ui.lesson import PAGE_FILES

REFUSED = ("Some settings in this link could not be used", "Algumas configurações deste link")
WITH_SETTINGS = [step for step in STEPS if step.params]


def link_params(step: LessonStep, language: str) -> dict[str, str]:
    use_language_source(lambda: language)
    try:
        return step.query_params()
    finally:
        use_language_source(lambda: "en")


@pytest.mark.parametrize("step", WITH_SETTINGS, ids=lambda s: s.id)
def test_the_step_s_link_sets_its_page(step: LessonStep) -> None:
    languages = ["en", "pt"] if step.labels else ["en"]
    for language in languages:
        params = link_params(step, language)
        app = start(PAGE_FILES[step.page], {**params, "lang": language})
        assert not app.exception, app.exception
        assert [w.value for w in app.warning if w.value.startswith(REFUSED)] == [], (step.id, language)
        assert [key for key in params if key not in app.session_state] == [], (step.id, language)


def test_the_quiz_step_opens_16_ways_within_one_alphabet() -> None:
    app = start(PAGE_FILES["quiz"], next(s for s in STEPS if s.id == "nway").query_params())
    assert (app.slider(key="way").value, app.checkbox(key="within").value) == (16, True)
