"""The modified Hausdorff distance baseline (Lake et al.): hand-worked, on miniature runs, and on Lake's runs."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.hausdorff import evaluate_hausdorff, ink_points, modified_hausdorff


def test_modified_hausdorff_hand_worked() -> None:
    a = np.array([[0.0, 0.0]])
    b = np.array([[0.0, 3.0], [0.0, 4.0]])
    # a -> b: 3; b -> a: mean(3, 4) = 3.5; the larger of the two.
    assert modified_hausdorff(a, b) == pytest.approx(3.5)
    ink = np.zeros((5, 5), dtype=bool)
    ink[1, 1] = ink[3, 3] = True
    np.testing.assert_allclose(ink_points(ink), [[-1, -1], [1, 1]])


def test_hausdorff_baseline_on_miniature_runs_is_far_above_chance(miniature_files) -> None:
    from lab.data.lake_runs import load_runs, runs_path

    result = evaluate_hausdorff(load_runs(runs_path(miniature_files)))
    # Two drawings of a miniature character are the same strokes, jittered: chance would be 5%.
    assert result.accuracy > 0.8 and result.run_accuracy.shape == (20,)


def test_hausdorff_baseline_reproduces_lakes_published_figure(omniglot_dir) -> None:
    from lab.data.lake_runs import load_runs, runs_path

    result = evaluate_hausdorff(load_runs(runs_path(omniglot_dir)))
    # Lake et al. report 38.8% error for this baseline on these runs.
    assert round(1 - result.accuracy, 3) == pytest.approx(0.388, abs=0.001)
