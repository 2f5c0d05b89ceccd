"""Results shared by every session of the server and computed once at a time, under a progress bar.

``st.cache_data`` cannot draw a progress bar (a cached function's elements are replayed on every later hit) and
lets thirty sessions that open a page together start thirty computations. :func:`shared_result_ui` instead gets the
stored result, or waits while another session computes it (and says so), or computes it with a progress bar; the
embedded face folders and the face experiment use it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
# progress(done, total, text): the computation's step and what the bar says about it, in the reader's language.
Progress = Callable[[int, int, str], None]


class ServerResults:
    """Results by key, the oldest dropped beyond ``size``; a key is computed once at a time: a class that opens the
    experiment together starts one CNN training, not thirty; the others wait for its result."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._guard = threading.Lock()
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self._running: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable) -> object | None:
        with self._guard:
            return self._results.get(key)

    def busy(self, key: Hashable) -> bool:
        """Whether another session is computing ``key`` now."""
        with self._guard:
            return key in self._running and self._running[key].locked()

    def compute(self, key: Hashable, run: Callable[[], T]) -> T:
        """The stored result, else ``run()``'s, stored; an exception is raised and nothing stored."""
        with self._guard:
            lock = self._running.setdefault(key, threading.Lock())
        with lock:
            found = self.get(key)
            if found is not None:
                return found  # type: ignore[return-value]
            result = run()
            with self._guard:
                self._results[key] = result
                while len(self._results) > self._size:
                    self._results.popitem(last=False)
                self._running.pop(key, None)
        return result


@st.cache_resource(show_spinner=False)
def server_results(kind: str) -> ServerResults:
    """One store per kind of result ("folders", "experiments") for the whole server."""
    return ServerResults()


def shared_result_ui(kind: str, key: Hashable, compute: Callable[[Progress], T], waiting: str, starting: str) -> T:
    """The result of ``kind`` under ``key``: from this server's memory at once; else ``compute(progress)`` under a
    progress bar that starts with ``starting``, run by this session or, when another one is running it now (then
    ``waiting`` is shown), awaited. The bar is removed when the result is there or the computation failed."""
    results = server_results(kind)
    found = results.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    if results.busy(key):
        st.info(waiting)
    bar = st.progress(0.0, text=starting)

    def progress(done: int, total: int, text: str) -> None:
        bar.progress(done / max(total, 1), text=text)

    try:
        return results.compute(key, lambda: compute(progress))
    finally:
        bar.empty()
