"""Nearest-neighbour classification page (the lecture's exercise): templates in, no training."""

from __future__ import annotations

import streamlit as st

from lab.config import omniglot_dir
from lab.data.omniglot import display_character
from lab.figures.omniglot import accuracy_by_alphabet
from lab.formatting import format_integer, format_message, format_percent
from lab.i18n import N_, _
from lab.images import side_by_side, to_display
from lab.workflows.coded_set import CodedSet
from lab.workflows.nearest import NearestNeighbour, nearest_neighbour
from ui.model_chooser import cached_codes, evaluation_or_explain
from ui.omniglot_data import cached_set
from ui.projector import projected
from ui.settings import Setting, check_link

# The options show the layers' own names, so that a link reads ?layer=features whatever the language.
LAYERS = {
    "features": N_("the encoder without its last dense layer (the lecture's exercise)"),
    "embedding": N_("the full embedding that the Siamese network compares"),
}
TEMPLATES = {10: N_("drawers 1-10"), 1: N_("one-shot: drawer 1 only")}
SETTINGS = (Setting("layer", "radio", N_("Codes compared"), options=list(LAYERS)),
            Setting("templates", "radio", N_("Templates per character"), options=list(TEMPLATES)))


# A page script runs again on every interaction, so _() here is in the language of the run that shows the spinner.
@st.cache_resource(show_spinner=_("Classifying 6,590 drawings by their nearest template..."), max_entries=16)
def classify(name: str, stamp: tuple[int, int], layer: str, one_shot: bool, data_dir: str) -> NearestNeighbour:
    return nearest_neighbour(cached_codes(name, stamp, layer, data_dir), cached_set("evaluation", data_dir), one_shot)


def settings_ui() -> tuple[str, bool]:
    check_link(SETTINGS)
    layer, templates = (setting.draw(column, captions=[_(c) for c in captions.values()])
                        for setting, column, captions in zip(SETTINGS, st.columns(2), (LAYERS, TEMPLATES)))
    return layer, templates == 1


def confusions_view(evaluation: CodedSet, exercise: NearestNeighbour) -> None:
    st.subheader(_("The most confused characters"))
    confusions = exercise.confusions[:8]
    if not confusions:
        st.success(_("No drawing was classified wrongly."))
        return
    names = [display_character(n) for n in evaluation.data.character_names]
    images = evaluation.data.images
    pictures = [side_by_side(to_display(images[t, 0]), to_display(images[c, 0])) for t, c, _n in confusions]
    captions = [_("{true} taken for {taken}: {count} of {total} drawings").format(
        true=names[t], taken=names[c], count=n, total=len(exercise.result.query_drawers)) for t, c, n in confusions]
    st.image(pictures, caption=captions, width=216, output_format="PNG")
    st.caption(_("Left: the true character; right: the character its drawings were taken for (drawer 1 of each)."))


def main() -> None:
    st.title(_("Nearest-neighbour classification"))
    st.markdown(format_message(_(
        "The lecture's exercise: for each of the 659 evaluation characters, drawings 1-10 are **templates** and "
        "drawings 11-20 are classified as the character of the **nearest template** (Euclidean distance between "
        "codes). Adding a character needs only its templates, no training. It is a 659-way problem: chance is "
        "{chance:.2%}."
    ), chance=1 / 659))
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    layer, one_shot = settings_ui()
    data_dir = str(omniglot_dir())
    ten, one = (classify(*evaluation.key, layer, shots, data_dir) for shots in (False, True))
    exercise = one if one_shot else ten
    cells = st.columns(3)
    cells[0].metric(_("Accuracy with 10 templates per character"), format_percent(ten.result.accuracy))
    cells[1].metric(_("Accuracy with 1 template (one-shot)"), format_percent(one.result.accuracy))
    cells[2].metric(_("Drawings classified"), format_integer(exercise.result.predictions.size),
                    help=_("Drawers 11-20 of 659 characters."))
    templates = _("1 template") if one_shot else _("10 templates")  # the page's only two counts
    title = _("Nearest-template accuracy per alphabet ({templates} per character, {layer})").format(
        templates=templates, layer=layer)
    st.plotly_chart(projected(accuracy_by_alphabet(exercise.alphabet_accuracy, title)), key="nn_alphabets")
    confusions_view(evaluation, exercise)
    st.caption(format_message(_("Hardest character: {character} ({share:.0%} of its drawings classified right)."),
                              character=display_character(exercise.hardest), share=exercise.hardest_accuracy))


main()
