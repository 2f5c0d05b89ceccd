"""The model store of the training page: every stored model with its owner, any model's card, and the teacher's
controls (rename, delete after a confirmation, upload, the course's model).

With a lecturer password set, a student sees the table and the cards, and instead of the controls a note saying they
are the teacher's (ui.roles.teacher_only_note). The workflows check the role again (lab.workflows.model_store), so a
button left on a screen by a session that signed out meanwhile changes nothing.
"""

from __future__ import annotations

import streamlit as st

from lab.errors import LabError
from lab.i18n import _
from lab.siamese.model_card import model_card
from lab.siamese.model_table import models_table
from lab.siamese.store import ModelInfo, list_models
from lab.workflows.model_store import delete_stored_model, rename_stored_model, store_course_model, upload_model
from ui.names import short_names
from ui.roles import current_role, is_teacher, session_owner, teacher_only_note

DELETING = "store_deleting"  # the model whose Delete was clicked, waiting for a second, explicit click


def confirm_delete_ui(chosen: str) -> None:
    """The second step of a delete: one click on Delete only asks; the model goes on "Really delete" alone (a model
    may be another session's, and a class shares one store)."""
    if st.session_state.get(DELETING) != chosen:  # another model chosen since: ask again for that one
        return
    st.warning(_("Really delete the model **{name}**? Its weights and figures are removed from the store for "
                 "good.").format(name=chosen))
    left, right = st.columns(2)
    if left.button(_("Really delete {name}").format(name=chosen), key="store_delete_confirm", type="primary"):
        st.session_state.pop(DELETING, None)
        try:
            delete_stored_model(chosen, current_role())
        except LabError as exc:
            st.error(str(exc))
            return
        st.rerun()
    right.button(_("Cancel: keep it"), key="store_delete_cancel", on_click=lambda: st.session_state.pop(DELETING, None))


def model_card_ui(models: list[ModelInfo]) -> None:
    """Any stored model's card (data, training, figures, threshold) as a Markdown file."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    names = [m.name for m in models]
    name = left.selectbox(_("Model card of"), names, key="store_card_model", format_func=short_names(names, 48).get)
    right.download_button(_("Download its model card (Markdown)"), model_card(models[names.index(name)]),
                          file_name=f"model-card-{name}.md", mime="text/markdown", key="store_card_download",
                          on_click="ignore")


def own_models_ui(own: list[str]) -> None:
    """Rename or delete a model of the user's store (the shipped ones stay)."""
    left, middle, right = st.columns([3, 2, 1])
    chosen = left.selectbox(_("Stored model"), own, key="store_model", format_func=short_names(own, 36).get)
    new_name = middle.text_input(_("New name"), key="store_new_name")
    if right.button(_("Rename"), key="store_rename") and new_name:
        try:
            rename_stored_model(chosen, new_name.strip(), current_role())
            st.rerun()
        except (LabError, ValueError) as exc:
            st.error(str(exc))
    right.button(_("Delete"), key="store_delete", on_click=lambda: st.session_state.update({DELETING: chosen}))
    confirm_delete_ui(chosen)


def add_model_ui() -> None:
    upload = st.file_uploader(_("A .keras model of this lab, or the course's oneshot.h5"), type=["keras", "h5"],
                              key="store_upload")
    st.caption(_("The server takes uploads up to 20 MB. The course's oneshot.h5 (156 MB) goes in from a terminal on "
                 "the server: `python -m lab models import oneshot.h5 --name koch-course`."))
    name = st.text_input(_("Store it as"), "uploaded-model", key="store_upload_name")
    if upload is not None and st.button(_("Check and store"), key="store_upload_button"):
        try:
            info = upload_model(upload.getvalue(), upload.name, name.strip(), current_role(), session_owner())
            st.success(_("Stored as {name}.").format(name=info.name))
        except (LabError, ValueError) as exc:
            st.error(_("{file} was not stored: {error}").format(file=upload.name, error=exc))
    if st.button(_("Download oneshot.h5 (Koch et al., trained by the course) with gdown"), key="store_gdown"):
        try:
            with st.spinner(_("Downloading 156 MB from Google Drive...")):
                info = store_course_model(current_role(), session_owner())
            st.success(_("Stored as {name}.").format(name=info.name))
        except LabError as exc:
            st.error(_("{error} Without internet, download the file elsewhere and import it with `python -m lab models "
                       "import oneshot.h5`.").format(error=exc))


def model_store_ui() -> None:
    st.header(_("Model store"))
    models = list_models()
    st.table(models_table(models, session_owner()))
    model_card_ui(models)
    if not is_teacher():
        teacher_only_note(_("rename, delete or upload models"))
        return
    own = [m.name for m in models if not m.shipped]
    if own:
        own_models_ui(own)
    with st.expander(_("Add a model: upload a file, or the course's Koch model from Google Drive")):
        add_model_ui()
