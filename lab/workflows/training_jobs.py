"""One training at a time per server, in a separate process that every session can watch.

Streamlit reruns a page's script on every interaction, so a training cannot live in a script run. It
cannot live in a thread of the server either: after every script run Streamlit calls
``keras.backend.clear_session()`` (its ``_clean_problem_modules``), which pulls TensorFlow's state from
under a running training and crashes the server. And a thread would hold the server's interpreter lock
while it works. So the training runs in a *spawned* child process (no TensorFlow state inherited), which
sends its progress through a queue; a small thread of the server drains that queue into a
:class:`TrainingJob` that every session reads. The owner can ask the child to stop; it then keeps its best
checkpoint, tests it and saves it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lab.errors import LabError
from lab.i18n import _
from lab.siamese.training import Progress, TrainConfig


class TrainingBusyError(LabError):
    """Another training is running on this server, or the model name is taken."""


@dataclass
class TrainingJob:
    owner: str  # the name the user gave, shown to others
    owner_token: str  # identifies the owner's session; only it may stop the job
    config: TrainConfig
    model_name: str
    resume: str | None = None
    started_at: float = field(default_factory=time.time)
    history: list[Progress] = field(default_factory=list)
    state: str = "starting"  # starting, training, evaluating, done, failed
    message: str = ""
    saved_as: str | None = None
    metrics: dict = field(default_factory=dict)
    stop_event: object = None  # a multiprocessing Event, set to ask the child to stop

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def latest(self) -> Progress | None:
        return self.history[-1] if self.history else None

    def request_stop(self, token: str) -> bool:
        if token != self.owner_token or self.stop_event is None:
            return False
        self.stop_event.set()
        return True


class TrainingJobs:
    """The server's single training slot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: TrainingJob | None = None

    def start(
        self, owner: str, owner_token: str, config: TrainConfig, model_name: str, resume: str | None = None,
        data_dir: Path | None = None, models_dir: Path | None = None,
    ) -> TrainingJob:
        from lab.errors import ModelNotFoundError
        from lab.siamese.store import check_name, find_model

        check_name(model_name)
        try:
            find_model(model_name)
        except ModelNotFoundError:
            pass
        else:
            raise TrainingBusyError(_("A model named {name!r} already exists; choose another name.").format(
                name=model_name))
        with self._lock:
            if self.current is not None and not self.current.finished:
                job = self.current
                raise TrainingBusyError(_(
                    "{owner} is training {name!r} on this server; one training runs at a time. You can watch its "
                    "progress below.").format(owner=job.owner, name=job.model_name))
            context = multiprocessing.get_context("spawn")
            job = TrainingJob(owner=owner, owner_token=owner_token, config=config, model_name=model_name,
                              resume=resume, stop_event=context.Event())
            messages = context.Queue()
            child = context.Process(
                target=_train_in_child, name=f"training {model_name}", daemon=True,
                args=(asdict(config), model_name, resume, data_dir, models_dir, owner, messages, job.stop_event),
            )
            child.start()
            self.current = job
        threading.Thread(target=_follow, args=(job, child, messages), daemon=True, name="training-monitor").start()
        return job


def _follow(job: TrainingJob, child, messages) -> None:
    """Copy the child's messages into ``job`` until it finishes or dies."""
    while not job.finished:
        try:
            kind, payload = messages.get(timeout=0.5)
        except queue.Empty:
            if not child.is_alive():
                job.state = "failed"
                job.message = f"The training process ended unexpectedly (exit code {child.exitcode})."
            continue
        if kind == "progress":
            job.state = "training"
            job.history.append(Progress(**payload))
        elif kind == "state":
            job.state = payload
        elif kind == "done":
            job.saved_as, job.metrics, job.message = payload["saved_as"], payload["metrics"], payload["message"]
            job.state = "done"
        elif kind == "failed":
            job.message, job.state = payload, "failed"
    child.join(timeout=10)


def _train_in_child(config: dict, model_name: str, resume: str | None, data_dir: Path | None,
                    models_dir: Path | None, owner: str, messages, stop_event) -> None:
    """The child process: train, test, save, and report each step of the way through ``messages``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        from lab.workflows.training import training_run

        messages.put(("state", "training"))
        outcome = training_run(
            TrainConfig(**config), model_name, data_dir, models_dir, resume,
            on_progress=lambda p: messages.put(("progress", asdict(p))), should_stop=stop_event.is_set,
            on_testing=lambda: messages.put(("state", "evaluating")), trained_by=owner,
        )
        messages.put(("done", {"saved_as": outcome.info.name, "metrics": outcome.metrics, "message": outcome.message}))
    except LabError as exc:
        messages.put(("failed", str(exc)))
    except Exception as exc:  # a bug: report it to the page instead of dying silently
        messages.put(("failed", f"Training failed: {exc!r}\n{traceback.format_exc(limit=3)}"))
