"""Detect and align: stages 1 and 2, with Viola-Jones's own parameters and DeepFace's other detectors, timed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.catalog import ready_names
from lab.faces.detection import DETECTOR_NOTES, OFFLINE_DETECTORS, Detection, detect_viola_jones, draw_boxes
from lab.faces.photos import Photo
from lab.formatting import format_message
from lab.i18n import N_, _, ngettext
from lab.limits import MIN_FACE_SIZE, MIN_NEIGHBORS, SCALE_FACTOR
from ui.face_cache import cached_detection, cached_photo, read_or_explain
from ui.face_widgets import display_width, notes_help, photo_settings, photo_ui
from ui.settings import Setting, check_link

# A name, the same in every language, since the URL holds the shown option (?detector=Viola-Jones).
VIOLA_JONES = "Viola-Jones"
NOTES = {**DETECTOR_NOTES, VIOLA_JONES: N_("OpenCV's Haar cascade (2001) with the three parameters you set below")}
VIOLA_JONES_SETTINGS = (
    Setting("scale", "slider", N_("scaleFactor"), bounds=SCALE_FACTOR, default=1.1, extra={"step": 0.01},
            help=N_("DeepFace's opencv detector uses 1.1")),
    Setting("neighbors", "slider", N_("minNeighbors"), bounds=MIN_NEIGHBORS, default=10,
            help=N_("DeepFace's opencv detector uses 10")),
    Setting("min_size", "slider", N_("minimum face size (pixels)"), bounds=MIN_FACE_SIZE, default=30,
            extra={"step": 5}),
)
PHOTO = "test/obama_and_biden.jpg"  # the sample photo the page opens with


def detector_setting(detectors: list[str]) -> Setting:
    return Setting("detector", "selectbox", N_("Detector"), options=detectors,
                   extra={"help": notes_help(NOTES, detectors)})


@st.cache_data(show_spinner=False, max_entries=64)
def _viola_jones(data: bytes, name: str, scale_factor: float, min_neighbors: int, min_size: int) -> Detection:
    return detect_viola_jones(cached_photo(data, name), scale_factor, min_neighbors, min_size)


def cached_viola_jones(data: bytes, name: str, scale_factor: float, min_neighbors: int, min_size: int) -> Detection:
    # The spinner here, not in the decorator: a decorator's text is fixed in one language when the page is loaded.
    with st.spinner(_("Running Viola-Jones...")):
        return _viola_jones(data, name, scale_factor, min_neighbors, min_size)


def faces_gallery(photo: Photo, detection: Detection) -> None:
    if not detection.faces:
        st.warning(_("No face found by {detector}. Try another detector, or (Viola-Jones) fewer neighbours or a "
                     "smaller scale factor.").format(detector=detection.detector))
        return
    count = len(detection.faces)
    st.markdown(ngettext(
        "**{count} face**: the box as found (top) and the face aligned so that the eyes are level (bottom), as "
        "the recognition model receives it.",
        "**{count} faces**, numbered left to right: the box as found (top) and the face aligned so that the eyes "
        "are level (bottom), as the recognition model receives it.", count).format(count=count))
    shown = detection.faces[:12]
    st.image([face.crop(photo) for face in shown], width=110,
             caption=[format_message(_("{number}: box {width}x{height} px, confidence {confidence:.2f}"), number=n + 1,
                                     width=f.w, height=f.h, confidence=f.confidence) for n, f in enumerate(shown)])
    st.image([face.aligned for face in shown], width=110,
             caption=[_("{number}: aligned").format(number=n + 1) for n in range(len(shown))])
    if count > len(shown):
        st.caption(_("... and {count} more.").format(count=count - len(shown)))


def viola_jones_ui(data: bytes, name: str) -> Detection:
    scale, neighbours, min_size = (setting.draw(column) for setting, column in zip(VIOLA_JONES_SETTINGS,
                                                                                    st.columns(3)))
    return cached_viola_jones(data, name, scale, neighbours, min_size)


def every_detector_ui(data: bytes, name: str) -> None:
    st.subheader(_("Every detector on this photo"))
    st.caption(_("Times are for this photo on this computer, measured when the detector first ran on it (later runs "
                 "reuse the result). The first use of a detector also loads it."))
    if not st.button(_("Run every offline detector"), key="detect_all"):
        return
    found, took, about = _("faces found"), _("time (ms)"), _("about")
    rows = []
    for name_of_detector in ready_names("detector", OFFLINE_DETECTORS):
        try:
            result = cached_detection(data, name, name_of_detector)
            rows.append({_("detector"): name_of_detector, found: len(result.faces),
                         took: round(result.seconds * 1000), about: _(DETECTOR_NOTES[name_of_detector])})
        except LabError as exc:
            rows.append({_("detector"): name_of_detector, found: None, took: None, about: str(exc)})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def main() -> None:
    st.title(_("Detect and align faces"))
    st.markdown(_(
        "Stage 1 finds the faces; stage 2 rotates each so that the eyes are level. **Viola-Jones** (2001) slides a "
        "cascade of Haar features over the image at every scale: the *scale factor* is how much the image shrinks "
        "between scales (smaller: more scales, slower, more faces) and *min neighbours* is how many overlapping "
        "windows must agree (more: fewer false faces, more missed ones). The other detectors are neural networks."
    ))
    detectors = [VIOLA_JONES, *ready_names("detector", OFFLINE_DETECTORS)]
    check_link([*photo_settings("photo", PHOTO), detector_setting(detectors), *VIOLA_JONES_SETTINGS])
    chosen = photo_ui("photo", _("Photo"), PHOTO)
    if chosen is None:
        return
    data, name = chosen
    photo = read_or_explain(data, name)
    if photo is None:
        return
    detector = detector_setting(detectors).draw()
    st.caption(f"**{detector}**: {_(NOTES[detector])}")
    try:
        detection = viola_jones_ui(data, name) if detector == VIOLA_JONES else cached_detection(data, name, detector)
    except LabError as exc:
        st.error(str(exc))
        return
    count = len(detection.faces)
    st.image(draw_boxes(photo, detection.faces), width=display_width(photo, 520), caption=format_message(ngettext(
        "{photo} ({note}): {count} face found by {detector} in {ms:.0f} ms",
        "{photo} ({note}): {count} faces found by {detector} in {ms:.0f} ms", count),
        photo=name, note=photo.note, count=count, detector=detection.detector, ms=detection.seconds * 1000))
    faces_gallery(photo, detection)
    every_detector_ui(data, name)


main()
