"""A coded set, what every Omniglot evaluation job works on: a stored model, the evaluation set and the codes the
model gives all its drawings.

The codes are computed once per model file and data version (13,180 drawings through the network) and kept on
disk beside the model (:mod:`lab.siamese.code_store`); every figure after that is NumPy on them, so the network
itself is loaded only when new drawings must go through it (:class:`lab.siamese.model.LazyModel`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.omniglot import OmniglotSet, load_set
from lab.evaluation.scoring import Head
from lab.files import file_stamp
from lab.siamese.code_store import stored_codes
from lab.siamese.losses import LOSSES
from lab.siamese.model import LazyModel, SiameseModel
from lab.siamese.store import DEFAULT_MODEL, ModelInfo, find_model, load_model_file
from lab.siamese.towers import ARCHITECTURES

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
class CodedSet:
    """A model, the evaluation set, and the codes of all its drawings in one of the model's layers (what the pair
    ROC, the N-way tasks, the nearest neighbours, the map and the class rounds score)."""

    model: SiameseModel | LazyModel
    info: ModelInfo
    data: OmniglotSet
    codes: np.ndarray  # (659, 20, d)

    @property
    def key(self) -> tuple[str, tuple[int, int]]:
        """The model's name and file stamp: what identifies these codes in a cache key."""
        return self.info.name, file_stamp(self.info.path)

    @property
    def threshold(self) -> float:
        """The model's own same/different threshold (calibrated on validation pairs when trained here)."""
        return self.info.threshold


def stored_set_codes(info: ModelInfo, data: OmniglotSet, layer: str, load: Callable[[], SiameseModel]) -> np.ndarray:
    """:func:`set_codes` of the stored model ``info``, read from disk when this model file has computed them for
    these drawings before; else ``load()`` gives the network, and the codes are computed and stored."""
    if layer not in FEATURE_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(FEATURE_LAYERS)}")

    def compute() -> np.ndarray:
        return set_codes(load(), data, layer)

    if not data.fingerprint:  # a set made in memory has no version to store its codes under
        return compute()
    return stored_codes(info.path, f"{data.name}-{layer}", data.fingerprint, compute,
                        rows=(data.n_characters, data.images.shape[1]))


def stored_head(info: ModelInfo, load: Callable[[], SiameseModel]) -> Head | None:
    """A BCE model's head (kernel and bias, from disk like its codes, so that scoring needs no network)."""
    if info.metadata.get("loss") != "bce":
        return None

    def compute() -> np.ndarray:
        kernel, bias = load().head()
        return np.append(kernel, bias)

    packed = stored_codes(info.path, "head", "", compute)
    return packed[:-1].astype(np.float64), float(packed[-1])


def lazy_model(info: ModelInfo, load: Callable[[], SiameseModel]) -> SiameseModel | LazyModel:
    """The stored model, its network loaded (``load()``) only when drawings must go through it; a model whose
    metadata does not name its architecture and loss is loaded now, since only the network tells them."""
    architecture, loss = info.metadata.get("architecture"), info.metadata.get("loss")
    if architecture not in ARCHITECTURES or loss not in LOSSES:
        return load()
    return LazyModel(architecture, loss, stored_head(info, load), load)


def load_coded_set(model_name: str = DEFAULT_MODEL, data_dir: Path | None = None, layer: str = "embedding") -> CodedSet:
    """A stored model and the evaluation set with the codes of every drawing (read from disk when stored, else
    computed: seconds for the compact tower); the network is loaded only if needed."""
    info = find_model(model_name)
    load = functools.cache(lambda: load_model_file(info.path, info.metadata))
    data = load_set("evaluation", data_dir)
    return CodedSet(lazy_model(info, load), info, data, stored_set_codes(info, data, layer, load))
