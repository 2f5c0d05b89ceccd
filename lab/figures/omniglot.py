"""The Omniglot figures: the data set, the ROC and score histograms, the quiz's results, the embedding map and the
training curves. Every figure has a title and labelled axes with units; colours and margins are
:mod:`lab.figures.style`'s.

Every text drawn is translated when the figure is built (the current session's language). Titles that callers
pass in are theirs to translate; the defaults are marked with N_ and translated here, and a caller's text, already
translated, passes through ``_()`` unchanged. Plotly's ``%{x}`` fields are not ``str.format`` fields: hover texts
that hold them are never formatted, and ``<extra></extra>`` stays outside the translated text.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lab.data.omniglot import OmniglotSet, display_name
from lab.evaluation.roc import OperatingPoint
from lab.figures.style import BLACK, BLUE, GREEN, GREY, LIGHT_GREY, MARGIN, MARGIN_FOR_BAR_VALUES, RED, THICK_LINE
from lab.formatting import format_message, format_percent
from lab.i18n import N_, _, ngettext

NO_TRACE_NAME = "<extra></extra>"  # hides Plotly's trace name beside the hover text


def characters_per_alphabet(data: OmniglotSet) -> go.Figure:
    """Horizontal bar chart: how many characters each alphabet of a set has."""
    counts = data.characters_per_alphabet()
    names = sorted(counts, key=counts.get)  # longest bar on top
    figure = go.Figure(
        go.Bar(
            x=[counts[n] for n in names],
            y=[display_name(n) for n in names],
            orientation="h",
            text=[counts[n] for n in names],
            textposition="outside",
            hovertemplate=_("%{y}: %{x} characters (x 20 drawings)") + NO_TRACE_NAME,
        )
    )
    figure.update_layout(
        title=ngettext("Characters per alphabet, {set} set ({characters} characters in {n} alphabet)",
                       "Characters per alphabet, {set} set ({characters} characters in {n} alphabets)",
                       len(counts)).format(set=data.name, characters=data.n_characters, n=len(counts)),
        xaxis_title=_("number of characters (each drawn by 20 people)"),
        yaxis_title=_("alphabet"),
        height=max(360, 22 * len(names) + 120),
        margin=MARGIN_FOR_BAR_VALUES,
    )
    return figure


ROC_ZOOM = ((-0.2, 20.0), (80.0, 100.2))  # (false accept %, true accept %) of the top-left corner
ROC_FULL = ((-1.0, 101.0), (-1.0, 101.0))


def in_view(x: float, y: float, view: tuple[tuple[float, float], tuple[float, float]]) -> tuple[float, float, bool]:
    """(x, y) moved onto the nearest edge of ``view`` if it lies outside, and whether it had to move."""
    (x_low, x_high), (y_low, y_high) = view
    shown_x, shown_y = min(max(x, x_low), x_high), min(max(y, y_low), y_high)
    return shown_x, shown_y, (shown_x, shown_y) != (x, y)


def operating_marker(point: OperatingPoint, view: tuple[tuple[float, float], tuple[float, float]]) -> go.Scatter:
    """The current threshold's point; outside the zoomed view it sits on the view's edge (hollow) and says where
    it really is, so moving the slider never makes it vanish."""
    far, tpr = point.false_accept_rate * 100, (1 - point.false_reject_rate) * 100
    x, y, moved = in_view(far, tpr, view)
    where = format_message(_("FAR {far:.1f}%, TPR {tpr:.1f}%"), far=far, tpr=tpr)
    name = format_message(_("threshold {threshold:.3f}"), threshold=point.threshold)
    if moved:
        name = _("{name} (operating point: off this view at {where})").format(name=name, where=where)
    return go.Scatter(
        x=[x], y=[y], mode="markers", name=name, cliponaxis=False,  # whole, even on the edge
        marker={"size": 14, "color": GREEN, "symbol": "circle-open" if moved else "circle",
                "line": {"width": THICK_LINE if moved else 2, "color": GREEN if moved else BLACK}},
        hovertemplate=f"{name}<br>{where}{NO_TRACE_NAME}",
    )


def roc_figure(
    false_positive_rate: np.ndarray, true_positive_rate: np.ndarray, auc: float, point: OperatingPoint,
    eer: tuple[float, float], zoom: bool = False,
    title: str = N_("ROC curve of same/different decisions on evaluation pairs"),
) -> go.Figure:
    """The ROC curve with the equal error rate point and the operating point of the current threshold.

    ``zoom`` shows only the top-left corner (0-20% false accepts, 80-100% true accepts), where good models differ.
    """
    eer_rate, eer_threshold = eer
    view = ROC_ZOOM if zoom else ROC_FULL
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=false_positive_rate * 100, y=true_positive_rate * 100, mode="lines",
        name=format_message(_("ROC (AUC {auc:.4f})"), auc=auc),
        hovertemplate=_("false accepts %{x:.2f}%<br>same pairs accepted %{y:.2f}%") + NO_TRACE_NAME,
    ))
    figure.add_trace(go.Scatter(x=[0, 100], y=[100, 0], mode="lines", name=_("FAR = FRR line"),
                                line={"dash": "dot", "color": GREY}, hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=[eer_rate * 100], y=[(1 - eer_rate) * 100], mode="markers",
        name=format_message(_("EER {rate:.2%} (threshold {threshold:.3f})"), rate=eer_rate, threshold=eer_threshold),
        marker={"size": 12, "symbol": "diamond", "color": RED},
    ))
    figure.add_trace(operating_marker(point, view))
    figure.update_layout(
        title=_(title) if title else title,  # _("") would be the catalogue's header
        xaxis_title=_("false accept rate: different pairs called same (%)"),
        yaxis_title=_("true accept rate: same pairs called same (%)"),
        xaxis={"range": list(view[0])}, yaxis={"range": list(view[1])},
        height=460, legend={"x": 0.35, "y": 0.05},
        margin=MARGIN,
    )
    return figure


def score_histograms(
    same_counts: np.ndarray, different_counts: np.ndarray, edges: np.ndarray, threshold: float,
    title: str = N_("Similarity scores of same and different pairs (above the line: called same)"),
    xaxis_title: str = N_("similarity score given by the model (0 = surely different, 1 = surely same)"),
    names: tuple[str, str] = (N_("same character"), N_("different characters")),
) -> go.Figure:
    """Counts of same and different pairs per score bin, with the threshold as a vertical line."""
    centres = (edges[:-1] + edges[1:]) / 2
    width = float(edges[1] - edges[0])
    figure = go.Figure([
        go.Bar(x=centres, y=different_counts, width=width, name=_(names[1]) if names[1] else "", opacity=0.6,
               marker_color=RED, hovertemplate=_("%{x:.3f}: %{y} different pairs") + NO_TRACE_NAME),
        go.Bar(x=centres, y=same_counts, width=width, name=_(names[0]) if names[0] else "", opacity=0.6,
               marker_color=BLUE, hovertemplate=_("%{x:.3f}: %{y} same pairs") + NO_TRACE_NAME),
    ])
    figure.add_vline(x=threshold, line_width=THICK_LINE, line_color=BLACK,
                     annotation_text=format_message(_("threshold {threshold:.3f}"), threshold=threshold),
                     annotation_position="top")
    figure.update_layout(
        barmode="overlay", title=_(title) if title else title,
        xaxis_title=_(xaxis_title) if xaxis_title else xaxis_title,
        yaxis_title=_("number of pairs"), height=380, margin=MARGIN,
    )
    return figure


def accuracy_vs_way(rows: list[dict], model_name: str) -> go.Figure:
    """Accuracy on N-way tasks against N, with 95% confidence intervals and the chance level."""
    ways = [row["way"] for row in rows]
    accuracy = np.array([row["accuracy"] for row in rows]) * 100
    low = np.array([row["ci95_low"] for row in rows]) * 100
    high = np.array([row["ci95_high"] for row in rows]) * 100
    figure = go.Figure([
        go.Scatter(x=ways, y=accuracy, mode="lines+markers", name=_("model {name}").format(name=model_name),
                   error_y={"type": "data", "symmetric": False, "array": high - accuracy, "arrayminus": accuracy - low},
                   hovertemplate=_("%{x}-way: %{y:.1f}%") + NO_TRACE_NAME),
        go.Scatter(x=ways, y=[100 / w for w in ways], mode="lines", name=_("chance (1/N)"), line={"dash": "dot"}),
    ])
    figure.update_layout(
        title=format_message(_("One-shot accuracy against the number of candidates N ({tasks:,} tasks per N)"),
            tasks=rows[0]["tasks"]),
        xaxis_title=_("N: candidates per task"),
        yaxis_title=_("tasks answered right (%), with 95% confidence interval"),
        yaxis={"range": [0, 101]}, height=420, margin=MARGIN,
    )
    return figure


def lake_runs(model_accuracy: np.ndarray, baseline_accuracy: np.ndarray, model_name: str) -> go.Figure:
    """Errors per run of Lake's 20 runs: the model beside the modified Hausdorff baseline."""
    runs = [format_message(_("run {number:02d}"), number=i) for i in range(1, len(model_accuracy) + 1)]
    figure = go.Figure([
        go.Bar(x=runs, y=np.round((1 - model_accuracy) * 20), name=_("model {name}").format(name=model_name)),
        go.Bar(x=runs, y=np.round((1 - baseline_accuracy) * 20),
               name=_("modified Hausdorff distance (computed here)"), opacity=0.5),
    ])
    figure.update_layout(
        title=_("Errors per run on Lake's 20 one-shot runs (20 test drawings per run)"),
        xaxis_title=_("run"), yaxis_title=_("test drawings classified wrongly (of 20)"), barmode="group", height=380,
        margin=MARGIN,
    )
    return figure


def candidate_similarities(
    similarities: np.ndarray, answer: int, chosen_by_model: int,
    title: str = N_("The model's similarity of the query to each candidate (green: right answer; red: model's wrong "
                    "pick)"),
) -> go.Figure:
    """The model's similarity of the query to every candidate; the right one and the model's pick marked."""
    labels = [f"{i + 1}" for i in range(len(similarities))]
    colours = [GREEN if i == answer else (RED if i == chosen_by_model else LIGHT_GREY)
               for i in range(len(similarities))]
    figure = go.Figure(go.Bar(x=labels, y=similarities, marker_color=colours,
                              hovertemplate=_("candidate %{x}: similarity %{y:.3f}") + NO_TRACE_NAME))
    figure.update_layout(
        title=_(title),
        xaxis_title=_("candidate number"), yaxis_title=_("similarity (0 to 1)"), yaxis={"range": [0, 1.05]}, height=320,
        margin=MARGIN,
    )
    return figure


def accuracy_by_alphabet(accuracy: dict[str, float], title: str) -> go.Figure:
    names = sorted(accuracy, key=accuracy.get)
    figure = go.Figure(go.Bar(x=[accuracy[n] * 100 for n in names], y=[display_name(n) for n in names],
                              orientation="h", text=[format_percent(accuracy[n]) for n in names],
                              textposition="outside",
                              hovertemplate="%{y}: %{x:.1f}%" + NO_TRACE_NAME))
    figure.update_layout(title=title, xaxis_title=_("drawings classified right (%)"), yaxis_title=_("alphabet"),
                         xaxis={"range": [0, 110]}, height=max(360, 24 * len(names) + 120),
                         margin=MARGIN_FOR_BAR_VALUES)
    return figure


def embedding_map(
    xy: np.ndarray, character: np.ndarray, drawer: np.ndarray, names: list[str], method: str, alphabet: str,
    thumbnails: list[str] | None = None,
) -> go.Figure:
    """Points of a 2-D map coloured by character; ``thumbnails`` (PNG data URIs) draws each drawing at its point."""
    figure = go.Figure()
    for c in np.unique(character):
        mask = character == c
        figure.add_trace(go.Scatter(
            x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=names[c],
            # With the drawings shown, a coloured ring around each keeps the colour without hiding the strokes.
            marker={"size": 30, "symbol": "circle-open", "line": {"width": 2}} if thumbnails else {"size": 9},
            customdata=np.flatnonzero(mask),
            text=[_("{character}, drawer {number}").format(character=names[c], number=d + 1) for d in drawer[mask]],
            hovertemplate="%{text}<extra></extra>",
        ))
    if thumbnails:
        size = 0.035 * float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9))
        figure.update_layout(images=[
            {"source": uri, "x": float(x), "y": float(y), "xref": "x", "yref": "y", "sizex": size, "sizey": size,
             "xanchor": "center", "yanchor": "middle", "layer": "above"}
            for uri, (x, y) in zip(thumbnails, xy)
        ])
    figure.update_layout(
        title=_("{method} map of the embeddings of {alphabet} (one colour per character)").format(
            method=method, alphabet=display_name(alphabet)),
        xaxis_title=_("{method} axis {number} (no unit)").format(method=method, number=1),
        yaxis_title=_("{method} axis {number} (no unit)").format(method=method, number=2), height=620,
        legend_title=_("character"), margin=MARGIN,
    )
    return figure


def training_curves(history: list[dict], val_way: int, loss: str, architecture: str, model_name: str) -> go.Figure:
    """Loss and validation accuracy against the step; ``history``: the progress reports of a training, as dicts."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2,
                           subplot_titles=(_("Training loss"), _("Validation accuracy (held-out alphabets)")))
    if history:
        steps = [p["step"] for p in history]
        # Markers too: the first report (step 1) is a single point, which a line alone does not draw.
        figure.add_trace(go.Scatter(x=steps, y=[p["loss"] for p in history], name=_("loss"), mode="lines+markers",
                                    marker={"size": 4}), row=1, col=1)
        validated = [p for p in history if p.get("val_nway_accuracy") is not None]
        for key, name in (("val_pair_accuracy", _("pair verification")),
                          ("val_nway_accuracy", _("{way}-way one-shot").format(way=val_way))):
            figure.add_trace(go.Scatter(x=[p["step"] for p in validated], y=[p[key] * 100 for p in validated],
                                        name=name, mode="lines+markers"), row=1, col=2)
    figure.update_xaxes(title_text=_("training step"))
    figure.update_yaxes(title_text=_("{loss} loss (mean over the last steps)").format(loss=loss), row=1, col=1)
    figure.update_yaxes(title_text=_("accuracy (%)"), range=[0, 100], row=1, col=2)
    figure.update_layout(title=_("Training {name!r}: {architecture} tower, {loss} loss").format(
                             name=model_name, architecture=architecture, loss=loss),
                         height=420, legend={"orientation": "h", "y": -0.25})
    return figure
