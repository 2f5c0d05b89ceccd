"""Every figure of lab/figures/faces.py: a title, both axis titles with units, and the traces a lecturer relies on (the
band, the EER and target markers, the chance line), from small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from lab.figures import faces as face_plots
from lab.evaluation.roc import OperatingPoint
from lab.evaluation.roc_band import RocBand, fpr_grid
from lab.faces.experiment import ExperimentResult, FoldResult
from tests.unit.figures.test_omniglot import assert_titled, trace_types


def band(grid: np.ndarray) -> RocBand:
    return RocBand(grid, np.clip(np.sqrt(grid) - 0.1, 0, 1), np.clip(np.sqrt(grid) + 0.1, 0, 1), (0.95, 0.99),
                   (0.03, 0.06), 1000, 40)


def test_face_roc_with_band_markers_and_pair_counts() -> None:
    grid = fpr_grid(10_000, points=50)
    at_target = OperatingPoint(0.5, 90, 10, 100, 9_900)  # 1% false matches, 90% accepted
    mine = OperatingPoint(0.4, 80, 20, 0, 10_000)  # no false match at all: drawn on the left edge
    figure = roc_of(grid, at_target, mine)
    title, x, y = assert_titled(figure)
    assert "100 same-person pairs, 10,000 different-person pairs" in title
    assert "log scale" in x and "(%" in x and "(%)" in y and figure.layout.xaxis.type == "log"
    assert trace_types(figure) == ["scatter"] * 6
    names = [t.name for t in figure.data]
    assert names[1] == "95% band (bootstrap over people)" and figure.data[1].fill == "tonexty"
    assert "1,000 redraws of the 40 people" in figure.data[1].hovertemplate
    assert names[2:] == ["ROC: AUC 0.9700", "EER 4.0%: distance 0.600", "≤ 1.0% false matches: distance 0.500",
                         "your threshold: distance 0.400"]
    assert "1.00% false matches, 90.0% accepted (95% interval " in figure.data[4].hovertemplate
    assert "0.00% false matches, 80.0% accepted" in figure.data[5].hovertemplate
    assert figure.data[5].x[0] == pytest.approx(1e-2)  # 0% sits on the axis's left edge, 0.01%
    assert figure.data[4].x[0] == pytest.approx(1.0) and figure.data[4].y[0] == pytest.approx(90.0)
    assert 0 not in figure.data[2].x  # a log axis cannot show 0


def roc_of(grid: np.ndarray, at_target: OperatingPoint, mine: OperatingPoint):  # type: ignore[no-untyped-def]
    return face_plots.face_roc(np.sqrt(grid), band(grid), 0.97, (0.04, 0.6), at_target, 0.01, mine, (100, 10_000),
                               title="ROC of Facenet (cosine) on lfw")


def test_distance_histograms_in_shares_with_three_threshold_lines() -> None:
    edges = np.linspace(0, 1, 5)
    figure = face_plots.distance_histograms(np.array([1, 3, 0, 0]), np.array([0, 100, 300, 100]), edges, "cosine",
                                            0.3, 0.45, 0.4, 0.01, title="cosine distances")
    title, x, y = assert_titled(figure)
    assert x == "cosine distance between two faces (no unit)" and "(%)" in y
    assert trace_types(figure) == ["bar", "bar", "scatter", "scatter", "scatter"]
    assert [t.name for t in figure.data[:2]] == ["different people (500 pairs)", "same person (4 pairs)"]
    np.testing.assert_allclose(figure.data[0].y, [0, 20, 60, 20])  # each kind in % of its own pairs
    np.testing.assert_allclose(figure.data[1].y, [25, 75, 0, 0])
    assert [t.name for t in figure.data[2:]] == ["your threshold: 0.300", "EER: 0.450", "≤ 1.0% false matches: 0.400"]
    assert [shape.x0 for shape in figure.layout.shapes] == [0.3, 0.45, 0.4]
    assert tuple(figure.layout.yaxis.range) == pytest.approx((0, 1.6 * 75))  # room above the bars for the legend


def test_fold_errors_with_intervals_and_the_chance_line() -> None:
    result = ExperimentResult("Facenet", "yunet", "cosine", 40, [FoldResult(1, 820, 830, 0.5, 0.012),
                                                                 FoldResult(2, 830, 820, 0.46, 0.015)], [])
    figure = face_plots.fold_errors(result, ("CNN", "Facenet + 1-NN"), title="Test error per fold")
    title, x, y = assert_titled(figure)
    assert x == "cross-validation fold" and "(%)" in y
    assert trace_types(figure) == ["bar", "bar"] and figure.layout.barmode == "group"
    assert list(figure.data[0].x) == ["fold 1: 820 training, 830 test photos", "fold 2: 830 training, 820 test photos"]
    np.testing.assert_allclose(figure.data[0].y, [50, 46])
    np.testing.assert_allclose(figure.data[1].y, [1.2, 1.5])
    assert list(figure.data[1].text) == ["1.2%", "1.5%"]
    low, high = result.folds[0].interval(0.5)
    assert figure.data[0].error_y.array[0] == pytest.approx(100 * high - 50)
    assert figure.data[0].error_y.arrayminus[0] == pytest.approx(50 - 100 * low)
    (line,) = figure.layout.shapes
    assert line.y0 == line.y1 == pytest.approx(97.5)
    assert figure.layout.annotations[0].text == "chance: guessing among 40 people is wrong 97.5% of the time"


def test_every_face_plot_function_is_tested() -> None:
    import inspect

    functions = {name for name, f in inspect.getmembers(face_plots, inspect.isfunction)
                 if f.__module__ == face_plots.__name__ and not name.startswith("_")}
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_")}
    assert all(any(t.startswith(f) for t in tested) for f in functions), functions
