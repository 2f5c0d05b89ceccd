"""Verify: two photos, one distance, one decision, with the model's own threshold and a slider to move it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.errors import LabError
from lab.faces.detection import draw_boxes
from lab.faces.embedding import OFFLINE_MODELS, cosine_to_euclidean_l2, default_threshold, threshold_table, verdict
from lab.formatting import signed_change
from ui.face_cache import cached_embedding, cached_face_model, detect_or_explain, read_or_explain
from ui.face_widgets import display_width, face_picker_ui, photo_ui, settings_ui, threshold_slider_ui

DEFAULTS = ("train/obama/obama.jpg", "test/obama1.jpg")


def photo_column(side: str, label: str, detector: str, model_name: str) -> np.ndarray | None:
    """One photo: the input, its faces, the chosen face's embedding; None after saying what is missing."""
    chosen = photo_ui(f"verify_{side}", label, DEFAULTS[0 if side == "a" else 1])
    if chosen is None:
        return None
    data, name = chosen
    photo = read_or_explain(data, name)
    detection = detect_or_explain(data, name, detector) if photo is not None else None
    if detection is None:
        return None
    face = face_picker_ui(detection, f"verify_{side}", name)
    st.image(draw_boxes(photo, detection.faces, face), caption=f"{name} ({photo.note})", width=display_width(photo, max_width=460))
    if face is None:
        return None
    st.image(detection.faces[face].aligned, caption=f"aligned face, as {model_name} sees it", width=140)
    try:
        return cached_embedding(data, name, detector, face, model_name)
    except LabError as exc:
        st.error(str(exc))
        return None


def main() -> None:
    st.title("Verify: are these two photos the same person?")
    st.markdown(
        "Each photo goes through the four stages: **detect** the face, **align** it (eyes level), **embed** it as a "
        "vector, and **match**: the two vectors' distance is compared with a threshold. At or below the threshold, "
        "DeepFace says *same person*."
    )
    model_name, detector, metric = settings_ui("verify")
    try:
        cached_face_model(model_name)
    except LabError as exc:
        st.error(f"{exc} See the Face models page for how to make it ready.")
        return

    columns = st.columns(2)
    vectors = []
    for column, side, label in ((columns[0], "a", "First photo"), (columns[1], "b", "Second photo")):
        with column:
            vectors.append(photo_column(side, label, detector, model_name))
    if any(v is None for v in vectors):
        return

    at_default = verdict(vectors[0], vectors[1], model_name, metric)  # stage 4 on the two cached embeddings
    threshold = threshold_slider_ui(model_name, metric, f"verify_threshold_{model_name}_{metric}", at_default.distance)
    result = at_default.at(threshold)
    figures = st.columns(3)
    figures[0].metric(f"{metric} distance between the faces", f"{result.distance:.4f}")
    figures[1].metric("threshold", f"{result.threshold:.4f}", delta_color="off",
                      delta=signed_change(result.threshold - result.default_threshold, 4, "from DeepFace's"))
    figures[2].metric("verdict", "same person" if result.verified else "different people")
    message = (f"Distance {result.distance:.4f} {'≤' if result.verified else '>'} threshold {result.threshold:.4f}: "
               f"**{'the same person' if result.verified else 'different people'}**.")
    (st.success if result.verified else st.warning)(message)

    with st.expander("Why cosine and euclidean_l2 make the same decisions"):
        l2_of_default = cosine_to_euclidean_l2(default_threshold(model_name, "cosine"))
        st.markdown(
            "Scale both vectors to length 1. Then the squared straight-line distance is\n\n"
            "$\\lVert a-b \\rVert^2 = \\lVert a\\rVert^2 + \\lVert b\\rVert^2 - 2\\,a\\cdot b = 2 - 2\\cos\\theta = "
            "2 \\times$ cosine distance,\n\nso euclidean_l2 $= \\sqrt{2 \\times \\text{cosine distance}}$. It grows "
            "whenever the cosine distance grows: both metrics put every pair in the same order, and a cosine threshold "
            "$t$ makes exactly the decisions of the euclidean_l2 threshold $\\sqrt{2t}$.\n\n"
            f"DeepFace's own table does not quite follow this: for {model_name}, cosine "
            f"{default_threshold(model_name, 'cosine'):g} corresponds to euclidean_l2 {l2_of_default:.3f}, but the "
            f"table says {default_threshold(model_name, 'euclidean_l2'):g}, because each entry was tuned separately. "
            "Plain euclidean (no scaling) can order pairs differently, since vector lengths vary."
        )
    with st.expander("DeepFace's thresholds per model and metric"):
        st.table(threshold_table(OFFLINE_MODELS))
        st.caption("Same person when distance ≤ threshold. Tuned by DeepFace's authors on public benchmarks; the "
                   "Threshold lab page finds one for your own photos.")


main()
