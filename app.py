"""One-Shot Lab: the landing page and the navigation (``streamlit run app.py``).

Heavy libraries (TensorFlow, DeepFace) are imported only by the pages that need them, so this page opens
within seconds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.config import array_cache_dir, omniglot_dir
from lab.data.fetch import OFFICIAL_FILES, status
from lab.siamese.store import list_models, models_table
from ui.omniglot_data import data_missing_panel
from ui.projector import projector_toggle

# A shipped picture, not an emoji or a :material/...: icon: for those the browser fetches a font or an emoji image
# from the internet, which fails in a classroom without one.
FAVICON = Path(__file__).resolve().parent / "ui" / "favicon.png"

# The page files live in views/, not pages/: a pages/ folder switches on Streamlit's legacy multipage mode,
# in which a fresh server answers a bookmarked URL with a "Page not found" dialog (or runs the page file
# without this entry point, its navigation and its sidebar).
PAGES = {
    "dataset": st.Page("views/dataset.py", title="Omniglot dataset", icon=":material/grid_view:", url_path="omniglot"),
    "training": st.Page(
        "views/training.py", title="Train a Siamese network", icon=":material/model_training:", url_path="train"
    ),
    "verification": st.Page("views/verification.py", title="Verification and ROC", icon=":material/rule:",
                            url_path="roc"),
    "one_shot": st.Page("views/one_shot.py", title="N-way one-shot quiz", icon=":material/quiz:", url_path="quiz"),
    "nearest": st.Page("views/nearest_neighbour.py", title="Nearest-neighbour classification",
                       icon=":material/hub:", url_path="nearest"),
    "map": st.Page("views/embedding_map.py", title="Embedding map", icon=":material/scatter_plot:", url_path="map"),
    "two": st.Page("views/two_images.py", title="Two drawings, one distance", icon=":material/compare:",
                   url_path="distance"),
}
FACE_PAGES = {
    "face_detect": st.Page("views/face_detect.py", title="Detect and align faces", icon=":material/face:",
                           url_path="detect"),
    "face_verify": st.Page("views/face_verify.py", title="Verify two photos", icon=":material/how_to_reg:",
                           url_path="verify"),
    "face_database": st.Page("views/face_database.py", title="Face database", icon=":material/badge:",
                             url_path="database"),
    "face_threshold": st.Page("views/face_threshold.py", title="Threshold lab", icon=":material/tune:",
                              url_path="threshold"),
    "face_experiment": st.Page("views/face_experiment.py", title="Experiment: CNN or embedding?",
                               icon=":material/science:", url_path="experiment"),
    "face_models": st.Page("views/face_models.py", title="Face models", icon=":material/inventory_2:",
                           url_path="face-models"),
}
LINKS = {
    "dataset": "Omniglot dataset: browse alphabets, characters, drawings and pairs",
    "training": "Train a Siamese network: Koch's BCE, contrastive or triplet loss, live curves",
    "verification": "Verification and ROC: a live threshold on 10,000 evaluation pairs, AUC, EER, worst errors",
    "one_shot": "N-way one-shot: quiz yourself against the model, accuracy against N, Lake's 20 official runs",
    "nearest": "Nearest-neighbour classification: 659 characters from 10 or 1 templates each, no training",
    "map": "Embedding map: PCA and t-SNE of an alphabet's drawings, coloured by character",
    "two": "Two drawings, one distance: pick or upload two drawings and see the model's decision",
    "face_detect": "Detect and align faces: Viola-Jones with its parameters, and DeepFace's other detectors, timed",
    "face_verify": "Verify two photos: sample, upload or selfie; distance, threshold slider, verdict",
    "face_database": "Face database: enrol and remove people without retraining; identify a new photo or selfie",
    "face_threshold": "Threshold lab: ROC, EER and a threshold for your own labelled photos",
    "face_experiment": "Experiment: a small CNN from scratch against DeepFace embeddings + nearest neighbour",
    "face_models": "Face models: every DeepFace model and detector, and which run offline here",
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

    for heading, pages in (("Omniglot and Siamese networks", PAGES), ("Face recognition with DeepFace", FACE_PAGES)):
        st.header(heading)
        for key, page in pages.items():
            st.page_link(page, label=LINKS[key])

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
    st.set_page_config(page_title="One-Shot Lab", page_icon=str(FAVICON), layout="wide")
    projector_toggle()
    navigation = st.navigation({
        "One-Shot Lab": [st.Page(home, title="Home", icon=":material/home:", default=True)],
        "Omniglot and Siamese networks": list(PAGES.values()),
        "Face recognition with DeepFace": list(FACE_PAGES.values()),
    })
    navigation.run()


main()
