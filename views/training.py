"""Training page: train a Siamese network on the background alphabets and watch it learn.

The recipe (architecture, loss, steps, batch, learning rate, seed, distortions, hard negatives, validation interval,
model to continue) is kept in the URL, so that a lecturer can send it to a class; a link only fills the form,
training starts on its button alone. Names typed into the form are not part of a link.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict

import streamlit as st

from lab.config import training_standby
from lab.errors import LabError
from lab.i18n import N_, _
from lab.limits import EVAL_EVERY, LEARNING_RATE_OR_DEFAULT, SEED, STEPS
from lab.plots import training_curves
from lab.siamese.losses import LOSSES
from lab.siamese.pretrained import download_course_model, load_course_model
from lab.siamese.model_card import model_card
from lab.siamese.store import (
    ModelInfo, delete_model, import_model_file, list_models, rename_model, save_model, user_models_dir,
)
from lab.siamese.model_table import models_table
from lab.siamese.towers import ARCHITECTURES
from lab.siamese.training import TrainConfig
from lab.workflows.training_jobs import TrainingJob, TrainingJobs
from ui.names import short_names
from ui.roles import session_owner
from ui.url_state import UrlValue, choice_value, explain_invalid_values, number_value, switch_value

URL = "query-params"  # the recipe's widgets are bound to the URL, under their keys
BATCHES = [8, 16, 32, 64, 128]
START_FRESH = N_("(start fresh)")  # the first choice of "continue from" (no model name has brackets)


def loss_help() -> dict[str, str]:
    return {
        "bce": _("Koch et al.: logistic unit on the L1 distance of the two codes, binary cross-entropy."),
        "contrastive": _("Hadsell et al.: pull same pairs together, push different pairs beyond a margin."),
        "triplet": _("FaceNet-style: anchor closer to a positive than to a negative by a margin; batch-hard mining."),
    }


def architecture_help() -> dict[str, str]:
    return {
        "compact": _("Conv-4 (64 filters, BN, ReLU) on 35x35 inputs, 256-d code"),
        "koch": _("Koch et al. 2015 on 105x105 inputs, 4096-d sigmoid code"),
    }


def resume_labels() -> dict[str, str]:
    """The choices of "continue from": a fresh start, then every stored model (long names shortened)."""
    return {START_FRESH: _(START_FRESH), **short_names([m.name for m in list_models()], 60)}


def url_checks() -> list[UrlValue]:
    """What each parameter of a link may be: the widgets' own ranges and choices."""
    return [choice_value("architecture", ARCHITECTURES), choice_value("loss", LOSSES), number_value("steps", STEPS),
            choice_value("batch", [str(b) for b in BATCHES]), number_value("lr", LEARNING_RATE_OR_DEFAULT),
            number_value("seed", SEED), switch_value("augment"), switch_value("hard"),
            number_value("every", EVAL_EVERY), choice_value("resume", resume_labels().values())]


@st.cache_resource(show_spinner=False)
def training_slot() -> TrainingJobs:
    """One slot per server process: a second user sees the running training instead of starting one."""
    return TrainingJobs()


def session_token() -> str:
    if "training_token" not in st.session_state:
        st.session_state.training_token = secrets.token_hex(8)
    return st.session_state.training_token


def recipe_ui() -> TrainConfig:
    """The training settings, bound to the URL (inside the form: the URL follows when the form is submitted)."""
    left, middle, right = st.columns(3)
    architecture = left.selectbox(_("Architecture"), ARCHITECTURES, key="architecture", bind=URL,
                                  help="\n\n".join(f"**{k}**: {v}" for k, v in architecture_help().items()))
    loss = middle.selectbox(_("Loss"), LOSSES, index=2, key="loss", bind=URL,
                            help="\n\n".join(f"**{k}**: {v}" for k, v in loss_help().items()))
    steps = right.number_input(_("Steps"), STEPS.low, STEPS.high, 1000, step=100, key="steps", bind=URL)
    left, middle, right = st.columns(3)
    batch_size = left.select_slider(_("Batch (pairs per step)"), BATCHES, 64, key="batch", bind=URL)
    learning_rate = middle.number_input(
        _("Learning rate (0 = default: 1e-3 compact, 6e-5 Koch)"), float(LEARNING_RATE_OR_DEFAULT.low),
        LEARNING_RATE_OR_DEFAULT.high, 0.0, step=1e-4, format="%.5f", key="lr", bind=URL,
    )
    seed = right.number_input(_("Random seed"), SEED.low, SEED.high, 0, key="seed", bind=URL)
    left, middle, right = st.columns(3)
    augment = left.checkbox(_("Affine distortions (Koch)"), True, key="augment", bind=URL)
    hard = middle.checkbox(_("Hard negatives (same alphabet)"), False, key="hard", bind=URL)
    eval_every = right.number_input(_("Validate every (steps)"), EVAL_EVERY.low, EVAL_EVERY.high, 250, step=50,
                                    key="every", bind=URL)
    return TrainConfig(
        architecture=architecture, loss=loss, steps=int(steps), batch_size=int(batch_size),
        learning_rate=learning_rate or None, augment=augment, seed=int(seed), hard_negatives=hard,
        eval_every=int(eval_every),
    )


def settings_ui() -> tuple[str, str, TrainConfig | None, str | None]:
    """The form; a config only in the run in which its button was clicked (a link alone never starts a training)."""
    with st.form("train_form"):
        left, right = st.columns(2)
        owner = left.text_input(_("Your name (shown to others while you train)"), _("a student"), max_chars=40)
        model_name = right.text_input(_("Name of the new model"), "my-model", max_chars=64)
        config = recipe_ui()
        labels = resume_labels()
        resume = st.selectbox(_("Continue from a stored model (same architecture and loss)"), list(labels),
                              format_func=labels.get, key="resume", bind=URL)
        submitted = st.form_submit_button(_("Start training"), type="primary")
    if not submitted:
        return owner, model_name, None, None
    return owner, model_name, config, None if resume == START_FRESH else resume


def state_names() -> dict[str, str]:
    return {"starting": _("starting"), "training": _("training"), "stopping": _("stopping"),
            "evaluating": _("evaluating"), "done": _("done"), "failed": _("failed")}


def progress_text(job: TrainingJob) -> str:
    """What the job is doing, said in words before its first step too (a start takes seconds)."""
    state, latest = job.state, job.latest
    if state == "starting":
        return _("starting: building the network and compiling its training step") if job.phase == "compiling" else \
            _("starting: importing TensorFlow, decoding the data")
    step = job.steps_done if job.steps_done is not None else latest.step if latest else 0
    text = _("{state}: step {step} of {steps}").format(state=state_names().get(state, state), step=step,
                                                        steps=job.config.steps)
    if state == "training" and latest:
        text += _(", about {seconds:.0f} s left").format(seconds=latest.eta_s)
    elif state in ("stopping", "evaluating"):
        text += _("; testing the best weights and saving them")
    return text


def job_view(job: TrainingJob) -> None:
    latest = job.latest
    done = latest.step / latest.steps if latest else 0.0
    st.progress(min(done, 1.0), text=progress_text(job))
    st.caption(_("Started by {owner}. Validation on the held-out background alphabets; the weights with the best "
                 "validation N-way accuracy are the ones kept.").format(owner=job.owner))
    st.plotly_chart(training_curves([asdict(p) for p in job.history], job.config.val_way, job.config.loss,
                                    job.config.architecture, job.model_name), width="stretch", key="training_curves")
    if job.state == "done":
        metrics = job.metrics
        text = _("Saved as model **{name}** after {steps} steps.").format(name=job.saved_as, steps=job.steps_done)
        if metrics:
            text += " " + _("Lake's 20 runs (20-way within alphabet): **{lake:.1%}**; 10,000 evaluation pairs: "
                            "**{pairs:.2%}** correct.").format(lake=metrics["lake_accuracy"], pairs=metrics["pair_accuracy"])
        st.success(text)
    elif job.state == "failed":
        st.error(job.message)
    elif job.state == "stopping":
        st.info(_("Stopping: the best weights so far are being tested and saved; the model appears in the store "
                  "below once it is written."))
    elif job.owner_token == session_token():
        # A callback: the click is handled before the fragment reruns, so that very rerun already says "stopping".
        st.button(_("Stop (keeps the best checkpoint)"), key="stop_training", on_click=job.request_stop,
                  args=(session_token(),))
    if job.message and job.state != "failed":
        st.warning(job.message)


SHOWN_DONE = "training_shown_done"  # the finished job this session has drawn the model store after


def job_key(job: TrainingJob) -> str:
    return f"{job.model_name}@{job.started_at}"


@st.fragment(run_every=2)
def live_job_view(job: TrainingJob) -> None:
    """The running job, redrawn every 2 s; once it has finished, the whole page once more, so that the model
    store (and "continue from") lists the new model at once."""
    if job.finished and st.session_state.get(SHOWN_DONE) != job_key(job):
        st.session_state[SHOWN_DONE] = job_key(job)
        st.rerun()
    job_view(job)


DELETING = "store_deleting"  # the model whose Delete was clicked, waiting for a second, explicit click


def confirm_delete_ui(chosen: str) -> None:
    """The second step of a delete: one click on Delete only asks; the model goes on "Really delete" alone."""
    if st.session_state.get(DELETING) != chosen:  # another model chosen since: ask again for that one
        return
    st.warning(_("Really delete the model **{name}**? Its weights and figures are removed from the store for "
                 "good.").format(name=chosen))
    left, right = st.columns(2)
    if left.button(_("Really delete {name}").format(name=chosen), key="store_delete_confirm", type="primary"):
        st.session_state.pop(DELETING, None)
        try:
            delete_model(chosen)
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
    chosen = left.selectbox(_("Your model"), own, key="store_model", format_func=short_names(own, 36).get)
    new_name = middle.text_input(_("New name"), key="store_new_name")
    if right.button(_("Rename"), key="store_rename") and new_name:
        try:
            rename_model(chosen, new_name.strip())
            st.rerun()
        except (LabError, ValueError) as exc:
            st.error(str(exc))
    right.button(_("Delete"), key="store_delete", on_click=lambda: st.session_state.update({DELETING: chosen}))
    confirm_delete_ui(chosen)


def add_model_ui() -> None:
    upload = st.file_uploader(_("A .keras model of this lab, or the course's oneshot.h5"), type=["keras", "h5"],
                              key="store_upload")
    name = st.text_input(_("Store it as"), "uploaded-model", key="store_upload_name")
    if upload is not None and st.button(_("Check and store"), key="store_upload_button"):
        try:
            info = import_model_file(upload.getvalue(), upload.name, name.strip(), owner=session_owner())
            st.success(_("Stored as {name}.").format(name=info.name))
        except (LabError, ValueError) as exc:
            st.error(_("{file} was not stored: {error}").format(file=upload.name, error=exc))
    if st.button(_("Download oneshot.h5 (Koch et al., trained by the course) with gdown"), key="store_gdown"):
        try:
            with st.spinner(_("Downloading 156 MB from Google Drive...")):
                path = download_course_model(user_models_dir() / "downloads")
                info = save_model(load_course_model(path), "koch-course", {"source": "Google Drive oneshot.h5",
                                                                           "threshold": 0.5}, owner=session_owner())
            st.success(_("Stored as {name}.").format(name=info.name))
        except LabError as exc:
            st.error(_("{error} Without internet, download the file elsewhere and upload it above.").format(error=exc))


def model_store_ui() -> None:
    st.header(_("Model store"))
    models = list_models()
    st.table(models_table(models, session_owner()))
    model_card_ui(models)
    own = [m.name for m in models if not m.shipped]
    if own:
        own_models_ui(own)
    with st.expander(_("Add a model: upload a file, or the course's Koch model from Google Drive")):
        add_model_ui()


def main() -> None:
    st.title(_("Train a Siamese network"))
    st.markdown(_(
        "The network learns from the **30 background alphabets** only: 5 of them are held out to validate, and "
        "the 20 evaluation alphabets stay unseen until the model is tested on Lake's runs. One training runs at "
        "a time on this server; everybody can watch it."
    ))
    explain_invalid_values(url_checks())
    slot = training_slot()
    owner, model_name, config, resume = settings_ui()
    if config is not None:
        try:
            slot.start(owner or _("anonymous"), session_token(), config, model_name.strip(), resume)
        except (LabError, ValueError) as exc:
            st.error(str(exc))
    job = slot.current
    if job is None:
        st.info(_("No training has run on this server yet. Choose settings above and start one."))
    elif job.finished:  # drawn once, not polled
        st.session_state[SHOWN_DONE] = job_key(job)
        job_view(job)
    else:
        live_job_view(job)
    if training_standby():
        slot.prepare()  # TensorFlow imported and the data decoded while the form is filled in
    model_store_ui()


main()
