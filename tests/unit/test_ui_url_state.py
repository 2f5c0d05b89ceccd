"""The checks behind "this link's value could not be used" (ui.url_state): the same ranges as the widgets."""

from __future__ import annotations

from lab.limits import WAY
from ui.url_state import choice_value, invalid_values, number_value

CHECKS = [number_value("way", WAY), choice_value("metric", ["cosine", "euclidean", "euclidean_l2"])]


def test_valid_and_absent_values_pass() -> None:
    assert invalid_values(CHECKS, {"way": "20", "metric": "cosine"}) == []
    assert invalid_values(CHECKS, {}) == []
    assert invalid_values(CHECKS, {"unrelated": "x"}) == []


def test_each_refused_value_is_named_with_the_valid_range() -> None:
    lines = invalid_values(CHECKS, {"way": "99", "metric": "manhattan"})
    assert len(lines) == 2
    assert lines[0].startswith("`way=99`") and "from 2 to 20" in lines[0]
    assert lines[1].startswith("`metric=manhattan`") and "cosine, euclidean, euclidean_l2" in lines[1]


def test_text_that_is_no_number_and_long_values_are_cut() -> None:
    (line,) = invalid_values(CHECKS, {"way": "x" * 500})
    assert "x" * 40 in line and "x" * 41 not in line.split(":")[0]
