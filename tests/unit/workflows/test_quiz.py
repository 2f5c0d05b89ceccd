"""The N-way quiz workflow: tasks answered by the model as a class round is, and the quiz's steps (no page, no
network: hand-made codes on a stand-in evaluation)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lab.evaluation.tasks import quiz_task, task_scores
from lab.workflows.quiz import QuizSettings, QuizState, answered_task, quiz_for


@pytest.fixture(scope="module")
def evaluation() -> SimpleNamespace:
    """Three alphabets of 8 characters, 20 drawers, unit-length random codes, a metric model (no head)."""
    rng = np.random.default_rng(5)
    codes = rng.normal(size=(24, 20, 16))
    codes /= np.linalg.norm(codes, axis=-1, keepdims=True)
    data = SimpleNamespace(alphabet_index=lambda: np.repeat(np.arange(3), 8))
    return SimpleNamespace(data=data, codes=codes, model=SimpleNamespace(head=lambda: None))


def test_an_answered_task_is_the_quiz_task_scored(evaluation: SimpleNamespace) -> None:
    task = answered_task(evaluation, 6, seed=3, number=2, within_alphabet=True)  # type: ignore[arg-type]
    drawn = quiz_task(evaluation.data.alphabet_index(), 6, 3, 2, True)
    assert task.query == tuple(drawn.queries[0]) and task.answer == int(drawn.answers[0]) and task.n_way == 6
    assert task.candidates == tuple(map(tuple, drawn.candidates[0].tolist()))
    assert np.allclose(task.similarities, task_scores(evaluation.codes, drawn, None)[0])
    assert task.model_answer == int(np.argmax(task.similarities)) and task.model_seconds >= 0
    assert task.model_right == (task.model_answer == task.answer)
    again = answered_task(evaluation, 6, seed=3, number=2, within_alphabet=True)  # type: ignore[arg-type]
    assert again.candidates == task.candidates and again.answer == task.answer


def test_a_pick_counts_once_and_the_next_task_clears_it(evaluation: SimpleNamespace) -> None:
    state = QuizState(QuizSettings(5, True, 0))
    task = state.task(evaluation)  # type: ignore[arg-type]
    assert not state.revealed and state.answered == 0
    wrong = (task.answer + 1) % task.n_way
    picked = state.picked(wrong, task)
    assert picked.revealed and picked.pick == wrong and picked.answered == 1 and picked.you_right == 0
    assert picked.model_right == int(task.model_right)
    assert picked.picked(task.answer, task) is picked  # a second click on the same task does not count twice
    following = picked.next_task()
    assert following.number == 1 and not following.revealed and following.answered == 1
    right = following.picked(following.task(evaluation).answer, following.task(evaluation))  # type: ignore[arg-type]
    assert right.you_right == 1 and right.answered == 2
    assert state.number == 0 and state.pick is None  # every step is a new state


def test_new_settings_start_a_new_quiz(evaluation: SimpleNamespace) -> None:
    settings = QuizSettings(5, True, 0)
    first = quiz_for(settings, None)
    played = first.picked(0, first.task(evaluation)).next_task()  # type: ignore[arg-type]
    assert quiz_for(settings, played) is played
    fresh = quiz_for(QuizSettings(5, False, 0), played)
    assert fresh == QuizState(QuizSettings(5, False, 0)) and fresh.answered == 0
