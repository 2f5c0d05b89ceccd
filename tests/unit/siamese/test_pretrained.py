"""Loading the course's Keras 2 ``oneshot.h5``: tested on a Keras 2 file of Koch's architecture built here
(Google Drive is out of reach in tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tf_keras")

from lab.errors import ModelFormatError  # noqa: E402
from lab.siamese.pretrained import load_course_model  # noqa: E402


def l1_distance(tensors):  # module-level, like the course's notebook, so Keras 2 can serialise it
    import tensorflow as tf

    return tf.abs(tensors[0] - tensors[1])


def keras2_koch(path: Path) -> object:
    import tf_keras as k2
    from tf_keras import layers

    tower = k2.Sequential(
        [
            layers.Conv2D(64, 10, activation="relu", input_shape=(105, 105, 1)),
            layers.MaxPooling2D(),
            layers.Conv2D(128, 7, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(128, 4, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(256, 4, activation="relu"),
            layers.Flatten(),
            layers.Dense(4096, activation="sigmoid"),
        ]
    )
    left, right = k2.Input((105, 105, 1)), k2.Input((105, 105, 1))
    distance = layers.Lambda(l1_distance)([tower(left), tower(right)])
    model = k2.Model([left, right], layers.Dense(1, activation="sigmoid")(distance))
    model.save(path)
    return model


def test_course_model_loads_with_the_same_predictions(tmp_path: Path, mini_evaluation) -> None:
    original = keras2_koch(tmp_path / "oneshot.h5")
    loaded = load_course_model(tmp_path / "oneshot.h5")
    assert (loaded.architecture, loaded.loss) == ("koch", "bce")
    assert loaded.pair_model.count_params() == original.count_params() == 38_951_745
    a = mini_evaluation.images[[0, 5, 9], 0]
    b = mini_evaluation.images[[0, 6, 20], 1]
    expected = original.predict([a[..., None].astype("float32"), b[..., None].astype("float32")], verbose=0)[:, 0]
    ours = loaded.similarity(loaded.embed(a), loaded.embed(b))
    assert np.allclose(ours, expected, atol=1e-4)


def test_other_h5_files_are_refused(tmp_path: Path) -> None:
    import tf_keras as k2

    small = k2.Sequential([k2.layers.Dense(3, input_shape=(4,))])
    small.save(tmp_path / "small.h5")
    with pytest.raises(ModelFormatError, match="Koch's architecture"):
        load_course_model(tmp_path / "small.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(ModelFormatError, match="not an HDF5"):
        load_course_model(tmp_path / "text.h5")
