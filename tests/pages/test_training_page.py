"""The training page: start a real (short) training, watch it, stop it; one training per server."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab.config import TRAINING_STANDBY_ENV
from tests.conftest import REPO
from tests.support.pages import Downloads

pytest.importorskip("tensorflow")

from ui.model_chooser import model_names  # noqa: E402


def open_page() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    app.switch_page("views/train.py").run()
    assert not app.exception, app.exception
    return app


def fill(app: AppTest, owner: str, name: str, steps: int) -> None:
    app.text_input[0].input(owner)
    app.text_input[1].input(name)
    app.number_input[0].set_value(steps)
    app.select_slider[0].set_value(16)
    app.number_input[3].set_value(10)  # validate every 10 steps


def validated_points(app: AppTest) -> int:
    """How many validation points the live accuracy curve shows."""
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    for trace in figure["data"]:
        if trace.get("name") == "20-way one-shot":
            y = trace.get("y", [])
            return len(y) if isinstance(y, list) else len(base64.b64decode(y["bdata"])) // 8
    return 0


def wait_for(app: AppTest, condition, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.run()
        assert not app.exception, app.exception
        if condition(app):
            return
        time.sleep(1)
    raise AssertionError("the page never showed the expected state")


def progress(app: AppTest) -> str:
    return app.get("progress")[0].proto.text


def test_one_training_at_a_time_its_states_and_stop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv(TRAINING_STANDBY_ENV, "1")  # as on a real server: the page readies a training process
    alice = open_page()
    assert "No training has run on this server yet" in alice.info[0].value
    fill(alice, "Alice", "alice-model", 3000)
    alice.button[0].click().run()
    assert not alice.error, [e.value for e in alice.error]
    # Words while TensorFlow loads and the step compiles (seconds), not "step 0".
    assert progress(alice).startswith("starting: ") and "step 0" not in progress(alice)
    assert any(b.label.startswith("Stop") for b in alice.button)
    assert "Started by Alice" in " ".join(c.value for c in alice.caption)

    bob = open_page()
    fill(bob, "Bob", "bob-model", 20)
    bob.button[0].click().run()
    assert "Alice is training 'alice-model'" in bob.error[0].value
    assert not any(b.label.startswith("Stop") for b in bob.button), "only the owner may stop"

    wait_for(alice, lambda a: validated_points(a) >= 2, seconds=300)
    assert progress(alice).startswith("training: step") and "of 3000" in progress(alice) and "s left" in progress(alice)
    monkeypatch.setenv(TRAINING_STANDBY_ENV, "0")  # no standby left behind by this test once the job is over
    next(b for b in alice.button if b.label.startswith("Stop")).click().run()
    assert progress(alice).startswith("stopping: step") and "testing the best weights" in progress(alice)
    assert "Stopping: the best weights so far are being tested and saved" in alice.info[0].value
    assert not any(b.label.startswith("Stop") for b in alice.button)
    shown: list[str] = []
    wait_for(alice, lambda a: shown.append(progress(a)) or bool(a.success), seconds=600)
    assert all(text.startswith("stopping: ") for text in shown[:-1]), "stopping until the model is saved"
    saved = re.fullmatch(r"Saved as model \*\*alice-model\*\* after (\d+) steps\. Lake's 20 runs.*",
                         alice.success[0].value)
    assert saved and 0 < int(saved[1]) < 3000, alice.success[0].value
    assert progress(alice) == f"done: step {saved[1]} of 3000"
    assert (tmp_path / "models" / "alice-model.keras").is_file()
    # At once, with the steps it ran: the model store, "continue from", and the model choice of the other pages.
    table = alice.table[0].value
    assert str(table.loc["alice-model", "steps"]) == saved[1]
    assert "alice-model" in alice.selectbox(key="resume").options and "alice-model" in model_names()


def test_the_progress_line_and_the_saved_message_never_disagree(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """The monitor thread may finish the job while the page draws it (here: right after the progress line): the
    progress line and the outcome come from one snapshot, so the page says "stopping" in both or "done" in both."""
    import streamlit as st

    from lab.siamese.training import Progress, TrainConfig
    from lab.workflows.training_jobs import TrainingJob, TrainingJobs

    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv(TRAINING_STANDBY_ENV, "0")
    job = TrainingJob("Alice", "token-alice", TrainConfig(steps=3000), "alice-model", phase="training",
                      stop_requested=True, history=[Progress(step=40, steps=3000, elapsed_s=8.0, loss=0.5)])
    # The server's slot (cached across tests) holds this job for this test only.
    monkeypatch.setattr(TrainingJobs, "current", property(lambda slot: job,
                                                          lambda slot, value: slot.__dict__.__setitem__("current", value)),
                        raising=False)
    draw_progress = st.progress

    def progress_then_saved(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn = draw_progress(*args, **kwargs)
        if not job.finished:  # the child's last message arrives right after the progress line is drawn
            job.record("done", {"saved_as": "alice-model", "metrics": {}, "message": "", "steps_done": 40})
        return drawn

    monkeypatch.setattr(st, "progress", progress_then_saved)
    app = open_page()
    assert progress(app).startswith("stopping: step 40 of 3000")
    assert any(i.value.startswith("Stopping: the best weights") for i in app.info) and not app.success
    app.run()
    assert progress(app) == "done: step 40 of 3000"
    assert app.success[0].value == "Saved as model **alice-model** after 40 steps."


def test_invalid_model_name_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(tmp_path / "models"))
    app = open_page()
    fill(app, "Carol", "../escape", 20)
    app.button[0].click().run()
    assert "not a valid model name" in app.error[0].value


def test_model_store_lists_renames_and_deletes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    from lab.siamese.store import SHIPPED_DIR

    folder = tmp_path / "models"
    folder.mkdir()
    for suffix in (".keras", ".json"):
        shutil.copy(SHIPPED_DIR / f"default{suffix}", folder / f"mine{suffix}")
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(folder))
    downloads = Downloads(monkeypatch)
    app = open_page()
    table = app.table[0].value
    assert list(table.index) == ["default", "mine"] and list(table["shipped with the lab"]) == ["yes", "no"]
    assert float(table["Lake 20-way"].iloc[0].rstrip("%")) >= 92
    assert app.selectbox(key="store_card_model").options == ["default", "mine"]  # any stored model, shipped too
    card = downloads.text("model-card-default.md")
    assert card.startswith("# Model card: default") and "Lake's 20 one-shot runs" in card and "Threshold" in card
    app.selectbox(key="store_card_model").set_value("mine").run()
    assert downloads.text("model-card-mine.md").startswith("# Model card: mine")
    app.text_input(key="store_new_name").input("renamed")
    app.button(key="store_rename").click().run()
    assert (folder / "renamed.keras").is_file() and not (folder / "mine.keras").exists()
    app.button(key="store_delete").click().run()
    assert (folder / "renamed.keras").is_file(), "one click never deletes"
    assert "Really delete the model **renamed**?" in app.warning[0].value
    app.button(key="store_delete_cancel").click().run()
    assert (folder / "renamed.keras").is_file() and not app.warning
    app.button(key="store_delete").click().run()
    app.button(key="store_delete_confirm").click().run()
    assert not (folder / "renamed.keras").exists()


def test_uploading_a_non_model_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from lab.errors import ModelFormatError
    from lab.siamese.store import import_model_file

    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(tmp_path / "models"))
    with pytest.raises(ModelFormatError, match="not a Keras 3"):
        import_model_file(b"hello", "model.keras", "x")
    with pytest.raises(ModelFormatError, match="not an HDF5"):
        import_model_file(b"hello", "oneshot.h5", "x")
    with pytest.raises(ModelFormatError, match="neither"):
        import_model_file(b"hello", "photo.png", "x")
    assert not (tmp_path / "models").exists() or not list((tmp_path / "models").iterdir())
