"""The live class's figures for the projector: how the class answered, and the class against the model and Lake's
published human figure; the face round's distances and ROC."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.figures.style import (BLACK, BLUE, GREEN, LEGEND_BOTTOM_RIGHT, LEGEND_TOP_RIGHT, LIGHT_GREY, MARGIN,
                               MARGIN_COMPACT, ORANGE, POINT, RED, THICK_LINE)
from lab.formatting import format_decimal, format_message, format_percent
from lab.i18n import _

RIGHT, MODEL, OTHER = GREEN, BLUE, LIGHT_GREY


def answer_histogram(choices: tuple[int, ...], answer: int, model_answer: int) -> go.Figure:
    """Students per candidate; the right answer green; the model's pick starred under its bar."""
    labels = [str(i + 1) + ("*" if i == model_answer else "") for i in range(len(choices))]
    colours = [RIGHT if i == answer else OTHER for i in range(len(choices))]
    figure = go.Figure(go.Bar(x=labels, y=list(choices), marker_color=colours, text=[c or "" for c in choices],
                              textposition="outside",
                              hovertemplate=_("candidate %{x}: %{y} students") + "<extra></extra>"))
    top = max(choices, default=0)
    figure.update_layout(
        title=_("Answers per candidate"),
        xaxis_title=_("candidate (green: right; *: the model's pick)"), yaxis_title=_("students"),
        yaxis={"range": [0, top * 1.25 + 1], "dtick": max(1, round(top / 5))}, height=340,
        margin=MARGIN, xaxis={"type": "category"},
    )
    return figure


def class_against_model(class_accuracy: float | None, model_accuracy: float | None, humans: float,
                        model_name: str) -> go.Figure:
    """The class's accuracy, the model's, and Lake's humans (95.5% on 20-way within-alphabet runs), in percent."""
    bars = [(_("this class"), class_accuracy, RIGHT),
            (_("the model ({name})").format(name=model_name), model_accuracy, MODEL),
            (_("humans in Lake et al. 2015"), humans, OTHER)]
    shown = [(name, value * 100, colour) for name, value, colour in bars if value is not None]
    figure = go.Figure(go.Bar(x=[b[0] for b in shown], y=[b[1] for b in shown], marker_color=[b[2] for b in shown],
                              text=[format_percent(b[1], already_percent=True) for b in shown], textposition="outside",
                              hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    figure.update_layout(title=_("Answers right: the class, the model, Lake's humans"),
                         xaxis_title="", yaxis_title=_("answers right (%)"), yaxis={"range": [0, 110]}, height=360,
                         margin=MARGIN)
    return figure


SAME, DIFFERENT, EER_COLOUR = BLUE, RED, ORANGE  # as the face pages: blue same, red different


def face_round_histogram(genuine: np.ndarray, impostor: np.ndarray, threshold: float,
                         eer_threshold: float | None) -> go.Figure:
    """The class's distances: pairs of one student's photos (same person) and of two students' (different people),
    each kind in % of its own pairs, with the model's threshold and the EER's."""
    edges = np.linspace(0.0, max(1.0, float(np.max(np.r_[genuine, impostor, threshold], initial=0.0))) + 1e-9, 26)
    centres, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    figure, top = go.Figure(), 1.0
    for values, name, colour in ((impostor, _("different people"), DIFFERENT), (genuine, _("same person"), SAME)):
        counts = np.histogram(values, bins=edges)[0]
        top = max(top, float(np.max(100 * counts / max(values.size, 1), initial=0.0)))
        figure.add_trace(go.Bar(x=centres, y=100 * counts / max(values.size, 1), width=width, opacity=0.6,
                                marker_color=colour, customdata=counts,
                                name=format_message(_("{name} ({total:,} pairs)"), name=name, total=values.size),
                                hovertemplate=_("distance %{x:.2f}: %{y:.1f}% (%{customdata:,} pairs)") + "<extra></extra>"))
    lines = [(threshold, _("threshold"), BLACK, "solid")]
    if eer_threshold is not None:
        lines.append((eer_threshold, "EER", EER_COLOUR, "dash"))
    for value, text, colour, dash in lines:
        figure.add_vline(x=value, line_width=THICK_LINE, line_color=colour, line_dash=dash)
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"{text}: {format_decimal(value, 3)}",
                                    line={"color": colour, "dash": dash, "width": THICK_LINE}))
    figure.update_layout(barmode="overlay", title=_("Distances between the class's faces"),
                         xaxis_title=_("cosine distance between two faces (no unit)"),
                         yaxis={"title": _("share of the pairs of each kind (%)"), "range": [0, 2.6 * top]},
                         height=270, margin=MARGIN_COMPACT,
                         # Inside, top right, above the bars: the y axis leaves the top 60% of the plot to it.
                         legend=LEGEND_TOP_RIGHT)
    return figure


def face_round_roc(false_positive_rate: np.ndarray, true_positive_rate: np.ndarray, auc: float, eer: float,
                   at_threshold: tuple[float, float], threshold: float) -> go.Figure:
    """The class's ROC (same-person pairs accepted against different-person pairs accepted, in %), its EER and where
    the model's threshold (``at_threshold``: its (false match, accepted) rates) puts the class."""
    figure = go.Figure([
        go.Scatter(x=100 * false_positive_rate, y=100 * true_positive_rate, mode="lines", line={"color": SAME, "width": THICK_LINE},
                   name=format_message(_("ROC: AUC {auc:.3f}"), auc=auc),
                   hovertemplate=_("%{x:.1f}% false matches, %{y:.1f}% same-person pairs accepted") + "<extra></extra>"),
        go.Scatter(x=[0, 100], y=[100, 0], mode="lines", line={"color": OTHER, "dash": "dot"},
                   name=_("equal error line"), hoverinfo="skip"),
        go.Scatter(x=[100 * eer], y=[100 * (1 - eer)], mode="markers", name=format_message(_("EER {rate:.1%}"), rate=eer),
                   marker={"size": POINT, "symbol": "diamond", "color": EER_COLOUR, "line": {"width": 1, "color": BLACK}}),
        go.Scatter(x=[100 * at_threshold[0]], y=[100 * at_threshold[1]], mode="markers",
                   name=format_message(_("threshold {threshold:.3f}"), threshold=threshold),
                   marker={"size": POINT, "color": BLACK}),
    ])
    figure.update_layout(title=_("The class's ROC"), height=270, margin=MARGIN_COMPACT,
                         xaxis={"title": _("different-person pairs accepted (%)"), "range": [-2, 102]},
                         yaxis={"title": _("same-person pairs accepted (%)"), "range": [-2, 102]},
                         legend=LEGEND_BOTTOM_RIGHT)
    return figure
