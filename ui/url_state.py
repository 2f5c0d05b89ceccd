"""A page's settings in its URL, so that a lecturer can bookmark a view or send it to a class.

Page widgets are bound to the URL (ui.settings: a page declares each setting once): the value is written into the
address as it changes, and a link opened later starts the widget there. Streamlit drops a value its widget cannot
take (``?way=99``) without a word; :func:`explain_invalid_values`, called before the widgets, says which value of
the link was not used and why, and the widget starts from its default. Two settings belong to the session rather
than a page: the language (``?lang=pt``) and projector mode (``?projector=1``); app.py keeps them in the URL on
every page with :func:`keep_in_url`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from lab.errors import LabError
from lab.i18n import _
from lab.limits import Bounds


@dataclass(frozen=True)
class UrlValue:
    """What a page accepts for one URL parameter; ``problem`` returns why a text is refused, or None."""

    key: str
    problem: Callable[[str], str | None]


def number_value(key: str, bounds: Bounds) -> UrlValue:
    """A number within ``bounds`` (lab.limits: the same range the widget and the command line use)."""
    def problem(text: str) -> str | None:
        try:
            bounds.parse(text)
        except LabError as exc:
            return str(exc)
        return None

    return UrlValue(key, problem)


def choice_value(key: str, choices: Iterable[str]) -> UrlValue:
    """One of ``choices``, as the widget shows them (Streamlit writes a select box's shown text into the URL)."""
    allowed = [str(choice) for choice in choices]

    def problem(text: str) -> str | None:
        if text in allowed:
            return None
        shown = ", ".join(allowed[:8]) + (", …" if len(allowed) > 8 else "")
        return _("it must be one of: {choices}").format(choices=shown)

    return UrlValue(key, problem)


def switch_value(key: str) -> UrlValue:
    """A check box or toggle in the URL: Streamlit takes true or false, in any case."""
    check = choice_value(key, ["true", "false"])
    return UrlValue(key, lambda text: check.problem(text.lower()))


def every_number_value(key: str, bounds: Bounds) -> UrlValue:
    """A repeated parameter (``?ways=2&ways=5``, a multiselect): every value within ``bounds``."""
    single = number_value(key, bounds)

    def problem(_last: str) -> str | None:
        return next((p for p in map(single.problem, st.query_params.get_all(key)) if p is not None), None)

    return UrlValue(key, problem)


def invalid_values(values: Sequence[UrlValue], params: dict[str, str]) -> list[str]:
    """One line per parameter of ``params`` that its page refuses (a parameter the page does not know is ignored)."""
    lines = []
    for value in values:
        text = params.get(value.key)
        if text is None:
            continue
        problem = value.problem(text)
        if problem is not None:
            lines.append(f"`{value.key}={text[:40]}`: {problem}")
    return lines


def explain_invalid_values(values: Sequence[UrlValue]) -> None:
    """Before the widgets: a warning for each value of the link that cannot be used (its default is used).

    Only widgets not created yet in this session are checked: Streamlit takes a widget's value from the URL only
    then. Later the URL follows the widget, and may hold for one run a value that is no longer a choice (the
    character of the previous alphabet, a label in the previous language): not the link's."""
    fresh = [value for value in values if value.key not in st.session_state]
    lines = invalid_values(fresh, st.query_params.to_dict())
    if lines:
        st.warning(_("Some settings in this link could not be used, so their defaults are shown:") + "\n\n"
                   + "\n".join(f"- {line}" for line in lines))


def keep_in_url(key: str, text: str | None) -> None:
    """A session-wide setting written into the URL on every page (a page switch starts from a clean URL)."""
    if text is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text


def view_link() -> str:
    """The address of what is on screen: this page, its settings and the session's language and projector mode."""
    params = st.query_params.to_dict()
    base = st.context.url or ""
    return base + ("?" + urlencode(params, doseq=True) if params else "")


def link_to_view_ui() -> None:
    """"Link to this view": the address to bookmark or send, with a copy button."""
    with st.popover(_("Link to this view"), icon=":material/link:"):
        st.code(view_link(), language=None, wrap_lines=True)
        st.caption(_("Whoever opens this address sees this page with these settings (copy it with the button at the "
                     "right of the box). Uploaded photos and drawings are not part of a link."))
