"""Embedding map page: the codes of one alphabet's drawings on a 2-D map, coloured by character."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lab.config import omniglot_dir
from lab.data.omniglot import display_name
from lab.evaluation.projection import METHODS
from lab.figures.omniglot import embedding_map as embedding_map_figure
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.images import png_data_uri, to_display
from lab.limits import MAP_CHARACTERS, SEED
from lab.workflows.coded_set import CodedSet
from lab.workflows.embedding_map import EmbeddingMap, embedding_map
from ui.model_chooser import BY_MODEL, evaluation_or_explain
from ui.projector import projected
from ui.settings import Setting, check_link

PROJECTION = Setting("projection", "radio", N_("Projection"), options=METHODS, default="t-SNE",
                     extra={"horizontal": True}, help=N_(
                         "PCA: a linear view, the two directions of largest spread. t-SNE: keeps neighbours together, "
                         "distorts distances between far-apart groups."))
SEED_SETTING = Setting("seed", "number_input", N_("Random seed (t-SNE)"), bounds=SEED, default=0)
PICTURES = Setting("pictures", "toggle", N_("Draw the drawings at their points"), default=True)


# A page script runs again on every interaction, so _() here is in the language of the run that shows the spinner.
@st.cache_data(show_spinner=_("Computing the map..."), max_entries=64, hash_funcs=BY_MODEL)
def cached_map(evaluation: CodedSet, alphabet: str, characters: int, method: str, seed: int) -> EmbeddingMap:
    return embedding_map(evaluation, alphabet, characters, method, seed)


@st.cache_data(max_entries=64)
def thumbnails(alphabet: str, characters: int, data_dir: str) -> list[str]:
    from ui.omniglot_data import cached_set

    data = cached_set("evaluation", data_dir)
    start, _stop = data.alphabets[alphabet]
    drawings = data.images[start : start + characters].reshape(-1, 105, 105)
    return [png_data_uri(to_display(d)) for d in drawings]


def alphabet_setting(evaluation: CodedSet) -> Setting:
    return Setting("alphabet", "selectbox", N_("Alphabet (evaluation set)"), options=evaluation.data.alphabet_names,
                   shown=display_name)


def characters_setting(evaluation: CodedSet, alphabet: str) -> Setting:
    """How many characters of ``alphabet`` a map can show: 2 up to all of them (another alphabet changes the
    slider's range, so Streamlit makes it anew at its default)."""
    start, stop = evaluation.data.alphabets[alphabet]
    bounds = replace(MAP_CHARACTERS, high=min(MAP_CHARACTERS.high, stop - start))
    return Setting("characters", "slider", N_("Characters shown (the first ones of the alphabet)"), bounds=bounds,
                   default=min(10, bounds.high))


def explain_link(evaluation: CodedSet) -> None:
    """The link's refused values, on the page's first run (later the widgets hold the values); the number of
    characters is checked against the alphabet that the page will show."""
    names = evaluation.data.alphabet_names
    shown = {display_name(name): name for name in names}
    alphabet = shown.get(st.query_params.get("alphabet", ""), names[0])
    check_link([alphabet_setting(evaluation), characters_setting(evaluation, alphabet), PROJECTION, SEED_SETTING,
                PICTURES])


def settings_ui(evaluation: CodedSet) -> tuple[str, int, str, int, bool]:
    explain_link(evaluation)
    left, middle, right = st.columns([3, 2, 2])  # the alphabet's box wide enough for "Old Church Slavonic (Cyrillic)"
    alphabet = alphabet_setting(evaluation).draw(left)
    characters = characters_setting(evaluation, alphabet).draw(middle)
    method = PROJECTION.draw(right)
    left, right = st.columns(2)
    seed, pictures = SEED_SETTING.draw(left), PICTURES.draw(right)
    return alphabet, int(characters), method, int(seed), bool(pictures)


def main() -> None:
    st.title(_("Embedding map"))
    st.markdown(_("Each drawing becomes a code of many numbers; here the codes of one alphabet's drawings are "
                  "squeezed onto a 2-D map. If the network learnt what makes a character, the 20 drawings of a "
                  "character (one colour) form a tight group, although the network never saw these alphabets."))
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    alphabet, characters, method, seed, pictures = settings_ui(evaluation)
    data_dir = str(omniglot_dir())
    found = cached_map(evaluation, alphabet, characters, method, seed)
    start, character, drawer = found.first, found.characters, found.drawers
    names = [evaluation.data.character_label(start + c) for c in range(characters)]
    figure = embedding_map_figure(found.points, character, drawer, names, method, alphabet,
                           thumbnails(alphabet, characters, data_dir) if pictures else None)
    event = st.plotly_chart(projected(figure), key="embedding_map", on_select="rerun",
                            selection_mode=("points", "box", "lasso"))
    if found.explained is not None:
        first, second = found.explained
        st.caption(format_message(_(
            "The two PCA axes hold {first:.0%} and {second:.0%} of the codes' variance; the rest is hidden."),
            first=first, second=second))
    selected = sorted({int(p["customdata"]) for p in (event.selection.points if event else []) if "customdata" in p})
    st.caption(_("Hover over a point for its character and drawer. Plotly cannot put a picture in a hover box, so "
                 "the drawings are drawn at their points (toggle above); click a point, or drag a box, to see the "
                 "drawings large below."))
    if selected:
        st.image([to_display(evaluation.data.images[start + character[i], drawer[i]]) for i in selected[:40]],
                 caption=[_("{character}, drawer {drawer}").format(character=names[character[i]], drawer=drawer[i] + 1)
                          for i in selected[:40]], width=105,
                 output_format="PNG")


main()
