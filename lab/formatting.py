"""Numbers as pages, figures and commands show them: in the session's locale (0,5; 10.000; 96,9% in Portuguese).

The digits and the rounding are Python's (``format(value, ".3f")``, exactly as the command line prints them); the
symbols are the locale's, from Babel's CLDR data (``babel.numbers``) for the current session's language
(:func:`lab.i18n.current_language`): its decimal separator, thousands separator and signs. English keeps Python's
own symbols, so an English page and the command line (which has no session, so stays English) write every number
byte for byte as before. Babel's own ``format_decimal`` is not used for the digits: it rounds ``str(value)``, which
is not always the float Python rounds (2.675 is 2.67 in Python, 2.68 in Babel), and a number must not change with
the language.

Messages wrap their numbers in :func:`format_message` (``format_message(_("AUC {auc:.4f}"), auc=auc)``), so a
catalogue's message ids and translations keep their format specs; a number outside a message goes through
:func:`format_decimal`, :func:`format_integer` or :func:`format_percent`. Plotly formats the numbers it draws
(ticks, ``%{y:.1f}`` in hover templates) with a figure's ``separators``: :func:`plotly_separators`.
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol, get_plus_sign_symbol

from lab.i18n import DEFAULT_LANGUAGE, LOCALES, current_language

if TYPE_CHECKING:  # pandas is imported by the pages that show a table, not by every command
    import pandas as pd
    from pandas.io.formats.style import Styler


def number_locale() -> str:
    """The Babel locale of the current session's numbers: ``"en"`` or ``"pt_BR"``."""
    return LOCALES[current_language()]


@lru_cache(maxsize=len(LOCALES))
def _symbols(locale: str) -> dict[int, str]:
    """A ``str.translate`` table from Python's number symbols (``.`` ``,`` ``-`` ``+``) to those of ``locale``."""
    return str.maketrans({".": get_decimal_symbol(locale), ",": get_group_symbol(locale),
                          "-": get_minus_sign_symbol(locale), "+": get_plus_sign_symbol(locale)})


def localised(number: str) -> str:
    """``number``, written by Python (``"10,000.5"``), with the symbols of the session's locale (``"10.000,5"``).

    Only for the text of one number: in a sentence every full stop and comma would change.
    """
    locale = number_locale()
    if locale == LOCALES[DEFAULT_LANGUAGE]:  # Python's symbols are English's (a test checks them against Babel's):
        return number  # the command line never loads Babel's locale data (a few MB)
    return number.translate(_symbols(locale))


def format_number(value: float, spec: str = "") -> str:
    """``value`` formatted by Python's format ``spec`` (``".3f"``, ``","``, ``".1%"``, ``"+.4f"``, ``"g"``) with the
    symbols of the session's locale."""
    return localised(format(value, spec))


def format_decimal(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals: 0.5 is ``"0.500"`` in English and ``"0,500"`` in Portuguese (digits=3)."""
    return format_number(value, f".{digits}f")


def format_integer(value: int) -> str:
    """``value`` with a thousands separator: ``"10,000"`` in English, ``"10.000"`` in Portuguese."""
    return format_number(int(value), ",")


def format_percent(value: float, digits: int = 1, *, already_percent: bool = False) -> str:
    """A share as a percentage with ``digits`` decimals: 0.969 is ``"96.9%"`` in English, ``"96,9%"`` in Portuguese.

    ``already_percent``: ``value`` is a percentage already (96.9, as Plotly's axes in per cent take it), not a
    fraction; the rounding is Python's ``.1f`` of it, as before.
    """
    if already_percent:
        return format_decimal(value, digits) + "%"
    return format_number(value, f".{digits}%")


def format_seconds(seconds: float, digits: int = 0) -> str:
    """A duration as ``"12 s"`` (``digits`` decimals, the locale's decimal separator)."""
    return f"{format_decimal(seconds, digits)} s"


def signed_change(difference: float, digits: int = 4, suffix: str = "") -> str | None:
    """``difference`` as ``"+0.0500 suffix"`` (``"+0,0500 suffix"`` in Portuguese), or None when it rounds to zero at
    ``digits`` decimals.

    st.metric draws an arrow for any delta it is given, so "+0.0000" would show a change where there is none;
    None tells it to draw no delta at all.
    """
    text = f"{difference:+.{digits}f}"
    if float(text) == 0.0:  # "+0.0000" and "-0.0000" alike
        return None
    return f"{localised(text)} {suffix}".rstrip()


class _LocaleFormatter(string.Formatter):
    """``str.format`` whose numeric fields are written with the symbols of the session's locale."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        text = super().format_field(value, format_spec)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):  # numpy's numbers included
            return localised(text)
        return text


_FORMATTER = _LocaleFormatter()


def format_message(template: str, /, *args: Any, **values: Any) -> str:
    """``template.format(*args, **values)`` with every number written in the session's locale.

    For the text of ``_()``: ``format_message(_("AUC {auc:.4f} on {pairs:,} pairs"), auc=0.5, pairs=10000)`` is
    ``"AUC 0.5000 on 10,000 pairs"`` in English and ``"AUC 0,5000 em 10.000 pares"`` in Portuguese. The format specs
    stay in the message ids and their translations; text fields (``{name}``, ``{name!r}``) are left as they are.
    """
    return _FORMATTER.vformat(template, args, values)


def styled_numbers(frame: pd.DataFrame, digits: Mapping[str, int]) -> Styler:
    """``frame`` for ``st.dataframe`` or ``st.table``, each column named in ``digits`` shown with that many decimals
    in the session's locale (a missing value empty). The cells keep their numbers: a column still sorts by value,
    and a test reads the numbers."""
    formats = {column: (lambda value, places=places: format_decimal(value, places))
               for column, places in digits.items() if column in frame.columns}
    return frame.style.format(formats, na_rep="")


def plotly_separators() -> str:
    """A Plotly figure's ``layout.separators`` in the session's locale: its decimal then its thousands separator
    (``".,"`` in English, ``",."`` in Portuguese). Plotly uses them for ticks (``".0%"`` too), hover and text
    templates."""
    locale = number_locale()
    return get_decimal_symbol(locale) + get_group_symbol(locale)
