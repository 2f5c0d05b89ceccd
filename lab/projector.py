"""Figures for a projector: every Plotly figure of the lab with larger text, markers and lines, its text black.

Pure Plotly (no Streamlit): ``ui.projector.projected`` applies it when the session is in projector mode.
"""

from __future__ import annotations

import plotly.graph_objects as go

# Plotly's own sizes where a figure sets none: text, title, hover text, markers, lines.
PLOTLY_FONT, PLOTLY_TITLE_FONT, PLOTLY_HOVER_FONT, PLOTLY_MARKER, PLOTLY_LINE = 12, 17, 13, 6, 2
# A marker this large already reads from the back of the room (the embedding map's rings around the drawings,
# whose pictures keep their size in data units): it keeps its size.
LARGE_MARKER = 20


def for_projector(figure: go.Figure, scale: float = 1.5) -> go.Figure:
    """A copy of ``figure`` for a projector: its text, markers, lines and threshold lines ``scale`` times larger,
    its text black.

    Sizes a figure sets itself (a legend's font, a subplot title, a marker) grow by ``scale`` like Plotly's
    defaults, so that every figure of the lab keeps its proportions; widths of 0 (a band's invisible edges) stay 0.
    """
    big = go.Figure(figure)

    def grown(size: object, default: float | None = None) -> object:
        if isinstance(size, int | float) and not isinstance(size, bool):
            return size * scale
        return default * scale if size is None and default is not None else size

    layout = big.layout
    text = grown(layout.font.size, PLOTLY_FONT)
    black = "#000"  # on white: the theme's grey titles and ticks fade on a projector
    layout.font.update(size=text, color=black)
    layout.hoverlabel.font.size = grown(layout.hoverlabel.font.size, PLOTLY_HOVER_FONT)
    # Each part's size is set, not left to the figure's font: Streamlit's theme gives titles, axes and legends
    # sizes of its own, which would otherwise win.
    layout.title.font.update(size=grown(layout.title.font.size, PLOTLY_TITLE_FONT), color=black)
    for part in (layout.legend.font, layout.legend.title.font):
        part.update(size=grown(part.size, PLOTLY_FONT), color=black)
    for axis in [*big.select_xaxes(), *big.select_yaxes()]:
        axis.title.font.update(size=grown(axis.title.font.size, PLOTLY_FONT), color=black)
        axis.tickfont.update(size=grown(axis.tickfont.size, PLOTLY_FONT), color=black)
    for annotation in layout.annotations:  # subplot titles, a threshold line's label
        annotation.font.update(size=grown(annotation.font.size, PLOTLY_FONT), color=black)
    for shape in layout.shapes:  # threshold and chance lines
        shape.line.width = grown(shape.line.width, PLOTLY_LINE)
    for trace in big.data:
        if trace.type == "bar":
            if trace.text is not None:  # values beside the bars: Plotly shrinks them to the bar's thickness
                trace.update(textfont_size=grown(trace.textfont.size, PLOTLY_FONT), constraintext="none")
            continue
        if trace.type != "scatter":
            continue
        mode = trace.mode or "lines+markers"
        if "markers" in mode and not (isinstance(trace.marker.size, int | float) and trace.marker.size >= LARGE_MARKER):
            trace.marker.size = grown(trace.marker.size, PLOTLY_MARKER)
        trace.marker.line.width = grown(trace.marker.line.width)
        if "lines" in mode:
            trace.line.width = grown(trace.line.width, PLOTLY_LINE)
        trace.textfont.size = grown(trace.textfont.size)
    return big
