"""Embedding map page: the codes of one alphabet's drawings on a 2-D map, coloured by character."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.config import omniglot_dir
from lab.evaluation.projection import METHODS, explained_variance, project_2d
from lab.images import png_data_uri, to_display
from lab.limits import SEED
from lab.plots import embedding_map
from ui.models import Evaluation, evaluation_or_explain


@st.cache_data(show_spinner="Computing the map...", max_entries=64)
def projection(_evaluation: Evaluation, key: tuple, alphabet: str, characters: int, method: str, seed: int) -> np.ndarray:
    """``key`` (model name and file stamp) stands for ``_evaluation``, which Streamlit does not hash."""
    start, _ = _evaluation.data.alphabets[alphabet]
    codes = _evaluation.codes[start : start + characters]
    return project_2d(codes.reshape(-1, codes.shape[-1]), method, seed)


@st.cache_data(max_entries=64)
def thumbnails(alphabet: str, characters: int, data_dir: str) -> list[str]:
    from ui.common import cached_set

    data = cached_set("evaluation", data_dir)
    start, _ = data.alphabets[alphabet]
    drawings = data.images[start : start + characters].reshape(-1, 105, 105)
    return [png_data_uri(to_display(d)) for d in drawings]


def settings_ui(evaluation: Evaluation) -> tuple[str, int, str, int, bool]:
    data = evaluation.data
    left, middle, right = st.columns(3)
    alphabet = left.selectbox("Alphabet (evaluation set)", data.alphabet_names, key="map_alphabet",
                              format_func=lambda n: n.replace("_", " "))
    start, stop = data.alphabets[alphabet]
    characters = middle.slider("Characters shown (the first ones of the alphabet)", 2, stop - start,
                               min(10, stop - start), key=f"map_characters_{alphabet}")
    method = right.radio("Projection", METHODS, index=METHODS.index("t-SNE"), horizontal=True, key="map_method",
                         help="PCA: a linear view, the two directions of largest spread. t-SNE: keeps neighbours "
                              "together, distorts distances between far-apart groups.")
    left, right = st.columns(2)
    seed = left.number_input("Random seed (t-SNE)", SEED.low, SEED.high, 0, key="map_seed")
    pictures = right.toggle("Draw the drawings at their points", True, key="map_pictures")
    return alphabet, int(characters), method, int(seed), bool(pictures)


def main() -> None:
    st.title("Embedding map")
    st.markdown("Each drawing becomes a code of many numbers; here the codes of one alphabet's drawings are squeezed "
                "onto a 2-D map. If the network learnt what makes a character, the 20 drawings of a character "
                "(one colour) form a tight group, although the network never saw these alphabets.")
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    alphabet, characters, method, seed, pictures = settings_ui(evaluation)
    data_dir = str(omniglot_dir())
    xy = projection(evaluation, evaluation.key, alphabet, characters, method, seed)
    start, _ = evaluation.data.alphabets[alphabet]
    character = np.repeat(np.arange(characters), 20)
    drawer = np.tile(np.arange(20), characters)
    names = [evaluation.data.character_names[start + c].split("/")[1] for c in range(characters)]
    figure = embedding_map(xy, character, drawer, names, method, alphabet,
                           thumbnails(alphabet, characters, data_dir) if pictures else None)
    event = st.plotly_chart(figure, key="embedding_map", on_select="rerun", selection_mode=("points", "box", "lasso"))
    if method == "PCA":
        start_code = evaluation.codes[start : start + characters].reshape(-1, evaluation.codes.shape[-1])
        first, second = explained_variance(start_code)
        st.caption(f"The two PCA axes hold {first:.0%} and {second:.0%} of the codes' variance; the rest is hidden.")
    selected = sorted({int(p["customdata"]) for p in (event.selection.points if event else []) if "customdata" in p})
    st.caption("Hover over a point for its character and drawer. Plotly cannot put a picture in a hover box, so "
               "the drawings are drawn at their points (toggle above); click a point, or drag a box, to see the "
               "drawings large below.")
    if selected:
        st.image([to_display(evaluation.data.images[start + character[i], drawer[i]]) for i in selected[:40]],
                 caption=[f"{names[character[i]]}, drawer {drawer[i] + 1}" for i in selected[:40]], width=105,
                 output_format="PNG")


main()
