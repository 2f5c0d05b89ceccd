"""A page's settings, each declared once as a :class:`Setting`: its widget, bound to the URL under its key; the check
of a link's value for it (:func:`check_link`, before the widgets); and, for a choice shown translated, its new label
in the URL after a change of language.

A setting's key is its widget's key and its name in the address (``?way=16``), so keys are short and never change:
links are bookmarked. Its label and help are English marked with ``N_()``, translated when the widget is drawn. A
setting whose options or range depend on the data or the session (the alphabets of a set, the stored models) is made
by a function of the page, called on each run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lab.i18n import _, current_language, translations
from lab.limits import Bounds
from ui.url_state import UrlValue, choice_value, every_number_value, explain_invalid_values, number_value, \
    switch_value

# Streamlit's own binding: the widget's value is written into the address as it changes, and a link opened later
# starts the widget there.
BIND = "query-params"
SWITCHES = ("checkbox", "toggle")  # widgets whose value is true or false in the URL
CHOICES = ("selectbox", "radio", "select_slider", "multiselect", "tabs")


@dataclass(frozen=True)
class Setting:
    """One bound widget: ``widget`` names the Streamlit function (``"slider"``, ``"selectbox"``, ``"tabs"``...);
    a number has ``bounds`` (lab.limits, the range the command line uses too), a choice ``options``.

    ``shown`` is how an option is shown, which is what Streamlit writes into the URL (its ``format_func``);
    ``translated``: the options are shown in the session's language, so the URL's text changes with it."""

    key: str
    widget: str
    label: str = ""
    bounds: Bounds | None = None
    options: Sequence[Any] = ()
    default: Any = None
    help: str | None = None
    shown: Callable[[Any], str] | None = None
    translated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # the widget's other arguments (step, format, horizontal...)

    def url_check(self) -> UrlValue:
        """What a link may give: a number in range, true or false, or an option as the widget shows it."""
        if self.widget in SWITCHES:
            return switch_value(self.key)
        if self.bounds is not None:
            return (every_number_value if self.widget == "multiselect" else number_value)(self.key, self.bounds)
        return choice_value(self.key, [self.text(option) for option in self.options])

    def text(self, option: Any) -> str:
        return self.shown(option) if self.shown is not None else str(option)

    def draw(self, where: Any = st, **arguments: Any) -> Any:
        """The widget in ``where`` (st, st.sidebar, a column); ``arguments`` add to or override the declared ones
        (a label or help holding a number, a default known only now)."""
        if self.translated:
            follow_language(self.key, self.options if self.widget == "tabs" else ())
        if self.widget == "tabs":
            return where.tabs([self.text(option) for option in self.options], key=self.key, bind=BIND, **arguments)
        label = arguments.pop("label", None) or _(self.label)
        if self.help is not None:
            arguments.setdefault("help", _(self.help))
        if self.shown is not None and self.widget in CHOICES:
            arguments.setdefault("format_func", self.shown)
        return getattr(where, self.widget)(label, **{**self.start(), **self.extra, **arguments}, key=self.key,
                                           bind=BIND)

    def start(self) -> dict[str, Any]:
        """The widget's range or options and its default, as its Streamlit function takes them."""
        if self.widget in SWITCHES:
            return {"value": bool(self.default)}
        if self.bounds is not None and self.widget != "multiselect":
            kind = int if self.bounds.integer else float
            return {"min_value": kind(self.bounds.low), "max_value": kind(self.bounds.high), "value": self.default}
        options = list(self.options) if self.options or self.bounds is None else \
            list(range(int(self.bounds.low), int(self.bounds.high) + 1))
        if self.widget in ("select_slider", "multiselect"):
            return {"options": options, ("value" if self.widget == "select_slider" else "default"): self.default}
        return {"options": options, "index": options.index(self.default) if self.default in options else 0}


def check_link(settings: Iterable[Setting | UrlValue]) -> None:
    """Before the widgets: a warning naming each value of the link that cannot be used (its default is used)."""
    explain_invalid_values([s.url_check() if isinstance(s, Setting) else s for s in settings])


def in_language() -> Callable[[str], str]:
    """``_`` fixed to the current language, for a widget's format_func: a test (AppTest) calls it again later,
    outside the session, where ``_`` would give English."""
    return translations(current_language()).gettext


def follow_language(key: str, labels: Sequence[str] = ()) -> None:
    """Before a bound widget whose options are shown translated: after a change of language its value is set again,
    so that the URL holds the option as now shown (Streamlit writes the shown text; a reload would refuse the old).
    ``labels``: the English labels, where the widget's value is the shown label itself (st.tabs). Tabs are a new
    widget once their labels change, and Streamlit writes a value set in code into the URL only for a widget of the
    previous run, so the value is set once more on the next run: itself, whatever the user chose meanwhile."""
    marker, language = f"{key}__language", current_language()
    before, again = st.session_state.get(marker, (language, False))
    if key in st.session_state and (again or before != language):
        value = st.session_state[key]
        if labels and before != language:
            shown_before = [translations(before).gettext(label) for label in labels]
            value = _(labels[shown_before.index(value)]) if value in shown_before else value
        st.session_state[key] = value
    st.session_state[marker] = (language, bool(labels) and before != language)
