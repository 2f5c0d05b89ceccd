"""One-Shot Lab: the landing page and the navigation (``streamlit run app.py``).

Heavy libraries (TensorFlow, DeepFace) are imported only by the pages that need them, so this page opens
within seconds.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lab.config import array_cache_dir, omniglot_dir
from lab.data.fetch import OFFICIAL_FILES, status
from lab.siamese.store import list_models
from ui.common import data_missing_panel, models_table, projector_toggle

# URL paths differ from the file names on purpose: Streamlit runs a file of pages/ on its own (without this
# entry point, its navigation and its sidebar) when a URL names it directly and no session has run app.py
# yet; a URL that names no file always goes through app.py.
PAGES = {
    "dataset": st.Page("pages/dataset.py", title="Omniglot dataset", icon=":material/grid_view:", url_path="omniglot"),
    "training": st.Page(
        "pages/training.py", title="Train a Siamese network", icon=":material/model_training:", url_path="train"
    ),
}


def home() -> None:
    st.title("One-Shot Lab")
    st.markdown(
        "Learning a new class from **one example**: a child who has seen one drawing of a new letter can pick out "
        "other drawings of it. This lab lets you try it, and see how a machine does it.\n\n"
        "1. **Omniglot and Siamese networks**: 1,623 handwritten characters from 50 alphabets, each drawn by 20 "
        "people (Lake et al., 2015). A Siamese network (Koch et al., 2015) learns whether two drawings show the "
        "same character, from the 30 *background* alphabets, and is tested on the 20 *evaluation* alphabets it "
        "has never seen.\n"
        "2. **Face recognition with DeepFace**: detect, align, embed, match, the same idea applied to faces."
    )

    st.header("Pages")
    st.page_link(PAGES["dataset"], label="Omniglot dataset: browse alphabets, characters, drawings and pairs")
    st.page_link(PAGES["training"], label="Train a Siamese network: Koch's BCE, contrastive or triplet loss, live curves")

    st.header("Data")
    states = status()
    rows = []
    for state in states:
        where = "zip" if state.present else ("extracted folder" if state.extracted else "missing")
        rows.append({"file": OFFICIAL_FILES[state.key].file_name, "status": where, "path": str(state.path)})
    st.table(pd.DataFrame(rows).set_index("file"))
    st.caption(f"Data folder: `{omniglot_dir()}` (environment variable `OMNIGLOT_DIR`). "
               f"Decoded arrays are cached in `{array_cache_dir()}`.")
    if not all(state.available for state in states):
        st.warning("Some Omniglot files are missing, so the pages that need them cannot run yet.")
        data_missing_panel()
    else:
        st.success("All Omniglot files are in place.")

    st.header("Models")
    models = list_models()
    if models:
        st.table(models_table(models))
    else:
        st.info("No trained model found. Train one on the training page.")


def main() -> None:
    st.set_page_config(page_title="One-Shot Lab", page_icon=":material/school:", layout="wide")
    projector_toggle()
    navigation = st.navigation([st.Page(home, title="Home", icon=":material/home:", default=True), *PAGES.values()])
    navigation.run()


main()
