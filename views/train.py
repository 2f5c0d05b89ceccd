"""Training page: train a Siamese network on the background alphabets and watch it learn.

The recipe (architecture, loss, steps, batch, learning rate, seed, distortions, hard negatives, validation interval,
model to continue) is kept in the URL, so that a lecturer can send it to a class; a link only fills the form,
training starts on its button alone. Names typed into the form are not part of a link.

With a lecturer password set, only a session signed in as the teacher sees the form and the Stop button (and the
workflow refuses a student anyway); everyone watches the running training and sees the model store.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict

import streamlit as st

from lab.config import training_standby
from lab.errors import LabError
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.limits import EVAL_EVERY, LEARNING_RATE_OR_DEFAULT, SEED, STEPS
from lab.figures.omniglot import training_curves
from lab.siamese.losses import LOSSES
from lab.roles import Role
from lab.siamese.store import list_models
from lab.siamese.towers import ARCHITECTURES
from lab.siamese.training import TrainConfig
from lab.workflows.training_jobs import TrainingJob, TrainingJobs
from ui.model_store import model_store_ui
from ui.names import short_names
from ui.projector import projected
from ui.roles import current_role, is_teacher, session_owner, teacher_only_note
from ui.settings import Setting, check_link

BATCHES = [8, 16, 32, 64, 128]
START_FRESH = N_("(start fresh)")  # the first choice of "continue from" (no model name has brackets)
# The recipe, three settings a row (inside the form: the URL follows when the form is submitted).
RECIPE = (
    Setting("architecture", "selectbox", N_("Architecture"), options=ARCHITECTURES),
    Setting("loss", "selectbox", N_("Loss"), options=LOSSES, default=LOSSES[2]),
    Setting("steps", "number_input", N_("Steps"), bounds=STEPS, default=1000, extra={"step": 100}),
    Setting("batch", "select_slider", N_("Batch (pairs per step)"), options=BATCHES, default=64),
    # A number box types and shows its value with a decimal point in every language (Streamlit's printf format).
    Setting("lr", "number_input", N_("Learning rate (0 = default: 1e-3 compact, 6e-5 Koch)"),
            bounds=LEARNING_RATE_OR_DEFAULT, default=0.0, extra={"step": 1e-4, "format": "%.5f"}),
    Setting("seed", "number_input", N_("Random seed"), bounds=SEED, default=0),
    Setting("augment", "checkbox", N_("Affine distortions (Koch)"), default=True),
    Setting("hard", "checkbox", N_("Hard negatives (same alphabet)"), default=False),
    Setting("every", "number_input", N_("Validate every (steps)"), bounds=EVAL_EVERY, default=250,
            extra={"step": 50}),
)


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


def recipe_help(key: str) -> str | None:
    """The architecture's and the loss's choices, each explained."""
    described = {"architecture": architecture_help, "loss": loss_help}.get(key)
    return "\n\n".join(f"**{k}**: {v}" for k, v in described().items()) if described else None


def resume_labels() -> dict[str, str]:
    """The choices of "continue from": a fresh start, then every stored model (long names shortened)."""
    return {START_FRESH: _(START_FRESH), **short_names([m.name for m in list_models()], 60)}


def resume_setting() -> Setting:
    labels = resume_labels()
    return Setting("resume", "selectbox", N_("Continue from a stored model (same architecture and loss)"),
                   options=list(labels), shown=labels.get, translated=True)


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
    values = [setting.draw(column, help=recipe_help(setting.key))
              for row in range(0, len(RECIPE), 3) for setting, column in zip(RECIPE[row:row + 3], st.columns(3))]
    architecture, loss, steps, batch_size, learning_rate, seed, augment, hard, eval_every = values
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
        model_name = right.text_input(_("Name of the new model"), "my-model", max_chars=64, key="model_name")
        config = recipe_ui()
        resume = resume_setting().draw()
        submitted = st.form_submit_button(_("Start training"), type="primary", key="start_training")
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
        text += format_message(_(", about {seconds:.0f} s left"), seconds=latest.eta_s)
    elif state in ("stopping", "evaluating"):
        text += _("; testing the best weights and saving them")
    return text


STOP_REFUSED = "training_stop_refused"  # why a Stop click was refused, shown once on the next run


def job_view(live: TrainingJob) -> None:
    """``live``: the server's job, which its monitor thread changes meanwhile; everything drawn comes from one
    snapshot of it (the Stop button alone acts on the job itself)."""
    if STOP_REFUSED in st.session_state:  # here: a Stop click reruns only the fragment that draws this
        st.error(st.session_state.pop(STOP_REFUSED))
    job = live.snapshot()
    latest = job.latest
    done = latest.step / latest.steps if latest else 0.0
    st.progress(min(done, 1.0), text=progress_text(job))
    st.caption(_("Started by {owner}. Validation on the held-out background alphabets; the weights with the best "
                 "validation N-way accuracy are the ones kept.").format(owner=job.owner))
    st.plotly_chart(projected(training_curves([asdict(p) for p in job.history], job.config.val_way, job.config.loss,
                                              job.config.architecture, job.model_name)),
                    width="stretch", key="training_curves")
    if job.state == "done":
        metrics = job.metrics
        text = _("Saved as model **{name}** after {steps} steps.").format(name=job.saved_as, steps=job.steps_done)
        if metrics:
            text += " " + format_message(_(
                "Lake's 20 runs (20-way within alphabet): **{lake:.1%}**; 10,000 evaluation pairs: **{pairs:.2%}** "
                "correct."), lake=metrics["lake_accuracy"], pairs=metrics["pair_accuracy"])
        st.success(text)
    elif job.state == "failed":
        st.error(job.message)
    elif job.state == "stopping":
        st.info(_("Stopping: the best weights so far are being tested and saved; the model appears in the store "
                  "below once it is written."))
    elif job.owner_token == session_token() and is_teacher():
        # A callback: the click is handled before the fragment reruns, so that very rerun already says "stopping".
        st.button(_("Stop (keeps the best checkpoint)"), key="stop_training", on_click=stop, args=(live,))
    if job.message and job.state != "failed":
        st.warning(job.message)


def stop(job: TrainingJob) -> None:
    try:
        job.request_stop(session_token(), current_role())
    except LabError as exc:  # signed out since the button was drawn
        st.session_state[STOP_REFUSED] = str(exc)


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


def main() -> None:
    st.title(_("Train a Siamese network"))
    st.markdown(_(
        "The network learns from the **30 background alphabets** only: 5 of them are held out to validate, and "
        "the 20 evaluation alphabets stay unseen until the model is tested on Lake's runs. One training runs at "
        "a time on this server; everybody can watch it."
    ))
    check_link([*RECIPE, resume_setting()])
    slot = training_slot()
    role = current_role()
    if role is Role.TEACHER:
        start_ui(slot, role)
    else:  # no form whose Start would only fail: the curves of the running training are below for everyone
        teacher_only_note(_("start or stop a training"))
    job = slot.current
    if job is None:
        st.info(_("No training has run on this server yet. Choose settings above and start one.") if role is
                Role.TEACHER else _("No training has run on this server yet."))
    elif job.finished:  # drawn once, not polled
        st.session_state[SHOWN_DONE] = job_key(job)
        job_view(job)
    else:
        live_job_view(job)
    if training_standby() and role is Role.TEACHER:  # a student's view would ready a process nobody may use
        slot.prepare()  # TensorFlow imported and the data decoded while the form is filled in
    model_store_ui()


def start_ui(slot: TrainingJobs, role: Role) -> None:
    """The settings form, and the training it starts (one per server; the saved model is this session's)."""
    owner, model_name, config, resume = settings_ui()
    if config is not None:
        try:
            slot.start(owner or _("anonymous"), session_token(), config, model_name.strip(), resume, role=role,
                       model_owner=session_owner())
        except (LabError, ValueError) as exc:
            st.error(str(exc))


main()
