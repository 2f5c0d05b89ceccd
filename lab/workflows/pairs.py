"""Pair verification: random same/different pairs of evaluation drawings scored by a model; ROC, EER, errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.data.omniglot import OmniglotSet
from lab.data.pairs import PairBatch, sample_pairs
from lab.evaluation.roc import (
    OperatingPoint, RocCurve, equal_error_rate, operating_point, operating_points, roc_curve, score_histogram,
    threshold_for_false_accept_rate,
)
from lab.evaluation.verification import accuracy_at, evaluation_pair_scores
from lab.export import csv_text
from lab.limits import PAIRS
from lab.siamese.model import LazyModel, SiameseModel
from lab.workflows.coded_set import CodedSet

COURSE_THRESHOLD = 0.5  # the threshold of the course's notebook


@dataclass(frozen=True)
class ScoredPairs:
    pairs: PairBatch
    scores: np.ndarray  # similarity in [0, 1]
    same: np.ndarray  # bool


def scored_pairs(model: SiameseModel, data: OmniglotSet, codes: np.ndarray, n_pairs: int = 10_000, seed: int = 0,
                 within_alphabet: bool = False) -> ScoredPairs:
    """``n_pairs`` seeded random pairs of the set (half same, half different) with the model's scores."""
    PAIRS.check(n_pairs)
    batch = sample_pairs(data, n_pairs, np.random.default_rng(seed), within_alphabet=within_alphabet)
    return ScoredPairs(batch, evaluation_pair_scores(codes, batch, model.head()), batch.targets == 1)


@dataclass(frozen=True)
class PairError:
    """A pair decided wrongly: the (character, drawer) of each side and the model's score."""

    left: tuple[int, int]
    right: tuple[int, int]
    score: float


@dataclass(frozen=True)
class PairRoc:
    """Everything that does not depend on a threshold, and what a threshold then decides."""

    scored: ScoredPairs
    curve: RocCurve  # every threshold, for the EER
    drawn: RocCurve  # corners only, for the plot
    eer: float
    eer_threshold: float
    model_threshold: float
    seed: int
    within_alphabet: bool
    same_counts: np.ndarray  # score histograms (50 bins over 0..1)
    different_counts: np.ndarray
    edges: np.ndarray

    def at(self, threshold: float) -> OperatingPoint:
        return operating_point(self.scored.scores, self.scored.same, threshold)

    def accuracy_at(self, threshold: float) -> float:
        return accuracy_at(self.scored.scores, self.scored.same, threshold)

    def threshold_for_far(self, target: float) -> float:
        """The lowest threshold whose false accept rate is at most ``target`` (a fraction)."""
        return threshold_for_false_accept_rate(self.scored.scores, self.scored.same, target)

    def worst_errors(self, threshold: float, count: int = 6) -> tuple[list[PairError], list[PairError], int, int]:
        """The ``count`` worst false accepts (highest scores) and false rejects (lowest), and how many of each."""
        scores, same, pairs = self.scored.scores, self.scored.same, self.scored.pairs
        found, counts = [], []
        for wrong, order in ((~same & (scores > threshold), -1), (same & (scores <= threshold), 1)):
            indices = np.flatnonzero(wrong)
            worst = indices[np.argsort(order * scores[indices], kind="stable")[:count]]
            found.append([PairError(tuple(map(int, pairs.left[i])), tuple(map(int, pairs.right[i])), float(scores[i]))
                          for i in worst])
            counts.append(int(indices.size))
        return found[0], found[1], counts[0], counts[1]

    def as_csv(self) -> str:
        """Every operating point of the ROC (threshold, TPR, FAR, FRR, accuracy), lowest threshold first."""
        columns = operating_points(self.scored.scores, self.scored.same)
        header = ("threshold", "tpr", "far", "frr", "accuracy")
        return csv_text(header, zip(*(columns[name].tolist() for name in header)))

    def as_dict(self) -> dict:
        return {
            "pairs": len(self.scored.pairs), "seed": self.seed, "within_alphabet": self.within_alphabet,
            "threshold": self.model_threshold, "pair_accuracy": self.accuracy_at(self.model_threshold),
            "pair_accuracy_at_0.5": self.accuracy_at(COURSE_THRESHOLD),
            "auc": self.curve.auc, "eer": self.eer, "eer_threshold": self.eer_threshold,
        }


def roc_of(scored: ScoredPairs, model_threshold: float, seed: int = 0, within_alphabet: bool = False) -> PairRoc:
    """The ROC, EER and histograms of pairs already scored."""
    curve = roc_curve(scored.scores, scored.same)
    eer, eer_threshold = equal_error_rate(curve)
    same_counts, edges = score_histogram(scored.scores[scored.same])
    different_counts, _ = score_histogram(scored.scores[~scored.same])
    return PairRoc(scored, curve, roc_curve(scored.scores, scored.same, drop_intermediate=True), eer, eer_threshold,
                   model_threshold, seed, within_alphabet, same_counts, different_counts, edges)


def pair_roc(evaluation: CodedSet, n_pairs: int = 10_000, seed: int = 0, within_alphabet: bool = False) -> PairRoc:
    """Score ``n_pairs`` seeded random evaluation pairs with the model and measure the ROC."""
    scored = scored_pairs(evaluation.model, evaluation.data, evaluation.codes, n_pairs, seed, within_alphabet)
    return roc_of(scored, evaluation.threshold, seed, within_alphabet)


@dataclass(frozen=True)
class DrawingComparison:
    """Two drawings through the model: the similarity score, what it comes from, and the decision."""

    similarity: float  # 0 to 1
    logit: float | None  # BCE models: the head's weighted L1 distance before the sigmoid
    distance: float | None  # metric models: the Euclidean distance of the unit-length codes (0 to 2)
    threshold: float

    @property
    def same(self) -> bool:
        return self.similarity > self.threshold

    def as_dict(self) -> dict:
        return {"similarity": self.similarity, "logit": self.logit, "distance": self.distance,
                "threshold": self.threshold, "same": self.same}


def compare_codes(model: SiameseModel | LazyModel, left: np.ndarray, right: np.ndarray,
                  threshold: float) -> DrawingComparison:
    """Compare two drawings' (d,) codes as the model does."""
    similarity = float(model.similarity(left[None], right[None])[0])
    head = model.head()
    if head is None:  # the codes have length 1, so similarity = 1 - distance / 2
        return DrawingComparison(similarity, None, 2 * (1 - similarity), threshold)
    kernel, bias = head
    return DrawingComparison(similarity, float(np.abs(left - right) @ kernel + bias), None, threshold)


def compare_drawings(model: SiameseModel | LazyModel, left: np.ndarray, right: np.ndarray, threshold: float,
                     codes: tuple[np.ndarray | None, np.ndarray | None] = (None, None)) -> DrawingComparison:
    """Embed two (105, 105) ink drawings and compare them as the model does. ``codes``: a drawing's (d,) code where
    it is known already (a drawing of the evaluation set), so that only the others go through the network."""
    drawings = (left, right)
    missing = [side for side, code in enumerate(codes) if code is None]
    embedded = dict(zip(missing, model.embed(np.stack([drawings[side] for side in missing])))) if missing else {}
    known = [embedded[side] if code is None else code for side, code in enumerate(codes)]
    return compare_codes(model, known[0], known[1], threshold)
