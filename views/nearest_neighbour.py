"""Nearest-neighbour classification page (the lecture's exercise): templates in, no training."""

from __future__ import annotations

import streamlit as st

from lab.config import omniglot_dir
from lab.data.omniglot import display_character
from lab.images import side_by_side, to_display
from lab.plots import accuracy_by_alphabet
from lab.workflows.evaluation import Evaluation
from lab.workflows.nearest import NearestNeighbour, nearest_neighbour
from ui.model_chooser import cached_codes, evaluation_or_explain
from ui.omniglot_data import cached_set

LAYERS = {
    "features": "the encoder without its last dense layer (the lecture's exercise)",
    "embedding": "the full embedding that the Siamese network compares",
}


@st.cache_resource(show_spinner="Classifying 6,590 drawings by their nearest template...", max_entries=16)
def classify(name: str, stamp: tuple[int, int], layer: str, one_shot: bool, data_dir: str) -> NearestNeighbour:
    return nearest_neighbour(cached_codes(name, stamp, layer, data_dir), cached_set("evaluation", data_dir), one_shot)


def settings_ui() -> tuple[str, bool]:
    left, right = st.columns(2)
    layer = left.radio("Codes compared", list(LAYERS), format_func=LAYERS.get, key="nn_layer")
    shots = right.radio("Templates per character", ["10 (drawers 1-10)", "1: one-shot (drawer 1 only)"], key="nn_shots")
    return layer, shots.startswith("1:")


def confusions_view(evaluation: Evaluation, exercise: NearestNeighbour) -> None:
    st.subheader("The most confused characters")
    confusions = exercise.confusions[:8]
    if not confusions:
        st.success("No drawing was classified wrongly.")
        return
    names = [display_character(n) for n in evaluation.data.character_names]
    images = evaluation.data.images
    pictures = [side_by_side(to_display(images[t, 0]), to_display(images[c, 0])) for t, c, _ in confusions]
    captions = [f"{names[t]} taken for {names[c]}: {n} of {len(exercise.result.query_drawers)} drawings"
                for t, c, n in confusions]
    st.image(pictures, caption=captions, width=216, output_format="PNG")
    st.caption("Left: the true character; right: the character its drawings were taken for (drawer 1 of each).")


def main() -> None:
    st.title("Nearest-neighbour classification")
    st.markdown(
        "The lecture's exercise: for each of the 659 evaluation characters, drawings 1-10 are **templates** and "
        "drawings 11-20 are classified as the character of the **nearest template** (Euclidean distance between "
        "codes). Adding a character needs only its templates, no training. It is a 659-way problem: chance is "
        f"{1 / 659:.2%}."
    )
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    layer, one_shot = settings_ui()
    data_dir = str(omniglot_dir())
    ten, one = (classify(*evaluation.key, layer, shots, data_dir) for shots in (False, True))
    exercise = one if one_shot else ten
    cells = st.columns(3)
    cells[0].metric("Accuracy with 10 templates per character", f"{ten.result.accuracy:.1%}")
    cells[1].metric("Accuracy with 1 template (one-shot)", f"{one.result.accuracy:.1%}")
    cells[2].metric("Drawings classified", f"{exercise.result.predictions.size:,}", help="Drawers 11-20 of 659 characters.")
    shots = "1 template" if one_shot else "10 templates"
    st.plotly_chart(accuracy_by_alphabet(exercise.alphabet_accuracy,
                                         f"Nearest-template accuracy per alphabet ({shots} per character, {layer})"),
                    key="nn_alphabets")
    confusions_view(evaluation, exercise)
    st.caption(f"Hardest character: {display_character(exercise.hardest)} ({exercise.hardest_accuracy:.0%} of its drawings classified right).")


main()
