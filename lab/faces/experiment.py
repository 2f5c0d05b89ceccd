"""The lecture's exercise: with a handful of photos per person, learn from scratch or reuse an embedding?

2-fold cross-validation on a folder of identities (one sub-folder per person): each person's photos are
split in two halves; each half in turn is the training set and the other the test set.

(a) A small CNN trained from scratch on the training faces (48x48 grey, a softmax over the people).
(b) DeepFace embeddings of the training faces as templates; a test face gets the person of its nearest one.

Nothing is trained for (b): that is the point of the lecture, a pre-trained embedding learns a new person
from one photo. The result reports the test error of each, fold by fold, beside the error of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import LabError
from lab.evaluation.tasks import wilson_interval
from lab.faces.calibration import embed_folder
from lab.faces.embedding import distance_table
from lab.export import records_csv
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.limits import EPOCHS

# Measured on 40 LFW people (about 20 training photos each) on a 2-core CPU (docs/PERFORMANCE.md): 48x48 learns about
# as well as 64x64 in half the time, and 15 epochs of batches of 32 get the CNN about half its test photos right in
# 15-25 s a fold, so the whole experiment, embeddings included, stays within two minutes on a cold cache.
CNN_SIZE = 48
DEFAULT_EPOCHS = 15
BATCH_SIZE = 32
LEARNING_RATE = 3e-3

ExperimentProgress = Callable[[str, int, int], None]  # (what is running, steps done, steps in all)


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


def _grey_faces(faces: np.ndarray) -> np.ndarray:
    """(n, 48, 48, 1) floats in [0, 1] from the (n, size, size, 3) RGB thumbnails of an embedded folder."""
    import cv2

    return np.stack([
        cv2.resize(cv2.cvtColor(face, cv2.COLOR_RGB2GRAY), (CNN_SIZE, CNN_SIZE), interpolation=cv2.INTER_AREA)
        for face in faces
    ]).astype(np.float32)[..., None] / 255.0


def small_cnn(classes: int, seed: int = 0):
    """Four convolution blocks with batch normalisation, and a softmax: about 84,000 weights for 40 people, as a
    course would build from scratch. Normalisation and the flattened last map (which keeps where each feature of the
    face is) let it learn within 15 epochs; with global pooling and no normalisation it stayed near chance on LFW."""
    import keras

    layers = keras.layers
    keras.utils.set_random_seed(seed)
    blocks = []
    for filters in (16, 32, 64, 64):
        # Momentum 0.9, not Keras's 0.99: the statistics used on test photos must follow weights that change fast in
        # 400 steps; at 0.99 they lagged, and the CNN was as bad as guessing on its own training photos until the
        # learning rate had decayed (96% wrong after 14 of 20 epochs, 58% after 20; 49% after 15 at 0.9).
        blocks += [layers.Conv2D(filters, 3, padding="same", use_bias=False), layers.BatchNormalization(momentum=0.9),
                   layers.ReLU(), layers.MaxPooling2D()]
    return keras.Sequential([
        keras.Input((CNN_SIZE, CNN_SIZE, 1)),
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(0.05, 0.05),
        *blocks,
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(classes, activation="softmax"),
    ])


def cnn_errors(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray, classes: int,
               epochs: int, seed: int, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Which test faces the CNN trained from scratch gets wrong (bool per test face); ``progress(epoch, epochs)``
    after each epoch."""
    import keras

    model = small_cnn(classes, seed)
    # Few photos: repeat them so that each epoch sees enough augmented variants for a few optimiser steps.
    repeats = max(1, 4 * BATCH_SIZE // len(train_x))
    steps = epochs * -(-repeats * len(train_x) // BATCH_SIZE)
    # The rate decays to 0 by the last step, so the result hangs less on where the last steps left the weights (with
    # a constant rate, the two folds of LFW came out 76% and 44% wrong in one run).
    rate = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps)
    model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy")
    callbacks = [] if progress is None else [
        keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, _logs: progress(epoch + 1, epochs))]
    model.fit(np.repeat(train_x, repeats, axis=0), np.repeat(train_y, repeats), epochs=epochs, batch_size=BATCH_SIZE,
              shuffle=True, verbose=0, callbacks=callbacks)
    predicted = np.argmax(model.predict(test_x, verbose=0), axis=1)
    return predicted != test_y


def make_deterministic() -> None:
    """TensorFlow's kernels then give the same result for the same seed, so a lecturer's figures come out the same
    next time (without it, the same seed and fold gave 49% and 76% wrong in two runs). Process-wide: only for a
    process that runs the experiment alone (the experiment's own process, the command line)."""
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


def nearest_errors(train_v: np.ndarray, train_y: np.ndarray, test_v: np.ndarray, test_y: np.ndarray,
                   metric: str) -> np.ndarray:
    """Which test faces get the wrong person from their nearest training face (bool per test face)."""
    table = distance_table(np.concatenate([train_v, test_v]), metric)[len(train_v):, :len(train_v)]  # test x train
    return train_y[np.argmin(table, axis=1)] != test_y


@dataclass(frozen=True)
class FoldResult:
    fold: int
    train_photos: int
    test_photos: int
    cnn_error: float
    embedding_error: float

    def interval(self, error: float) -> tuple[float, float]:
        """95% Wilson interval of one of this fold's error rates: how far it could move on other photos."""
        return wilson_interval(round(error * self.test_photos), self.test_photos)


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

    @property
    def chance_error(self) -> float:
        """The error of guessing a person uniformly at random: 1 - 1/people (97.5% with 40 people)."""
        return 1 - 1 / self.people

    def conclusion(self) -> str:
        """What the figures say, in the reader's language (made when shown, not when computed)."""
        cnn, emb, chance = self.cnn_error, self.embedding_error, self.chance_error
        if emb < cnn:
            verdict = _("the pre-trained {model} embedding with a nearest neighbour is wrong on {emb:.1%} of the test "
                        "photos, with no training at all, the CNN trained from scratch on {cnn:.1%}")
        elif emb > cnn:
            verdict = _("here the CNN trained from scratch ({cnn:.1%} wrong) beat the {model} embedding ({emb:.1%}); "
                        "with so few test photos one mistake changes the figure a lot: add photos")
        else:
            verdict = _("both are wrong on the same share of the test photos ({cnn:.1%})")
        verdict = format_message(verdict, model=self.model, emb=emb, cnn=cnn)
        against_chance = _("The CNN did no better than guessing: it had too few photos per person to learn anything "
                           "that carries over to new photos. ") if cnn >= chance else ""
        return format_message(_(
            "With {people} people, {verdict}. Guessing would be wrong {chance:.1%} of the time. {against}A CNN needs "
            "many photos per person to learn what makes a face; the embedding learnt that from millions of faces, so "
            "one photo per new person is enough: that is one-shot learning."),
            people=self.people, verdict=verdict, chance=chance, against=against_chance)

    def folds_csv(self) -> str:
        """One row per fold, errors as fractions, with the settings that produced them."""
        return records_csv([{**vars(f), "chance_error": self.chance_error, "model": self.model,
                             "detector": self.detector, "distance_metric": self.metric, "people": self.people}
                            for f in self.folds])

    def as_dict(self) -> dict:
        return {"model": self.model, "detector": self.detector, "distance_metric": self.metric, "people": self.people,
                "cnn_error": self.cnn_error, "embedding_error": self.embedding_error, "chance_error": self.chance_error,
                "folds": [vars(f) for f in self.folds], "excluded": self.excluded, "conclusion": self.conclusion()}


def run_experiment(folder: Path, model: str = "Facenet", detector: str = "yunet", metric: str = "cosine",
                   epochs: int = DEFAULT_EPOCHS, seed: int = 0,
                   progress: ExperimentProgress | None = None) -> ExperimentResult:
    """Both methods on the same two folds of the folder's photos (each photo's largest face, embedded once and
    cached per folder, model and detector). ``progress(stage, done, total)``: photos embedded, then each fold's epochs."""
    EPOCHS.check(epochs)  # before the embeddings: 0 epochs would report a conclusion from an untrained CNN
    report = progress or (lambda _stage, _done, _total: None)
    faces = embed_folder(folder, model, detector, lambda done, total: report(N_("detecting and embedding the photos"),
                                                                            done, total))
    folds = two_folds(faces.people, seed)
    excluded = list(faces.skipped) + [f"{p}: only one photo with a face" for p in sorted(set(faces.people))
                                       if int(np.sum((np.asarray(faces.people) == p) & (folds >= 0))) == 0]
    used = folds >= 0
    names = sorted({p for p, keep in zip(faces.people, used) if keep})
    if len(names) < 2:
        raise LabError(_("the experiment needs at least two people with two photos each (one sub-folder per person)"))
    labels = np.array([names.index(p) if keep else -1 for p, keep in zip(faces.people, used)])
    grey = _grey_faces(faces.faces)
    results = []
    for fold in (0, 1):
        train, test = folds == fold, folds == 1 - fold
        # English marked for translation: the stage is reported from another process and translated by the page.
        stage = (N_("training the CNN, fold 1 of 2 (epochs)"), N_("training the CNN, fold 2 of 2 (epochs)"))[fold]
        cnn = cnn_errors(grey[train], labels[train], grey[test], labels[test], len(names), epochs, seed + fold,
                         lambda done, total, stage=stage: report(stage, done, total))
        emb = nearest_errors(faces.vectors[train], labels[train], faces.vectors[test], labels[test], metric)
        results.append(FoldResult(fold + 1, int(train.sum()), int(test.sum()), float(cnn.mean()), float(emb.mean())))
    return ExperimentResult(model, detector, metric, len(names), results, excluded)
