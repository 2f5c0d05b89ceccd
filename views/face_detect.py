"""Detect and align: stages 1 and 2, with Viola-Jones's own parameters and DeepFace's other detectors, timed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.catalog import ready_names
from lab.faces.detection import DETECTOR_NOTES, OFFLINE_DETECTORS, Detection, detect_viola_jones, draw_boxes
from lab.faces.photos import Photo
from lab.limits import MIN_NEIGHBORS, SCALE_FACTOR
from ui.face_cache import cached_detection, cached_photo, read_or_explain
from ui.face_widgets import display_width, photo_ui

VIOLA_JONES = "opencv with your parameters (Viola-Jones)"


@st.cache_data(show_spinner="Running Viola-Jones...", max_entries=64)
def cached_viola_jones(data: bytes, name: str, scale_factor: float, min_neighbors: int, min_size: int) -> Detection:
    return detect_viola_jones(cached_photo(data, name), scale_factor, min_neighbors, min_size)


def faces_gallery(photo: Photo, detection: Detection) -> None:
    if not detection.faces:
        st.warning(f"No face found by {detection.detector}. Try another detector, or (Viola-Jones) fewer neighbours "
                   "or a smaller scale factor.")
        return
    st.markdown(f"**{len(detection.faces)} face(s)**, numbered left to right: the box as found (top) and the face "
                "aligned so that the eyes are level (bottom), as the recognition model receives it.")
    shown = detection.faces[:12]
    st.image([face.crop(photo) for face in shown], width=110,
             caption=[f"{n + 1}: box {f.w}x{f.h} px, conf. {f.confidence:.2f}" for n, f in enumerate(shown)])
    st.image([face.aligned for face in shown], width=110, caption=[f"{n + 1}: aligned" for n in range(len(shown))])
    if len(detection.faces) > len(shown):
        st.caption(f"... and {len(detection.faces) - len(shown)} more.")


def main() -> None:
    st.title("Detect and align faces")
    st.markdown(
        "Stage 1 finds the faces; stage 2 rotates each so that the eyes are level. **Viola-Jones** (2001) slides a "
        "cascade of Haar features over the image at every scale: the *scale factor* is how much the image shrinks "
        "between scales (smaller: more scales, slower, more faces) and *min neighbours* is how many overlapping "
        "windows must agree (more: fewer false faces, more missed ones). The other detectors are neural networks."
    )
    chosen = photo_ui("detect", "Photo", "test/obama_and_biden.jpg")
    if chosen is None:
        return
    data, name = chosen
    photo = read_or_explain(data, name)
    if photo is None:
        return
    detectors = [VIOLA_JONES, *ready_names("detector", OFFLINE_DETECTORS)]
    detector = st.selectbox("Detector", detectors, key="detect_detector",
                            format_func=lambda d: d if d == VIOLA_JONES else f"{d}: {DETECTOR_NOTES[d]}")
    try:
        if detector == VIOLA_JONES:
            columns = st.columns(3)
            scale = columns[0].slider("scaleFactor", SCALE_FACTOR.low, SCALE_FACTOR.high, 1.1, 0.01, key="detect_scale",
                                      help="DeepFace's opencv detector uses 1.1")
            neighbours = columns[1].slider("minNeighbors", MIN_NEIGHBORS.low, MIN_NEIGHBORS.high, 10, key="detect_neighbours",
                                           help="DeepFace's opencv detector uses 10")
            min_size = columns[2].slider("minimum face size (pixels)", 10, 200, 30, 5, key="detect_min_size")
            detection = cached_viola_jones(data, name, scale, neighbours, min_size)
        else:
            detection = cached_detection(data, name, detector)
    except LabError as exc:
        st.error(str(exc))
        return
    st.image(draw_boxes(photo, detection.faces), width=display_width(photo, 520),
             caption=f"{name} ({photo.note}): {len(detection.faces)} face(s) by {detection.detector} "
                     f"in {detection.seconds * 1000:.0f} ms")
    faces_gallery(photo, detection)

    st.subheader("Every detector on this photo")
    st.caption("Times are for this photo on this computer, measured when the detector first ran on it (later runs "
               "reuse the result). The first use of a detector also loads it.")
    if st.button("Run every offline detector", key="detect_all"):
        rows = []
        for name_of_detector in ready_names("detector", OFFLINE_DETECTORS):
            try:
                result = cached_detection(data, name, name_of_detector)
                rows.append({"detector": name_of_detector, "faces found": len(result.faces),
                             "time (ms)": round(result.seconds * 1000), "about": DETECTOR_NOTES[name_of_detector]})
            except LabError as exc:
                rows.append({"detector": name_of_detector, "faces found": None, "time (ms)": None, "about": str(exc)})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


main()
