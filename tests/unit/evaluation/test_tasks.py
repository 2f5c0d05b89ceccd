"""N-way one-shot tasks: sampling, accuracy, batches, quizzes and confidence intervals."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.tasks import batch_accuracy, quiz_task, sample_tasks, task_accuracy, wilson_interval
from tests.support.codes import perfect_codes


def test_tasks_have_one_right_candidate_within_alphabet() -> None:
    alphabet_of = np.repeat(np.arange(4), 25)  # 4 alphabets of 25 characters
    tasks = sample_tasks(alphabet_of, 20, 50, np.random.default_rng(0))
    assert tasks.candidates.shape == (50, 20, 2) and tasks.n_way == 20
    for t in range(50):
        characters = tasks.candidates[t, :, 0]
        assert len(set(characters)) == 20
        assert len(set(alphabet_of[characters])) == 1
        assert characters[tasks.answers[t]] == tasks.queries[t, 0]
        assert tasks.candidates[t, tasks.answers[t], 1] != tasks.queries[t, 1], "query and its match: two drawers"
    again = sample_tasks(alphabet_of, 20, 50, np.random.default_rng(0))
    assert np.array_equal(again.candidates, tasks.candidates)


def test_task_accuracy_with_perfect_and_useless_codes() -> None:
    alphabet_of = np.zeros(30, dtype=int)
    tasks = sample_tasks(alphabet_of, 5, 100, np.random.default_rng(1))
    perfect = np.repeat(np.eye(30)[:, None, :], 20, axis=1)  # every drawing of a character has its own code
    assert task_accuracy(perfect, tasks, None) == 1.0
    constant = np.ones((30, 20, 4))
    assert task_accuracy(constant, tasks, None) < 0.5  # ties go to the first candidate: chance level


def test_too_few_characters_for_the_way() -> None:
    with pytest.raises(ValueError):
        sample_tasks(np.zeros(5, dtype=int), 20, 1, np.random.default_rng(0))


def test_wilson_interval_known_values() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(50, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_batch_accuracy_perfect_and_chance() -> None:
    alphabet_of = np.repeat(np.arange(3), 10)
    result = batch_accuracy(perfect_codes(), alphabet_of, 5, 200, seed=1, head=None)
    assert (result.tasks, result.correct, result.accuracy) == (200, 200, 1.0)
    noise = np.random.default_rng(2).normal(size=(30, 20, 8))
    chance = batch_accuracy(noise, alphabet_of, 5, 2000, seed=1, head=None)
    low, high = chance.interval
    assert low < 0.2 < high and 0.15 < chance.accuracy < 0.25


def test_quiz_tasks_are_reproducible_and_valid() -> None:
    alphabet_of = np.repeat(np.arange(4), 20)
    first = quiz_task(alphabet_of, 16, seed=7, number=3, within_alphabet=True)
    again = quiz_task(alphabet_of, 16, seed=7, number=3, within_alphabet=True)
    other = quiz_task(alphabet_of, 16, seed=7, number=4, within_alphabet=True)
    np.testing.assert_array_equal(first.candidates, again.candidates)
    assert not np.array_equal(first.candidates, other.candidates)
    answer = first.answers[0]
    assert first.candidates[0, answer, 0] == first.queries[0, 0]
    assert first.candidates[0, answer, 1] != first.queries[0, 1]  # another person's drawing
    assert len(set(first.candidates[0, :, 0])) == 16 and len(set(alphabet_of[first.candidates[0, :, 0]])) == 1
