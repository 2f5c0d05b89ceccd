"""2-D maps of embeddings (PCA, t-SNE) so a class can see that drawings of one character cluster."""

from __future__ import annotations

import numpy as np

METHODS = ("PCA", "t-SNE")


def project_2d(codes: np.ndarray, method: str, seed: int = 0) -> np.ndarray:
    """(n, 2) coordinates of (n, d) codes; seeded, so the same input always gives the same map."""
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or codes.shape[0] < 3:
        raise ValueError("a map needs at least 3 codes of the same length")
    if method == "PCA":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=seed).fit_transform(codes)
    if method == "t-SNE":
        from sklearn.manifold import TSNE
        from threadpoolctl import threadpool_limits  # installed with scikit-learn, which needs it

        # Perplexity is about the number of neighbours a point weighs; 20 drawings per character suits 20-30.
        perplexity = float(min(30.0, (codes.shape[0] - 1) / 3))
        # One thread: a map has a few hundred points, and t-SNE's OpenMP threads wait for each other by spinning, so
        # on a CPU shared with other work (a class server, a training run) 200 points took 9-14 CPU seconds instead
        # of 0.5 (measured on 2 cores under load; bench/bench_pages.py, /map).
        with threadpool_limits(limits=1, user_api="openmp"):
            return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(codes)
    raise ValueError(f"unknown projection {method!r}; choose one of {', '.join(METHODS)}")


def explained_variance(codes: np.ndarray) -> tuple[float, float]:
    """Fraction of the codes' variance along the two principal axes of the PCA map."""
    from sklearn.decomposition import PCA

    ratios = PCA(n_components=2).fit(np.asarray(codes, dtype=np.float64)).explained_variance_ratio_
    return float(ratios[0]), float(ratios[1])
