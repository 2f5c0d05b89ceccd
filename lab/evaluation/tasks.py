"""N-way one-shot tasks: one query drawing and N candidates, exactly one of the query's character.

Tasks are index arrays (character, drawer), drawn with a seeded generator, so a task set is reproducible
and cheap to score once the codes of all drawings are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.evaluation.scoring import pair_similarity


@dataclass(frozen=True)
class TaskSet:
    """``candidates[t, answers[t]]`` is of the same character as ``queries[t]`` (different drawer)."""

    queries: np.ndarray  # (tasks, 2): character, drawer
    candidates: np.ndarray  # (tasks, n_way, 2)
    answers: np.ndarray  # (tasks,)

    @property
    def n_way(self) -> int:
        return int(self.candidates.shape[1])

    def __len__(self) -> int:
        return int(self.answers.shape[0])


def sample_tasks(
    alphabet_of: np.ndarray,
    n_way: int,
    n_tasks: int,
    rng: np.random.Generator,
    within_alphabet: bool = True,
    characters: np.ndarray | None = None,
    n_drawers: int = 20,
) -> TaskSet:
    """``n_tasks`` tasks of ``n_way`` candidates over the characters whose alphabets are ``alphabet_of``.

    Within an alphabet (Lake's protocol), every candidate comes from the query's alphabet; alphabets with
    fewer than ``n_way`` characters are skipped.
    """
    if n_way < 2:
        raise ValueError("an N-way task needs at least 2 candidates")
    pool = np.arange(alphabet_of.size) if characters is None else np.asarray(characters)
    if within_alphabet:
        groups = [pool[alphabet_of[pool] == a] for a in np.unique(alphabet_of[pool])]
        groups = [g for g in groups if g.size >= n_way]
        if not groups:
            raise ValueError(f"no alphabet has {n_way} characters to draw from")
    else:
        if pool.size < n_way:
            raise ValueError(f"only {pool.size} characters to draw {n_way} candidates from")
        groups = [pool]
    queries = np.empty((n_tasks, 2), dtype=np.int64)
    candidates = np.empty((n_tasks, n_way, 2), dtype=np.int64)
    answers = rng.integers(0, n_way, size=n_tasks)
    group_choice = rng.integers(0, len(groups), size=n_tasks)
    for t in range(n_tasks):
        chosen = rng.choice(groups[group_choice[t]], size=n_way, replace=False)
        query_drawer, support_drawer = rng.choice(n_drawers, size=2, replace=False)
        support_drawers = rng.integers(0, n_drawers, size=n_way)
        support_drawers[answers[t]] = support_drawer
        candidates[t, :, 0] = chosen
        candidates[t, :, 1] = support_drawers
        queries[t] = (chosen[answers[t]], query_drawer)
    return TaskSet(queries, candidates, answers)


def task_scores(codes: np.ndarray, tasks: TaskSet, head: tuple[np.ndarray, float] | None) -> np.ndarray:
    """(tasks, n_way) similarity of each query to each candidate; ``codes`` is (characters, 20, d)."""
    query_codes = codes[tasks.queries[:, 0], tasks.queries[:, 1]]  # (t, d)
    candidate_codes = codes[tasks.candidates[..., 0], tasks.candidates[..., 1]]  # (t, n, d)
    return pair_similarity(query_codes[:, None, :], candidate_codes, head)


def answered_right(codes: np.ndarray, tasks: TaskSet, head: tuple[np.ndarray, float] | None) -> np.ndarray:
    """(tasks,) bool: whether each task's most similar candidate is the right one."""
    return task_scores(codes, tasks, head).argmax(axis=1) == tasks.answers


def task_accuracy(codes: np.ndarray, tasks: TaskSet, head: tuple[np.ndarray, float] | None) -> float:
    """Fraction of tasks whose most similar candidate is the right one."""
    return float(np.mean(answered_right(codes, tasks, head)))


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% confidence interval of a success rate (Wilson score interval; sound near 0% and 100% too)."""
    if trials <= 0:
        raise ValueError("a confidence interval needs at least one trial")
    p = successes / trials
    denominator = 1.0 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denominator
    half_width = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denominator
    return float(max(0.0, centre - half_width)), float(min(1.0, centre + half_width))


@dataclass(frozen=True)
class BatchAccuracy:
    """The model on ``tasks`` N-way tasks: how many it got right, with a 95% confidence interval."""

    n_way: int
    tasks: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.tasks

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.tasks)


def batch_accuracy(
    codes: np.ndarray, alphabet_of: np.ndarray, n_way: int, n_tasks: int, seed: int,
    head: tuple[np.ndarray, float] | None, within_alphabet: bool = True,
) -> BatchAccuracy:
    """The model on ``n_tasks`` seeded N-way tasks over all characters whose codes are given."""
    tasks = sample_tasks(alphabet_of, n_way, n_tasks, np.random.default_rng(seed), within_alphabet)
    return BatchAccuracy(n_way, n_tasks, int(np.sum(answered_right(codes, tasks, head))))


def quiz_task(alphabet_of: np.ndarray, n_way: int, seed: int, number: int, within_alphabet: bool) -> TaskSet:
    """Task ``number`` of the quiz sequence ``seed``: the same numbers always give the same task."""
    return sample_tasks(alphabet_of, n_way, 1, np.random.default_rng([seed, number]), within_alphabet)
