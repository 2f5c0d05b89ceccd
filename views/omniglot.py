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
from lab.i18n import LOCALES, N_, _, translations
from lab.images import side_by_side, to_display
from lab.limits import SEED, SHOWN_CHARACTERS, SHOWN_PAIRS
from lab.figures.omniglot import characters_per_alphabet
from ui.omniglot_data import load_set_or_explain, set_with_spinner
from ui.projector import projected
from ui.url_state import (UrlValue, choice_value, explain_invalid_values, number_value,
                          switch_value)

URL = "query-params"  # every setting of this page is bound to the URL, under its widget's key
TABS = [N_("Character"), N_("Random characters"), N_("Pairs"), N_("Counts per alphabet")]


def set_labels() -> dict[str, str]:
    return {"background": _("Background"), "evaluation": _("Evaluation")}


def tab_labels() -> list[str]:
    return [_(tab) for tab in TABS]


def keep_tab_in_language() -> None:
    """The open tab is held by its label: after a language switch, the same tab under its label in the new language
    (else the first tab would open, and the URL would keep the label of the previous language)."""
    held = st.session_state.get("tab")
    for language in LOCALES:
        labels = [translations(language).gettext(tab) for tab in TABS]
        if held in labels and held != _(TABS[labels.index(held)]):
            st.session_state["tab"] = _(TABS[labels.index(held)])
            return


def character_label(data: OmniglotSet, character: int) -> str:
    """"character04": the character's folder name, which the URL holds (its alphabet is a parameter of its own)."""
    return data.character_names[character].split("/")[1]


def asked_in_url(key: str, shown: dict[str, str], default: str) -> str:
    """The option that the link's ``key`` names by its shown text, or ``default``."""
    asked = st.query_params.get(key)
    return next((option for option, text in shown.items() if text == asked), default)


def url_checks() -> list[UrlValue]:
    """What each parameter of a link may be. The alphabets depend on the set the link asks for, the characters and
    their count on its alphabet; those are read from the link itself, since the widgets do not exist yet."""
    labels = set_labels()
    checks = [choice_value("set", labels.values()), choice_value("tab", tab_labels()), number_value("seed", SEED),
              number_value("batch", SHOWN_PAIRS), switch_value("within"), number_value("pair_seed", SEED)]
    try:
        data = set_with_spinner(asked_in_url("set", labels, SET_NAMES[0]))
    except LabError:  # missing or damaged files: the page explains that right below
        return [*checks, number_value("count", SHOWN_CHARACTERS)]
    alphabets = {name: display_name(name) for name in data.alphabet_names}
    start, stop = data.alphabets[asked_in_url("alphabet", alphabets, data.alphabet_names[0])]
    count = replace(SHOWN_CHARACTERS, high=min(SHOWN_CHARACTERS.high, stop - start))
    return [*checks, choice_value("alphabet", alphabets.values()),
            choice_value("character", [character_label(data, c) for c in range(start, stop)]),
            number_value("count", count)]


def set_ui() -> str:
    labels = set_labels()
    return st.radio(
        _("Set"), SET_NAMES, horizontal=True, key="set", format_func=labels.get, bind=URL,
        help=_("**{background}**: 30 alphabets, 964 characters: the networks train on these.\n\n**{evaluation}**: 20 "
               "other alphabets, 659 characters: never seen in training, used to test one-shot learning.").format(
            background=labels["background"], evaluation=labels["evaluation"]),
    )


def character_ui(data: OmniglotSet) -> tuple[str, int]:
    left, right = st.columns(2)
    alphabet = left.selectbox(_("Alphabet"), data.alphabet_names, key="alphabet", format_func=display_name, bind=URL)
    start, stop = data.alphabets[alphabet]
    character = right.selectbox(_("Character"), range(start, stop), key="character", bind=URL,
                                format_func=lambda i: character_label(data, i))
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
    most = min(int(SHOWN_CHARACTERS.high), stop - start)
    count = left.slider(_("How many characters"), int(SHOWN_CHARACTERS.low), most, min(10, most), key="count",
                        bind=URL)
    seed = right.number_input(_("Random seed"), SEED.low, SEED.high, 0, key="seed", bind=URL)
    rng = np.random.default_rng(int(seed))
    chosen = np.sort(rng.choice(np.arange(start, stop), size=count, replace=False))
    drawers = rng.integers(0, DRAWINGS_PER_CHARACTER, size=count)
    st.image(
        [to_display(data.images[c, d]) for c, d in zip(chosen, drawers)],
        caption=[_("{character}, drawer {number}").format(character=character_label(data, c), number=d + 1)
                 for c, d in zip(chosen, drawers)],
        width=105,
        output_format="PNG",
    )


def pairs_ui() -> tuple[int, bool, int]:
    left, middle, right = st.columns(3)
    batch = left.slider(_("Pairs in the batch"), int(SHOWN_PAIRS.low), int(SHOWN_PAIRS.high), 8, step=2, key="batch",
                        bind=URL)
    within = middle.checkbox(
        _("Different pairs from the same alphabet"), key="within", bind=URL,
        help=_("Harder: the two different characters come from one alphabet, so they look alike."),
    )
    seed = right.number_input(_("Random seed"), SEED.low, SEED.high, 0, key="pair_seed", bind=URL)
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
    explain_invalid_values(url_checks())
    set_name = set_ui()
    data = load_set_or_explain(set_name)
    if data is None:
        return
    st.caption(format_message(_("{set} set: {alphabets} alphabets, {characters:,} characters, {drawings:,} drawings."),
        set=set_labels()[set_name], alphabets=len(data.alphabets), characters=data.n_characters,
        drawings=data.n_characters * DRAWINGS_PER_CHARACTER))
    keep_tab_in_language()
    character_tab, random_tab, pairs_tab, counts_tab = st.tabs(tab_labels(), key="tab", bind=URL)
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
