"""Experiment: with a few photos per person, train a CNN from scratch or reuse a face embedding?"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.faces.experiment import ExperimentResult
from lab.faces.photos import PHOTO_SUFFIXES
from lab.files import folder_stamp
from lab.limits import EPOCHS
from lab.plots import experiment_errors
from lab.workflows.faces import face_experiment
from ui.face_widgets import labelled_folder_ui, settings_ui


@st.cache_data(show_spinner="Running the experiment: embedding the photos and training the CNN twice "
               "(about half a minute on a laptop)...", max_entries=8)
def cached_experiment(folder: str, stamp: tuple, model: str, detector: str, metric: str, epochs: int,
                      seed: int) -> ExperimentResult:
    return face_experiment(Path(folder), model, detector, metric, epochs, seed, separate_process=True)


def main() -> None:
    st.title("Experiment: a CNN from scratch, or a pre-trained embedding?")
    st.markdown(
        "The lecture's exercise. On a folder of identities (one sub-folder of photos per person), **2-fold "
        "cross-validation**: each person's photos are split in two halves; each half in turn trains and the other "
        "tests.\n\n"
        "- **(a) A small CNN trained from scratch** on the training faces (64x64 grey, 3 convolution blocks, a "
        "softmax over the people, with flips and shifts as augmentation).\n"
        "- **(b) DeepFace embeddings + nearest neighbour**: the training faces are only embedded; a test face gets "
        "the person of its nearest training face. Nothing is trained."
    )
    folder = labelled_folder_ui("experiment_folder", "Folder of identities")
    model, detector, metric = settings_ui("experiment")
    epochs = st.columns(4)[0].number_input("CNN epochs", EPOCHS.low, EPOCHS.high, 60, 10, key="experiment_epochs")
    if not st.toggle("Run the experiment", key="experiment_run"):
        st.info("Switch on *Run the experiment* (it takes about half a minute; the result is kept for everyone).")
        return
    if not folder.is_dir():
        st.error(f"{folder} is not a folder.")
        return
    try:
        result = cached_experiment(str(folder.resolve()), folder_stamp(folder, PHOTO_SUFFIXES), model, detector, metric, int(epochs), 0)
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return
    if result.excluded:
        st.warning("Left out: " + "; ".join(result.excluded))
    methods = ["(a) small CNN from scratch", f"(b) {model} + nearest neighbour"]
    chart, table = st.columns([3, 2])
    chart.plotly_chart(experiment_errors(
        methods, [[f.cnn_error for f in result.folds], [f.embedding_error for f in result.folds]],
        title=f"Test error, 2-fold cross-validation on {folder.name} ({result.people} people)",
    ), width="stretch")
    with table:
        st.dataframe(pd.DataFrame([{
            "fold": f.fold, "training photos": f.train_photos, "test photos": f.test_photos,
            "(a) CNN error": f"{f.cnn_error:.0%}", "(b) embedding error": f"{f.embedding_error:.0%}",
        } for f in result.folds]), hide_index=True)
        st.download_button("Download the folds (CSV)", result.folds_csv(), mime="text/csv", key="experiment_csv",
                           file_name=f"experiment-folds-{model}-{folder.name}.csv")
        st.metric("(a) mean error of the CNN", f"{result.cnn_error:.0%}")
        st.metric(f"(b) mean error of {model} + 1-NN", f"{result.embedding_error:.0%}")
    st.success(result.conclusion())


main()
