"""The face pages' figures (the threshold lab and the experiment). Every figure has a title and labelled axes with
units; colours, margins and legends are :mod:`lab.figures.style`'s."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.evaluation.roc import OperatingPoint
from lab.evaluation.roc_band import RocBand
from lab.faces.experiment import ExperimentResult
from lab.figures.style import (BAND, BLACK, BLUE, GREEN, LEGEND_BOTTOM_RIGHT, LEGEND_TOP_RIGHT, MARGIN_FOR_SUBTITLE,
                               ORANGE, POINT, PURPLE, RED, THICK_LINE)
from lab.formatting import format_decimal, format_message, format_percent
from lab.i18n import _

# The bars are red (different people) and blue (same person): the EER gets orange, not a third red.
TARGET_COLOUR, EER_COLOUR, POINT_COLOUR = PURPLE, ORANGE, GREEN


def _rates(point: OperatingPoint) -> tuple[float, float]:
    """(false match %, same-person pairs accepted %) of an operating point."""
    return 100 * point.false_accept_rate, 100 * (1 - point.false_reject_rate)


def face_roc(true_positive_rate: np.ndarray, band: RocBand, auc: float, eer: tuple[float, float],
             at_target: OperatingPoint, target: float, point: OperatingPoint, pairs: tuple[int, int],
             title: str) -> go.Figure:
    """The ROC on a logarithmic false-match axis with its bootstrap band, the EER, the threshold for the target
    false match rate and the user's threshold. ``true_positive_rate``: the measured curve on ``band``'s grid;
    ``eer``: (rate, distance threshold); ``pairs``: (same-person, different-person) pair counts."""
    shown = band.false_positive_rate > 0  # a logarithmic axis has no 0
    x = 100 * band.false_positive_rate[shown]
    lowest = float(x[0])

    def marker(rates: tuple[float, float], name: str, detail: str, colour: str, symbol: str) -> go.Scatter:
        # A rate of 0 cannot sit on a log axis: it is drawn on the left edge (its hover text gives the true value).
        # Short legend names keep the legend inside an empty corner even beside the sidebar; the hover has the rest.
        return go.Scatter(x=[max(rates[0], lowest)], y=[rates[1]], mode="markers", name=name, cliponaxis=False,
                          marker={"size": POINT, "symbol": symbol, "color": colour, "line": {"width": 1, "color": BLACK}},
                          hovertemplate=f"{name}<br>{detail}<extra></extra>")

    low, high = band.at(target)
    eer_rate, eer_threshold = eer
    figure = go.Figure([
        go.Scatter(x=x, y=100 * band.high[shown], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"),
        go.Scatter(x=x, y=100 * band.low[shown], mode="lines", line={"width": 0}, fill="tonexty",
                   fillcolor=BAND, name=_("95% band (bootstrap over people)"),
                   hovertemplate=format_message(_("95% band: {redraws:,} redraws of the {people} people"),
                                                redraws=band.replicates, people=band.groups) + "<extra></extra>"),
        go.Scatter(x=x, y=100 * true_positive_rate[shown], mode="lines", line={"color": BLUE, "width": 2},
                   name=format_message(_("ROC: AUC {auc:.4f}"), auc=auc),
                   hovertemplate=_("%{x:.3g}% false matches<br>%{y:.1f}% same-person pairs accepted") + "<extra></extra>"),
        marker((100 * eer_rate, 100 * (1 - eer_rate)),
               format_message(_("EER {rate:.1%}: distance {distance:.3f}"), rate=eer_rate, distance=eer_threshold),
               format_message(_("{false:.1%} false matches, {accepted:.1%} accepted"), false=eer_rate,
                              accepted=1 - eer_rate), EER_COLOUR, "diamond"),
        marker(_rates(at_target), format_message(_("≤ {target:.1%} false matches: distance {distance:.3f}"),
                                                 target=target, distance=at_target.threshold),
               format_message(_(
                   "{false:.2%} false matches, {accepted:.1%} accepted (95% interval {low:.1%} to {high:.1%})"),
                              false=at_target.false_accept_rate, accepted=1 - at_target.false_reject_rate, low=low,
                              high=high),
               TARGET_COLOUR, "square"),
        marker(_rates(point), format_message(_("your threshold: distance {distance:.3f}"), distance=point.threshold),
               format_message(_("{false:.2%} false matches, {accepted:.1%} accepted"),
                              false=point.false_accept_rate, accepted=1 - point.false_reject_rate),
               POINT_COLOUR, "circle"),
    ])
    # A whole 10% below the lowest point (at most 70%), so that the legend in the bottom right corner stays clear of it.
    lowest_rate = min(band.low[shown].min(), true_positive_rate[shown].min())
    floor = max(0.0, min(80.0, float(np.floor(lowest_rate * 10) * 10)) - 10)
    counts = format_message(_("{same:,} same-person pairs, {different:,} different-person pairs"), same=pairs[0],
                            different=pairs[1])
    figure.update_layout(
        title={"text": f"{title}<br><sup>{counts}</sup>"}, yaxis={"range": [floor, 100.5], "title": _(
            "same-person pairs accepted (%)")},
        xaxis={"type": "log", "range": [np.log10(lowest), 2.0],
               "title": _("false matches: different-person pairs accepted (%, log scale)")},
        # Inside the plot, bottom right: on a logarithmic axis the curve runs along the top, that corner stays empty.
        height=430, margin=MARGIN_FOR_SUBTITLE, legend=LEGEND_BOTTOM_RIGHT,
    )
    return figure


def distance_histograms(same_counts: np.ndarray, different_counts: np.ndarray, edges: np.ndarray, metric: str,
                        threshold: float, eer_threshold: float, target_threshold: float, target: float,
                        title: str) -> go.Figure:
    """Distances of same-person and different-person pairs, each kind in % of its own pairs (there are 37 times more
    different pairs in LFW: in counts the same-person bars would vanish), with three thresholds as lines."""
    centres, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    figure = go.Figure()
    for counts, name, colour in ((different_counts, _("different people"), RED), (same_counts, _("same person"), BLUE)):
        total = int(np.sum(counts))
        figure.add_trace(go.Bar(x=centres, y=100 * counts / max(total, 1), width=width, opacity=0.6,
                                marker_color=colour, name=format_message(_("{name} ({total:,} pairs)"), name=name,
                                                                         total=total), customdata=counts,
                                hovertemplate=_("distance %{x:.3f}: %{y:.2f}% (%{customdata:,} pairs)") + "<extra></extra>"))
    for value, text, colour, dash in ((threshold, _("your threshold"), BLACK, "solid"),
                                      (eer_threshold, "EER", EER_COLOUR, "dash"),
                                      (target_threshold, format_message(_("≤ {target:.1%} false matches"),
                                                                        target=target),
                                       TARGET_COLOUR, "dot")):
        figure.add_vline(x=value, line_width=2 if dash == "solid" else THICK_LINE, line_color=colour, line_dash=dash)
        # A legend entry per line: three annotations at the top would overlap where the thresholds are close.
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"{text}: {format_decimal(value, 3)}",
                                    line={"color": colour, "dash": dash, "width": THICK_LINE}))
    figure.update_layout(
        barmode="overlay", title={"text": title}, height=430, margin=MARGIN_FOR_SUBTITLE,
        xaxis_title=_("{metric} distance between two faces (no unit)").format(metric=metric),
        yaxis={"title": _("share of the pairs of each kind (%)"),
               "range": [0, 1.6 * 100 * max(np.max(same_counts) / max(np.sum(same_counts), 1),
                                            np.max(different_counts) / max(np.sum(different_counts), 1))]},
        # Top right, inside, above the bars: the y axis leaves the top third of the plot to it.
        legend=LEGEND_TOP_RIGHT,
    )
    return figure


def fold_errors(result: ExperimentResult, methods: tuple[str, str], title: str) -> go.Figure:
    """Each fold's test error per method (bars, with 95% Wilson intervals) and the error of guessing as a line."""
    folds = result.folds
    labels = [format_message(_("fold {fold}: {train:,} training, {test:,} test photos"),
        fold=f.fold, train=f.train_photos, test=f.test_photos) for f in folds]
    figure = go.Figure()
    for name, colour, field in zip(methods, (RED, BLUE), ("cnn_error", "embedding_error")):
        errors = np.array([100 * getattr(f, field) for f in folds])
        low, high = (100 * np.array([f.interval(getattr(f, field)) for f in folds])).T
        figure.add_trace(go.Bar(
            # "auto": inside a tall bar (clear of its error bar's cap), above a short one.
            x=labels, y=errors, name=name, marker_color=colour,
            text=[format_percent(e, already_percent=True) for e in errors],
            textposition="auto", error_y={"type": "data", "symmetric": False, "array": high - errors,
                                             "arrayminus": errors - low, "color": BLACK},
            hovertemplate=f"{name}" + "<br>%{x}<br>" + _("%{y:.1f}% wrong") + "<extra></extra>"))
    chance = result.chance_error
    figure.add_hline(y=100 * chance, line_dash="dash", line_color=BLACK, line_width=2,
                     annotation_text=format_message(_(
                         "chance: guessing among {people} people is wrong {chance:.1%} of the time"),
                         people=result.people, chance=chance),
                     annotation_position="top left")
    figure.update_layout(
        title={"text": title}, barmode="group", height=430, margin=MARGIN_FOR_SUBTITLE,
        xaxis_title=_("cross-validation fold"),
        yaxis_title=_("test photos given the wrong person (%)"), yaxis={"range": [0, 112]},
        legend={"orientation": "h", "y": -0.2, "x": 0},
    )
    return figure
