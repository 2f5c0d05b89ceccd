"""The language of the session: chosen in the sidebar or by ``?lang=pt`` in the URL, English by default."""

from __future__ import annotations

import streamlit as st

from lab.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LOCALES, _, use_language_source
from ui.url_state import keep_in_url

KEY = "lang"
KEPT = "language_setting"  # not a widget's key: see language_ui


def session_language() -> str:
    """The current session's language; read by every ``_()`` call through lab.i18n."""
    return st.session_state.get(KEY) or st.session_state.get(KEPT, DEFAULT_LANGUAGE)


def language_ui() -> str:
    """A sidebar select box, started from the URL's ``lang`` the first time; kept in the URL on every page."""
    use_language_source(session_language)
    asked = st.query_params.get(KEY)
    refused = None
    if KEPT not in st.session_state:
        if asked in LOCALES:
            st.session_state[KEPT] = asked
        elif asked is not None:
            refused = asked
    # A choice shown translated follows the switch when its page draws it (ui.settings.follow_language).
    # As for projector mode (ui.projector), the select box's default is the session's language, so that Streamlit
    # falling back to a widget's default (a run_every fragment racing a click) cannot switch a class to English.
    current = st.session_state.get(KEPT, DEFAULT_LANGUAGE)
    language = st.sidebar.selectbox("Language · Idioma", list(LOCALES), index=list(LOCALES).index(current), key=KEY,
                                    format_func=LANGUAGE_NAMES.get)
    st.session_state[KEPT] = language
    keep_in_url(KEY, None if language == DEFAULT_LANGUAGE else language)
    if refused is not None:
        st.warning(_("The link asks for the language {asked!r}, which this lab does not have: {languages}.").format(
            asked=refused[:20], languages=", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())))
    return language
