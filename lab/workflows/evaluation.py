"""What every Omniglot evaluation job works on: a stored model, the evaluation set and the codes of all its drawings.

The codes are computed once (13,180 drawings through the network); every figure after that is NumPy on them, so
a page keeps an :class:`Evaluation` in a cache and a command builds one per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.omniglot import OmniglotSet, load_set
from lab.files import file_stamp
from lab.siamese.model import SiameseModel
from lab.siamese.store import DEFAULT_MODEL, ModelInfo, load_model

FEATURE_LAYERS = ("features", "embedding")


def codes_of(model: SiameseModel, ink: np.ndarray, layer: str = "embedding") -> np.ndarray:
    """(n, d) codes of (n, 105, 105) drawings. ``embedding``: the tower's output, which the model compares;
    ``features``: the encoder without its last dense layer (the lecture's nearest-neighbour exercise)."""
    if layer == "embedding":
        return model.embed(ink)
    if layer == "features":
        return model.features(ink)
    raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(FEATURE_LAYERS)}")


def set_codes(model: SiameseModel, data: OmniglotSet, layer: str = "embedding") -> np.ndarray:
    """Codes of every drawing of a set, shape (characters, 20, d)."""
    codes = codes_of(model, data.images.reshape(-1, *data.images.shape[2:]), layer)
    return codes.reshape(data.n_characters, data.images.shape[1], -1)


@dataclass(frozen=True)
class Evaluation:
    """A model, the evaluation set, and the codes of all its drawings in one of the model's layers."""

    model: SiameseModel
    info: ModelInfo
    data: OmniglotSet
    codes: np.ndarray  # (659, 20, d)

    @property
    def key(self) -> tuple[str, tuple[int, int]]:
        """The model's name and file stamp: what identifies this evaluation in a cache key."""
        return self.info.name, file_stamp(self.info.path)

    @property
    def threshold(self) -> float:
        """The model's own same/different threshold (calibrated on validation pairs when trained here)."""
        return self.info.threshold


def load_evaluation(model_name: str = DEFAULT_MODEL, data_dir: Path | None = None, layer: str = "embedding") -> Evaluation:
    """Load a stored model and the evaluation set, and embed every drawing (seconds for the compact tower)."""
    model, info = load_model(model_name)
    data = load_set("evaluation", data_dir)
    return Evaluation(model, info, data, set_codes(model, data, layer))
