"""A made-up monotonic clock for the tests of time windows (throttles, rate limits): the test moves ``now``."""

from __future__ import annotations


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
