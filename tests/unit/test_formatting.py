"""Numbers as shown: the session's locale (English or Brazilian Portuguese) writes them, Python rounds them, and
deltas that round to zero are no deltas."""

from __future__ import annotations

import numpy as np
import pytest
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent

from lab import i18n
from lab.formatting import (
    format_decimal,
    format_integer,
    format_message,
    format_number,
    format_percent,
    format_seconds,
    plotly_separators,
    signed_change,
    styled_numbers,
)


@pytest.fixture(params=["en", "pt"])
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The current session speaks ``language`` (as ui.language registers it)."""
    monkeypatch.setattr(i18n, "_language_source", lambda: request.param)
    return request.param


def expected(language: str, english: str, portuguese: str) -> str:
    return english if language == "en" else portuguese


def test_decimals_integers_and_percentages_in_the_locale(language: str) -> None:
    assert format_decimal(0.5, 1) == expected(language, "0.5", "0,5")
    assert format_decimal(0.5, 3) == expected(language, "0.500", "0,500")
    assert format_integer(10000) == expected(language, "10,000", "10.000")
    assert format_integer(np.int64(1234567)) == expected(language, "1,234,567", "1.234.567")
    assert format_percent(0.969) == expected(language, "96.9%", "96,9%")
    assert format_percent(0.5, 0) == "50%"
    assert format_percent(96.94, 1, already_percent=True) == expected(language, "96.9%", "96,9%")
    assert format_seconds(12.4) == "12 s" and format_seconds(1.25, 1) == expected(language, "1.2 s", "1,2 s")
    assert format_number(-1234.5, ",.2f") == expected(language, "-1,234.50", "-1.234,50")


def test_the_symbols_are_babels_for_the_locale(language: str) -> None:
    locale = i18n.LOCALES[language]
    assert format_decimal(12345.678, 3) == babel_decimal(12345.678, "0.000", locale=locale)
    assert format_integer(10000) == babel_decimal(10000, locale=locale)
    assert format_percent(0.969) == babel_percent(0.969, "#,##0.0%", locale=locale)


def test_rounding_is_pythons_in_every_language(language: str) -> None:
    """2.675 is stored as 2.67499999...: Python writes 2.67 (Babel, rounding str(2.675), would write 2.68)."""
    assert format_decimal(2.675, 2) == expected(language, "2.67", "2,67")
    assert format_percent(0.12345, 2) == expected(language, f"{0.12345:.2%}", f"{0.12345:.2%}".replace(".", ","))


def test_english_is_pythons_own_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """English pages and the command line write exactly what Python's format specs write."""
    monkeypatch.setattr(i18n, "_language_source", lambda: "en")
    for value, spec in [(0.123456, ".3f"), (1234567.891, ",.1f"), (0.0731, ".1%"), (-0.00051, "+.4f"), (0.001, "g"),
                        (7, "02d"), (10000, ","), (float("nan"), ".2f")]:
        assert format_number(value, spec) == format(value, spec)


def test_messages_write_their_numbers_in_the_locale(language: str) -> None:
    text = format_message("AUC {auc:.4f} on {pairs:,} pairs, {rate:.1%}, threshold {t}, seed {seed}, {name!r}",
                          auc=0.5, pairs=10000, rate=0.969, t=0.25, seed=12345, name="a.b,c")
    assert text == expected(language, "AUC 0.5000 on 10,000 pairs, 96.9%, threshold 0.25, seed 12345, 'a.b,c'",
                            "AUC 0,5000 on 10.000 pairs, 96,9%, threshold 0,25, seed 12345, 'a.b,c'")
    assert format_message("{0:.1f} and {1}", 1.25, "x.y") == expected(language, "1.2 and x.y", "1,2 and x.y")
    assert format_message("{flag}", flag=True) == "True"


def test_a_message_without_numbers_is_str_format() -> None:
    template = "{a} {b[0]} {c.real:.1f} {{braces}}"
    assert format_message(template, a="x", b=["y"], c=2.0) == template.format(a="x", b=["y"], c=2.0)


def test_plotly_separators_follow_the_locale(language: str) -> None:
    assert plotly_separators() == expected(language, ".,", ",.")


def test_outside_a_session_numbers_are_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line has no session: ``current_language()`` falls back to English."""
    def no_session() -> str:
        raise RuntimeError("no session")
    monkeypatch.setattr(i18n, "_language_source", no_session)
    assert format_percent(0.969) == "96.9%" and format_integer(10000) == "10,000"


def test_a_difference_that_rounds_to_zero_is_none(language: str) -> None:
    assert signed_change(0.0) is None
    assert signed_change(0.00004) is None and signed_change(-0.00004) is None
    assert signed_change(0.004, digits=2, suffix="from DeepFace's") is None


def test_a_real_difference_is_signed_with_its_suffix(language: str) -> None:
    assert signed_change(0.05, suffix="from DeepFace's") == expected(language, "+0.0500 from DeepFace's",
                                                                     "+0,0500 from DeepFace's")
    assert signed_change(-0.00006) == expected(language, "-0.0001", "-0,0001")
    assert signed_change(1.5, digits=1) == expected(language, "+1.5", "+1,5")


def test_a_styled_table_shows_the_locales_numbers_and_keeps_its_values(language: str) -> None:
    import pandas as pd

    frame = pd.DataFrame({"distance": [0.41234, None], "count": [10000, 3]})
    styled = styled_numbers(frame, {"distance": 4, "absent": 1})
    html = styled.to_html()
    assert expected(language, ">0.4123<", ">0,4123<") in html and ">10000<" in html  # unnamed columns as they are
    assert styled.data is frame  # the cells keep their numbers: a column sorts by value
