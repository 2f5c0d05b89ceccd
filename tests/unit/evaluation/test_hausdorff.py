"""N-way batches and quizzes, confidence intervals, nearest templates, maps, the Hausdorff baseline, uploads."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from lab.errors import ImageError
from lab.evaluation.hausdorff import evaluate_hausdorff, ink_points, modified_hausdorff
from lab.evaluation.nearest import nearest_template
from lab.evaluation.projection import project_2d
from lab.evaluation.tasks import batch_accuracy, quiz_task, wilson_interval
from lab.images import read_drawing


def test_wilson_interval_known_values() -> None:
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(50, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def perfect_codes(characters: int = 30, dim: int = 30) -> np.ndarray:
    """Every drawing of character c has code e_c (plus a little noise): nearest is always right."""
    rng = np.random.default_rng(0)
    codes = np.repeat(np.eye(characters, dim)[:, None, :], 20, axis=1) + rng.normal(0, 0.01, (characters, 20, dim))
    return codes / np.linalg.norm(codes, axis=-1, keepdims=True)


def test_batch_accuracy_perfect_and_chance() -> None:
    alphabet_of = np.repeat(np.arange(3), 10)
    result = batch_accuracy(perfect_codes(), alphabet_of, 5, 200, seed=1, head=None)
    assert (result.tasks, result.correct, result.accuracy) == (200, 200, 1.0)
    noise = np.random.default_rng(2).normal(size=(30, 20, 8))
    chance = batch_accuracy(noise, alphabet_of, 5, 2000, seed=1, head=None)
    low, high = chance.interval
    assert low < 0.2 < high and 0.15 < chance.accuracy < 0.25


def test_quiz_tasks_are_reproducible_and_valid() -> None:
    alphabet_of = np.repeat(np.arange(4), 20)
    first = quiz_task(alphabet_of, 16, seed=7, number=3, within_alphabet=True)
    again = quiz_task(alphabet_of, 16, seed=7, number=3, within_alphabet=True)
    other = quiz_task(alphabet_of, 16, seed=7, number=4, within_alphabet=True)
    np.testing.assert_array_equal(first.candidates, again.candidates)
    assert not np.array_equal(first.candidates, other.candidates)
    answer = first.answers[0]
    assert first.candidates[0, answer, 0] == first.queries[0, 0]
    assert first.candidates[0, answer, 1] != first.queries[0, 1]  # another person's drawing
    assert len(set(first.candidates[0, :, 0])) == 16 and len(set(alphabet_of[first.candidates[0, :, 0]])) == 1


def test_nearest_template_right_and_confused() -> None:
    codes = perfect_codes(10, 10)
    result = nearest_template(codes)
    assert result.accuracy == 1.0 and result.predictions.shape == (10, 10) and result.confusions() == []
    # Character 1's queries (drawers 10-19) drawn like character 0: all taken for 0.
    codes[1, 10:] = codes[0, 0]
    confused = nearest_template(codes)
    assert confused.accuracy == pytest.approx(0.9)
    assert confused.confusions() == [(1, 0, 10)]
    assert confused.accuracy_by_group(np.array([0, 0] + [1] * 8)) == {0: 0.5, 1: 1.0}
    one_shot = nearest_template(perfect_codes(10, 10), template_drawers=(0,))
    assert one_shot.accuracy == 1.0 and one_shot.template_drawers == (0,)
    with pytest.raises(ValueError):
        nearest_template(codes, template_drawers=(0, 10))


def test_projections_are_seeded_and_two_dimensional() -> None:
    codes = perfect_codes(5, 12).reshape(100, 12)
    for method in ("PCA", "t-SNE"):
        xy = project_2d(codes, method, seed=3)
        assert xy.shape == (100, 2)
        np.testing.assert_allclose(xy, project_2d(codes, method, seed=3))
    with pytest.raises(ValueError, match="unknown projection"):
        project_2d(codes, "UMAP")


def test_modified_hausdorff_hand_worked() -> None:
    a = np.array([[0.0, 0.0]])
    b = np.array([[0.0, 3.0], [0.0, 4.0]])
    # a -> b: 3; b -> a: mean(3, 4) = 3.5; the larger of the two.
    assert modified_hausdorff(a, b) == pytest.approx(3.5)
    ink = np.zeros((5, 5), dtype=bool)
    ink[1, 1] = ink[3, 3] = True
    np.testing.assert_allclose(ink_points(ink), [[-1, -1], [1, 1]])


def test_hausdorff_baseline_reproduces_lakes_published_figure(omniglot_dir) -> None:
    from lab.data.lake_runs import load_runs, runs_path

    result = evaluate_hausdorff(load_runs(runs_path(omniglot_dir)))
    # Lake et al. report 38.8% error for this baseline on these runs.
    assert round(1 - result.accuracy, 3) == pytest.approx(0.388, abs=0.001)


def png_bytes(array: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def test_read_drawing_accepts_omniglot_pngs_and_resizes_others(evaluation) -> None:
    ink = evaluation.images[3, 4]
    same = read_drawing(png_bytes(np.where(ink, 0, 255).astype(np.uint8)), "a.png")
    np.testing.assert_array_equal(same.ink, ink)
    assert "used as it is" in same.note
    big = np.kron(np.where(ink, 0, 255).astype(np.uint8), np.ones((4, 4), dtype=np.uint8))  # 420x420
    resized = read_drawing(png_bytes(big, "JPEG"), "b.jpg")
    assert resized.ink.shape == (105, 105) and "resized from 420x420" in resized.note
    assert np.mean(resized.ink == ink) > 0.97
    inverted = read_drawing(png_bytes(np.where(ink, 255, 0).astype(np.uint8)), "c.png")
    np.testing.assert_array_equal(inverted.ink, ink)
    assert "inverted" in inverted.note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4 not an image", "not an image"),
        (png_bytes(np.full((50, 50), 200, dtype=np.uint8)), "one flat shade"),
        (png_bytes(np.zeros((5000, 6000), dtype=np.uint8)), "over 25 megapixels"),
    ],
)
def test_read_drawing_refuses_bad_uploads(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        read_drawing(data, "upload")
