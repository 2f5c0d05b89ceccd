"""Percentiles of timings, and the summary line each interaction gets in a bench's report."""

from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (NumPy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: list[float]) -> dict[str, float | int | None]:
    """Count, p50, p95 and max of ``values`` (seconds, rounded to the millisecond); None for each when empty."""
    if not values:
        return {"count": 0, "p50_s": None, "p95_s": None, "max_s": None}
    return {"count": len(values), "p50_s": round(percentile(values, 50), 3), "p95_s": round(percentile(values, 95), 3),
            "max_s": round(max(values), 3)}
