"""Face database: the lecture's company. Enrol people from a photo or a few, remove them, identify a newcomer.

Enrolling stores each face's embedding, computed once; identifying compares one new embedding with all of
them. No network is retrained when people join or leave: that is what a learnt embedding buys.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from lab.config import faces_dir
from lab.db.engine import database_url, shown_url
from lab.errors import LabError
from lab.faces.detection import draw_boxes
from lab.faces.gallery import Gallery
from lab.faces.gallery_index import Identification
from lab.formatting import format_message, styled_numbers
from lab.i18n import N_, _, ngettext
from lab.workflows.faces import enrol_photos, identify_photo
from lab.workflows.gallery import enrol_folder, list_galleries, open_gallery
from ui.face_cache import cached_embedding, cached_face_model, cached_photo, detect_or_explain, read_or_explain
from ui.face_gallery import clear_ui, old_files_ui, person_row_ui, thumbnails_switch_ui
from ui.face_widgets import (UPLOAD_TYPES, camera_allowed, detector_options, display_width, face_picker_ui,
                             face_settings, metric_ui, model_options, photo_settings, photo_ui,
                             threshold_key, threshold_slider_ui)
from ui.projector import projector_on
from ui.roles import current_role, is_teacher, session_owner, teacher_only_note
from ui.settings import Setting, check_link, in_language

NEW = N_("+ new database")  # the last choice of the database select box, shown translated
TABS = (N_("People"), N_("Enrol"), N_("Identify"))
SHOWN_PEOPLE = 200  # the People tab lists at most this many (a gallery of 100,000 faces would be a page of 25,000)
CONSENT = N_("I agree that my face's embedding and a 96×96 thumbnail are stored in this class's face database under "
             "the name I typed. Other students see that name (also as the answer when they identify a photo of me) and, "
             "only if the teacher turns thumbnails on, the thumbnail; never the photo's file name. The teacher sees all "
             "three. Nothing deletes them by itself: they stay until I remove my enrolment in this browser session "
             "(after I close it, only the teacher can), or the teacher removes me or clears the database.")


def counts(database: Gallery) -> str:
    """"5 people, 9 faces", in the user's language."""
    people, faces = len(database.persons()), database.size
    return _("{people}, {faces}").format(
        people=ngettext("{count} person", "{count} people", people).format(count=people),
        faces=ngettext("{count} face", "{count} faces", faces).format(count=faces))


def database_choices() -> list[str]:
    """The database select box's options: the galleries of the shared database, then "+ new database"."""
    return [*list_galleries(), NEW]


def shown(choice: str, translate: Callable[[str], str] = _) -> str:
    return translate(choice) if choice == NEW else choice


def sidebar_settings() -> list[Setting]:
    """The gallery (or a new one), and a new one's model and detector."""
    return [Setting("database", "selectbox", N_("Face database"), options=database_choices(),
                    shown=partial(shown, translate=in_language()), translated=True),
            Setting("model", "selectbox", N_("Model (fixed for this database)"), options=model_options()),
            Setting("detector", "selectbox", N_("Detector"), options=detector_options())]


def tab_setting() -> Setting:
    return Setting("tab", "tabs", options=TABS, shown=in_language(), translated=True)


def database_ui() -> Gallery | None:
    database_setting, model_setting, detector_setting = sidebar_settings()
    names = database_setting.options[:-1]
    choice = database_setting.draw(st.sidebar)
    if choice == NEW:
        name = st.sidebar.text_input(_("New database name"), value="class" if "class" not in names else "",
                                     key="db_new")
        model = model_setting.draw(st.sidebar)
        detector = detector_setting.draw(st.sidebar)
        if not name.strip():
            st.info(_("Name the new database in the sidebar."))
            return None
    else:
        name, model, detector = choice, None, None
    try:
        # One SELECT of the gallery's revision per run: the vectors stay in this server's memory until it changes.
        database = open_gallery(name, model, detector)
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return None
    # Markdown, not a caption: readable from the back of a lecture room, in one line.
    st.sidebar.markdown(_("**Face database:** {name} ({model} + {detector}), {counts}").format(
        name=database.name, model=database.model, detector=database.detector, counts=counts(database)))
    st.sidebar.caption(_("In the shared database `{url}` (set by `ONESHOT_DATABASE_URL`).").format(
        url=shown_url(database_url())))
    return database


def people_ui(database: Gallery) -> None:
    people = database.persons()
    teacher = is_teacher()
    if not people:
        st.info(_("Nobody is enrolled yet: use the Enrol tab."))
    else:
        st.markdown(_("**{counts}** ({model} embeddings + {detector}).").format(
            counts=counts(database), model=database.model, detector=database.detector))
        thumbnails_switch_ui(database, teacher)
        mine = database.owned_by(session_owner())
        for person, rows in list(people.items())[:SHOWN_PEOPLE]:
            person_row_ui(database, person, rows, session_owner(), teacher, person in mine)
        if len(people) > SHOWN_PEOPLE:
            st.caption(_("... and {count} more people.").format(count=len(people) - SHOWN_PEOPLE))
    if teacher:
        clear_ui(database)
    else:
        teacher_only_note(_("remove other people or clear the database"))
    old_files_ui(teacher)


def enrol_ui(database: Gallery) -> None:
    person = st.text_input(_("Name of the person"), key="enrol_name", max_chars=64)
    uploads = st.file_uploader(_("One or a few photos of them"), type=UPLOAD_TYPES, accept_multiple_files=True,
                               key="enrol_uploads")
    shot = st.camera_input(_("... or take a photo"), key="enrol_camera") if camera_allowed() else None
    photos = [(u.getvalue(), u.name) for u in uploads or []] + ([(shot.getvalue(), _("camera photo"))] if shot else [])
    chosen = []  # (photo, detection, face) of each photo with a usable face
    for number, (data, name) in enumerate(photos):
        photo = read_or_explain(data, name)
        detection = detect_or_explain(data, name, database.detector) if photo is not None else None
        if detection is None:
            continue
        with st.container(border=True):
            face = face_picker_ui(detection, f"enrol_{number}", name, bind=False)  # a link carries no upload
            if face is not None:
                st.image(detection.faces[face].aligned, caption=name, width=100)
                chosen.append((cached_photo(data, name), detection, face))
    # Nothing is stored without this tick, whoever enrols (a student, or the teacher enrolling a student).
    consent = st.checkbox(_(CONSENT), key="enrol_consent")
    if st.button(_("Enrol"), type="primary", disabled=not (chosen and person.strip() and consent), key="enrol_button"):
        try:
            cached_face_model(database.model)
            with st.spinner(_("Embedding the faces...")):
                done = enrol_photos(database.name, person, [c[0] for c in chosen], database.model, database.detector,
                                    [c[2] for c in chosen], [c[1] for c in chosen], owner=session_owner(),
                                    role=current_role())
        except (LabError, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["db_message"] = ngettext(
            "{person} enrolled from {count} face. Nothing was retrained.",
            "{person} enrolled from {count} faces. Nothing was retrained.", len(done.sources)).format(
            person=done.person, count=len(done.sources))
        st.session_state.pop("enrol_consent", None)  # the next person ticks it for themselves
        st.rerun()
    enrol_samples_ui(database)


def enrol_samples_ui(database: Gallery) -> None:
    root = faces_dir()
    if root is None or not (root / "train").is_dir():
        return
    st.divider()
    st.caption(_("For a demonstration: enrol everyone of `{folder}` (one sub-folder per person).").format(
        folder=root / "train"))
    if st.button(_("Enrol the sample people"), key="enrol_samples"):
        try:
            cached_face_model(database.model)
            with st.spinner(_("Detecting and embedding the sample photos...")):
                after = enrol_folder(database.name, database.model, database.detector, root / "train",
                                     owner=session_owner(), only_own=not is_teacher())
        except (LabError, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["db_message"] = _("Sample people enrolled: the database now holds {counts}. Nothing was "
                                           "retrained.").format(counts=counts(after))
        st.rerun()


def identify_ui(database: Gallery) -> None:
    if database.size == 0:
        st.info(_("Enrol someone first."))
        return
    chosen = photo_ui("photo", _("Photo to identify"), "test/johnsnow_test1.jpg")
    if chosen is None:
        return
    data, name = chosen
    photo = read_or_explain(data, name)
    detection = detect_or_explain(data, name, database.detector) if photo is not None else None
    if detection is None:
        return
    face = face_picker_ui(detection, "photo", name)
    if face is None:
        return
    # On a projector the metric and the threshold side by side, so that the answer is on a 720-pixel screen.
    metric_place, threshold_place = st.columns(2) if projector_on() else (st.container(), st.container())
    with metric_place:
        metric = metric_ui("")
    try:
        cached_face_model(database.model)
        vector = cached_embedding(data, name, database.detector, face, database.model)
        at_default = identify_photo(photo, database, metric, None, face, detection, vector[None])
    except LabError as exc:
        st.error(str(exc))
        return
    nearest = at_default.faces[0].identification.nearest
    with threshold_place:
        threshold = threshold_slider_ui(database.model, metric, threshold_key(database.model, metric), nearest.distance)
    found = at_default.at(threshold).faces[0].identification
    columns = st.columns([2, 1, 2])
    columns[0].image(draw_boxes(photo, detection.faces, face), caption=name,
                     width=display_width(photo, 320, max_width=330))
    columns[1].image(detection.faces[face].aligned, caption=_("this face"), width=120)
    with columns[2]:
        answer_ui(database, found, metric, threshold, at_default.search_ms)
    distance = _("{metric} distance").format(metric=metric)
    st.dataframe(styled_numbers(pd.DataFrame([{_("person"): m.person, distance: round(m.distance, 4),
                                               _("within threshold"): m.distance <= threshold}
                                              for m in found.ranking]), {distance: 4}), hide_index=True)


def answer_ui(database: Gallery, found: Identification, metric: str, threshold: float, search_ms: float) -> None:
    """Who it is, or "unknown", with the nearest enrolled face and how long the search took."""
    best = found.nearest
    if found.person is not None:
        st.success(format_message(_("**{person}**: {metric} distance {distance:.4f} ≤ threshold {threshold:.4f}"),
            person=found.person, metric=metric, distance=best.distance, threshold=threshold))
    else:
        st.warning(format_message(_("**Unknown**: the nearest person, {person}, is at {distance:.4f} > threshold "
                                    "{threshold:.4f}"), person=best.person, distance=best.distance, threshold=threshold))
    if database.thumbnail_shown(best.face, session_owner(), is_teacher()):
        st.image(database.thumbnails[best.face], caption=_("nearest enrolled face: {person}").format(
            person=best.person), width=120)
    st.caption(format_message(_(
        "Compared with {count} enrolled faces in {ms:.1f} ms (the embedding of the new photo is not counted). This "
        "photo was not stored."), count=database.size, ms=search_ms))


def main() -> None:
    st.title(_("Face database"))
    st.markdown(_("Enrol people from one photo or a few; remove them; identify someone new, in a photo or a selfie. "
                  "The database keeps one embedding per enrolled face, so adding or removing a person **needs no "
                  "retraining**: identifying is finding the nearest stored embedding, and saying *unknown* when even "
                  "the nearest is farther than the threshold."))
    check_link([*sidebar_settings(), tab_setting(), *photo_settings("photo"), face_settings()[2]])
    database = database_ui()
    if database is None:
        return
    if "db_message" in st.session_state:  # what the last change did (the page was rerun since), above every tab
        st.success(st.session_state.pop("db_message"))
    people, enrolment, identify = tab_setting().draw()
    with people:
        people_ui(database)
    with enrolment:
        enrol_ui(database)
    with identify:
        identify_ui(database)


main()
