"""The live class's face round on the page: the projector's class result and the teacher's switches; a student's
consent, photos (camera or upload), their own result, and the button that deletes their faces.

The projector's page is drawn again whenever a face comes or goes (ui/class_live.js watches the live count); a
student's page runs when the student gives a photo or asks for their result again, never on a timer.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lab.classroom.class_faces import keep_hours
from lab.figures.classroom import face_round_histogram, face_round_roc
from lab.errors import LabError
from lab.faces.photos import read_photo
from lab.formatting import format_decimal, format_message, format_number, format_percent
from lab.i18n import _, ngettext
from lab.workflows.face_round import (PHOTOS_PER_STUDENT, ClassFaceView, StudentFaceView,
                                      close_face_round, forget_my_faces, give_photo, open_face_round, own_thumbnails,
                                      show_class_faces, student_face_view)
from ui.classroom import act, refusal_ui
from ui.face_widgets import UPLOAD_TYPES, camera_allowed
from ui.projector import projected
from ui.roles import current_role

FACES_SAID = "face_round_said"  # a student's last refusal or confirmation, shown after the rerun


def kept_note() -> str:
    hours = keep_hours()
    return _("Only each face's embedding and a 96-pixel thumbnail are kept, never the photo. They are deleted when "
             "the class ends, or after {hours} hours, whichever comes first.").format(hours=format_number(hours, "g"))


# --- the projector ----------------------------------------------------------------------------------------------
def face_round_switch_ui(code: str, faces_open: bool, column: st.delta_generator.DeltaGenerator) -> None:
    """The teacher's button that opens the face round or goes back to the quiz."""
    if faces_open:
        column.button(_("Back to the quiz"), key="face_round_close", width="stretch", on_click=act,
                      args=(lambda: close_face_round(code, role=current_role()),))
    else:
        column.button(_("Open the face round"), key="face_round_open", width="stretch", on_click=act,
                      args=(lambda: open_face_round(code, role=current_role()),))


def faces_shown_ui(code: str, shown: bool, column: st.delta_generator.DeltaGenerator) -> None:
    """The teacher's switch that shows the classmates' thumbnails on the projector (off until turned on)."""
    st.session_state["faces_shown"] = shown  # the class's switch, as the shared database has it
    column.toggle(_("Show the class's faces on the projector"), key="faces_shown", on_change=act, args=(
        lambda: show_class_faces(code, bool(st.session_state["faces_shown"]), role=current_role()),))


def face_round_projector_ui(view: ClassFaceView) -> None:
    """The class's result, in one screen of a 1280x720 projector: the figures beside the counts."""
    result = view.result
    st.markdown("**" + _("Face round: take 3 photos of yourself. Is your nearest face in the class your own, and below "
                         "the threshold?") + "**")
    if result.curve is None:
        counts_ui(view)
        st.info(_("The distances and the ROC appear once two students have given photos, one of them two or more."))
    else:
        class_figures_ui(view)
    st.caption(kept_note())
    if view.people:
        thumbnails_ui(view)


def counts_ui(view: ClassFaceView) -> None:
    result = view.result
    st.metric(_("Students with faces"), result.participants)
    rank1 = "-" if result.rank1 is None else format_percent(result.rank1, 0)
    st.metric(_("Nearest face their own (rank-1)"), rank1, help=_(
        "{right} of {asked} photos whose owner gave another photo").format(right=result.rank1_right,
                                                                             asked=result.rank1_asked))
    st.metric(_("Equal error rate"), "-" if result.eer is None else format_percent(result.eer, 1))


@st.fragment
def class_figures_ui(view: ClassFaceView) -> None:
    """The threshold slider recounts the class's pairs and moves the line and the ROC's point (this fragment only)."""
    result = view.result
    slider, sentence = st.columns([3, 2], vertical_alignment="center")  # side by side: the figures fit at 1280x720
    # (the slider writes its value the English way: Streamlit's printf-style format has no decimal comma)
    largest = float(np.max(np.r_[result.genuine, result.impostor], initial=1.0))  # cosine distances reach 2
    threshold = slider.slider(format_message(_("Threshold (cosine distance; the model's own: {threshold:.2f})"),
                                             threshold=view.threshold),
                              0.0, float(np.ceil(largest * 10) / 10), float(round(view.threshold, 2)), 0.01,
                              key="face_round_threshold")
    point = result.at(threshold)
    sentence.markdown(format_message(
        _("At {threshold:.2f}: **{same:,} of {genuine:,}** same-person pairs accepted, **{different:,} of "
          "{impostor:,}** different-person pairs accepted (false matches)."),
        threshold=threshold, same=point.true_accepts, genuine=result.genuine.size,
        different=point.false_accepts, impostor=result.impostor.size))
    counts, histogram, roc = st.columns([1.1, 2, 2])
    with counts:
        counts_ui(view)
    histogram.plotly_chart(projected(face_round_histogram(result.genuine, result.impostor, threshold,
                                                          result.eer_threshold)), key="face_round_histogram")
    accepted = (point.false_accept_rate, 1 - point.false_reject_rate)
    roc.plotly_chart(projected(face_round_roc(result.curve.false_positive_rate, result.curve.true_positive_rate,
                                              result.curve.auc, result.eer, accepted, threshold)), key="face_round_roc")


def thumbnails_ui(view: ClassFaceView) -> None:
    per_row = 6
    box = st.container(key="face_round_thumbnails")
    for start in range(0, len(view.people), per_row):
        columns = box.columns(per_row)
        for column, (nickname, pictures) in zip(columns, view.people[start:start + per_row]):
            column.image(list(pictures), width=60)
            column.caption(nickname)


# --- a student's device -----------------------------------------------------------------------------------------
def face_round_student_ui(code: str, token: str) -> None:
    try:
        view = student_face_view(code, token)
    except LabError as exc:
        st.error(str(exc))
        return
    st.markdown("**" + _("Face round") + "**")
    st.markdown(_("Give {count} photos of yourself. For each, the lab finds the nearest face among everyone's in the "
                  "class: if the system is good, it is one of your own photos, and below the threshold.").format(
        count=PHOTOS_PER_STUDENT))
    if len(view.thumbnails) < PHOTOS_PER_STUDENT:
        photos_ui(code, token, len(view.thumbnails))
    said_ui()
    if view.thumbnails:
        own_faces_ui(code, token, view.thumbnails)
        result_ui(view)


def kept_faces_ui(code: str, token: str) -> None:
    """Outside the face round: the student's faces still kept, with the button that deletes them (the consent says
    they can, at any time)."""
    try:
        pictures = own_thumbnails(code, token)
    except LabError:
        return
    said_ui()
    if pictures:
        st.caption(kept_note())
        own_faces_ui(code, token, pictures)


def said_ui() -> None:
    """What the student's last face action did (a refusal included)."""
    refusal_ui()
    said = st.session_state.pop(FACES_SAID, None)
    if said:
        (st.error if said[0] == "error" else st.success)(said[1])


def photos_ui(code: str, token: str, given: int) -> None:
    """Consent, then the photos: an upload of several, or the camera one at a time. Each is taken in its widget's
    callback (once per new file, before the page runs), and the widgets' keys move on with the count of faces kept."""
    consent = st.checkbox(_("I agree that the lab keeps my faces' embeddings and thumbnails for this class. ") +
                          kept_note() + " " + _("The teacher may show the class's thumbnails, with nicknames, on the "
                                                "projector. I can delete them at any time."), key="face_consent")
    left = PHOTOS_PER_STUDENT - given
    label = ngettext("{count} more photo of yourself", "{count} more photos of yourself", left).format(count=left)
    upload_key, camera_key = f"face_upload_{given}", f"face_camera_{given}"
    st.file_uploader(_("Upload: {label}").format(label=label), type=UPLOAD_TYPES, accept_multiple_files=True,
                     key=upload_key, disabled=not consent, on_change=take, args=(code, token, upload_key, left))
    if consent and camera_allowed():
        st.camera_input(_("Or take photo {number} of {count}").format(number=given + 1, count=PHOTOS_PER_STUDENT),
                        key=camera_key, on_change=take, args=(code, token, camera_key, left))


def take(code: str, token: str, key: str, left: int) -> None:
    """Embed and keep the face of each new photo in the widget ``key`` (at most ``left``); the first refusal is said,
    with what was kept before it."""
    value = st.session_state.get(key)
    files = [f for f in (value if isinstance(value, list) else [value]) if f is not None]
    if not files or not st.session_state.get("face_consent"):
        return
    kept = 0
    for upload in files[:left]:
        try:
            give_photo(code, token, read_photo(upload.getvalue(), upload.name), consent=True)
        except (LabError, ValueError) as exc:
            before = ngettext("{count} face kept before it.", "{count} faces kept before it.", kept).format(
                count=kept) if kept else ""
            st.session_state[FACES_SAID] = ("error", f"{exc} {before}".strip())
            return
        kept += 1
    st.session_state[FACES_SAID] = ("ok", ngettext("{count} face kept.", "{count} faces kept.", kept).format(count=kept))


def own_faces_ui(code: str, token: str, thumbnails: dict[int, bytes]) -> None:
    numbers = sorted(thumbnails)
    st.image([thumbnails[n] for n in numbers], caption=[_("photo {number}").format(number=n) for n in numbers],
             width=96)

    def forget() -> None:
        gone = forget_my_faces(code, token)
        st.session_state[FACES_SAID] = ("ok", ngettext("{count} face deleted.", "{count} faces deleted.", gone).format(
            count=gone))
    st.button(_("Delete my faces"), key="face_forget", on_click=act, args=(forget,))


def result_ui(view: StudentFaceView) -> None:
    st.markdown("**" + _("Your result") + "**")
    rows = []
    for photo in view.photos:
        if photo.nearest_distance is None:
            nearest = _("no other face yet")
        else:
            whose = _("your own photo") if photo.nearest_is_own else _("a classmate's face")
            below = _("below the threshold") if photo.nearest_below(view.threshold) else _("above the threshold")
            nearest = f"{whose}: {format_decimal(photo.nearest_distance, 3)} ({below})"
        own = "; ".join(format_decimal(d, 3) for d in photo.own_distances) or "-"
        rows.append({_("photo"): str(photo.photo), _("nearest other face"): nearest,
                     _("distances to your other photos"): own})
    st.table(rows)
    st.caption(format_message(_("Cosine distance: smaller is more alike; the model's threshold is {threshold:.3f}. "
                                "Compared with the {count} faces in the class now."),
                              threshold=view.threshold, count=view.class_faces))
    st.button(_("Update my result"), key="face_result_update")
