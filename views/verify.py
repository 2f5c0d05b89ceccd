"""Verify: two photos, one distance, one decision, with the model's own threshold and a slider to move it."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.detection import Detection, draw_boxes
from lab.faces.embedding import OFFLINE_MODELS, cosine_to_euclidean_l2, default_threshold, is_warming_up, threshold_table
from lab.faces.photos import Photo
from lab.faces.pipeline import Verification, verify_photos
from lab.formatting import format_decimal, format_message, format_number, signed_change
from lab.i18n import _
from ui.face_cache import cached_embedding, cached_face_model, detect_or_explain, read_or_explain
from ui.face_widgets import (display_width, face_picker_ui, face_settings, photo_settings, photo_ui, settings_ui,
                             threshold_key, threshold_slider_ui)
from ui.projector import projector_on
from ui.settings import check_link

# The two photos' keys, which are their names in the URL (?first=...&second=...), and their default samples.
PHOTOS = {"first": "train/obama/obama.jpg", "second": "test/obama1.jpg"}


class ChosenFace(NamedTuple):
    data: bytes  # the photo as sent: what the caches are keyed by
    name: str
    face: int  # 0-based
    photo: Photo
    detection: Detection


def photo_column(key: str, label: str, detector: str, model_name: str) -> ChosenFace | None:
    """One photo: the input, its faces, the chosen face; None after saying what is missing."""
    chosen = photo_ui(key, label, PHOTOS[key])
    if chosen is None:
        return None
    data, name = chosen
    photo = read_or_explain(data, name)
    detection = detect_or_explain(data, name, detector) if photo is not None else None
    if detection is None:
        return None
    face = face_picker_ui(detection, key, name)
    st.image(draw_boxes(photo, detection.faces, face), caption=f"{name} ({photo.note})",
             width=display_width(photo, max_width=460))
    if face is None:
        return None
    st.image(detection.faces[face].aligned, caption=_("aligned face, as {model} sees it").format(model=model_name),
             width=140)
    return ChosenFace(data, name, face, photo, detection)


def embedding_or_explain(chosen: ChosenFace, detector: str, model_name: str) -> np.ndarray | None:
    try:
        return cached_embedding(chosen.data, chosen.name, detector, chosen.face, model_name)
    except LabError as exc:
        st.error(f"{chosen.name}: {exc}")  # shown under both photos: say which one
        return None


def verification_or_explain(chosen: list[ChosenFace], detector: str, model_name: str,
                            metric: str) -> Verification | None:
    """The two chosen faces verified at DeepFace's threshold, from this server's cached detections and embeddings;
    None after naming each photo whose face could not be embedded."""
    vectors = [embedding_or_explain(face, detector, model_name) for face in chosen]
    if any(v is None for v in vectors):
        return None
    first, second = chosen
    return verify_photos(first.photo, second.photo, model_name, detector, metric, None, first.face, second.face,
                         detections=(first.detection, second.detection), vectors=(vectors[0], vectors[1]))


def model_loading_ui(model_name: str) -> None:
    """In the first seconds after the server starts, while it builds the face model in the background: the photos
    are drawn already, and the verdict follows by itself once the model is built."""
    st.info(_("{model} is still being loaded: the server started a moment ago. The verdict appears here by itself "
              "in a few seconds.").format(model=model_name))

    # A check every 2 s, only while this server's first build of the model runs (about ten seconds after it
    # starts), then one rerun of the page: not a timer that stays. Not more often: every run's end clears Keras's
    # session, which can make the build's layer names collide (lab.faces.embedding retries the build then).
    @st.fragment(run_every=2.0)
    def rerun_once_built() -> None:
        if not is_warming_up(model_name):
            st.rerun(scope="app")

    rerun_once_built()


def decision_ui(verification: Verification, model_name: str, metric: str) -> None:
    """Stage 4, at DeepFace's threshold or the slider's."""
    at_default = verification.verdict
    threshold = threshold_slider_ui(model_name, metric, threshold_key(model_name, metric), at_default.distance)
    result = at_default.at(threshold)
    figures = st.columns(3)
    figures[0].metric(_("{metric} distance between the faces").format(metric=metric), format_decimal(result.distance, 4))
    figures[1].metric(_("threshold"), format_decimal(result.threshold, 4), delta_color="off",
                      delta=signed_change(result.threshold - result.default_threshold, 4, _("from DeepFace's")))
    figures[2].metric(_("verdict"), _("same person") if result.verified else _("different people"))
    if result.verified:
        st.success(format_message(_("Distance {distance:.4f} ≤ threshold {threshold:.4f}: **the same person**."),
                                  distance=result.distance, threshold=result.threshold))
    else:
        st.warning(format_message(_("Distance {distance:.4f} > threshold {threshold:.4f}: **different people**."),
                                  distance=result.distance, threshold=result.threshold))


def explanations_ui(model_name: str) -> None:
    with st.expander(_("Why cosine and euclidean_l2 make the same decisions")):
        st.markdown(_(
            "Scale both vectors to length 1. Then the squared straight-line distance is\n\n"
            "$\\lVert a-b \\rVert^2 = \\lVert a\\rVert^2 + \\lVert b\\rVert^2 - 2\\,a\\cdot b = 2 - 2\\cos\\theta = "
            "2d$, where $d$ is the cosine distance,\n\nso euclidean_l2 $= \\sqrt{2d}$. It grows whenever the cosine "
            "distance grows: both metrics put every pair in the same order, and a cosine threshold $t$ makes exactly "
            "the decisions of the euclidean_l2 threshold $\\sqrt{2t}$."
        ))
        st.markdown(format_message(_(
            "DeepFace's own table does not quite follow this: for {model}, cosine {cosine:g} corresponds to "
            "euclidean_l2 {l2:.3f}, but the table says {table:g}, because each entry was tuned separately. Plain "
            "euclidean (no scaling) can order pairs differently, since vector lengths vary."
        ), model=model_name, cosine=default_threshold(model_name, "cosine"),
            l2=cosine_to_euclidean_l2(default_threshold(model_name, "cosine")),
            table=default_threshold(model_name, "euclidean_l2")))
    with st.expander(_("DeepFace's thresholds per model and metric")):
        st.table(pd.DataFrame(threshold_table(OFFLINE_MODELS)).map(format_number))  # 0,4 in Portuguese
        st.caption(_("Same person when distance ≤ threshold. Tuned by DeepFace's authors on public benchmarks; the "
                     "Threshold lab page finds one for your own photos."))


def main() -> None:
    st.title(_("Verify: are these two photos the same person?"))
    st.markdown(_(
        "Each photo goes through the four stages: **detect** the face, **align** it (eyes level), **embed** it as a "
        "vector, and **match**: the two vectors' distance is compared with a threshold. At or below the threshold, "
        "DeepFace says *same person*."
    ))
    check_link([*face_settings(), *photo_settings("first"), *photo_settings("second")])
    model_name, detector, metric = settings_ui()
    loading = is_warming_up(model_name)  # the server builds it right now: draw the photos, the verdict follows
    if not loading:
        try:
            cached_face_model(model_name)
        except LabError as exc:
            st.error(_("{problem} See the Face models page for how to make it ready.").format(problem=exc))
            return

    # On a projector the verdict comes first, above the photos: on screen without scrolling, even at 1280x720.
    verdict_area = st.container() if projector_on() else None
    columns = st.columns(2)
    chosen = []
    for column, key, label in ((columns[0], "first", _("First photo")), (columns[1], "second", _("Second photo"))):
        with column:
            chosen.append(photo_column(key, label, detector, model_name))
    if any(face is None for face in chosen):
        return
    with verdict_area or st.container():
        if loading:
            model_loading_ui(model_name)
        else:
            verification = verification_or_explain(chosen, detector, model_name, metric)
            if verification is None:
                return
            decision_ui(verification, model_name, metric)
    explanations_ui(model_name)


main()
