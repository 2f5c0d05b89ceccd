"""A page setting declared once (ui.settings.Setting): its widget's arguments and its link check come from one spec;
the binding to the URL is written in one place; page files are named after their URL paths."""

from __future__ import annotations

import re

from lab.limits import SHOWN_PAIRS, WAY, Bounds
from tests.conftest import REPO
from tests.unit.test_lesson import navigation_pages
from ui.lesson import page_file
from ui.settings import Setting
from ui.url_state import invalid_values


def test_a_number_s_widget_and_check_come_from_its_bounds() -> None:
    batch = Setting("batch", "slider", "Pairs in the batch", bounds=SHOWN_PAIRS, default=8, extra={"step": 2})
    assert batch.start() == {"min_value": 2, "max_value": 32, "value": 8}
    (line,) = invalid_values([batch.url_check()], {"batch": "100"})
    assert line.startswith("`batch=100`") and "from 2 to 32" in line
    rate = Setting("far", "number_input", bounds=Bounds("a rate", 0, 100), default=1.0)
    assert rate.start() == {"min_value": 0.0, "max_value": 100.0, "value": 1.0}
    assert isinstance(rate.start()["min_value"], float)


def test_a_choice_is_checked_as_shown_and_starts_at_its_default() -> None:
    tasks = Setting("tasks", "select_slider", options=[100, 500, 1000], default=1000)
    assert tasks.start() == {"options": [100, 500, 1000], "value": 1000}
    assert invalid_values([tasks.url_check()], {"tasks": "500"}) == []
    assert invalid_values([tasks.url_check()], {"tasks": "7"}) != []
    names = Setting("set", "radio", options=["background", "evaluation"], shown=str.title)
    assert names.start() == {"options": ["background", "evaluation"], "index": 0}
    assert invalid_values([names.url_check()], {"set": "Evaluation"}) == []
    assert "one of: Background, Evaluation" in invalid_values([names.url_check()], {"set": "evaluation"})[0]


def test_one_true_or_false_check_for_every_switch() -> None:
    for widget in ("checkbox", "toggle"):
        switch = Setting("within", widget, default=True)
        assert switch.start() == {"value": True}
        assert invalid_values([switch.url_check()], {"within": "FALSE"}) == []
        assert invalid_values([switch.url_check()], {"within": "maybe"}) == [
            "`within=maybe`: it must be one of: true, false"]


def test_a_multiselect_of_numbers_offers_its_range() -> None:
    ways = Setting("ways", "multiselect", bounds=WAY, default=[2, 5])
    assert ways.start() == {"options": list(range(2, 21)), "default": [2, 5]}


def test_the_url_binding_is_written_once() -> None:
    sources = [REPO / "app.py", *(REPO / "ui").glob("*.py"), *(REPO / "views").glob("*.py")]
    binding = [path.name for path in sources if re.search(r"""["']query-params["']""", path.read_text())]
    assert binding == ["settings.py"]


def test_page_files_are_named_after_their_url_paths() -> None:
    pages = navigation_pages()
    assert len(pages) == 15
    assert {path: page_file(path) for path in pages} == pages
