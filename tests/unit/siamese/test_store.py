"""The model store: round trip, rename, delete, and refusal of files that are not Siamese models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lab.errors import ModelFormatError, ModelNotFoundError, StorageError  # noqa: E402
from lab.siamese import store  # noqa: E402
from lab.siamese.model_table import models_table  # noqa: E402
from lab.siamese.model import SiameseModel, build_pair_model  # noqa: E402
from lab.siamese.towers import build_tower  # noqa: E402


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    return folder


def tiny_model(loss: str) -> SiameseModel:
    metric = loss != "bce"
    tower = build_tower("compact", 16 if metric else None, normalize=metric)
    return SiameseModel(build_pair_model(tower, loss), "compact", loss)


@pytest.mark.parametrize("loss", ["bce", "triplet"])
def test_round_trip_keeps_predictions_and_metadata(models_dir: Path, mini_evaluation, loss: str) -> None:
    model = tiny_model(loss)
    drawings = mini_evaluation.images[:3, 0]
    before = model.similarity(model.embed(drawings[:2]), model.embed(drawings[1:]))
    info = store.save_model(model, "tiny", {"metrics": {"lake_accuracy": 0.5}, "threshold": 0.7})
    assert info.path == models_dir / "tiny.keras" and (models_dir / "tiny.json").is_file()
    assert [m.name for m in store.list_models() if not m.shipped] == ["tiny"]
    loaded, loaded_info = store.load_model("tiny")
    assert (loaded.architecture, loaded.loss) == ("compact", loss)
    assert loaded_info.metadata["threshold"] == 0.7 and "saved_at" in loaded_info.metadata
    after = loaded.similarity(loaded.embed(drawings[:2]), loaded.embed(drawings[1:]))
    assert np.allclose(before, after, atol=1e-5)
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".")], "no temporary files left"


def test_rename_delete_and_name_checks(models_dir: Path) -> None:
    store.save_model(tiny_model("bce"), "first", {})
    with pytest.raises(StorageError, match="already exists"):
        store.save_model(tiny_model("bce"), "first", {})
    store.rename_model("first", "second")
    assert [m.name for m in store.list_models() if not m.shipped] == ["second"]
    assert store.find_model("second").metadata["name"] == "second"
    store.delete_model("second")
    with pytest.raises(ModelNotFoundError):
        store.find_model("second")
    for bad in ["", "../up", "a/b", ".hidden", "x" * 65]:
        with pytest.raises(ValueError):
            store.check_name(bad)


def test_shipped_model_cannot_be_deleted(models_dir: Path) -> None:
    shipped = [m for m in store.list_models() if m.shipped]
    assert shipped, "the repository ships a default model"
    with pytest.raises(StorageError, match="shipped"):
        store.delete_model(shipped[0].name)


def test_not_a_keras_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.keras"
    fake.write_text("hello")
    with pytest.raises(ModelFormatError, match="not a Keras 3"):
        store.load_model_file(fake)
    truncated = tmp_path / "cut.keras"
    good = tmp_path / "good.keras"
    tiny_model("bce").pair_model.save(good)
    truncated.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(ModelFormatError):
        store.load_model_file(truncated)


def test_model_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    one_input = keras.Sequential([keras.Input((35, 35, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    one_input.save(tmp_path / "one.keras")
    with pytest.raises(ModelFormatError, match="1 inputs"):
        store.load_model_file(tmp_path / "one.keras")

    left, right = keras.Input((28, 28, 1)), keras.Input((28, 28, 1))
    joined = keras.layers.Dense(1)(keras.layers.Flatten()(keras.layers.Concatenate()([left, right])))
    keras.Model([left, right], joined).save(tmp_path / "small.keras")
    with pytest.raises(ModelFormatError, match=r"\(28, 28, 1\)"):
        store.load_model_file(tmp_path / "small.keras")


def test_the_table_shows_the_steps_a_model_really_ran(tmp_path: Path) -> None:
    stopped = store.ModelInfo("stopped", tmp_path / "stopped.keras", {"config": {"steps": 1000}, "steps_done": 340},
                              shipped=False)
    planned = store.ModelInfo("older", tmp_path / "older.keras", {"config": {"steps": 500}}, shipped=False)
    assert list(models_table([stopped, planned])["steps"]) == [340, 500]  # before steps_done was kept: the plan
