"""Results shared by the server's sessions (ui.shared_results): computed once at a time, counted by calls."""

from __future__ import annotations

import threading

import pytest

from ui import shared_results
from ui.shared_results import ServerResults, shared_result_ui


def test_sessions_asking_together_compute_once_and_all_get_the_result() -> None:
    results, started, release = ServerResults(), threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "trained"

    answers: list[str] = []
    sessions = [threading.Thread(target=lambda: answers.append(results.compute("key", slow))) for _ in range(5)]
    sessions[0].start()
    assert started.wait(10) and results.busy("key") and results.get("key") is None
    for session in sessions[1:]:
        session.start()
    release.set()
    for session in sessions:
        session.join(10)
    assert answers == ["trained"] * 5 and len(calls) == 1 and not results.busy("key")


def test_a_failure_is_not_stored_and_the_oldest_result_is_dropped() -> None:
    results = ServerResults(size=2)

    def failing() -> str:
        raise RuntimeError("no faces")

    with pytest.raises(RuntimeError):
        results.compute("a", failing)
    assert results.get("a") is None and results.compute("a", lambda: "A") == "A"
    results.compute("b", lambda: "B")
    results.compute("c", lambda: "C")
    assert (results.get("a"), results.get("b"), results.get("c")) == (None, "B", "C")


class Bar:
    """Stands for ``st.progress``: records what the bar showed and whether it was removed."""

    def __init__(self, value: float, text: str) -> None:
        self.shown, self.removed = [(value, text)], False

    def progress(self, value: float, text: str) -> None:
        self.shown.append((value, text))

    def empty(self) -> None:
        self.removed = True


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """A fresh store per test, and the bars and notes the helper draws."""
    drawn: dict[str, list] = {"bars": [], "notes": []}
    store = ServerResults()
    monkeypatch.setattr(shared_results, "server_results", lambda kind: store)
    monkeypatch.setattr(shared_results.st, "progress", lambda value, text: drawn["bars"].append(Bar(value, text))
                        or drawn["bars"][-1])
    monkeypatch.setattr(shared_results.st, "info", drawn["notes"].append)
    return drawn


def test_the_result_is_computed_under_a_bar_then_served_without_one(page: dict[str, list]) -> None:
    calls: list[int] = []

    def compute(progress: shared_results.Progress) -> str:
        calls.append(1)
        progress(1, 4, "one of four")
        progress(4, 4, "done")
        return "figures"

    assert shared_result_ui("folders", "key", compute, waiting="wait", starting="looking") == "figures"
    (bar,) = page["bars"]
    assert bar.shown == [(0.0, "looking"), (0.25, "one of four"), (1.0, "done")] and bar.removed
    assert shared_result_ui("folders", "key", compute, waiting="wait", starting="looking") == "figures"
    assert len(calls) == 1 and len(page["bars"]) == 1 and page["notes"] == []  # a hit draws nothing


def test_a_failed_computation_removes_its_bar(page: dict[str, list]) -> None:
    def failing(progress: shared_results.Progress) -> str:
        raise ValueError("not a folder")

    with pytest.raises(ValueError):
        shared_result_ui("folders", "key", failing, waiting="wait", starting="looking")
    assert page["bars"][0].removed
