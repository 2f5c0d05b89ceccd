"""The Omniglot workflows on the shipped default model and the real evaluation set: typed results, as_dict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lab.siamese.store import load_model
from lab.workflows.coded_set import CodedSet, set_codes
from lab.workflows.embedding_map import embedding_map
from lab.workflows.nearest import nearest_neighbour
from lab.workflows.nway import nway_accuracy
from lab.workflows.pairs import compare_drawings, pair_roc


@pytest.fixture(scope="module")
def default_evaluation(evaluation) -> CodedSet:  # type: ignore[no-untyped-def]
    model, info = load_model("default")
    return CodedSet(model, info, evaluation, set_codes(model, evaluation))


def test_pair_roc_decides_like_its_operating_points_and_lists_the_worst_errors(default_evaluation: CodedSet) -> None:
    roc = pair_roc(default_evaluation, 2000, seed=1)
    figures = roc.as_dict()
    json.dumps(figures)  # --json prints it as it is
    assert figures["pairs"] == 2000 and figures["seed"] == 1 and 0.95 < figures["auc"] <= 1
    point = roc.at(0.5)
    assert figures["pair_accuracy_at_0.5"] == pytest.approx(point.accuracy)
    accepts, rejects, accepted, rejected = roc.worst_errors(0.5, count=3)
    assert accepted == point.false_accepts and rejected == point.false_rejects
    assert [e.score for e in accepts] == sorted((e.score for e in accepts), reverse=True)
    assert all(e.score > 0.5 for e in accepts) and all(e.score <= 0.5 for e in rejects)
    assert all(e.left[0] != e.right[0] for e in accepts) and all(e.left[0] == e.right[0] for e in rejects)
    assert roc.at(roc.threshold_for_far(0.01)).false_accept_rate <= 0.01


def test_nway_rows_are_sorted_and_lower_n_is_easier(default_evaluation: CodedSet) -> None:
    result = nway_accuracy(default_evaluation, [20, 2, 20], tasks=200, seed=0)
    assert [row.way for row in result.rows] == [2, 20]
    assert result.rows[0].accuracy > result.rows[1].accuracy
    assert all(row.ci95_low <= row.accuracy <= row.ci95_high for row in result.rows)
    assert result.as_dict()["results"][1]["way"] == 20


def test_nearest_neighbour_names_alphabets_confusions_and_the_hardest_character(default_evaluation: CodedSet) -> None:
    exercise = nearest_neighbour(default_evaluation.codes, default_evaluation.data, one_shot=True)
    assert set(exercise.alphabet_accuracy) == set(default_evaluation.data.alphabet_names)
    assert exercise.hardest in default_evaluation.data.character_names
    assert exercise.hardest_accuracy == min(exercise.result.correct.mean(axis=1))
    assert [n for _, _, n in exercise.confusions] == sorted((n for _, _, n in exercise.confusions), reverse=True)
    assert exercise.as_dict()["templates_per_character"] == 1


def test_embedding_map_has_a_point_per_drawing_and_pca_says_its_variance(default_evaluation: CodedSet) -> None:
    alphabet = default_evaluation.data.alphabet_names[0]
    found = embedding_map(default_evaluation, alphabet, characters=3, method="PCA")
    assert found.points.shape == (60, 2) and found.characters.tolist() == [0] * 20 + [1] * 20 + [2] * 20
    assert found.drawers.tolist() == list(range(20)) * 3
    assert found.explained is not None and 0 < found.explained[1] <= found.explained[0] < 1
    assert found.first == default_evaluation.data.alphabets[alphabet][0]


def test_compare_drawings_matches_the_models_own_similarity(default_evaluation: CodedSet) -> None:
    images = default_evaluation.data.images
    same = compare_drawings(default_evaluation.model, images[0, 0], images[0, 1], default_evaluation.threshold)
    different = compare_drawings(default_evaluation.model, images[0, 0], images[5, 1], default_evaluation.threshold)
    assert same.similarity > different.similarity
    codes = default_evaluation.model.embed(np.stack([images[0, 0], images[0, 1]]))
    assert same.similarity == pytest.approx(float(default_evaluation.model.similarity(codes[:1], codes[1:])[0]))
    if same.logit is None:  # a metric model: similarity = 1 - distance / 2
        assert same.distance == pytest.approx(2 * (1 - same.similarity))
