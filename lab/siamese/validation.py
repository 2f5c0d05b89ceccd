"""Validation on background alphabets held out of training: the figures that pick the best weights, and the
threshold calibrated with the final ones (never on the evaluation set, which is kept for the reported figures).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, OmniglotSet
from lab.data.pairs import PairBatch, sample_pair_indices
from lab.evaluation.tasks import TaskSet, sample_tasks, task_accuracy
from lab.evaluation.verification import best_threshold, evaluation_pair_scores
from lab.siamese.model import SiameseModel, tower_codes
from lab.siamese.preprocess import downsample


def split_alphabets(data: OmniglotSet, val_alphabets: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(training characters, validation characters, validation alphabet names): whole alphabets held out."""
    names = data.alphabet_names
    held = sorted(np.random.default_rng(seed).choice(len(names), size=val_alphabets, replace=False).tolist())
    alphabet = data.alphabet_index()
    val_mask = np.isin(alphabet, held)
    return np.flatnonzero(~val_mask), np.flatnonzero(val_mask), [names[i] for i in held]


@dataclass(frozen=True)
class ValidationSet:
    """The held-out drawings, with tasks and pairs sampled once so that every validation point is comparable."""

    inputs: np.ndarray  # (characters, 20, s, s) downsampled drawings
    alphabet: np.ndarray  # (characters,) alphabet number of each
    tasks: TaskSet
    pairs: PairBatch

    def accuracies(self, model: SiameseModel) -> tuple[float, float]:
        """(pair accuracy at its best threshold, N-way accuracy) of the model as it is now."""
        codes, head = _set_codes(model, self.inputs, self.alphabet.size), model.head()
        _, pair_accuracy = best_threshold(evaluation_pair_scores(codes, self.pairs, head), self.pairs.targets == 1)
        return pair_accuracy, task_accuracy(codes, self.tasks, head)


def validation_set(
    data: OmniglotSet, characters: np.ndarray, factor: int, seed: int, way: int, tasks: int
) -> ValidationSet | None:
    """The validation drawings of ``characters`` at the tower's scale; None when no alphabet is held out."""
    if not characters.size:
        return None
    alphabet = data.alphabet_index()[characters]
    rng = np.random.default_rng(seed + 1)
    task_set = sample_tasks(alphabet, way, tasks, rng, within_alphabet=True)
    return ValidationSet(downsample(data.images[characters], factor), alphabet, task_set,
                         sample_pair_indices(alphabet, 1000, rng))


def calibrate_threshold(
    model: SiameseModel, val_inputs: np.ndarray, val_alphabet: np.ndarray, seed: int, pairs: int = 10_000
) -> tuple[float, float]:
    """(threshold, accuracy) that best separates ``pairs`` random validation pairs with the final weights.

    The validation alphabets are background alphabets held out of training, so the threshold is chosen
    without ever looking at the evaluation set it is then reported on.
    """
    codes = _set_codes(model, val_inputs, val_alphabet.size)
    batch = sample_pair_indices(val_alphabet, pairs, np.random.default_rng(seed + 2))
    scores = evaluation_pair_scores(codes, batch, model.head())
    return best_threshold(scores, batch.targets == 1)


def _set_codes(model: SiameseModel, inputs: np.ndarray, characters: int, shift: int | None = None) -> np.ndarray:
    """Codes (characters, 20, d) of downsampled drawings (characters, 20, s, s), with the model's test-time shift
    or ``shift``."""
    size, shift = inputs.shape[-1], model.test_time_shift if shift is None else shift
    codes = tower_codes(model.tower, inputs.reshape(-1, size, size, 1), 1024, shift)
    return codes.reshape(characters, DRAWINGS_PER_CHARACTER, -1)


# Shifts tried at the end of training: a pixel or two at the tower's scale (52 pixels for the compact tower).
TEST_TIME_SHIFTS = (0, 1, 2)


def choose_test_time_shift(model: SiameseModel, validation: ValidationSet, seed: int, way: int = 20,
                           tasks: int = 3000) -> tuple[int, dict[int, float]]:
    """The shift with the best validation N-way accuracy (ties: the smaller), and the accuracy of each, on
    ``tasks`` fresh validation tasks (400 would leave the choice to noise). Only for metric losses, whose codes are
    unit vectors; a BCE head was trained on single codes and keeps 0."""
    if model.loss == "bce":
        return 0, {}
    task_set = sample_tasks(validation.alphabet, way, tasks, np.random.default_rng(seed + 3), within_alphabet=True)
    accuracy = {shift: task_accuracy(_set_codes(model, validation.inputs, validation.alphabet.size, shift),
                                     task_set, None) for shift in TEST_TIME_SHIFTS}
    best = max(TEST_TIME_SHIFTS, key=lambda shift: (accuracy[shift], -shift))
    return best, accuracy


def finish_validation(model: SiameseModel, validation: ValidationSet, seed: int,
                      way: int = 20) -> tuple[dict[int, float], float, float]:
    """At the end of training: the test-time shift chosen (and set on ``model``), then the threshold calibrated
    with it: (validation accuracy per shift, threshold, validation pair accuracy at it)."""
    model.test_time_shift, accuracy = choose_test_time_shift(model, validation, seed, way)
    threshold, pair_accuracy = calibrate_threshold(model, validation.inputs, validation.alphabet, seed)
    return accuracy, threshold, pair_accuracy
