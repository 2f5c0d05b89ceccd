"""The modified Hausdorff distance baseline of Lake's one-shot demo, computed by our own code.

Each drawing becomes the set of its ink pixel coordinates, centred on their mean (so position does not
matter); two drawings are as far apart as the modified Hausdorff distance of their point sets (Dubuisson &
Jain, 1994): the larger of the two mean distances from a point of one set to the nearest point of the
other. A test drawing is given the class of the nearest training drawing. Lake et al. report 38.8% error
(61.2% accuracy) on the 20 runs with this rule; getting that figure checks our loading and scoring of the
runs independently of any network.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from lab.data.lake_runs import LakeRun
from lab.evaluation.lake import LakeResult


def ink_points(ink: np.ndarray) -> np.ndarray:
    """(n, 2) float coordinates (row, column) of the ink pixels of one drawing, centred on their mean."""
    points = np.argwhere(np.asarray(ink, dtype=bool)).astype(np.float64)
    if points.size == 0:
        raise ValueError("a drawing without ink has no point set")
    return points - points.mean(axis=0)


def modified_hausdorff(a: np.ndarray, b: np.ndarray, tree_a: cKDTree | None = None, tree_b: cKDTree | None = None) -> float:
    """Modified Hausdorff distance of two (n, 2) point sets (k-d trees of them may be passed to reuse)."""
    a_to_b = (tree_b or cKDTree(b)).query(a)[0].mean()
    b_to_a = (tree_a or cKDTree(a)).query(b)[0].mean()
    return float(max(a_to_b, b_to_a))


def hausdorff_costs(run: LakeRun) -> np.ndarray:
    """(20 test, 20 training) modified Hausdorff distances of one run."""
    test = [ink_points(image) for image in run.test]
    training = [ink_points(image) for image in run.training]
    test_trees, training_trees = [cKDTree(p) for p in test], [cKDTree(p) for p in training]
    return np.array([
        [modified_hausdorff(t, c, t_tree, c_tree) for c, c_tree in zip(training, training_trees)]
        for t, t_tree in zip(test, test_trees)
    ])


def evaluate_hausdorff(runs: list[LakeRun]) -> LakeResult:
    """Lake's baseline on the runs: each test drawing gets the class at the smallest distance."""
    return LakeResult.of(np.stack([hausdorff_costs(run).argmin(axis=1) for run in runs]), runs)
