"""Plotly figures of the lab. Every figure has a title and labelled axes with units."""

from __future__ import annotations

import plotly.graph_objects as go

from lab.data.omniglot import OmniglotSet


def characters_per_alphabet(data: OmniglotSet) -> go.Figure:
    """Horizontal bar chart: how many characters each alphabet of a set has."""
    counts = data.characters_per_alphabet()
    names = sorted(counts, key=counts.get)  # longest bar on top
    figure = go.Figure(
        go.Bar(
            x=[counts[n] for n in names],
            y=[n.replace("_", " ") for n in names],
            orientation="h",
            text=[counts[n] for n in names],
            textposition="outside",
            hovertemplate="%{y}: %{x} characters (x 20 drawings)<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"Characters per alphabet, {data.name} set ({data.n_characters} characters in {len(counts)} alphabets)",
        xaxis_title="number of characters (each drawn by 20 people)",
        yaxis_title="alphabet",
        height=max(360, 22 * len(names) + 120),
        margin={"l": 10, "r": 30, "t": 60, "b": 40},
    )
    return figure
