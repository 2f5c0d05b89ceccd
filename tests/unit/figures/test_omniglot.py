"""Every figure of lab/figures/omniglot.py has a title, both axis titles (with units where it gives them) and the traces it
should: their types and counts. Built from small hand-made inputs and the miniature Omniglot."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lab.figures import omniglot as plots
from lab.evaluation.roc import operating_point, roc_curve


def trace_types(figure: go.Figure) -> list[str]:
    return [trace.type for trace in figure.data]


def titles(figure: go.Figure) -> tuple[str, str, str]:
    layout = figure.layout
    return layout.title.text, layout.xaxis.title.text, layout.yaxis.title.text


def assert_titled(figure: go.Figure) -> tuple[str, str, str]:
    title, x, y = titles(figure)
    assert title and x and y, (title, x, y)
    return title, x, y


def test_characters_per_alphabet(mini_evaluation) -> None:
    figure = plots.characters_per_alphabet(mini_evaluation)
    title, x, y = assert_titled(figure)
    assert "evaluation set (21 characters in 3 alphabets)" in title
    assert "number of characters" in x and y == "alphabet"
    assert trace_types(figure) == ["bar"] and figure.data[0].orientation == "h"
    assert list(figure.data[0].x) == [7, 7, 7] and "Zeta Signs" in figure.data[0].y  # underscores become spaces


def test_roc_figure_zoom_and_full() -> None:
    scores = np.array([0.9, 0.8, 0.4, 0.7, 0.3, 0.2])
    same = np.array([True, True, True, False, False, False])
    curve = roc_curve(scores, same)
    point = operating_point(scores, same, 0.5)
    for zoom, x_range in ((False, (-1, 101)), (True, (-0.2, 20))):
        figure = plots.roc_figure(curve.false_positive_rate, curve.true_positive_rate, curve.auc, point, (1 / 3, 0.7),
                                  zoom=zoom)
        title, x, y = assert_titled(figure)
        assert title.startswith("ROC curve") and "(%)" in x and "(%)" in y
        assert trace_types(figure) == ["scatter"] * 4
        assert [t.mode for t in figure.data] == ["lines", "lines", "markers", "markers"]
        assert figure.data[0].name == f"ROC (AUC {curve.auc:.4f})" and figure.data[2].name.startswith("EER 33.33%")
        assert tuple(figure.layout.xaxis.range) == x_range
        np.testing.assert_allclose(figure.data[0].x, curve.false_positive_rate * 100)


def test_in_view_moves_a_point_onto_the_nearest_edge() -> None:
    assert plots.in_view(5.0, 90.0, plots.ROC_ZOOM) == (5.0, 90.0, False)
    assert plots.in_view(35.0, 99.0, plots.ROC_ZOOM) == (20.0, 99.0, True)
    assert plots.in_view(1.0, 40.0, plots.ROC_ZOOM) == (1.0, 80.0, True)
    assert plots.in_view(35.0, 40.0, plots.ROC_FULL) == (35.0, 40.0, False)


def test_operating_marker_stays_visible_when_the_zoomed_view_excludes_it() -> None:
    scores = np.array([0.9, 0.8, 0.4, 0.7, 0.3, 0.2])
    same = np.array([True, True, True, False, False, False])
    curve = roc_curve(scores, same)
    low = operating_point(scores, same, 0.25)  # accepts 2 of 3 different pairs: FAR 66.7%, TPR 100%
    zoomed = plots.roc_figure(curve.false_positive_rate, curve.true_positive_rate, curve.auc, low, (1 / 3, 0.7), True)
    marker = zoomed.data[3]
    (x_low, x_high), (y_low, y_high) = zoomed.layout.xaxis.range, zoomed.layout.yaxis.range
    assert x_low <= marker.x[0] <= x_high and y_low <= marker.y[0] <= y_high  # on the edge of the view, not gone
    assert marker.x[0] == 20.0 and marker.y[0] == 100.0
    assert marker.name == "threshold 0.250 (operating point: off this view at FAR 66.7%, TPR 100.0%)"
    assert "FAR 66.7%, TPR 100.0%" in marker.hovertemplate and marker.marker.symbol == "circle-open"
    full = plots.roc_figure(curve.false_positive_rate, curve.true_positive_rate, curve.auc, low, (1 / 3, 0.7), False)
    assert full.data[3].name == "threshold 0.250" and full.data[3].x[0] == pytest.approx(200 / 3)
    assert full.data[3].marker.symbol == "circle"
    inside = operating_point(scores, same, 0.75)  # FAR 0%, TPR 66.7%: below the zoomed 80-100%
    assert plots.roc_figure(curve.false_positive_rate, curve.true_positive_rate, curve.auc, inside, (1 / 3, 0.7),
                            True).data[3].y[0] == 80.0


def test_score_histograms_with_the_threshold_line() -> None:
    edges = np.linspace(0, 1, 5)
    figure = plots.score_histograms(np.array([0, 1, 2, 5]), np.array([4, 2, 1, 0]), edges, 0.6)
    title, x, y = assert_titled(figure)
    assert "similarity score" in x and y == "number of pairs"
    assert trace_types(figure) == ["bar", "bar"] and figure.layout.barmode == "overlay"
    assert [t.name for t in figure.data] == ["different characters", "same character"]
    np.testing.assert_allclose(figure.data[0].x, [0.125, 0.375, 0.625, 0.875])
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == 0.6
    assert figure.layout.annotations[0].text == "threshold 0.600"
    custom = plots.score_histograms(np.ones(4), np.ones(4), edges, 0.3, title="T", xaxis_title="distance (cosine)",
                                    names=("same person", "different people"))
    assert titles(custom)[:2] == ("T", "distance (cosine)") and custom.data[1].name == "same person"


def test_accuracy_vs_way_with_intervals_and_chance() -> None:
    rows = [{"way": w, "accuracy": a, "ci95_low": a - 0.05, "ci95_high": min(1.0, a + 0.05), "tasks": 300}
            for w, a in ((2, 0.98), (5, 0.93), (20, 0.85))]
    figure = plots.accuracy_vs_way(rows, "default")
    title, x, y = assert_titled(figure)
    assert "(300 tasks per N)" in title and x.startswith("N") and "(%)" in y
    assert trace_types(figure) == ["scatter", "scatter"]
    assert [t.name for t in figure.data] == ["model default", "chance (1/N)"]
    np.testing.assert_allclose(figure.data[1].y, [50, 20, 5])
    np.testing.assert_allclose(figure.data[0].error_y.arrayminus, [5, 5, 5])


def test_lake_runs_errors_per_run() -> None:
    model = np.full(20, 0.95)
    baseline = np.full(20, 0.6)
    figure = plots.lake_runs(model, baseline, "default")
    title, x, y = assert_titled(figure)
    assert "Lake's 20 one-shot runs" in title and x == "run" and "(of 20)" in y
    assert trace_types(figure) == ["bar", "bar"] and figure.layout.barmode == "group"
    assert list(figure.data[0].x) == [f"run {i:02d}" for i in range(1, 21)]
    assert list(figure.data[0].y) == [1] * 20 and list(figure.data[1].y) == [8] * 20


def test_candidate_similarities_marks_the_answer_and_the_wrong_pick() -> None:
    figure = plots.candidate_similarities(np.array([0.1, 0.9, 0.5, 0.95]), answer=1, chosen_by_model=3)
    title, x, y = assert_titled(figure)
    assert x == "candidate number" and y == "similarity (0 to 1)"
    assert trace_types(figure) == ["bar"] and list(figure.data[0].x) == ["1", "2", "3", "4"]
    assert list(figure.data[0].marker.color) == ["#999999", "#2ca02c", "#999999", "#d62728"]


def test_accuracy_by_alphabet_in_percent() -> None:
    figure = plots.accuracy_by_alphabet({"Old_Church": 0.5, "Tengwar": 0.75}, "Accuracy per alphabet")
    title, x, y = assert_titled(figure)
    assert title == "Accuracy per alphabet" and "(%)" in x and y == "alphabet"
    assert trace_types(figure) == ["bar"] and list(figure.data[0].x) == [50, 75]
    assert list(figure.data[0].y) == ["Old Church", "Tengwar"]


@pytest.mark.parametrize("with_thumbnails", [False, True])
def test_embedding_map_one_trace_per_character(with_thumbnails: bool) -> None:
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(9, 2))
    character = np.repeat([0, 1, 2], 3)
    drawer = np.tile([0, 1, 2], 3)
    thumbnails = ["data:image/png;base64,AAAA"] * 9 if with_thumbnails else None
    figure = plots.embedding_map(xy, character, drawer, ["a", "b", "c"], "PCA", "Old_Church", thumbnails)
    title, x, y = assert_titled(figure)
    assert title.startswith("PCA map") and "Old Church" in title
    assert x == "PCA axis 1 (no unit)" and y == "PCA axis 2 (no unit)"
    assert trace_types(figure) == ["scatter"] * 3 and [t.name for t in figure.data] == ["a", "b", "c"]
    assert len(figure.layout.images) == (9 if with_thumbnails else 0)


def test_training_curves_loss_and_both_validation_accuracies() -> None:
    history = [{"step": 10, "loss": 0.9, "val_pair_accuracy": None, "val_nway_accuracy": None},
               {"step": 20, "loss": 0.7, "val_pair_accuracy": 0.8, "val_nway_accuracy": 0.6},
               {"step": 30, "loss": 0.5, "val_pair_accuracy": 0.85, "val_nway_accuracy": 0.7}]
    figure = plots.training_curves(history, 20, "triplet", "compact", "mine")
    assert figure.layout.title.text == "Training 'mine': compact tower, triplet loss"
    assert figure.layout.xaxis.title.text == figure.layout.xaxis2.title.text == "training step"
    assert figure.layout.yaxis.title.text == "triplet loss (mean over the last steps)"
    assert figure.layout.yaxis2.title.text == "accuracy (%)"
    assert [t.name for t in figure.data] == ["loss", "pair verification", "20-way one-shot"]
    assert list(figure.data[0].y) == [0.9, 0.7, 0.5] and list(figure.data[2].y) == [60.0, 70.0]  # validated steps, in %
    assert len(plots.training_curves([], 20, "bce", "koch", "new").data) == 0  # before the first report
    first = plots.training_curves([{"step": 1, "loss": 1.2}], 20, "bce", "koch", "new").data[0]
    assert list(first.x) == [1] and "markers" in first.mode  # the first report alone is drawn as a point


def test_every_plot_function_is_tested() -> None:
    import inspect

    functions = {name for name, f in inspect.getmembers(plots, inspect.isfunction) if f.__module__ == plots.__name__}
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_")}
    assert all(any(t.startswith(f) for t in tested) for f in functions), functions

