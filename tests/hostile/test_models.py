"""A model file with code in it: refused on upload, and its code never runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lab.errors import ModelFormatError
from lab.siamese import store


def test_a_keras_file_with_a_lambda_is_refused_without_running_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keras

    marker = tmp_path / "the-lambda-ran"
    monkeypatch.setenv("ONESHOT_MODELS_DIR", str(tmp_path / "models"))

    def payload(x):  # what a hostile upload would run on load: here it only leaves a marker
        open(os.environ["LAMBDA_MARKER"], "w").close()
        return x

    left, right = keras.Input((35, 35, 1)), keras.Input((35, 35, 1))
    tower = keras.Sequential([keras.Input((35, 35, 1)), keras.layers.Flatten(), keras.layers.Dense(4)], name="tower")
    joined = keras.layers.Lambda(lambda pair: abs(pair[0] - pair[1]), output_shape=(4,))([tower(left), tower(right)])
    joined = keras.layers.Lambda(payload, output_shape=(4,))(joined)
    hostile = keras.Model([left, right], keras.layers.Dense(1, activation="sigmoid", name="head")(joined))
    path = tmp_path / "evil.keras"
    hostile.save(path)
    monkeypatch.setenv("LAMBDA_MARKER", str(marker))
    marker.unlink(missing_ok=True)  # saving traced the model once

    with pytest.raises(ModelFormatError, match="could not be loaded"):
        store.import_model_file(path.read_bytes(), "evil.keras", "evil")
    assert not marker.exists()  # the Lambda's code never ran
    assert "evil" not in [m.name for m in store.list_models()]
    assert not (tmp_path / "models" / "evil.keras").exists()
