"""Experiment: with a few photos per person, train a CNN from scratch or reuse a face embedding?"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.figures.faces import fold_errors
from lab.faces.experiment import DEFAULT_EPOCHS, ExperimentResult
from lab.faces.photos import PHOTO_SUFFIXES
from lab.files import folder_stamp
from lab.formatting import format_message, format_percent
from lab.limits import EPOCHS
from lab.i18n import N_, _
from lab.workflows.faces import face_experiment
from ui.face_widgets import labelled_folder_ui, lfw_credit_ui, settings_ui
from ui.projector import projected
from ui.shared_results import Progress, shared_result_ui
from ui.settings import Setting, check_link

EPOCHS_SETTING = Setting("epochs", "number_input", N_("CNN epochs (per fold)"), bounds=EPOCHS, default=DEFAULT_EPOCHS,
                         extra={"step": 5})


def experiment_ui(folder: Path, model: str, detector: str, metric: str, epochs: int) -> ExperimentResult:
    """The experiment's result, kept for every session of the server; run now under a progress bar if it is new."""
    key = (str(folder), folder_stamp(folder, PHOTO_SUFFIXES), model, detector, metric, epochs, 0)

    def run(progress: Progress) -> ExperimentResult:
        def update(stage: str, done: int, total: int) -> None:
            progress(done, total, format_message(_("{stage}: {done:,} of {total:,}"), stage=_(stage), done=done,
                                                 total=total))

        return face_experiment(folder, model, detector, metric, epochs, 0, separate_process=True, progress=update)

    return shared_result_ui(
        "experiments", key, run,
        waiting=_("Another visitor started this experiment: its result appears here when it is done."),
        starting=_("Starting the experiment in a separate process..."))


def result_view(result: ExperimentResult, folder: Path, model: str) -> None:
    methods = (_("(a) small CNN from scratch"), _("(b) {model} + nearest neighbour").format(model=model))
    chart, numbers = st.columns([3, 1])
    chart.plotly_chart(projected(fold_errors(
        result, methods, title=_("Test error per fold on {folder} ({people} people), 2-fold cross-validation").format(
            folder=folder.name, people=result.people),
    )), width="stretch")
    numbers.metric(_("(a) mean error of the CNN"), format_percent(result.cnn_error))
    numbers.metric(_("(b) mean error of {model} + 1-NN").format(model=model), format_percent(result.embedding_error))
    numbers.metric(_("error of guessing (1 - 1/{people})").format(people=result.people),
                   format_percent(result.chance_error))
    st.caption(_("Error bars: 95% Wilson intervals of each fold's error, from its number of test photos."))
    st.success(result.conclusion())
    st.dataframe(pd.DataFrame([{
        _("fold"): f.fold, _("training photos"): f.train_photos, _("test photos"): f.test_photos,
        _("(a) CNN error"): format_percent(f.cnn_error), _("(b) embedding error"): format_percent(f.embedding_error),
        _("error of guessing"): format_percent(result.chance_error),
    } for f in result.folds]), hide_index=True)
    st.download_button(_("Download the folds (CSV)"), result.folds_csv(), mime="text/csv", key="experiment_csv",
                       file_name=f"experiment-folds-{model}-{folder.name}.csv")


def main() -> None:
    st.title(_("Experiment: a CNN from scratch, or a pre-trained embedding?"))
    st.markdown(_(
        "The lecture's exercise. On a folder of identities (one sub-folder of photos per person), **2-fold "
        "cross-validation**: each person's photos are split in two halves; each half in turn trains and the other "
        "tests.\n\n"
        "- **(a) A small CNN trained from scratch** on the training faces (48x48 grey, 4 convolution blocks, a "
        "softmax over the people, with flips and shifts as augmentation).\n"
        "- **(b) DeepFace embeddings + nearest neighbour**: the training faces are only embedded; a test face gets "
        "the person of its nearest training face. Nothing is trained."
    ))
    folder = labelled_folder_ui("experiment_folder", N_("Folder of identities"))
    check_link([EPOCHS_SETTING])
    model, detector, metric = settings_ui()
    epochs = EPOCHS_SETTING.draw(st.columns(4)[0])
    if not st.toggle(_("Run the experiment"), key="experiment_run"):
        st.info(_("Switch on *Run the experiment*. On LFW's 1,667 photos it takes up to two minutes the first time on "
                  "a laptop (every photo detected and embedded, then the CNN trained twice), under a minute once the "
                  "photos are cached; the result is kept for everyone."))
        return
    if not folder.is_dir():
        st.error(_("{folder} is not a folder.").format(folder=folder))
        return
    folder = folder.resolve()
    try:
        result = experiment_ui(folder, model, detector, metric, int(epochs))
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return
    if result.excluded:
        with st.expander(_("{count} photos or people left out").format(count=len(result.excluded))):
            st.markdown("\n".join(f"- {line}" for line in result.excluded))
    result_view(result, folder, model)
    lfw_credit_ui(folder)


main()
