"""The Omniglot workflows in the fast tier: the shipped model on the miniature Omniglot (no ../shared needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.data.lake_runs import load_runs, runs_path
from lab.siamese.store import load_model
from lab.workflows.coded_set import CodedSet, load_coded_set, set_codes
from lab.workflows.embedding_map import embedding_map
from lab.workflows.nearest import nearest_neighbour
from lab.workflows.nway import hausdorff_baseline, lake_evaluation, nway_accuracy
from lab.workflows.pairs import compare_codes, compare_drawings, pair_roc


@pytest.fixture(scope="module")
def mini(mini_evaluation) -> CodedSet:  # type: ignore[no-untyped-def]
    model, info = load_model("default")
    return CodedSet(model, info, mini_evaluation, set_codes(model, mini_evaluation))


def test_load_coded_set_embeds_every_drawing_of_the_folder(miniature_omniglot: Path) -> None:
    evaluation = load_coded_set("default", miniature_omniglot, "features")
    assert evaluation.codes.shape[:2] == (evaluation.data.n_characters, 20)
    assert evaluation.key[0] == "default" and 0 < evaluation.threshold < 1


def test_every_result_prints_as_json(mini: CodedSet, miniature_omniglot: Path) -> None:
    runs = load_runs(runs_path(miniature_omniglot))
    results = [pair_roc(mini, 200), nway_accuracy(mini, [2, 5], tasks=50), nearest_neighbour(mini.codes, mini.data),
               embedding_map(mini, mini.data.alphabet_names[0], 3, "PCA"),
               lake_evaluation(mini.model, "default", runs, hausdorff_baseline(runs))]
    for result in results:
        assert json.loads(json.dumps(result.as_dict()))  # plain types only: what --json prints
    lake = results[-1].as_dict()
    assert len(lake["lake_run_accuracy"]) == 20 and "hausdorff_accuracy" in lake and "published" in lake


def test_pair_roc_on_the_miniature_set(mini: CodedSet) -> None:
    roc = pair_roc(mini, 200, seed=3)
    assert len(roc.scored.pairs) == 200 and int(roc.scored.same.sum()) == 100
    assert roc.same_counts.sum() == 100 and roc.different_counts.sum() == 100
    assert roc.at(1.0).false_accepts == 0 and roc.at(-1.0).false_rejects == 0


def read_csv(text: str):  # type: ignore[no-untyped-def]
    import io

    import pandas as pd

    return pd.read_csv(io.StringIO(text))


def test_results_export_as_csv(mini: CodedSet, miniature_omniglot: Path) -> None:
    roc = pair_roc(mini, 200, seed=3)
    points = read_csv(roc.as_csv())
    assert list(points.columns) == ["threshold", "tpr", "far", "frr", "accuracy"]
    assert len(points) == len(set(roc.scored.scores.tolist()))  # one row per distinct score
    row = points.iloc[len(points) // 2]
    at = roc.at(float(row["threshold"]))
    assert row["far"] == pytest.approx(at.false_accept_rate, abs=1e-5)
    assert row["accuracy"] == pytest.approx(at.accuracy, abs=1e-5)
    assert (points["tpr"] + points["frr"]).round(5).eq(1).all()

    nway = read_csv(nway_accuracy(mini, [2, 5], tasks=50).as_csv())
    assert list(nway.columns) == ["way", "tasks", "correct", "accuracy", "ci95_low", "ci95_high"]
    assert list(nway["way"]) == [2, 5] and list(nway["tasks"]) == [50, 50]
    assert (nway["correct"] / nway["tasks"]).round(5).equals(nway["accuracy"].round(5))

    runs = load_runs(runs_path(miniature_omniglot))
    lake = lake_evaluation(mini.model, "default", runs, hausdorff_baseline(runs))
    table = read_csv(lake.as_csv())
    assert list(table.columns) == ["run", "model_accuracy", "model_errors", "hausdorff_accuracy", "hausdorff_errors"]
    assert list(table["run"]) == list(range(1, 21))
    assert (table["model_errors"] == ((1 - table["model_accuracy"]) * 20).round().astype(int)).all()
    assert list(read_csv(lake_evaluation(mini.model, "default", runs).as_csv()).columns) == [
        "run", "model_accuracy", "model_errors"]  # without the baseline


def test_comparing_stored_codes_equals_comparing_the_drawings(mini: CodedSet) -> None:
    images = mini.data.images
    for left, right in (((0, 0), (0, 1)), ((0, 0), (5, 1))):
        drawn = compare_drawings(mini.model, images[left], images[right], mini.threshold)
        stored = compare_codes(mini.model, mini.codes[left], mini.codes[right], mini.threshold)
        assert stored.similarity == pytest.approx(drawn.similarity, abs=1e-5) and stored.same == drawn.same


def test_compare_drawings_embeds_only_the_drawings_without_a_known_code(mini: CodedSet) -> None:
    """The two-drawings page: a drawing of the set comes with its stored code; only an upload goes through the
    network, and two known codes need no network at all."""
    embedded: list[int] = []

    class Counting:
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(mini.model, name)

        def embed(self, ink):  # type: ignore[no-untyped-def]
            embedded.append(len(ink))
            return mini.model.embed(ink)

    images, codes = mini.data.images, mini.codes
    both = compare_drawings(Counting(), images[0, 0], images[5, 1], mini.threshold)  # type: ignore[arg-type]
    one = compare_drawings(Counting(), images[0, 0], images[5, 1], mini.threshold,  # type: ignore[arg-type]
                           (codes[0, 0], None))
    none = compare_drawings(Counting(), images[0, 0], images[5, 1], mini.threshold,  # type: ignore[arg-type]
                            (codes[0, 0], codes[5, 1]))
    assert embedded == [2, 1]
    assert one.similarity == pytest.approx(both.similarity, abs=1e-5)
    assert none.similarity == pytest.approx(both.similarity, abs=1e-5)
