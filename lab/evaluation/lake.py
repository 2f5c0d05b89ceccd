"""Lake's 20 official 20-way within-alphabet one-shot runs, and the published figures beside ours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab.data.lake_runs import LakeRun
from lab.evaluation.scoring import Head, similarity_matrix
from lab.i18n import N_

# Accuracy on these 20 runs as published (Lake et al. 2015, Science; Koch et al. 2015). The names are keys of the
# JSON output and stay English there; marked with N_ so that pages show _(name).
PUBLISHED = {
    N_("Humans"): 0.955,
    N_("Bayesian Program Learning (BPL)"): 0.967,
    N_("Siamese network (Koch et al. 2015)"): 0.920,
    N_("Modified Hausdorff distance"): 0.612,
    N_("Nearest neighbour on pixels"): 0.217,
}


@dataclass(frozen=True)
class LakeResult:
    """The training class chosen for every test item of every run, beside the right ones."""

    predictions: np.ndarray  # (20 runs, 20 items): chosen training class
    answers: np.ndarray  # (20 runs, 20 items): the right training class

    @classmethod
    def of(cls, predictions: np.ndarray, runs: list[LakeRun]) -> LakeResult:
        return cls(predictions, np.stack([run.answers for run in runs]))

    @property
    def run_accuracy(self) -> np.ndarray:
        """(20,) share of each run's test items classified right."""
        return (self.predictions == self.answers).mean(axis=1)

    @property
    def accuracy(self) -> float:
        return float(self.run_accuracy.mean())


def evaluate_lake(embed: Callable[[np.ndarray], np.ndarray], head: Head | None, runs: list[LakeRun]) -> LakeResult:
    """Each test item is assigned the training class of highest similarity; accuracy per run.

    ``embed`` turns (n, 105, 105) drawings into (n, d) codes (a model's ``embed``); ``head`` scores them.
    """
    everything = np.concatenate([np.concatenate([run.training, run.test]) for run in runs])
    codes = embed(everything).reshape(len(runs), 40, -1)
    return LakeResult.of(np.stack([similarity_matrix(c[20:], c[:20], head).argmax(axis=1) for c in codes]), runs)
