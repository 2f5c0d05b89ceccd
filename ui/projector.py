"""Projector mode: large type and high contrast for a lecture hall, switched on in the sidebar or by ``?projector=1``
(kept in the URL, so a reload or a bookmark keeps it)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from lab.figures.style import for_screen
from lab.i18n import _
from ui.url_state import keep_in_url

KEY = "projector"
KEPT = "projector_setting"
ON = ("1", "true", "yes", "on")

PROJECTOR_CSS = """
<style>
/* Streamlit sizes its text in rem, so a larger root font scales the whole page for the back row. The size follows
   the window (1.45% of its width, 2.6% of its height, whichever is smaller): about 18.5px at 1280x720 and 24px at
   1920x1080, so a 1280-wide projector gets large type without cutting every label. */
html { font-size: clamp(16px, min(1.45vw, 2.6vh), 24px) !important; }
.stApp, .stApp p, .stApp li, .stApp label, .stApp span, .stApp h1, .stApp h2, .stApp h3 { color: #000 !important; }
.stApp { background-color: #fff !important; }
[data-testid="stSidebar"] { background-color: #e8e8e8 !important; }
/* The sidebar's 300 pixels grow with the type (384 at 24px), so that the page names are not broken into 3 lines. */
[data-testid="stSidebar"][data-collapsed="false"] { width: max(300px, 16rem) !important; }
/* Streamlit fades captions with opacity; on a projector they must be as dark as the rest. */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"] p { color: #000 !important; }
img { image-rendering: pixelated; }

/* Room for the content: Streamlit's 6rem of space above a page and 5rem beside it grow with the root font. */
[data-testid="stMainBlockContainer"] { padding: 4rem 1.5rem 4rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem !important; padding: 0.25rem 0 0.5rem !important; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.6rem !important; padding: 0.75rem 0 0.25rem !important; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.3rem !important; padding: 0.5rem 0 0.25rem !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem !important; }

/* Wrap instead of cutting with an ellipsis: metric values and labels, widget labels, buttons, tabs, links. */
.stMarkdownEllipsis, .stMarkdownEllipsis *, [data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stWidgetLabel"],
[data-testid="stWidgetLabel"] *, [data-testid="stMain"] button *, [role="tab"] *,
[data-testid="stSidebarNavLink"] *, [data-testid="stNavSectionHeader"] * {
    white-space: normal !important; text-overflow: clip !important; overflow: visible !important;
    overflow-wrap: break-word;
}
[data-testid="stMetricValue"] > div { line-height: 1.15; }
[data-baseweb="tab-list"] { flex-wrap: wrap; }
/* Less space between elements (1rem at the larger root font), so that a page's result fits on a 720-pixel screen. */
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.75rem !important; }
/* A camera panel no larger than a photo needs: at the page's whole width its 4:3 picture fills a 720-pixel screen. */
.stCameraInput { max-width: min(100%, 24rem); }
</style>
"""


def projector_toggle() -> bool:
    """A sidebar switch for large type and high contrast (for a lecture hall); applies it when on."""
    # The switch's default, not its session state, carries the setting: a ``run_every`` fragment (the training page)
    # racing a click can make Streamlit fall back to a widget's default (streamlit/streamlit#14064), so the default
    # must be the current setting: the session's (kept below, under a key that is not a widget's), else the URL's.
    current = st.session_state.get(KEPT, str(st.query_params.get(KEY, "")).lower() in ON)
    on = st.sidebar.toggle(_("Projector mode"), value=current, key=KEY,
                           help=_("Large type and high contrast for a projector."))
    st.session_state[KEPT] = on
    keep_in_url(KEY, "1" if on else None)
    if on:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    return on


def projector_on() -> bool:
    """Whether this session is in projector mode (the setting ``projector_toggle`` keeps, run before every page)."""
    return bool(st.session_state.get(KEPT, False))


def projected(figure: go.Figure) -> go.Figure:
    """``figure`` as it should be drawn: its numbers in the session's locale, and in the template projector mode
    chooses (``lab.figures.style.for_screen``). Every page passes its Plotly figures through it before
    ``st.plotly_chart``; a page builds its figures on each run, so setting the separators on ``figure`` itself
    changes no other session's."""
    return for_screen(figure, projector_on())
