"""Face database: the lecture's company. Enrol people from a photo or a few, remove them, identify a newcomer.

Enrolling stores each face's embedding, computed once; identifying compares one new embedding with all of
them. No network is retrained when people join or leave: that is what a learnt embedding buys.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.config import face_db_dir
from lab.errors import LabError
from lab.faces.catalog import ready_names
from lab.faces.database import FaceDatabase, database_path, enrol_folder, list_databases, open_database, remove
from lab.faces.detection import OFFLINE_DETECTORS, draw_boxes
from lab.faces.embedding import OFFLINE_MODELS
from lab.files import file_stamp
from lab.workflows.faces import enrol_photos, identify_photo
from ui.face_cache import cached_embedding, cached_face_model, cached_photo, detect_or_explain, read_or_explain
from ui.face_widgets import UPLOAD_TYPES, display_width, face_picker_ui, metric_ui, photo_ui, threshold_slider_ui
from lab.config import faces_dir


@st.cache_data(show_spinner=False, max_entries=8)
def cached_database(path: str, stamp: tuple[int, int]) -> FaceDatabase:
    return open_database(Path(path))


def load(path: Path, model: str | None = None, detector: str | None = None) -> FaceDatabase:
    """The database at ``path``, read again only when its file changed; a new one needs ``model`` and ``detector``."""
    if not path.exists():
        return open_database(path, model, detector)  # empty, or a DatabaseError if it should have existed
    return cached_database(str(path), file_stamp(path))


def database_ui() -> FaceDatabase | None:
    folder = face_db_dir()
    names = list_databases(folder)
    options = [*names, "+ new database"] if names else ["+ new database"]
    choice = st.sidebar.selectbox("Face database", options, key="db_choice")
    if choice == "+ new database":
        name = st.sidebar.text_input("New database name", value="class" if "class" not in names else "", key="db_new")
        model = st.sidebar.selectbox("Model (fixed for this database)", ready_names("model", OFFLINE_MODELS) or OFFLINE_MODELS,
                                     key="db_model")
        detector = st.sidebar.selectbox("Detector", ready_names("detector", OFFLINE_DETECTORS) or OFFLINE_DETECTORS,
                                        key="db_detector")
        if not name.strip():
            st.info("Name the new database in the sidebar.")
            return None
    else:
        name, model, detector = choice, None, None
    try:
        path = database_path(folder, name)
        database = load(path, model, detector)
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return None
    # Markdown, not a caption: readable from the back of a lecture room, in one line.
    st.sidebar.markdown(f"**Face database:** {database.summary()}")
    st.sidebar.caption(f"`{database.path}`; folder set by `FACE_DB_DIR`.")
    return database


def people_ui(database: FaceDatabase) -> None:
    people = database.persons()
    if not people:
        st.info("Nobody is enrolled yet: use the Enrol tab.")
        return
    st.markdown(f"**{len(people)} people, {database.size} faces** ({database.model} embeddings + {database.detector}).")
    for person, rows in people.items():
        columns = st.columns([1, 4, 1])
        columns[0].markdown(f"**{person}**  \n{len(rows)} face(s)")
        columns[1].image([database.thumbnails[r] for r in rows[:8]], width=72,
                         caption=[str(database.sources[r]) for r in rows[:8]])
        if columns[2].button("Remove", key=f"remove_{person}"):
            try:
                remove(database.path, person)
            except LabError as exc:
                st.error(str(exc))
                return
            st.toast(f"{person} removed; nothing was retrained.")
            st.rerun()


def enrol_ui(database: FaceDatabase) -> None:
    if "db_message" in st.session_state:  # what the last enrolment did (the page was rerun since)
        st.success(st.session_state.pop("db_message"))
    person = st.text_input("Name of the person", key="enrol_name", max_chars=64)
    uploads = st.file_uploader("One or a few photos of them", type=UPLOAD_TYPES, accept_multiple_files=True,
                               key="enrol_uploads")
    shot = st.camera_input("... or take a photo", key="enrol_camera")
    photos = [(u.getvalue(), u.name) for u in uploads or []] + ([(shot.getvalue(), "camera photo")] if shot else [])
    chosen = []  # (photo, detection, face) of each photo with a usable face
    for number, (data, name) in enumerate(photos):
        photo = read_or_explain(data, name)
        detection = detect_or_explain(data, name, database.detector) if photo is not None else None
        if detection is None:
            continue
        with st.container(border=True):
            face = face_picker_ui(detection, f"enrol_{number}", name)
            if face is not None:
                st.image(detection.faces[face].aligned, caption=name, width=100)
                chosen.append((cached_photo(data, name), detection, face))
    if st.button("Enrol", type="primary", disabled=not (chosen and person.strip()), key="enrol_button"):
        try:
            cached_face_model(database.model)
            with st.spinner("Embedding the faces..."):
                done = enrol_photos(database.path, person, [c[0] for c in chosen], database.model, database.detector,
                                    [c[2] for c in chosen], [c[1] for c in chosen])
        except (LabError, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["db_message"] = f"{done.person} enrolled from {len(done.sources)} face(s). Nothing was retrained."
        st.rerun()
    root = faces_dir()
    if root is not None and (root / "train").is_dir():
        st.divider()
        st.caption(f"For a demonstration: enrol everyone of `{root / 'train'}` (one sub-folder per person).")
        if st.button("Enrol the sample people", key="enrol_samples"):
            try:
                cached_face_model(database.model)
                with st.spinner("Detecting and embedding the sample photos..."):
                    after = enrol_folder(database.path, database.model, database.detector, root / "train")
            except (LabError, ValueError) as exc:
                st.error(str(exc))
                return
            st.session_state["db_message"] = (f"Sample people enrolled: the database now holds {len(after.persons())} "
                                              f"people and {after.size} faces. Nothing was retrained.")
            st.rerun()


def identify_ui(database: FaceDatabase) -> None:
    if database.size == 0:
        st.info("Enrol someone first.")
        return
    chosen = photo_ui("identify", "Photo to identify", "test/johnsnow_test1.jpg")
    if chosen is None:
        return
    data, name = chosen
    photo = read_or_explain(data, name)
    detection = detect_or_explain(data, name, database.detector) if photo is not None else None
    if detection is None:
        return
    face = face_picker_ui(detection, "identify", name)
    if face is None:
        return
    metric = metric_ui("identify")
    try:
        cached_face_model(database.model)
        vector = cached_embedding(data, name, database.detector, face, database.model)
        at_default = identify_photo(photo, database, metric, None, face, detection, vector[None])
    except LabError as exc:
        st.error(str(exc))
        return
    nearest = at_default.faces[0].identification.nearest
    threshold = threshold_slider_ui(database.model, metric, f"identify_threshold_{metric}", nearest.distance)
    found, search_ms = at_default.at(threshold).faces[0].identification, at_default.search_ms
    columns = st.columns([2, 1, 2])
    columns[0].image(draw_boxes(photo, detection.faces, face), caption=name, width=display_width(photo, 320, max_width=330))
    columns[1].image(detection.faces[face].aligned, caption="this face", width=120)
    best = found.nearest
    with columns[2]:
        if found.person is not None:
            st.success(f"**{found.person}**: {metric} distance {best.distance:.4f} ≤ threshold {threshold:.4f}")
        else:
            st.warning(f"**Unknown**: the nearest person, {best.person}, is at {best.distance:.4f} > threshold "
                       f"{threshold:.4f}")
        st.image(database.thumbnails[best.face], caption=f"nearest enrolled face: {best.person}", width=120)
        st.caption(f"Compared with {database.size} enrolled faces in {search_ms:.1f} ms (the embedding of the new "
                   "photo is not counted). This photo was not stored.")
    st.dataframe(pd.DataFrame([{"person": m.person, f"{metric} distance": round(m.distance, 4),
                                "within threshold": m.distance <= threshold} for m in found.ranking]),
                 hide_index=True)


def main() -> None:
    st.title("Face database")
    st.markdown("Enrol people from one photo or a few; remove them; identify someone new, in a photo or a selfie. "
                "The database keeps one embedding per enrolled face, so adding or removing a person **needs no "
                "retraining**: identifying is finding the nearest stored embedding, and saying *unknown* when even "
                "the nearest is farther than the threshold.")
    database = database_ui()
    if database is None:
        return
    people, enrolment, identify = st.tabs(["People", "Enrol", "Identify"])
    with people:
        people_ui(database)
    with enrolment:
        enrol_ui(database)
    with identify:
        identify_ui(database)


main()
