"""Training page: train a Siamese network on the background alphabets and watch it learn."""

from __future__ import annotations

import secrets
from dataclasses import asdict

import streamlit as st

from lab.errors import LabError
from lab.limits import EVAL_EVERY, LEARNING_RATE, SEED, STEPS
from lab.plots import training_curves
from lab.siamese.losses import LOSSES
from lab.siamese.pretrained import download_course_model, load_course_model
from lab.siamese.model_card import model_card
from lab.siamese.store import (
    ModelInfo, delete_model, import_model_file, list_models, models_table, rename_model, save_model, user_models_dir,
)
from lab.siamese.towers import ARCHITECTURES, SPECS
from lab.siamese.training import TrainConfig
from lab.workflows.training_jobs import TrainingJob, TrainingJobs
from ui.names import short_names

LOSS_HELP = {
    "bce": "Koch et al.: logistic unit on the L1 distance of the two codes, binary cross-entropy.",
    "contrastive": "Hadsell et al.: pull same pairs together, push different pairs beyond a margin.",
    "triplet": "FaceNet-style: anchor closer to a positive than to a negative by a margin; batch-hard mining.",
}


@st.cache_resource
def training_slot() -> TrainingJobs:
    """One slot per server process: a second user sees the running training instead of starting one."""
    return TrainingJobs()


def session_token() -> str:
    if "training_token" not in st.session_state:
        st.session_state.training_token = secrets.token_hex(8)
    return st.session_state.training_token


def settings_ui() -> tuple[str, str, TrainConfig, str | None]:
    with st.form("train_form"):
        left, right = st.columns(2)
        owner = left.text_input("Your name (shown to others while you train)", "a student", max_chars=40)
        model_name = right.text_input("Name of the new model", "my-model", max_chars=64)
        left, middle, right = st.columns(3)
        architecture = left.selectbox("Architecture", ARCHITECTURES, format_func=lambda a: f"{a}: {SPECS[a].description}")
        loss = middle.selectbox("Loss", LOSSES, index=2, help="\n\n".join(f"**{k}**: {v}" for k, v in LOSS_HELP.items()))
        steps = right.number_input("Steps", STEPS.low, STEPS.high, 1000, step=100)
        left, middle, right = st.columns(3)
        batch_size = left.select_slider("Batch (pairs per step)", [8, 16, 32, 64, 128], 64)
        learning_rate = middle.number_input(
            "Learning rate (0 = default: 1e-3 compact, 6e-5 Koch)", 0.0, LEARNING_RATE.high, 0.0, step=1e-4, format="%.5f"
        )
        seed = right.number_input("Random seed", SEED.low, SEED.high, 0)
        left, middle, right = st.columns(3)
        augment = left.checkbox("Affine distortions (Koch)", True)
        hard = middle.checkbox("Hard negatives (same alphabet)", False)
        eval_every = right.number_input("Validate every (steps)", EVAL_EVERY.low, EVAL_EVERY.high, 250, step=50)
        resumable = ["(start fresh)", *(m.name for m in list_models())]
        resume = st.selectbox("Continue from a stored model (same architecture and loss)", resumable,
                              format_func=short_names(resumable, 60).get)
        submitted = st.form_submit_button("Start training", type="primary")
    if not submitted:
        return owner, model_name, None, None  # type: ignore[return-value]
    config = TrainConfig(
        architecture=architecture, loss=loss, steps=int(steps), batch_size=int(batch_size),
        learning_rate=learning_rate or None, augment=augment, seed=int(seed), hard_negatives=hard,
        eval_every=int(eval_every),
    )
    return owner, model_name, config, None if resume == "(start fresh)" else resume


@st.fragment(run_every=2)
def job_view(job: TrainingJob) -> None:
    latest = job.latest
    done = latest.step / latest.steps if latest else 0.0
    left = f", about {latest.eta_s:.0f} s left" if latest and not job.finished else ""
    st.progress(min(done, 1.0), text=f"{job.state}: step {latest.step if latest else 0} of {job.config.steps}{left}")
    st.caption(f"Started by {job.owner}. Validation on the held-out background alphabets; the weights with the "
               "best validation N-way accuracy are the ones kept.")
    st.plotly_chart(training_curves([asdict(p) for p in job.history], job.config.val_way, job.config.loss,
                                    job.config.architecture, job.model_name), width="stretch", key="training_curves")
    if job.state == "done":
        metrics = job.metrics
        text = f"Saved as model **{job.saved_as}**."
        if metrics:
            text += (f" Lake's 20 runs (20-way within alphabet): **{metrics['lake_accuracy']:.1%}**; "
                     f"10,000 evaluation pairs: **{metrics['pair_accuracy']:.2%}** correct.")
        st.success(text)
    elif job.state == "failed":
        st.error(job.message)
    elif job.owner_token == session_token():
        if st.button("Stop (keeps the best checkpoint)", key="stop_training"):
            job.request_stop(session_token())
            st.info("Stopping after this step; the best weights so far will be evaluated and saved.")
    if job.message and job.state != "failed":
        st.warning(job.message)


DELETING = "store_deleting"  # the model whose Delete was clicked, waiting for a second, explicit click


def confirm_delete_ui(chosen: str) -> None:
    """The second step of a delete: one click on Delete only asks; the model goes on "Really delete" alone."""
    if st.session_state.get(DELETING) != chosen:  # another model chosen since: ask again for that one
        return
    st.warning(f"Really delete the model **{chosen}**? Its weights and figures are removed from the store for good.")
    left, right = st.columns(2)
    if left.button(f"Really delete {chosen}", key="store_delete_confirm", type="primary"):
        st.session_state.pop(DELETING, None)
        try:
            delete_model(chosen)
        except LabError as exc:
            st.error(str(exc))
            return
        st.rerun()
    right.button("Cancel: keep it", key="store_delete_cancel", on_click=lambda: st.session_state.pop(DELETING, None))


def model_card_ui(models: list[ModelInfo]) -> None:
    """Any stored model's card (data, training, figures, threshold) as a Markdown file."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    names = [m.name for m in models]
    name = left.selectbox("Model card of", names, key="store_card_model", format_func=short_names(names, 48).get)
    right.download_button("Download its model card (Markdown)", model_card(models[names.index(name)]),
                          file_name=f"model-card-{name}.md", mime="text/markdown", key="store_card_download",
                          on_click="ignore")


def model_store_ui() -> None:
    st.header("Model store")
    models = list_models()
    st.table(models_table(models))
    model_card_ui(models)
    own = [m.name for m in models if not m.shipped]
    if own:
        left, middle, right = st.columns([3, 2, 1])
        chosen = left.selectbox("Your model", own, key="store_model", format_func=short_names(own, 36).get)
        new_name = middle.text_input("New name", key="store_new_name")
        if right.button("Rename", key="store_rename") and new_name:
            try:
                rename_model(chosen, new_name.strip())
                st.rerun()
            except (LabError, ValueError) as exc:
                st.error(str(exc))
        right.button("Delete", key="store_delete", on_click=lambda: st.session_state.update({DELETING: chosen}))
        confirm_delete_ui(chosen)
    with st.expander("Add a model: upload a file, or the course's Koch model from Google Drive"):
        upload = st.file_uploader("A .keras model of this lab, or the course's oneshot.h5", type=["keras", "h5"],
                                  key="store_upload")
        name = st.text_input("Store it as", "uploaded-model", key="store_upload_name")
        if upload is not None and st.button("Check and store", key="store_upload_button"):
            try:
                info = import_model_file(upload.getvalue(), upload.name, name.strip())
                st.success(f"Stored as {info.name}.")
            except (LabError, ValueError) as exc:
                st.error(f"{upload.name} was not stored: {exc}")
        if st.button("Download oneshot.h5 (Koch et al., trained by the course) with gdown", key="store_gdown"):
            try:
                with st.spinner("Downloading 156 MB from Google Drive..."):
                    path = download_course_model(user_models_dir() / "downloads")
                    info = save_model(load_course_model(path), "koch-course", {"source": "Google Drive oneshot.h5",
                                                                               "threshold": 0.5})
                st.success(f"Stored as {info.name}.")
            except LabError as exc:
                st.error(f"{exc} Without internet, download the file elsewhere and upload it above.")


def main() -> None:
    st.title("Train a Siamese network")
    st.markdown(
        "The network learns from the **30 background alphabets** only: 5 of them are held out to validate, and "
        "the 20 evaluation alphabets stay unseen until the model is tested on Lake's runs. One training runs at "
        "a time on this server; everybody can watch it."
    )
    slot = training_slot()
    owner, model_name, config, resume = settings_ui()
    if config is not None:
        try:
            slot.start(owner or "anonymous", session_token(), config, model_name.strip(), resume)
        except (LabError, ValueError) as exc:
            st.error(str(exc))
    job = slot.current
    if job is None:
        st.info("No training has run on this server yet. Choose settings above and start one.")
    else:
        job_view(job)
    model_store_ui()


main()
