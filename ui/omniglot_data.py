"""The Omniglot sets as every page loads them (decoded once per server), and the panel shown when files are missing."""

from __future__ import annotations

import streamlit as st

from lab.config import omniglot_dir
from lab.data.fetch import FILE_KEYS, OFFICIAL_FILES, fetch, install_archive, status
from lab.data.omniglot import OmniglotSet, load_set
from lab.errors import LabError


@st.cache_resource(show_spinner="Loading Omniglot (the first time decodes 32,460 drawings)...")
def cached_set(set_name: str, data_dir: str) -> OmniglotSet:
    """One decoded set per server process, shared by every session (it is read-only)."""
    return load_set(set_name, omniglot_dir(data_dir))


def load_set_or_explain(set_name: str) -> OmniglotSet | None:
    """The set, or None after showing the user what is wrong and how to fix it."""
    try:
        return cached_set(set_name, str(omniglot_dir()))
    except LabError as exc:
        st.error(str(exc))
        data_missing_panel()
        return None


def data_missing_panel() -> None:
    """What to put where, a download button, and an upload box for a zip the user already has."""
    root = omniglot_dir()
    st.markdown(
        f"**Data folder:** `{root}` (set the environment variable `OMNIGLOT_DIR` before starting the app to use "
        "another folder).\n\nIt needs `images_background.zip`, `images_evaluation.zip` (from "
        "github.com/brendenlake/omniglot, folder `python/`) and `all_runs.zip` (folder "
        "`python/one-shot-classification/`)."
    )
    missing = [state.key for state in status() if not state.available]
    if missing and st.button("Download the missing files from the official repository", key="fetch_missing"):
        for key in missing:
            bar = st.progress(0.0, text=f"Downloading {OFFICIAL_FILES[key].file_name}...")

            def show(done: int, total: int | None, bar=bar, key=key) -> None:
                fraction = min(done / total, 1.0) if total else 0.0
                bar.progress(fraction, text=f"{OFFICIAL_FILES[key].file_name}: {done / 1e6:.1f} MB")

            try:
                path, summary = fetch(key, progress=show)
                st.success(f"{path.name}: {summary}")
            except LabError as exc:
                st.error(f"{OFFICIAL_FILES[key].file_name}: {exc}")
        cached_set.clear()
    upload = st.file_uploader("Or upload an Omniglot zip you already have", type=["zip"], key="upload_zip")
    if upload is not None:
        by_name = {OFFICIAL_FILES[key].file_name: key for key in FILE_KEYS}
        key = by_name.get(upload.name)
        if key is None:
            st.error(f"{upload.name} is not one of {', '.join(by_name)}; rename it if it is one of them.")
        else:
            try:
                path = install_archive(key, upload.getvalue())
                st.success(f"{upload.name} checked and saved as {path}. Reload the page to use it.")
                cached_set.clear()
            except LabError as exc:  # the message names the upload and says it was not saved
                st.error(str(exc))
