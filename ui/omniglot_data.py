"""The Omniglot sets as every page loads them (decoded once per server), and the panel shown when files are missing."""

from __future__ import annotations

import streamlit as st

from lab.config import omniglot_dir
from lab.data.fetch import OFFICIAL_FILES, status
from lab.data.omniglot import OmniglotSet
from lab.data.shared_sets import forget_shared_sets, shared_set
from lab.errors import LabError
from lab.formatting import format_message
from lab.i18n import _
from lab.workflows.data_files import download_official, upload_archive
from ui.roles import current_role, is_teacher, teacher_only_note


# No spinner text here: the cache is shared by sessions in different languages and its spinner text is fixed when
# the module is imported; load_set_or_explain shows a translated one.
@st.cache_resource(show_spinner=False)
def cached_set(set_name: str, data_dir: str) -> OmniglotSet:
    """One decoded set per server process, shared by every session and by the class route (it is read-only)."""
    return shared_set(set_name, omniglot_dir(data_dir))


def set_with_spinner(set_name: str) -> OmniglotSet:
    """The set, with a spinner while it is decoded the first time; a LabError when its files are missing or damaged."""
    with st.spinner(_("Loading Omniglot (the first time decodes 32,460 drawings)...")):
        return cached_set(set_name, str(omniglot_dir()))


def load_set_or_explain(set_name: str) -> OmniglotSet | None:
    """The set, or None after showing the user what is wrong and how to fix it."""
    try:
        return set_with_spinner(set_name)
    except LabError as exc:
        st.error(str(exc))
        data_missing_panel()
        return None


def data_missing_panel() -> None:
    """What to put where, a download button, and an upload box for a zip the user already has; a student sees why
    not instead (the data folder is the teacher's: lab.workflows.data_files refuses a student anyway)."""
    if not is_teacher():
        st.markdown(_("The Omniglot files are missing on this server. They go into the server's data folder, which "
                      "every session shares, so the teacher adds them."))
        teacher_only_note(_("download or upload Omniglot files"))
        return
    st.markdown(_(
        "**Data folder:** `{folder}` (set the environment variable `OMNIGLOT_DIR` before starting the app to use "
        "another folder).\n\nIt needs `images_background.zip`, `images_evaluation.zip` (from "
        "github.com/brendenlake/omniglot, folder `python/`) and `all_runs.zip` (folder "
        "`python/one-shot-classification/`)."
    ).format(folder=omniglot_dir()))
    missing = [state.key for state in status() if not state.available]
    if missing and st.button(_("Download the missing files from the official repository"), key="fetch_missing"):
        fetch_missing(missing)
    upload = st.file_uploader(_("Or upload an Omniglot zip you already have"), type=["zip"], key="upload_zip")
    if upload is not None:
        install_upload(upload.name, upload.getvalue())


def fetch_missing(missing: list[str]) -> None:
    for key in missing:
        file_name = OFFICIAL_FILES[key].file_name
        bar = st.progress(0.0, text=_("Downloading {file}...").format(file=file_name))

        def show(done: int, total: int | None, bar=bar, file_name=file_name) -> None:
            fraction = min(done / total, 1.0) if total else 0.0
            bar.progress(fraction, text=format_message(_(
                "{file}: {megabytes:.1f} MB"), file=file_name, megabytes=done / 1e6))

        try:
            path, summary = download_official(key, role=current_role(), progress=show)
            st.success(f"{path.name}: {summary}")
        except LabError as exc:
            st.error(f"{file_name}: {exc}")
    forget_data()


def install_upload(name: str, data: bytes) -> None:
    try:
        path = upload_archive(name, data, role=current_role())
        st.success(_("{upload} checked and saved as {path}. Reload the page to use it.").format(upload=name, path=path))
        forget_data()
    except LabError as exc:  # the message names the upload and says it was not saved
        st.error(str(exc))


def forget_data() -> None:
    """The data folder changed: every page and the class route load the files again."""
    forget_shared_sets()
    cached_set.clear()
