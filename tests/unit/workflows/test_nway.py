"""Lake's runs: the baseline's answers and the model's codes of the runs are kept on disk under the runs file's
fingerprint (fast tier: the miniature all_runs.zip)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from lab.data.lake_runs import load_runs, runs_path
from lab.data.omniglot import source_fingerprint
from lab.evaluation import hausdorff
from lab.siamese.store import SHIPPED_DIR, load_model
from lab.workflows.nway import hausdorff_baseline, lake_evaluation


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_baseline_is_computed_once_per_runs_file(cache: Path, miniature_omniglot: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = runs_path(miniature_omniglot)
    runs, version = load_runs(path), source_fingerprint(path)
    first = hausdorff_baseline(runs, version)
    monkeypatch.setattr(hausdorff, "evaluate_hausdorff", lambda _runs: pytest.fail("computed again"))
    again = hausdorff_baseline(runs, version)
    assert np.array_equal(again.predictions, first.predictions) and again.accuracy == first.accuracy
    with pytest.raises(pytest.fail.Exception):
        hausdorff_baseline(runs, "another runs file")


class Embedder:
    """A model whose embed counts its calls."""

    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        self.model, self.calls = model, 0

    def embed(self, ink: np.ndarray) -> np.ndarray:
        self.calls += 1
        return self.model.embed(ink)

    def head(self):  # type: ignore[no-untyped-def]
        return self.model.head()


def test_the_models_codes_of_the_runs_are_kept_beside_it(cache: Path, tmp_path: Path, miniature_omniglot: Path) -> None:
    model_path = tmp_path / "mine.keras"
    shutil.copy(SHIPPED_DIR / "default.keras", model_path)
    path = runs_path(miniature_omniglot)
    runs, version = load_runs(path), source_fingerprint(path)
    embedder = Embedder(load_model("default")[0])
    first = lake_evaluation(embedder, "mine", runs, stored=(model_path, version))
    second = lake_evaluation(embedder, "mine", runs, stored=(model_path, version))
    assert embedder.calls == 1 and second.as_dict() == first.as_dict()
    assert first.as_dict() == lake_evaluation(embedder.model, "mine", runs).as_dict()
