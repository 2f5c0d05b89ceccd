"""Dataset page: browse the Omniglot alphabets, characters, drawings and verification pairs."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, SET_NAMES, OmniglotSet, display_character, display_name
from lab.data.pairs import sample_pairs
from lab.images import side_by_side, to_display
from lab.limits import SEED
from lab.plots import characters_per_alphabet
from ui.omniglot_data import load_set_or_explain

SET_HELP = {
    "background": "30 alphabets, 964 characters: the networks train on these.",
    "evaluation": "20 other alphabets, 659 characters: never seen in training, used to test one-shot learning.",
}


def set_ui() -> str:
    return st.radio(
        "Set", SET_NAMES, horizontal=True, key="dataset_set", format_func=str.capitalize,
        help="\n\n".join(f"**{name}**: {text}" for name, text in SET_HELP.items()),
    )


def character_ui(data: OmniglotSet) -> tuple[str, int]:
    left, right = st.columns(2)
    alphabet = left.selectbox(
        "Alphabet", data.alphabet_names, key=f"alphabet_{data.name}", format_func=display_name
    )
    start, stop = data.alphabets[alphabet]
    character = right.selectbox(
        "Character",
        range(start, stop),
        key=f"character_{data.name}_{alphabet}",
        format_func=lambda i: f"{data.character_names[i].split('/')[1]} (id {data.character_ids[i]})",
    )
    return alphabet, int(character)


def show_character(data: OmniglotSet, character: int) -> None:
    st.subheader(f"{display_character(data.character_names[character])}: its 20 drawings")
    st.caption("Each drawing is by a different person (drawer 1 to 20), 105 x 105 pixels.")
    images = [to_display(data.images[character, drawer]) for drawer in range(DRAWINGS_PER_CHARACTER)]
    st.image(images, caption=[f"drawer {d + 1}" for d in range(DRAWINGS_PER_CHARACTER)], width=105, output_format="PNG")


def show_random_characters(data: OmniglotSet, alphabet: str) -> None:
    start, stop = data.alphabets[alphabet]
    left, right = st.columns(2)
    count = left.slider("How many characters", 1, min(20, stop - start), min(10, stop - start), key="random_count")
    seed = right.number_input("Random seed", SEED.low, SEED.high, 0, key="random_seed")
    rng = np.random.default_rng(int(seed))
    chosen = np.sort(rng.choice(np.arange(start, stop), size=count, replace=False))
    drawers = rng.integers(0, DRAWINGS_PER_CHARACTER, size=count)
    st.image(
        [to_display(data.images[c, d]) for c, d in zip(chosen, drawers)],
        caption=[f"{data.character_names[c].split('/')[1]}, drawer {d + 1}" for c, d in zip(chosen, drawers)],
        width=105,
        output_format="PNG",
    )


def pairs_ui(data: OmniglotSet) -> tuple[int, bool, int]:
    left, middle, right = st.columns(3)
    batch = left.slider("Pairs in the batch", 2, 32, 8, step=2, key="pairs_batch")
    within = middle.checkbox(
        "Different pairs from the same alphabet", key="pairs_within",
        help="Harder: the two different characters come from one alphabet, so they look alike.",
    )
    seed = right.number_input("Random seed", SEED.low, SEED.high, 0, key="pairs_seed")
    return int(batch), bool(within), int(seed)


def show_pairs(data: OmniglotSet, batch: int, within: bool, seed: int) -> None:
    pairs = sample_pairs(data, batch, np.random.default_rng(seed), within_alphabet=within)
    left, right = pairs.images(data)
    st.caption(
        "A training batch as the network sees it: the first half pairs two different characters (target 0), "
        "the second half two drawings of one character by different people (target 1)."
    )
    pictures, captions = [], []
    for i in range(len(pairs)):
        pictures.append(side_by_side(to_display(left[i]), to_display(right[i])))
        same = pairs.targets[i] == 1
        a, b = (display_character(data.character_names[side[i, 0]]) for side in (pairs.left, pairs.right))
        captions.append(f"target {int(pairs.targets[i])}: " + (f"same ({a})" if same else f"different ({a} / {b})"))
    st.image(pictures, caption=captions, width=216, output_format="PNG")


def main() -> None:
    st.title("Omniglot dataset")
    st.markdown(
        "Omniglot (Lake, Salakhutdinov & Tenenbaum, 2015): 1,623 characters from 50 alphabets, each drawn once "
        "by 20 different people on Amazon Mechanical Turk."
    )
    set_name = set_ui()
    data = load_set_or_explain(set_name)
    if data is None:
        return
    st.caption(
        f"{set_name.capitalize()} set: {len(data.alphabets)} alphabets, {data.n_characters} characters, "
        f"{data.n_characters * DRAWINGS_PER_CHARACTER:,} drawings."
    )
    character_tab, random_tab, pairs_tab, counts_tab = st.tabs(
        ["Character", "Random characters", "Pairs", "Counts per alphabet"]
    )
    with character_tab:
        alphabet, character = character_ui(data)
        show_character(data, character)
    with random_tab:
        st.caption(f"Random characters of the alphabet chosen on the first tab ({display_name(alphabet)}).")
        show_random_characters(data, alphabet)
    with pairs_tab:
        show_pairs(data, *pairs_ui(data))
    with counts_tab:
        st.plotly_chart(characters_per_alphabet(data), width="stretch")


main()
