"""The class page at rest: before the first round, with every student in and each one's component long-polling
the stage, what the server spends while nothing changes (``idle_class_page`` in the bench's figures)."""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.classroom.lesson import Results
from bench.harness.processes import ProcessTree


def stage_answers(results: Results) -> int:
    """Stage requests the server answered (200), the students' and the projector's."""
    return results.http["stage 200"] + results.http["projector stage 200"]



async def measure_idle_polls(sessions: int, args: argparse.Namespace, results: Results) -> None:
    """Before the first round, with every student in and each one's component long-polling the stage: the server's
    CPU while nothing changes (its cores, and % of a core per student) and the stage requests it answered then
    (none expected but the holds that ran out)."""
    await asyncio.sleep(2)
    if results.tree is None:
        return
    settled = await server_settled(results.tree)
    polls_before, cpu_before, started = stage_answers(results), results.tree.sample()[0], time.perf_counter()
    await asyncio.sleep(args.idle_poll)
    cpu = results.tree.sample()[0] - cpu_before
    seconds = time.perf_counter() - started
    polls = stage_answers(results) - polls_before
    students = len(results.watching)
    results.idle_poll = {
        "students": len(results.joined), "watching": students, "seconds": round(seconds, 1), "polls": polls,
        "polls_per_s": round(polls / seconds, 2), "server_cpu_s": round(cpu, 2),
        "server_cores": round(cpu / seconds, 3),
        "server_cpu_pct_per_student": round(100 * cpu / seconds / students, 3) if students else None,
        "server_cpu_ms_per_poll": round(1000 * cpu / polls, 1) if polls else None,
        "waited_for_start_up_s": settled}
    print(f"  idle class page: {results.idle_poll}", flush=True)


async def server_settled(tree: ProcessTree, quiet_cores: float = 0.05, window_s: float = 2.0,
                         limit_s: float = 90.0) -> float:
    """Wait until the server's start-up work is over (it builds the face model in the background after it starts,
    ~10 CPU s): its CPU over ``window_s`` below ``quiet_cores``, for at most ``limit_s``; the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = tree.sample()[0]
        await asyncio.sleep(window_s)
        if (tree.sample()[0] - before) / window_s < quiet_cores:
            break
    return round(time.perf_counter() - started, 1)
