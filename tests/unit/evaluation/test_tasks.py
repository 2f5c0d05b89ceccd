from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.tasks import sample_tasks, task_accuracy
from lab.evaluation.verification import accuracy_at, best_threshold
from lab.siamese.model import pair_similarity


def test_best_threshold_hand_worked() -> None:
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.6])
    same = np.array([0, 0, 1, 1, 1, 0], dtype=bool)
    # Sorted: 0.1 d, 0.35 s, 0.4 d, 0.6 d, 0.8 s, 0.9 s -> best cut between 0.6 and 0.8: 5 of 6 right.
    threshold, accuracy = best_threshold(scores, same)
    assert threshold == pytest.approx(0.7) and accuracy == pytest.approx(5 / 6)
    assert accuracy_at(scores, same, threshold) == pytest.approx(5 / 6)
    assert accuracy_at(scores, same, 0.5) == pytest.approx(4 / 6)


def test_best_threshold_all_same_or_ties() -> None:
    threshold, accuracy = best_threshold(np.array([0.5, 0.5, 0.5]), np.array([True, True, True]))
    assert accuracy == 1.0 and threshold < 0.5


def test_pair_similarity_metric_and_head() -> None:
    a = np.array([[1.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    assert pair_similarity(a, a, None)[0] == pytest.approx(1.0)
    assert pair_similarity(a, -a, None)[0] == pytest.approx(0.0)
    head = (np.array([-2.0, -2.0]), 1.0)  # logit = -2 * (1 + 1) + 1 = -3
    assert pair_similarity(a, b, head)[0] == pytest.approx(1 / (1 + np.exp(3)))


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
