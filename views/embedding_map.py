"""Embedding map page: the codes of one alphabet's drawings on a 2-D map, coloured by character."""

from __future__ import annotations

import streamlit as st

from lab.config import omniglot_dir
from lab.data.omniglot import display_name
from lab.evaluation.projection import METHODS
from lab.images import png_data_uri, to_display
from lab.limits import SEED
from lab.plots import embedding_map as embedding_map_figure
from lab.workflows.embedding_map import EmbeddingMap, embedding_map
from lab.workflows.evaluation import Evaluation
from ui.model_chooser import BY_MODEL, evaluation_or_explain


@st.cache_data(show_spinner="Computing the map...", max_entries=64, hash_funcs=BY_MODEL)
def cached_map(evaluation: Evaluation, alphabet: str, characters: int, method: str, seed: int) -> EmbeddingMap:
    return embedding_map(evaluation, alphabet, characters, method, seed)


@st.cache_data(max_entries=64)
def thumbnails(alphabet: str, characters: int, data_dir: str) -> list[str]:
    from ui.omniglot_data import cached_set

    data = cached_set("evaluation", data_dir)
    start, _ = data.alphabets[alphabet]
    drawings = data.images[start : start + characters].reshape(-1, 105, 105)
    return [png_data_uri(to_display(d)) for d in drawings]


def settings_ui(evaluation: Evaluation) -> tuple[str, int, str, int, bool]:
    data = evaluation.data
    left, middle, right = st.columns([3, 2, 2])  # the alphabet's box wide enough for "Old Church Slavonic (Cyrillic)"
    alphabet = left.selectbox("Alphabet (evaluation set)", data.alphabet_names, key="map_alphabet",
                              format_func=display_name)
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
    found = cached_map(evaluation, alphabet, characters, method, seed)
    start, character, drawer = found.first, found.characters, found.drawers
    names = [evaluation.data.character_names[start + c].split("/")[1] for c in range(characters)]
    figure = embedding_map_figure(found.points, character, drawer, names, method, alphabet,
                           thumbnails(alphabet, characters, data_dir) if pictures else None)
    event = st.plotly_chart(figure, key="embedding_map", on_select="rerun", selection_mode=("points", "box", "lasso"))
    if found.explained is not None:
        first, second = found.explained
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
