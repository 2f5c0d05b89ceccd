"""One training at a time per server, in a background thread that every session can watch.

Streamlit reruns a page's script on every interaction, so a training cannot live in a script run. It runs
in a thread owned by a :class:`TrainingJobs` object that the app keeps once per server process; sessions
read its progress and the owner can ask it to stop (the best checkpoint is kept and saved).
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from lab.errors import LabError
from lab.siamese.training import Progress, TrainConfig


class TrainingBusyError(LabError):
    """Another training is running on this server."""


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
    stop_event: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def latest(self) -> Progress | None:
        return self.history[-1] if self.history else None

    def request_stop(self, token: str) -> bool:
        if token != self.owner_token:
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
        from lab.siamese.store import check_name, find_model

        check_name(model_name)
        try:
            find_model(model_name)
            raise TrainingBusyError(f"A model named {model_name!r} already exists; choose another name.")
        except LabError as exc:
            if isinstance(exc, TrainingBusyError):
                raise
        with self._lock:
            if self.current is not None and not self.current.finished:
                job = self.current
                raise TrainingBusyError(
                    f"{job.owner} is training {job.model_name!r} on this server; one training runs at a time. "
                    "You can watch its progress below."
                )
            job = TrainingJob(owner=owner, owner_token=owner_token, config=config, model_name=model_name, resume=resume)
            self.current = job
        threading.Thread(target=_run, args=(job, data_dir, models_dir), daemon=True, name="training").start()
        return job


def _run(job: TrainingJob, data_dir: Path | None, models_dir: Path | None) -> None:
    from lab.data.omniglot import find_source, load_set, source_fingerprint
    from lab.siamese.evaluate_stored import test_figures
    from lab.siamese.store import load_model, save_model
    from lab.siamese.training import train

    try:
        data = load_set("background", data_dir)
        initial = load_model(job.resume)[0] if job.resume else None
        job.state = "training"
        result = train(job.config, data, on_progress=job.history.append, should_stop=job.stop_event.is_set,
                       initial=initial)
        job.state = "evaluating"
        metadata = result.metadata()
        metadata.update(data_fingerprint=source_fingerprint(find_source("background", data_dir)),
                        resumed_from=job.resume, trained_by=job.owner)
        try:
            job.metrics = test_figures(result.model, result.threshold, data_dir)
        except LabError as exc:
            job.message = f"Test figures skipped: {exc}"
        metadata["metrics"] = job.metrics
        info = save_model(result.model, job.model_name, metadata, models_dir)
        job.saved_as = info.name
        job.state = "done"
    except LabError as exc:
        job.message, job.state = str(exc), "failed"
    except Exception as exc:  # a bug: keep the server alive and say what happened
        job.message, job.state = f"Training failed: {exc!r}\n{traceback.format_exc(limit=3)}", "failed"
