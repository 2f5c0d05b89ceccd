"""The class round's figures for the projector: how the class answered, and the class against the model and Lake's
published human figure."""

from __future__ import annotations

import plotly.graph_objects as go

from lab.formatting import format_percent
from lab.i18n import _

RIGHT, MODEL, OTHER = "#2ca02c", "#1f77b4", "#999999"


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
        margin={"l": 10, "r": 10, "t": 60, "b": 40}, xaxis={"type": "category"},
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
                         margin={"l": 10, "r": 10, "t": 60, "b": 40})
    return figure
