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


def set_codes(model: SiameseModel, data: OmniglotSet, layer: str = "embedding") -> np.ndarray:
    """Codes of every drawing of a set, shape (characters, 20, d).

    ``embedding``: the tower's output, which the model compares; ``features``: the encoder without its last
    dense layer (the lecture's nearest-neighbour exercise).
    """
    flat = data.images.reshape(-1, *data.images.shape[2:])
    if layer == "embedding":
        codes = model.embed(flat)
    elif layer == "features":
        codes = model.features(flat)
    else:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(FEATURE_LAYERS)}")
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
        return float(self.info.metadata.get("threshold", 0.5))


def load_evaluation(model_name: str = DEFAULT_MODEL, data_dir: Path | None = None, layer: str = "embedding") -> Evaluation:
    """Load a stored model and the evaluation set, and embed every drawing (seconds for the compact tower)."""
    model, info = load_model(model_name)
    data = load_set("evaluation", data_dir)
    return Evaluation(model, info, data, set_codes(model, data, layer))
