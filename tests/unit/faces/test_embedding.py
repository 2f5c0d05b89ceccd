"""Distances between face codes, thresholds and slider ranges; DeepFace embeddings of real faces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.faces.detection import detect
from lab.faces.embedding import cosine_to_euclidean_l2, distances, embed, slider_range
from lab.faces.photos import load_photo


def test_cosine_and_euclidean_l2_make_the_same_decisions_at_matched_thresholds() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 128)) * rng.uniform(0.5, 3, size=(40, 1))  # lengths differ on purpose
    for cosine_threshold in (0.2, 0.4, 0.6):
        for query in vectors[:5]:
            cosine = distances(vectors, query, "cosine") <= cosine_threshold
            l2 = distances(vectors, query, "euclidean_l2") <= cosine_to_euclidean_l2(cosine_threshold) + 1e-12
            assert np.array_equal(cosine, l2)


def test_slider_range_covers_the_threshold_and_the_distance_on_the_metrics_scale() -> None:
    assert slider_range("Facenet", "cosine") == (0.0, 1.0)
    assert slider_range("Facenet", "euclidean", 31.0)[1] == pytest.approx(34.1)
    assert slider_range("Dlib", "angular", 5.0)[1] == 1.0  # an angle fraction never exceeds 1


def test_embed_keeps_the_order_and_one_row_per_face(faces_dir: Path) -> None:
    crops = [detect(load_photo(faces_dir / p), "yunet").faces[0].aligned
             for p in ("train/obama/obama.jpg", "train/biden/biden.jpg")]
    both = embed(crops, "Dlib")
    assert both.shape == (2, 128)
    assert np.allclose(embed([crops[1]], "Dlib")[0], both[1], atol=1e-5)
