"""One training at a time per server, in a separate process that every session can watch.

Streamlit reruns a page's script on every interaction, so a training cannot live in a script run. It
cannot live in a thread of the server either: after every script run Streamlit calls
``keras.backend.clear_session()`` (its ``_clean_problem_modules``), which pulls TensorFlow's state from
under a running training and crashes the server. And a thread would hold the server's interpreter lock
while it works. So the training runs in a *spawned* child process (no TensorFlow state inherited), which
sends its progress through a queue; a small thread of the server drains that queue into a
:class:`TrainingJob` that every session reads. The owner can ask the child to stop; it then keeps its best
checkpoint, tests it and saves it.

Before its first step a child spends seconds importing TensorFlow and decoding the background set (most of
the wait between a Start click and the first point of the curve). :meth:`TrainingJobs.prepare`, called when
the training page is shown, starts a child that does this ahead and then waits for the settings; the Start
click hands them to it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from lab.errors import LabError
from lab.i18n import _
from lab.roles import Role, require_teacher
from lab.siamese.training import Progress, TrainConfig

# What the child says it is doing: importing TensorFlow and decoding the data, building the network and
# compiling its step, training, testing the kept weights and saving them.
PHASES = ("loading", "compiling", "training", "evaluating")


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
    phase: str = "loading"  # one of PHASES, as the child reports it
    outcome: str | None = None  # "done" or "failed" once the child has finished
    stop_requested: bool = False
    message: str = ""
    saved_as: str | None = None
    steps_done: int | None = None  # the steps the saved model was trained for (fewer than planned after Stop)
    metrics: dict = field(default_factory=dict)
    stop_event: object = None  # a multiprocessing Event, set to ask the child to stop
    # The monitor thread changes several fields per message while pages read them: both sides hold this lock.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def snapshot(self) -> TrainingJob:
        """The job as it is now, every field from one moment: a page draws its progress line and its outcome from
        one snapshot, so that they never disagree (say "stopping" above "Saved as model")."""
        with self._lock:
            return replace(self, history=list(self.history), _lock=threading.Lock())

    def record(self, kind: str, payload: object) -> None:
        """One message of the child (``progress``, ``state``, ``done``, ``failed``), applied at once."""
        with self._lock:
            if kind == "progress":
                self.history.append(Progress(**payload))
                self.phase = "training"
            elif kind == "state":
                self.phase = payload
            elif kind == "done":
                self.saved_as, self.metrics, self.message = payload["saved_as"], payload["metrics"], payload["message"]
                self.steps_done = payload["steps_done"]
                self.outcome = "done"
            elif kind == "failed":
                self.message, self.outcome = payload, "failed"

    @property
    def state(self) -> str:
        """starting (loading, compiling), training, stopping (from Stop until the model is saved), evaluating,
        done or failed."""
        if self.outcome is not None:
            return self.outcome
        if self.stop_requested:
            return "stopping"
        return "starting" if self.phase in ("loading", "compiling") else self.phase

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def latest(self) -> Progress | None:
        return self.history[-1] if self.history else None

    def request_stop(self, token: str, role: Role) -> bool:
        """Ask the child to stop: the teacher's session that started the job only (False for another session or a
        job that has nothing to stop; :class:`~lab.roles.PermissionDeniedError` for a student)."""
        require_teacher(role, _("stop a training"))
        with self._lock:
            if token != self.owner_token or self.stop_event is None or self.finished:
                return False
            self.stop_event.set()
            self.stop_requested = True
            return True


@dataclass
class _Child:
    """A spawned training process, its two queues and its stop event."""

    process: multiprocessing.process.BaseProcess
    requests: object  # a multiprocessing Queue: the one training it is to run
    messages: object  # a multiprocessing Queue: what it reports
    stop_event: object
    ready: object  # a multiprocessing Event, set once TensorFlow is imported and the data decoded
    key: tuple  # what it was started with (see _child_key); a standby with another key is not used

    @classmethod
    def spawn(cls, data_dir: Path | None) -> _Child:
        context = multiprocessing.get_context("spawn")
        requests, messages = context.Queue(), context.Queue()
        stop_event, ready = context.Event(), context.Event()
        process = context.Process(target=_train_in_child, name="training", daemon=True,
                                  args=(data_dir, requests, messages, stop_event, ready))
        process.start()
        return cls(process, requests, messages, stop_event, ready, _child_key(data_dir))


def _child_key(data_dir: Path | None) -> tuple:
    """What a child's work depends on: the data folder and the lab's variables of the environment it was started
    in (where the data, the array cache and the models are)."""
    lab_variables = {name: value for name, value in os.environ.items()
                     if name.startswith(("ONESHOT_", "OMNIGLOT_", "XDG_")) or name == "HOME"}
    return _train_in_child, data_dir, tuple(sorted(lab_variables.items()))


class TrainingJobs:
    """The server's single training slot, and the child waiting to run the next training."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: TrainingJob | None = None
        self._standby: _Child | None = None

    def prepare(self, data_dir: Path | None = None) -> None:
        """Start a child that imports TensorFlow and decodes the data now and then waits for :meth:`start`
        (nothing while a training runs: it would take CPU from it)."""
        with self._lock:
            if self.current is not None and not self.current.finished:
                return
            if self._standby is not None:
                # A standby that died (no data to decode) is not replaced on every page view: the Start click
                # starts a child of its own and reports why.
                if self._standby.key == _child_key(data_dir):
                    return
                self._standby.process.terminate()
            self._standby = _Child.spawn(data_dir)

    def standby_ready(self) -> bool:
        """Whether a prepared child has imported TensorFlow and decoded the data."""
        standby = self._standby
        return standby is not None and standby.process.is_alive() and standby.ready.is_set()

    def start(
        self, owner: str, owner_token: str, config: TrainConfig, model_name: str, resume: str | None = None,
        data_dir: Path | None = None, models_dir: Path | None = None, *, role: Role, model_owner: str,
    ) -> TrainingJob:
        """Start a training (the teacher only: :class:`~lab.roles.PermissionDeniedError` for a student). ``owner``: the
        name shown to others; ``owner_token``: the session that may stop it; ``model_owner``: whom the saved model
        is registered to (:mod:`lab.siamese.registry`)."""
        from lab.siamese.store import user_models_dir

        require_teacher(role, _("start a training"))
        _check_new_name(model_name)
        with self._lock:
            if self.current is not None and not self.current.finished:
                job = self.current
                raise TrainingBusyError(_(
                    "{owner} is training {name!r} on this server; one training runs at a time. You can watch its "
                    "progress below.").format(owner=job.owner, name=job.model_name))
            child, self._standby = self._standby, None
            if child is None or not child.process.is_alive() or child.key != _child_key(data_dir):
                if child is not None:
                    child.process.terminate()
                child = _Child.spawn(data_dir)
            job = TrainingJob(owner=owner, owner_token=owner_token, config=config, model_name=model_name,
                              resume=resume, stop_event=child.stop_event)
            child.requests.put({"config": asdict(config), "model_name": model_name, "resume": resume,
                                "models_dir": models_dir or user_models_dir(), "owner": owner,
                                "model_owner": model_owner})
            self.current = job
        # The monitor holds the child's queues and events until the end: collected in this process before the
        # child has unpickled them, their semaphores would be gone.
        threading.Thread(target=_follow, args=(job, child), daemon=True, name="training-monitor").start()
        return job


def _check_new_name(model_name: str) -> None:
    from lab.errors import ModelNotFoundError
    from lab.siamese.store import check_name, find_model

    check_name(model_name)
    try:
        find_model(model_name)
    except ModelNotFoundError:
        return
    raise TrainingBusyError(_("A model named {name!r} already exists; choose another name.").format(name=model_name))


def _follow(job: TrainingJob, child: _Child) -> None:
    """Copy the child's messages into ``job`` until it finishes or dies."""
    while not job.finished:
        try:
            kind, payload = child.messages.get(timeout=0.5)
        except queue.Empty:
            if not child.process.is_alive():
                job.record("failed", f"The training process ended unexpectedly (exit code {child.process.exitcode}).")
            continue
        job.record(kind, payload)
    child.process.join(timeout=10)


def _train_in_child(data_dir: Path | None, requests, messages, stop_event, ready) -> None:
    """The child process: import TensorFlow and decode the background set, wait for the one training to run
    (long, for a child started ahead), then train, test, save, and report each step through ``messages``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        messages.put(("state", "loading"))
        from lab.data.omniglot import find_source, load_set, source_fingerprint

        fingerprint = source_fingerprint(find_source("background", data_dir))
        data = load_set("background", data_dir)  # first: without the data, fail before the long import
        import keras  # noqa: F401 - imported before the settings come: the longest part of a start

        from lab.workflows.training import training_run

        ready.set()
        request = _wait_for_request(requests)
        if request is None:
            return
        messages.put(("state", "compiling"))
        if source_fingerprint(find_source("background", data_dir)) != fingerprint:  # replaced while it waited
            data = load_set("background", data_dir)
        outcome = training_run(
            TrainConfig(**request["config"]), request["model_name"], data_dir, request["models_dir"],
            request["resume"], on_progress=lambda p: messages.put(("progress", asdict(p))),
            should_stop=stop_event.is_set, on_testing=lambda: messages.put(("state", "evaluating")),
            trained_by=request["owner"], data=data, owner=request["model_owner"],
        )
        messages.put(("done", {"saved_as": outcome.info.name, "metrics": outcome.metrics, "message": outcome.message,
                               "steps_done": outcome.result.steps_done}))
    except LabError as exc:
        messages.put(("failed", str(exc)))
    except Exception as exc:  # a bug: report it to the page instead of dying silently
        messages.put(("failed", f"Training failed: {exc!r}\n{traceback.format_exc(limit=3)}"))


def _wait_for_request(requests) -> dict | None:
    """The settings of the training to run; None when the server has gone away first (a standby is never used
    then, and must not outlive it)."""
    while True:
        try:
            return requests.get(timeout=2)
        except queue.Empty:
            parent = multiprocessing.parent_process()
            if parent is not None and not parent.is_alive():
                return None
