"""N-way one-shot tasks: seeded batches of tasks per N with confidence intervals, and Lake's 20 official runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.config import array_cache_dir
from lab.data.lake_runs import N_WAY, LakeRun
from lab.disk_cache import stored_array
from lab.evaluation.lake import PUBLISHED, LakeResult, evaluate_lake
from lab.evaluation.tasks import batch_accuracy
from lab.export import csv_text
from lab.limits import TASKS, WAY
from lab.siamese.code_store import stored_codes
from lab.siamese.model import LazyModel, SiameseModel
from lab.workflows.coded_set import CodedSet


@dataclass(frozen=True)
class NWayRow:
    way: int
    tasks: int
    correct: int
    accuracy: float
    ci95_low: float
    ci95_high: float


@dataclass(frozen=True)
class NWayAccuracy:
    seed: int
    within_alphabet: bool
    rows: tuple[NWayRow, ...]

    def as_csv(self) -> str:
        """One row per N: tasks, right answers, accuracy and its Wilson 95% interval (fractions, not percent)."""
        header = ("way", "tasks", "correct", "accuracy", "ci95_low", "ci95_high")
        return csv_text(header, ([getattr(row, name) for name in header] for row in self.rows))

    def as_dict(self) -> dict:
        return {"seed": self.seed, "within_alphabet": self.within_alphabet,
                "results": [dict(vars(row)) for row in self.rows]}


def nway_accuracy(evaluation: CodedSet, ways: list[int], tasks: int = 1000, seed: int = 0,
                  within_alphabet: bool = True) -> NWayAccuracy:
    """Accuracy on ``tasks`` seeded N-way tasks for each N, with Wilson 95% confidence intervals."""
    TASKS.check(tasks)
    for way in ways:
        WAY.check(way)
    rows = []
    for way in sorted(set(ways)):
        result = batch_accuracy(evaluation.codes, evaluation.data.alphabet_index(), way, tasks, seed,
                                evaluation.model.head(), within_alphabet)
        low, high = result.interval
        rows.append(NWayRow(way, tasks, result.correct, result.accuracy, low, high))
    return NWayAccuracy(seed, within_alphabet, tuple(rows))


@dataclass(frozen=True)
class LakeEvaluation:
    """The model on Lake's 20 runs, beside Lake's modified Hausdorff baseline computed here (None if not asked)."""

    model_name: str
    model: LakeResult
    baseline: LakeResult | None

    def as_csv(self) -> str:
        """One row per run of Lake's 20: accuracy and errors (of its 20 test drawings) of the model, and of the
        modified Hausdorff baseline when it was computed."""
        results = {"model": self.model} | ({"hausdorff": self.baseline} if self.baseline is not None else {})
        header = ["run", *(f"{name}_{column}" for name in results for column in ("accuracy", "errors"))]
        accuracy = {name: result.run_accuracy for name, result in results.items()}
        errors = {name: (result.predictions != result.answers).sum(axis=1) for name, result in results.items()}
        rows = ([run + 1, *(v for name in results for v in (float(accuracy[name][run]), int(errors[name][run])))]
                for run in range(len(self.model.run_accuracy)))
        return csv_text(header, rows)

    def as_dict(self) -> dict:
        figures = {"model": self.model_name, "lake_accuracy": self.model.accuracy,
                   "lake_run_accuracy": [round(float(a), 4) for a in self.model.run_accuracy], "published": PUBLISHED}
        if self.baseline is not None:
            figures.update(hausdorff_accuracy=self.baseline.accuracy,
                           hausdorff_run_accuracy=[round(float(a), 4) for a in self.baseline.run_accuracy])
        return figures


def hausdorff_baseline(runs: list[LakeRun], runs_version: str = "") -> LakeResult:
    """Lake's modified Hausdorff baseline, computed by our code on the runs (about 5 s on 2 cores; no model). With
    ``runs_version`` (the runs file's fingerprint) its answers are kept in the array cache and read next time."""
    from lab.evaluation.hausdorff import evaluate_hausdorff

    if not runs_version:
        return evaluate_hausdorff(runs)
    predictions = stored_array([array_cache_dir() / "lake-hausdorff.npz"], f"format=1;runs={runs_version}",
                               lambda: evaluate_hausdorff(runs).predictions,
                               lambda found: found.dtype.kind == "i" and found.shape == (len(runs), N_WAY))
    return LakeResult.of(predictions, runs)


def lake_evaluation(model: SiameseModel | LazyModel, model_name: str, runs: list[LakeRun],
                    baseline: LakeResult | None = None, stored: tuple[Path, str] | None = None) -> LakeEvaluation:
    """The model on Lake's 20 runs (20-way, within alphabet), beside ``baseline`` (:func:`hausdorff_baseline`),
    which does not depend on the model and so is computed once by whoever shows several models. ``stored``: the
    model's file and the runs file's fingerprint, to keep the runs' codes beside the model (lab.siamese.code_store)."""
    def embed(ink: np.ndarray) -> np.ndarray:
        if stored is None:
            return model.embed(ink)
        model_path, runs_version = stored
        return stored_codes(model_path, "lake-embedding", runs_version, lambda: model.embed(ink), rows=(len(ink),))

    return LakeEvaluation(model_name, evaluate_lake(embed, model.head(), runs), baseline)
