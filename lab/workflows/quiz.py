"""The N-way one-shot quiz: you against the model on seeded tasks, one at a time, with the score kept.

A task is drawn and answered by the model exactly as a live class's round is (:func:`answered_task`, which
:func:`lab.workflows.classroom.start_round` calls too): drawn from the evaluation alphabets with a seed, scored from
the stored codes of the evaluation set. :class:`QuizState` is the player's side of it: which task, the pick, the
score; each step returns a new state, so a page keeps one object in its session and draws it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from lab.evaluation.tasks import quiz_task, task_scores
from lab.workflows.coded_set import CodedSet


@dataclass(frozen=True)
class AnsweredTask:
    """An N-way task with the model's answer: its similarity to every candidate, and its pick (the most similar)."""

    query: tuple[int, int]  # (character, drawer) in the evaluation set
    candidates: tuple[tuple[int, int], ...]
    answer: int  # the candidate of the query's character
    similarities: np.ndarray  # (n_way,)
    model_seconds: float  # the time the model took to score the candidates

    @property
    def n_way(self) -> int:
        return len(self.candidates)

    @property
    def model_answer(self) -> int:
        return int(np.argmax(self.similarities))

    @property
    def model_right(self) -> bool:
        return self.model_answer == self.answer


def answered_task(evaluation: CodedSet, n_way: int, seed: int, number: int = 0,
                  within_alphabet: bool = True) -> AnsweredTask:
    """Task ``number`` of the seeded sequence ``seed`` (the same numbers always give the same task), answered by the
    model from the evaluation set's stored codes (NumPy only, no network)."""
    task = quiz_task(evaluation.data.alphabet_index(), n_way, seed, number, within_alphabet)
    started = time.perf_counter()
    similarities = np.asarray(task_scores(evaluation.codes, task, evaluation.model.head())[0])
    seconds = time.perf_counter() - started
    candidates = tuple((int(character), int(drawer)) for character, drawer in task.candidates[0])
    query = (int(task.queries[0][0]), int(task.queries[0][1]))
    return AnsweredTask(query, candidates, int(task.answers[0]), similarities, seconds)


@dataclass(frozen=True)
class QuizSettings:
    n_way: int
    within_alphabet: bool  # every candidate from the query's alphabet (Lake's protocol, harder)
    seed: int


@dataclass(frozen=True)
class QuizState:
    """A quiz under fixed settings: the current task (0-based ``number``), the player's pick of it (None until
    answered), and the score so far. The answers are not part of it: a task is drawn again from its number."""

    settings: QuizSettings
    number: int = 0
    pick: int | None = None
    answered: int = 0
    you_right: int = 0
    model_right: int = 0

    @property
    def revealed(self) -> bool:
        return self.pick is not None

    def task(self, evaluation: CodedSet) -> AnsweredTask:
        settings = self.settings
        return answered_task(evaluation, settings.n_way, settings.seed, self.number, settings.within_alphabet)

    def picked(self, candidate: int, task: AnsweredTask) -> QuizState:
        """The player picks ``candidate`` of the current ``task``; a second pick of the same task does not count."""
        if self.revealed:
            return self
        return replace(self, pick=candidate, answered=self.answered + 1,
                       you_right=self.you_right + (candidate == task.answer),
                       model_right=self.model_right + task.model_right)

    def next_task(self) -> QuizState:
        return replace(self, number=self.number + 1, pick=None)


def quiz_for(settings: QuizSettings, current: QuizState | None) -> QuizState:
    """The quiz to go on with: ``current`` under the same settings, else a new quiz with a fresh score."""
    if current is not None and current.settings == settings:
        return current
    return QuizState(settings)
