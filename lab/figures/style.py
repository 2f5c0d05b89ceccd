"""The look of every figure of the lab in one place: its palette, margins and legends, and the two Plotly templates
built from Plotly's own sizes: ``oneshot`` (a screen) and ``oneshot_projector`` (a lecture hall: text, markers and
lines 1.5 times larger, the text black). Projector mode chooses the template (:func:`for_screen`).

The figure modules take their colours, margins and legends from here. A figure is built in the normal template's
sizes (Plotly's own), so the normal template leaves it as it is. The projector's is written into the figure
(:func:`enlarged`) rather than set as ``layout.template``, for two reasons: Streamlit's chart theme overwrites a
template's fonts (``layout.template.layout``) in the browser, and a template only fills in what a figure leaves
unset, while a size a figure sets (a point drawn larger than the rest) must grow with the rest to keep the
figure's proportions.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from lab.formatting import plotly_separators

# --- palette: Plotly's D3 colours, as the figures have always used them ----------------------------------------
BLUE = "#1f77b4"  # same pairs, same person, a ROC curve
RED = "#d62728"  # different pairs, different people, a wrong pick
GREEN = "#2ca02c"  # the right answer; the current threshold's point
ORANGE = "#ff7f0e"  # the EER where red already means different people
PURPLE = "#9467bd"  # the threshold for a target false match rate
LIGHT_GREY = "#999999"  # the rest: other candidates, Lake's humans, the equal error line
GREY = "grey"  # the chance (FAR = FRR) line of the Omniglot ROC
BLACK = "black"  # thresholds and outlines
BAND = "rgba(31, 119, 180, 0.25)"  # a confidence band around a blue curve
LEGEND_BACKGROUND = "rgba(255, 255, 255, 0.85)"  # a legend inside the plot, readable over the bars
PROJECTOR_TEXT = "#000"  # on white: the theme's grey titles and ticks fade on a projector

# --- margins: little room beside the plot (Streamlit gives the page's own), room above for the title ----------
MARGIN = {"l": 10, "r": 10, "t": 60, "b": 40}
MARGIN_FOR_BAR_VALUES = {**MARGIN, "r": 30}  # values written beside the longest horizontal bar
MARGIN_FOR_SUBTITLE = {**MARGIN, "t": 70}  # a title with a second, smaller line
MARGIN_COMPACT = {**MARGIN, "t": 50}  # the class's face figures: two beside the counts on one projector screen

# --- sizes: Plotly's own where a figure sets none ---------------------------------------------------------------
PLOTLY_FONT, PLOTLY_TITLE_FONT, PLOTLY_HOVER_FONT, PLOTLY_MARKER, PLOTLY_LINE = 12, 17, 13, 6, 2
SMALL_FONT = 11  # a legend inside the plot, over the data
POINT = 13  # a marked point (the EER, a threshold's) among the face figures' curves
THICK_LINE = 3  # a threshold line and its legend entry
# A marker this large already reads from the back of the room (the embedding map's rings around the drawings, whose
# pictures keep their size in data units): it keeps its size.
LARGE_MARKER = 20

LEGEND_TOP_RIGHT = {"x": 0.99, "y": 0.99, "xanchor": "right", "yanchor": "top", "bgcolor": LEGEND_BACKGROUND,
                    "font": {"size": SMALL_FONT}}
LEGEND_BOTTOM_RIGHT = {**LEGEND_TOP_RIGHT, "y": 0.02, "yanchor": "bottom"}

NORMAL, PROJECTOR = "oneshot", "oneshot_projector"
PROJECTOR_SCALE = 1.5


def figure_template(scale: float = 1.0, text: str | None = None) -> go.layout.Template:
    """Plotly's sizes ``scale`` times larger: text (title, axes, ticks, legend, hover, annotations), markers, lines
    and threshold lines; the text ``text``-coloured (None: the theme's colours)."""
    def font(size: float) -> dict[str, object]:
        return {"size": size * scale} | ({"color": text} if text else {})

    axis = {"title": {"font": font(PLOTLY_FONT)}, "tickfont": font(PLOTLY_FONT)}
    return go.layout.Template(
        layout={"font": font(PLOTLY_FONT), "title": {"font": font(PLOTLY_TITLE_FONT)},
                "hoverlabel": {"font": {"size": PLOTLY_HOVER_FONT * scale}},
                "legend": {"font": font(PLOTLY_FONT), "title": {"font": font(PLOTLY_FONT)}},
                "xaxis": axis, "yaxis": axis, "annotationdefaults": {"font": font(PLOTLY_FONT)},
                "shapedefaults": {"line": {"width": PLOTLY_LINE * scale}}},
        data={"scatter": [go.Scatter(marker={"size": PLOTLY_MARKER * scale}, line={"width": PLOTLY_LINE * scale})],
              "bar": [go.Bar(textfont={"size": PLOTLY_FONT * scale})]},
    )


pio.templates[NORMAL] = figure_template()
pio.templates[PROJECTOR] = figure_template(PROJECTOR_SCALE, PROJECTOR_TEXT)


def template_name(projector: bool) -> str:
    """The template projector mode chooses."""
    return PROJECTOR if projector else NORMAL


def for_screen(figure: go.Figure, projector: bool) -> go.Figure:
    """``figure`` as a page draws it: its numbers (ticks, hover and text templates) in the session's locale
    (``layout.separators``: 0,5 and 10.000 in Portuguese) and in the template projector mode chooses. A figure is
    built in the normal one (Plotly's sizes), so only the projector's changes it (:func:`enlarged`)."""
    figure.update_layout(separators=plotly_separators())
    return enlarged(figure) if template_name(projector) == PROJECTOR else figure


def enlarged(figure: go.Figure, scale: float = PROJECTOR_SCALE) -> go.Figure:
    """A copy of ``figure`` in :func:`figure_template` at ``scale`` with black text: every size the figure leaves
    unset is the template's, every size it sets (a legend's font, a subplot title, a marker) grows by ``scale`` too,
    so that the figure keeps its proportions; widths of 0 (a band's invisible edges) stay 0."""
    template = pio.templates[PROJECTOR] if scale == PROJECTOR_SCALE else figure_template(scale, PROJECTOR_TEXT)
    big = go.Figure(figure)
    _write_layout_text(big, template.layout, scale)
    for shape in big.layout.shapes:  # threshold and chance lines
        shape.line.width = _grown(shape.line.width, scale, template.layout.shapedefaults.line.width)
    for trace in big.data:
        _write_trace_sizes(trace, template, scale)
    return big


def _grown(size: object, scale: float, default: float | None = None) -> object:
    """A size the figure set, ``scale`` times larger; where it set none, the template's ``default`` (or none)."""
    if isinstance(size, int | float) and not isinstance(size, bool):
        return size * scale
    return default if size is None else size


def _write_layout_text(big: go.Figure, template: go.Layout, scale: float) -> None:
    """Each part's text size and colour written into the figure, not left to its font: Streamlit's theme gives
    titles, axes and legends sizes of its own, which would otherwise win."""
    layout, colour = big.layout, template.font.color
    layout.font.update(size=_grown(layout.font.size, scale, template.font.size), color=colour)
    layout.hoverlabel.font.size = _grown(layout.hoverlabel.font.size, scale, template.hoverlabel.font.size)
    layout.title.font.update(size=_grown(layout.title.font.size, scale, template.title.font.size), color=colour)
    for part in (layout.legend.font, layout.legend.title.font):
        part.update(size=_grown(part.size, scale, template.legend.font.size), color=colour)
    for axis in [*big.select_xaxes(), *big.select_yaxes()]:
        axis.title.font.update(size=_grown(axis.title.font.size, scale, template.xaxis.title.font.size), color=colour)
        axis.tickfont.update(size=_grown(axis.tickfont.size, scale, template.xaxis.tickfont.size), color=colour)
    for annotation in layout.annotations:  # subplot titles, a threshold line's label
        annotation.font.update(size=_grown(annotation.font.size, scale, template.annotationdefaults.font.size),
                               color=colour)


def _write_trace_sizes(trace: go.Scatter | go.Bar, template: go.layout.Template, scale: float) -> None:
    if trace.type == "bar":
        if trace.text is not None:  # values beside the bars: Plotly shrinks them to the bar's thickness
            trace.update(textfont_size=_grown(trace.textfont.size, scale, template.data.bar[0].textfont.size),
                         constraintext="none")
        return
    if trace.type != "scatter":
        return
    defaults = template.data.scatter[0]
    mode = trace.mode or "lines+markers"
    if "markers" in mode and not (isinstance(trace.marker.size, int | float) and trace.marker.size >= LARGE_MARKER):
        trace.marker.size = _grown(trace.marker.size, scale, defaults.marker.size)
    trace.marker.line.width = _grown(trace.marker.line.width, scale)
    if "lines" in mode:
        trace.line.width = _grown(trace.line.width, scale, defaults.line.width)
    trace.textfont.size = _grown(trace.textfont.size, scale)
