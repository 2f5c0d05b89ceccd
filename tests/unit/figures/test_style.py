"""lab.figures.style.enlarged: the lab's figures with larger text, markers and lines, in black, for a projector."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.figures import omniglot as plots
from lab.figures.style import enlarged


def test_for_projector_enlarges_text_markers_and_lines_of_a_copy() -> None:
    figure = plots.score_histograms(np.array([1, 5, 9]), np.array([9, 5, 1]), np.linspace(0, 1, 4), 0.5)
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers", marker={"size": 4}))
    figure.add_trace(go.Scatter(x=[0, 1], y=[1, 0], mode="lines", line={"width": 0}))  # a band's invisible edge
    figure.add_trace(go.Scatter(x=[0], y=[0], mode="markers", marker={"size": 30}))  # already large
    figure.update_layout(legend={"font": {"size": 11}})
    big = enlarged(figure, scale=1.5)
    assert big is not figure and figure.layout.font.size is None and figure.data[2].marker.size == 4  # untouched
    assert big.layout.font.size == 18 and big.layout.hoverlabel.font.size == 19.5  # Plotly's 12 and 13
    assert big.layout.font.color == "#000"
    assert big.layout.legend.font.size == 16.5
    assert big.layout.shapes[0].line.width == 4.5  # the threshold line, 3 wide
    assert big.layout.title.font.size == 25.5 and big.layout.xaxis.tickfont.size == 18  # Plotly's 17 and 12
    assert big.layout.annotations[0].font.size == 18 and big.layout.yaxis.title.font.color == "#000"
    assert (big.data[2].marker.size, big.data[2].line.width) == (6, 3)  # 4 and Plotly's 2
    assert big.data[3].line.width == 0
    assert big.data[4].marker.size == 30
    assert [t.type for t in big.data] == [t.type for t in figure.data]


def test_for_projector_keeps_a_subplot_figure_whole() -> None:
    history = [{"step": 1, "loss": 0.7, "val_pair_accuracy": 0.5, "val_nway_accuracy": 0.3},
               {"step": 2, "loss": 0.6, "val_pair_accuracy": 0.6, "val_nway_accuracy": 0.4}]
    figure = plots.training_curves(history, 20, "bce", "koch", "m")
    big = enlarged(figure, scale=2)
    assert [a.font.size for a in big.layout.annotations] == [2 * a.font.size for a in figure.layout.annotations]
    assert big.data[0].marker.size == 8 and big.layout.xaxis2.title.text == figure.layout.xaxis2.title.text


def test_for_projector_writes_the_values_beside_bars_large() -> None:
    big = enlarged(plots.accuracy_by_alphabet({"Angelic": 90.0, "Keble": 99.0}, "t"), scale=1.5)
    assert big.data[0].textfont.size == 18 and big.data[0].constraintext == "none"


def test_the_two_templates_are_registered_and_projector_mode_chooses_one() -> None:
    import plotly.io as pio

    from lab.figures.style import NORMAL, PROJECTOR, for_screen, template_name

    assert template_name(False) == NORMAL and template_name(True) == PROJECTOR
    normal, projector = pio.templates[NORMAL].layout, pio.templates[PROJECTOR].layout
    assert (normal.font.size, normal.font.color) == (12, None)  # Plotly's own size, the theme's colour
    assert (projector.font.size, projector.font.color, projector.title.font.size) == (18, "#000", 25.5)
    assert pio.templates[PROJECTOR].data.scatter[0].marker.size == 9
    figure = plots.accuracy_by_alphabet({"Angelic": 90.0, "Keble": 99.0}, "t")
    assert for_screen(figure, projector=False) is figure and figure.layout.separators == ".,"
    assert for_screen(figure, projector=True).layout.font.size == 18 and figure.layout.font.size is None
