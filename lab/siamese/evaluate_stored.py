"""The test figures stored with every trained model: Lake's 20 runs and 10,000 evaluation pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.data.lake_runs import load_runs, runs_path
from lab.data.omniglot import load_set
from lab.data.pairs import sample_pairs
from lab.evaluation.lake import evaluate_lake
from lab.evaluation.verification import accuracy_at, evaluation_pair_scores
from lab.siamese.model import SiameseModel


def set_codes(model: SiameseModel, set_name: str, data_dir: Path | None = None):
    """(the set, codes of its every drawing with shape (characters, 20, d))."""
    data = load_set(set_name, data_dir)
    codes = model.embed(data.images.reshape(-1, 105, 105)).reshape(data.n_characters, 20, -1)
    return data, codes


def lake_figures(model: SiameseModel, data_dir: Path | None = None) -> dict:
    result = evaluate_lake(model, load_runs(runs_path(data_dir)))
    return {"lake_accuracy": result.accuracy, "lake_run_accuracy": [round(float(a), 4) for a in result.run_accuracy]}


def pair_figures(
    model: SiameseModel, threshold: float, data_dir: Path | None = None, pairs: int = 10_000, seed: int = 0,
    within_alphabet: bool = False,
) -> dict:
    data, codes = set_codes(model, "evaluation", data_dir)
    batch = sample_pairs(data, pairs, np.random.default_rng(seed), within_alphabet=within_alphabet)
    scores = evaluation_pair_scores(codes, batch, model.head())
    same = batch.targets == 1
    return {
        "pairs": pairs, "seed": seed, "within_alphabet": within_alphabet, "threshold": threshold,
        "pair_accuracy": accuracy_at(scores, same, threshold), "pair_accuracy_at_0.5": accuracy_at(scores, same, 0.5),
    }


def test_figures(model: SiameseModel, threshold: float, data_dir: Path | None = None) -> dict:
    """Lake's runs and 10,000 random evaluation pairs (seed 0): the figures reported for every model."""
    return {**lake_figures(model, data_dir), **pair_figures(model, threshold, data_dir)}
