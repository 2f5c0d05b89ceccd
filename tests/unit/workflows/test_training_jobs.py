"""The server's single training slot (lab/workflows/training_jobs.py): a real training in a spawned child process, on the
miniature Omniglot with a tiny configuration."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("keras")

from lab.workflows import training_jobs as jobs  # noqa: E402
from lab.siamese.store import MODELS_DIR_ENV, find_model  # noqa: E402
from lab.siamese.training import TrainConfig  # noqa: E402
from lab.roles import PermissionDeniedError, Role  # noqa: E402
from tests.support.jobs_child import train_in_miniature_child  # noqa: E402

# Long enough to still be running when the second start comes; the test stops it.
TINY = TrainConfig(loss="triplet", steps=2000, batch_size=16, eval_every=5, val_alphabets=1, val_tasks=20, val_way=5,
                   embedding_dim=16)

ADA = {"role": Role.TEACHER, "model_owner": "session-of-ada"}  # who may start, and whom the model is registered to


def wait_until(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))  # the child inherits the environment
    return folder


def test_one_training_per_server_stop_keeps_the_best_and_saves(miniature_omniglot: Path, models_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_train_in_child", train_in_miniature_child)
    slot = jobs.TrainingJobs()
    job = slot.start("Ada", "token-ada", TINY, "mini-job", data_dir=miniature_omniglot, **ADA)
    assert slot.current is job and job.state == "starting" and not job.finished and job.latest is None
    with pytest.raises(jobs.TrainingBusyError, match="Ada is training 'mini-job' on this server; one training"):
        slot.start("Bob", "token-bob", TINY, "other-name", data_dir=miniature_omniglot, **ADA)
    assert slot.current is job
    wait_until(lambda: job.latest is not None or job.finished, 180)
    assert job.state == "training" and job.history[0].step == 1, job.message  # the first point: right after step 1
    wait_until(lambda: job.latest.val_nway_accuracy is not None or job.finished, 180)
    assert job.state == "training", job.message
    assert not job.request_stop("token-bob", Role.TEACHER), "only the owner may stop the job"
    assert job.request_stop("token-ada", Role.TEACHER)
    assert job.state == "stopping"  # from the click until the model is saved, whatever the child is doing
    wait_until(lambda: job.finished, 180)
    assert job.state == "done", job.message
    assert job.saved_as == "mini-job" and (models_dir / "mini-job.keras").is_file()
    assert 0 <= job.metrics["lake_accuracy"] <= 1 and job.history[-1].step < TINY.steps
    assert job.steps_done == find_model("mini-job").metadata["steps_done"] >= job.history[-1].step
    assert find_model("mini-job").owner == "session-of-ada", "the model is registered to the session that started it"
    assert not job.request_stop("token-ada", Role.TEACHER), "a finished job has nothing to stop"
    with pytest.raises(jobs.TrainingBusyError, match="A model named 'mini-job' already exists"):
        slot.start("Bob", "token-bob", TINY, "mini-job", data_dir=miniature_omniglot, **ADA)
    with pytest.raises(ValueError):
        slot.start("Bob", "token-bob", TINY, "../escape", data_dir=miniature_omniglot, **ADA)


def test_a_prepared_child_runs_the_next_training(miniature_omniglot: Path, models_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_train_in_child", train_in_miniature_child)
    slot = jobs.TrainingJobs()
    slot.prepare(miniature_omniglot)
    standby = slot._standby
    slot.prepare(miniature_omniglot)
    assert slot._standby is standby, "one standby, however often the page is shown"
    wait_until(slot.standby_ready, 180)  # TensorFlow imported and the data decoded, before any Start
    job = slot.start("Ada", "token-ada", replace(TINY, steps=3), "from-standby", data_dir=miniature_omniglot, **ADA)
    assert job.stop_event is standby.stop_event and slot._standby is None
    slot.prepare(miniature_omniglot)
    assert slot._standby is None, "no second TensorFlow process beside a running training"
    wait_until(lambda: job.finished, 180)
    assert job.state == "done" and job.steps_done == 3 and [p.step for p in job.history] == [1, 3], job.message


def test_a_standby_started_for_other_folders_is_replaced(miniature_omniglot: Path, models_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_train_in_child", train_in_miniature_child)
    slot = jobs.TrainingJobs()
    slot.prepare(miniature_omniglot)
    first = slot._standby
    monkeypatch.setenv(MODELS_DIR_ENV, str(models_dir.parent / "elsewhere"))  # it would save into the old folder
    slot.prepare(miniature_omniglot)
    second = slot._standby
    try:
        assert second is not first
        first.process.join(timeout=30)
        assert not first.process.is_alive()
    finally:
        second.process.terminate()


def test_a_failing_child_is_reported_and_its_job_counts_as_finished(tmp_path: Path, models_dir: Path) -> None:
    slot = jobs.TrainingJobs()
    job = slot.start("Ada", "token-ada", TINY, "no-data", data_dir=tmp_path / "empty", **ADA)  # no Omniglot files there
    wait_until(lambda: job.finished, 120)
    assert job.state == "failed" and "not in" in job.message and "OMNIGLOT_DIR" in job.message
    assert slot.current is job and job.finished and not job.request_stop("token-bob", Role.TEACHER)


def test_a_job_that_was_never_started_cannot_be_stopped() -> None:
    job = jobs.TrainingJob(owner="Ada", owner_token="t", config=TINY, model_name="x")
    assert not job.request_stop("t", Role.TEACHER) and not job.finished and job.latest is None


def test_a_student_can_neither_start_nor_stop_a_training(tmp_path: Path, models_dir: Path) -> None:
    slot = jobs.TrainingJobs()
    with pytest.raises(PermissionDeniedError, match="Only the teacher may start a training"):
        slot.start("Eve", "token-eve", TINY, "eve-model", data_dir=tmp_path, role=Role.STUDENT, model_owner="eve")
    assert slot.current is None and slot._standby is None, "nothing was started"
    job = jobs.TrainingJob(owner="Ada", owner_token="token-eve", config=TINY, model_name="x", stop_event=object())
    with pytest.raises(PermissionDeniedError, match="Only the teacher may stop a training"):
        job.request_stop("token-eve", Role.STUDENT)
    assert not job.stop_requested
