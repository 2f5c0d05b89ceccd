"""The lecture's exercise: with a handful of photos per person, learn from scratch or reuse an embedding?

2-fold cross-validation on a folder of identities (one sub-folder per person): each person's photos are
split in two halves; each half in turn is the training set and the other the test set.

(a) A small CNN trained from scratch on the training faces (64x64 grey, a softmax over the people).
(b) DeepFace embeddings of the training faces as templates; a test face gets the person of its nearest one.

Nothing is trained for (b): that is the point of the lecture, a pre-trained embedding learns a new person
from one photo. The result reports the mean test error of each, fold by fold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import LabError
from lab.faces.calibration import embed_folder
from lab.faces.embedding import distances
from lab.export import records_csv
from lab.limits import EPOCHS

CNN_SIZE = 64


def two_folds(people: list[str], seed: int = 0) -> np.ndarray:
    """Fold (0 or 1) of each photo: each person's photos shuffled and dealt alternately; -1 for a person with
    one photo, who cannot be both learnt and tested."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(people)
    folds = np.full(labels.size, -1)
    for person in sorted(set(people)):
        rows = np.flatnonzero(labels == person)
        if rows.size < 2:
            continue
        rows = rng.permutation(rows)
        folds[rows] = np.arange(rows.size) % 2
    return folds


def _grey_faces(faces: list[np.ndarray]) -> np.ndarray:
    import cv2

    return np.stack([
        cv2.resize(cv2.cvtColor(face, cv2.COLOR_RGB2GRAY), (CNN_SIZE, CNN_SIZE), interpolation=cv2.INTER_AREA)
        for face in faces
    ]).astype(np.float32)[..., None] / 255.0


def small_cnn(classes: int, seed: int = 0):
    """Three convolution blocks and a softmax: about 25,000 weights, as a course would build from scratch."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((CNN_SIZE, CNN_SIZE, 1)),
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomTranslation(0.08, 0.08),
        keras.layers.RandomRotation(0.05),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu", padding="same"), keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(classes, activation="softmax"),
    ])


def cnn_errors(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray,
               classes: int, epochs: int, seed: int) -> np.ndarray:
    """Which test faces the CNN trained from scratch gets wrong (bool per test face)."""
    import keras

    model = small_cnn(classes, seed)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    # Few photos: repeat them so that each epoch sees enough augmented variants for a few optimiser steps.
    repeats = max(1, 64 // len(train_x))
    model.fit(np.repeat(train_x, repeats, axis=0), np.repeat(train_y, repeats), epochs=epochs, batch_size=16,
              shuffle=True, verbose=0)
    predicted = np.argmax(model.predict(test_x, verbose=0), axis=1)
    return predicted != test_y


def nearest_errors(train_v: np.ndarray, train_y: np.ndarray, test_v: np.ndarray, test_y: np.ndarray,
                   metric: str) -> np.ndarray:
    """Which test faces get the wrong person from their nearest training face (bool per test face)."""
    predicted = np.array([train_y[int(np.argmin(distances(train_v, v, metric)))] for v in test_v])
    return predicted != test_y


@dataclass(frozen=True)
class FoldResult:
    fold: int
    train_photos: int
    test_photos: int
    cnn_error: float
    embedding_error: float


@dataclass(frozen=True)
class ExperimentResult:
    model: str
    detector: str
    metric: str
    people: int
    folds: list[FoldResult]
    excluded: list[str]  # "who or what: why"

    @property
    def cnn_error(self) -> float:
        return float(np.mean([f.cnn_error for f in self.folds]))

    @property
    def embedding_error(self) -> float:
        return float(np.mean([f.embedding_error for f in self.folds]))

    def conclusion(self) -> str:
        cnn, emb = self.cnn_error, self.embedding_error
        chance = 1 - 1 / self.people
        if emb < cnn:
            verdict = (f"the pre-trained {self.model} embedding with a nearest neighbour makes fewer mistakes "
                       f"({emb:.0%}) than the CNN trained from scratch ({cnn:.0%}), with no training at all")
        elif emb > cnn:
            verdict = (f"here the CNN trained from scratch ({cnn:.0%}) beat the {self.model} embedding ({emb:.0%}); "
                       "with so few test photos one mistake changes the figure a lot: add photos")
        else:
            verdict = f"both make the same share of mistakes ({cnn:.0%})"
        return (f"With {self.people} people, {verdict}. Guessing would be wrong {chance:.0%} of the time. A CNN needs "
                "many photos per person to learn what makes a face; the embedding learnt that from millions of "
                "faces, so one photo per new person is enough: that is one-shot learning.")

    def folds_csv(self) -> str:
        """One row per fold, errors as fractions, with the settings that produced them."""
        return records_csv([{**vars(f), "model": self.model, "detector": self.detector, "distance_metric": self.metric,
                          "people": self.people} for f in self.folds])

    def as_dict(self) -> dict:
        return {"model": self.model, "detector": self.detector, "distance_metric": self.metric, "people": self.people,
                "cnn_error": self.cnn_error, "embedding_error": self.embedding_error,
                "folds": [vars(f) for f in self.folds], "excluded": self.excluded, "conclusion": self.conclusion()}


def run_experiment(folder: Path, model: str = "Facenet", detector: str = "yunet", metric: str = "cosine",
                   epochs: int = 60, seed: int = 0) -> ExperimentResult:
    """Both methods on the same two folds of the folder's photos (each photo's largest face)."""
    EPOCHS.check(epochs)  # before the embeddings: 0 epochs would report a conclusion from an untrained CNN
    faces = embed_folder(folder, model, detector)
    folds = two_folds(faces.people, seed)
    excluded = list(faces.skipped) + [f"{p}: only one photo with a face" for p in sorted(set(faces.people))
                                       if int(np.sum((np.asarray(faces.people) == p) & (folds >= 0))) == 0]
    used = folds >= 0
    names = sorted({p for p, keep in zip(faces.people, used) if keep})
    if len(names) < 2:
        raise LabError("the experiment needs at least two people with two photos each (one sub-folder per person)")
    labels = np.array([names.index(p) if keep else -1 for p, keep in zip(faces.people, used)])
    grey = _grey_faces(faces.faces)
    results = []
    for fold in (0, 1):
        train, test = folds == fold, folds == 1 - fold
        cnn = cnn_errors(grey[train], labels[train], grey[test], labels[test], len(names), epochs, seed + fold)
        emb = nearest_errors(faces.vectors[train], labels[train], faces.vectors[test], labels[test], metric)
        results.append(FoldResult(fold + 1, int(train.sum()), int(test.sum()), float(cnn.mean()), float(emb.mean())))
    return ExperimentResult(model, detector, metric, len(names), results, excluded)
