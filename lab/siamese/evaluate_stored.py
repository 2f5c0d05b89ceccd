"""Figures of a trained model on the evaluation alphabets, shared by the CLI, the pages and the model store.

Every function takes the codes of the whole evaluation set (computed once, then reused by every figure),
so the pages can keep them in a cache and the CLI computes them once per command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.lake_runs import LakeRun, load_runs, runs_path
from lab.data.omniglot import OmniglotSet, load_set
from lab.data.pairs import PairBatch, sample_pairs
from lab.evaluation.lake import evaluate_lake
from lab.evaluation.nearest import QUERY_DRAWERS, TEMPLATE_DRAWERS, nearest_template
from lab.evaluation.roc import equal_error_rate, roc_curve
from lab.evaluation.tasks import batch_accuracy
from lab.evaluation.verification import accuracy_at, evaluation_pair_scores
from lab.limits import PAIRS, TASKS, WAY
from lab.siamese.model import SiameseModel

FEATURE_LAYERS = ("features", "embedding")


def set_codes(model: SiameseModel, data: OmniglotSet, layer: str = "embedding") -> np.ndarray:
    """Codes of every drawing of a set, shape (characters, 20, d).

    ``embedding``: the tower's output, which the model compares; ``features``: the encoder without its last
    dense layer (the lecture's nearest-neighbour exercise).
    """
    flat = data.images.reshape(-1, *data.images.shape[2:])
    if layer == "embedding":
        codes = model.embed(flat)
    elif layer == "features":
        codes = model.features(flat)
    else:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(FEATURE_LAYERS)}")
    return codes.reshape(data.n_characters, data.images.shape[1], -1)


@dataclass(frozen=True)
class ScoredPairs:
    pairs: PairBatch
    scores: np.ndarray  # similarity in [0, 1]
    same: np.ndarray  # bool


def scored_pairs(
    model: SiameseModel, data: OmniglotSet, codes: np.ndarray, n_pairs: int = 10_000, seed: int = 0,
    within_alphabet: bool = False,
) -> ScoredPairs:
    """``n_pairs`` seeded random pairs of the set (half same, half different) with the model's scores."""
    PAIRS.check(n_pairs)
    batch = sample_pairs(data, n_pairs, np.random.default_rng(seed), within_alphabet=within_alphabet)
    return ScoredPairs(batch, evaluation_pair_scores(codes, batch, model.head()), batch.targets == 1)


def pair_figures(scored: ScoredPairs, threshold: float, seed: int = 0, within_alphabet: bool = False) -> dict:
    curve = roc_curve(scored.scores, scored.same)
    eer, eer_threshold = equal_error_rate(curve)
    return {
        "pairs": len(scored.pairs), "seed": seed, "within_alphabet": within_alphabet, "threshold": threshold,
        "pair_accuracy": accuracy_at(scored.scores, scored.same, threshold),
        "pair_accuracy_at_0.5": accuracy_at(scored.scores, scored.same, 0.5),
        "auc": curve.auc, "eer": eer, "eer_threshold": eer_threshold,
    }


def lake_figures(model: SiameseModel, runs: list[LakeRun]) -> dict:
    result = evaluate_lake(model.embed, model.head(), runs)
    return {"lake_accuracy": result.accuracy, "lake_run_accuracy": [round(float(a), 4) for a in result.run_accuracy]}


def hausdorff_figures(runs: list[LakeRun]) -> dict:
    """Lake's modified Hausdorff baseline, computed by our code on the same runs (about 5 s on 2 cores)."""
    from lab.evaluation.hausdorff import evaluate_hausdorff

    result = evaluate_hausdorff(runs)
    return {"hausdorff_accuracy": result.accuracy,
            "hausdorff_run_accuracy": [round(float(a), 4) for a in result.run_accuracy]}


def nway_figures(
    model: SiameseModel, data: OmniglotSet, codes: np.ndarray, ways: list[int], tasks: int = 1000, seed: int = 0,
    within_alphabet: bool = True,
) -> dict:
    """Accuracy on ``tasks`` seeded N-way tasks for each N, with 95% confidence intervals."""
    TASKS.check(tasks)
    for way in ways:
        WAY.check(way)
    rows = []
    for way in ways:
        result = batch_accuracy(codes, data.alphabet_index(), way, tasks, seed, model.head(), within_alphabet)
        low, high = result.interval
        rows.append({"way": way, "tasks": tasks, "correct": result.correct, "accuracy": result.accuracy,
                     "ci95_low": low, "ci95_high": high})
    return {"seed": seed, "within_alphabet": within_alphabet, "results": rows}


def nn_figures(features: np.ndarray, data: OmniglotSet, one_shot: bool = False) -> dict:
    """Nearest-template classification of drawers 10-19 by drawers 0-9 (or drawer 0 only, one-shot)."""
    templates = TEMPLATE_DRAWERS[:1] if one_shot else TEMPLATE_DRAWERS
    result = nearest_template(features, templates, QUERY_DRAWERS)
    by_alphabet = result.accuracy_by_group(data.alphabet_index())
    return {
        "templates_per_character": len(templates), "queries": int(result.predictions.size),
        "accuracy": result.accuracy,
        "alphabet_accuracy": {data.alphabet_names[a]: value for a, value in by_alphabet.items()},
        "confusions": [{"true": data.character_names[t], "chosen": data.character_names[c], "count": n}
                       for t, c, n in result.confusions(10)],
    }


def test_figures(model: SiameseModel, threshold: float, data_dir: Path | None = None) -> dict:
    """Lake's runs and 10,000 random evaluation pairs (seed 0): the figures stored with every model."""
    data = load_set("evaluation", data_dir)
    scored = scored_pairs(model, data, set_codes(model, data))
    return {**lake_figures(model, load_runs(runs_path(data_dir))), **pair_figures(scored, threshold)}
