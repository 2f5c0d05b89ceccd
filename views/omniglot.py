"""Dataset page: browse the Omniglot alphabets, characters, drawings and verification pairs.

Every setting is kept in the URL (``?set=Evaluation&alphabet=Tengwar&character=character04&tab=Pairs``), so that a
lecturer can send a view; a value of a link that this page cannot take is named in a warning (ui.url_state).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, SET_NAMES, OmniglotSet, display_character, display_name
from lab.data.pairs import sample_pairs
from lab.errors import LabError
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.images import side_by_side, to_display
from lab.limits import SEED, SHOWN_CHARACTERS, SHOWN_PAIRS
from lab.figures.omniglot import characters_per_alphabet
from ui.omniglot_data import load_set_or_explain, set_with_spinner
from ui.projector import projected
from ui.settings import Setting, check_link, in_language

TABS = [N_("Character"), N_("Random characters"), N_("Pairs"), N_("Counts per alphabet")]
SEED_SETTING = Setting("seed", "number_input", N_("Random seed"), bounds=SEED, default=0)
BATCH = Setting("batch", "slider", N_("Pairs in the batch"), bounds=SHOWN_PAIRS, default=8, extra={"step": 2})
WITHIN = Setting("within", "checkbox", N_("Different pairs from the same alphabet"),
                 help=N_("Harder: the two different characters come from one alphabet, so they look alike."))
PAIR_SEED = Setting("pair_seed", "number_input", N_("Random seed"), bounds=SEED, default=0)


def set_labels() -> dict[str, str]:
    return {"background": _("Background"), "evaluation": _("Evaluation")}


def set_setting() -> Setting:
    return Setting("set", "radio", N_("Set"), options=SET_NAMES, shown=set_labels().get, translated=True,
                   extra={"horizontal": True})


def tab_setting() -> Setting:
    """The open tab is held by its label: after a language switch, the same tab under its new label."""
    return Setting("tab", "tabs", options=TABS, shown=in_language(), translated=True)


def alphabet_setting(data: OmniglotSet) -> Setting:
    return Setting("alphabet", "selectbox", N_("Alphabet"), options=data.alphabet_names, shown=display_name)


def character_setting(data: OmniglotSet, alphabet: str) -> Setting:
    """The characters of ``alphabet``, shown and linked by their folder names ("character04")."""
    start, stop = data.alphabets[alphabet]
    return Setting("character", "selectbox", N_("Character"), options=range(start, stop), shown=data.character_label)


def count_setting(characters: int) -> Setting:
    """How many characters of an alphabet of ``characters`` the Random tab shows."""
    most = min(int(SHOWN_CHARACTERS.high), characters)
    return Setting("count", "slider", N_("How many characters"), bounds=replace(SHOWN_CHARACTERS, high=most),
                   default=min(10, most))


def asked_in_url(key: str, shown: dict[str, str], default: str) -> str:
    """The option that the link's ``key`` names by its shown text, or ``default``."""
    asked = st.query_params.get(key)
    return next((option for option, text in shown.items() if text == asked), default)


def link_settings() -> list[Setting]:
    """The settings a link may give. The alphabets depend on the set the link asks for, the characters and their
    count on its alphabet; those are read from the link itself, since the widgets do not exist yet."""
    settings = [set_setting(), tab_setting(), SEED_SETTING, BATCH, WITHIN, PAIR_SEED]
    try:
        data = set_with_spinner(asked_in_url("set", set_labels(), SET_NAMES[0]))
    except LabError:  # missing or damaged files: the page explains that right below
        return [*settings, count_setting(int(SHOWN_CHARACTERS.high))]
    alphabet = asked_in_url("alphabet", {name: display_name(name) for name in data.alphabet_names},
                            data.alphabet_names[0])
    start, stop = data.alphabets[alphabet]
    return [*settings, alphabet_setting(data), character_setting(data, alphabet), count_setting(stop - start)]


def set_ui() -> str:
    labels = set_labels()
    return set_setting().draw(
        help=_("**{background}**: 30 alphabets, 964 characters: the networks train on these.\n\n**{evaluation}**: 20 "
               "other alphabets, 659 characters: never seen in training, used to test one-shot learning.").format(
            background=labels["background"], evaluation=labels["evaluation"]),
    )


def character_ui(data: OmniglotSet) -> tuple[str, int]:
    left, right = st.columns(2)
    alphabet = alphabet_setting(data).draw(left)
    character = character_setting(data, alphabet).draw(right)
    return alphabet, int(character)


def show_character(data: OmniglotSet, character: int) -> None:
    st.subheader(_("{character}: its 20 drawings").format(character=display_character(data.character_names[character])))
    st.caption(_("Official id {id} (the number in its file names). Each drawing is by a different person (drawer 1 "
                 "to 20), 105 x 105 pixels.").format(id=data.character_ids[character]))
    images = [to_display(data.images[character, drawer]) for drawer in range(DRAWINGS_PER_CHARACTER)]
    st.image(images, caption=[_("drawer {number}").format(number=d + 1) for d in range(DRAWINGS_PER_CHARACTER)],
             width=105, output_format="PNG")


def show_random_characters(data: OmniglotSet, alphabet: str) -> None:
    start, stop = data.alphabets[alphabet]
    left, right = st.columns(2)
    count, seed = count_setting(stop - start).draw(left), SEED_SETTING.draw(right)
    rng = np.random.default_rng(int(seed))
    chosen = np.sort(rng.choice(np.arange(start, stop), size=count, replace=False))
    drawers = rng.integers(0, DRAWINGS_PER_CHARACTER, size=count)
    st.image(
        [to_display(data.images[c, d]) for c, d in zip(chosen, drawers)],
        caption=[_("{character}, drawer {number}").format(character=data.character_label(c), number=d + 1)
                 for c, d in zip(chosen, drawers)],
        width=105,
        output_format="PNG",
    )


def pairs_ui() -> tuple[int, bool, int]:
    batch, within, seed = (setting.draw(column) for setting, column in zip((BATCH, WITHIN, PAIR_SEED), st.columns(3)))
    return int(batch), bool(within), int(seed)


def show_pairs(data: OmniglotSet, batch: int, within: bool, seed: int) -> None:
    pairs = sample_pairs(data, batch, np.random.default_rng(seed), within_alphabet=within)
    left, right = pairs.images(data)
    st.caption(_(
        "A training batch as the network sees it: the first half pairs two different characters (target 0), "
        "the second half two drawings of one character by different people (target 1)."
    ))
    pictures, captions = [], []
    for i in range(len(pairs)):
        pictures.append(side_by_side(to_display(left[i]), to_display(right[i])))
        a, b = (display_character(data.character_names[side[i, 0]]) for side in (pairs.left, pairs.right))
        if pairs.targets[i] == 1:
            captions.append(_("target 1: same ({character})").format(character=a))
        else:
            captions.append(_("target 0: different ({left} / {right})").format(left=a, right=b))
    st.image(pictures, caption=captions, width=216, output_format="PNG")


def main() -> None:
    st.title(_("Omniglot dataset"))
    st.markdown(_(
        "Omniglot (Lake, Salakhutdinov & Tenenbaum, 2015): 1,623 characters from 50 alphabets, each drawn once "
        "by 20 different people on Amazon Mechanical Turk."
    ))
    check_link(link_settings())
    set_name = set_ui()
    data = load_set_or_explain(set_name)
    if data is None:
        return
    st.caption(format_message(_("{set} set: {alphabets} alphabets, {characters:,} characters, {drawings:,} drawings."),
        set=set_labels()[set_name], alphabets=len(data.alphabets), characters=data.n_characters,
        drawings=data.n_characters * DRAWINGS_PER_CHARACTER))
    character_tab, random_tab, pairs_tab, counts_tab = tab_setting().draw()
    with character_tab:
        alphabet, character = character_ui(data)
        show_character(data, character)
    with random_tab:
        st.caption(_("Random characters of the alphabet chosen on the first tab ({alphabet}).").format(
            alphabet=display_name(alphabet)))
        show_random_characters(data, alphabet)
    with pairs_tab:
        show_pairs(data, *pairs_ui())
    with counts_tab:
        st.plotly_chart(projected(characters_per_alphabet(data)), width="stretch")


main()
