"""Freed memory goes back to the operating system (glibc's malloc_trim; nothing elsewhere)."""

from __future__ import annotations

import asyncio
import ctypes.util
import sys

from lab import memory
from tests.support.asyncio_thread import run_alone


def test_freed_memory_is_given_back_where_the_c_library_can() -> None:
    expected = sys.platform.startswith("linux") and ctypes.util.find_library("c") is not None
    assert memory.give_back_freed_memory() is expected


def test_the_periodic_task_trims_until_cancelled(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    monkeypatch.setattr(memory, "give_back_freed_memory", lambda: calls.append(1) or True)

    async def scenario() -> None:
        task = asyncio.get_running_loop().create_task(memory.give_back_periodically(0.01))
        await asyncio.sleep(0.1)
        task.cancel()

    run_alone(scenario())
    assert len(calls) >= 3


def test_without_malloc_trim_the_task_stops_at_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(memory, "give_back_freed_memory", lambda: False)
    run_alone(asyncio.wait_for(memory.give_back_periodically(0.01), 1))
