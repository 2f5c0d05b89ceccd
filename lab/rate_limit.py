"""How often one client may do something: a sliding-window count per key (a client's address), for one server process.

:class:`RateLimiter` is plain and thread-safe (every Streamlit session of a server is a thread of one process); it
keeps the times of each key's last ``limit`` events within ``window`` seconds, so its memory is bounded by ``limit`` per
key and by ``max_keys`` keys: a flood from many addresses forgets the addresses that went quiet first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("a rate limiter needs limit >= 1, window > 0 and max_keys >= 1")
        self.limit, self.window, self.max_keys = limit, float(window), max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one event of ``key`` and return 0, or, when ``key`` had ``limit`` events in the last ``window``
        seconds, count nothing and return the seconds until it may try again (always > 0)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                self._make_room(now)
                events = self._events[key] = deque(maxlen=self.limit)
            self._events.move_to_end(key)
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(self.window - (now - events[0]), 1e-6)
            events.append(now)
            return 0.0

    def retry_after(self, key: str) -> float:
        """The seconds until ``key`` may act again (0: now), without counting anything."""
        now = self._clock()
        with self._lock:
            events = [t for t in self._events.get(key, ()) if now - t < self.window]
            return max(self.window - (now - events[0]), 1e-6) if len(events) >= self.limit else 0.0

    def _make_room(self, now: float) -> None:
        """Room for one more key within ``max_keys``: the keys whose events are all older than the window go first,
        then the least recently seen."""
        if len(self._events) < self.max_keys:
            return
        for key in [k for k, events in self._events.items() if not events or now - events[-1] >= self.window]:
            del self._events[key]
        while len(self._events) >= self.max_keys:
            self._events.popitem(last=False)

    def __len__(self) -> int:
        return len(self._events)


def whole_seconds(seconds: float) -> int:
    """A wait as a message says it: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(seconds))
