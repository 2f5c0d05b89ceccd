"""Two drawings, one distance: the lecture's last exercise, on drawings picked from Omniglot or uploaded."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.data.omniglot import display_character, display_name
from lab.errors import LabError
from lab.images import read_drawing, to_display
from lab.siamese.preprocess import downsample
from lab.workflows.evaluation import Evaluation
from lab.workflows.pairs import compare_drawings
from ui.model_chooser import evaluation_or_explain

SOURCES = ("From the evaluation set", "Upload an image")


def drawing_ui(evaluation: Evaluation, side: str, default_character: int) -> tuple[np.ndarray, str] | None:
    """One drawing (105x105 bool) and a description, or None after saying why the upload cannot be used."""
    data = evaluation.data
    source = st.radio("Source", SOURCES, key=f"pair_source_{side}", horizontal=True)
    if source == SOURCES[0]:
        default_alphabet = data.alphabet_of(default_character)
        alphabet = st.selectbox("Alphabet", data.alphabet_names, index=data.alphabet_names.index(default_alphabet),
                                key=f"pair_alphabet_{side}", format_func=display_name)
        start, stop = data.alphabets[alphabet]
        first = default_character if start <= default_character < stop else start
        character = st.selectbox("Character", range(start, stop), index=first - start, key=f"pair_character_{side}",
                                 format_func=lambda i: data.character_names[i].split("/")[1])
        drawer = st.slider("Drawer", 1, 20, 1 if side == "left" else 2, key=f"pair_drawer_{side}")
        return data.images[character, drawer - 1], f"{display_character(data.character_names[character])}, drawer {drawer}"
    upload = st.file_uploader("A drawing: dark strokes on a light background (PNG, JPEG, ...)",
                              type=["png", "jpg", "jpeg", "bmp", "gif", "webp"], key=f"pair_upload_{side}")
    if upload is None:
        st.info("Upload a drawing, for example one of Omniglot's 105x105 PNG files.")
        return None
    try:
        drawing = read_drawing(upload.getvalue(), upload.name)
    except LabError as exc:
        st.error(str(exc))
        return None
    return drawing.ink, f"{upload.name} ({drawing.note})"


def main() -> None:
    st.title("Two drawings, one distance")
    st.markdown("Pick or upload two drawings. The network turns each into a code; the distance between the codes "
                "gives a similarity score, and the model's threshold turns it into a decision.")
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    columns = st.columns(2)
    chosen = []
    for column, side, default in zip(columns, ("left", "right"), (0, 0)):
        with column:
            st.subheader("First drawing" if side == "left" else "Second drawing")
            chosen.append(drawing_ui(evaluation, side, default))
    if any(c is None for c in chosen):
        return
    (left, left_name), (right, right_name) = chosen
    model = evaluation.model
    comparison = compare_drawings(model, left, right, evaluation.threshold)
    similarity, threshold, same = comparison.similarity, comparison.threshold, comparison.same

    factor = model.downsample
    views = [to_display(left), to_display(right)]
    captions = [left_name, right_name]
    if factor > 1:
        views += [np.round(255 * (1 - downsample(d[None], factor)[0])).astype(np.uint8) for d in (left, right)]
        captions += [f"as the network sees it ({105 // factor}x{105 // factor} pixels)"] * 2
    st.image(views, caption=captions, width=160, output_format="PNG")
    cells = st.columns(3)
    cells[0].metric("Similarity score (0 to 1)", f"{similarity:.3f}")
    if comparison.logit is None:
        cells[1].metric("Euclidean distance between the codes", f"{comparison.distance:.3f}",
                        help="The codes have length 1, so distances lie between 0 and 2; similarity = 1 - distance / 2.")
    else:
        cells[1].metric("Weighted L1 distance (logit of the head)", f"{comparison.logit:.2f}")
    cells[2].metric("Model's threshold on the similarity", f"{threshold:.3f}")
    verdict = (f"**Same character** (similarity {similarity:.3f} > threshold {threshold:.3f})" if same
               else f"**Different characters** (similarity {similarity:.3f} <= threshold {threshold:.3f})")
    (st.success if same else st.warning)(verdict)


main()
