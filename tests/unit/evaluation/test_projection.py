"""2-D maps of embeddings: seeded, two columns, known methods only."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.projection import project_2d
from tests.support.codes import perfect_codes


def test_projections_are_seeded_and_two_dimensional() -> None:
    codes = perfect_codes(5, 12).reshape(100, 12)
    for method in ("PCA", "t-SNE"):
        xy = project_2d(codes, method, seed=3)
        assert xy.shape == (100, 2)
        np.testing.assert_allclose(xy, project_2d(codes, method, seed=3))
    with pytest.raises(ValueError, match="unknown projection"):
        project_2d(codes, "UMAP")


def test_tsne_runs_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its OpenMP threads spin while they wait for each other: 20 times the CPU on a shared machine."""
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_info

    seen, original = [], TSNE.fit_transform

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TSNE, "fit_transform", spy)
    project_2d(perfect_codes(5, 12).reshape(100, 12), "t-SNE")
    assert seen and set(seen) == {1}
