"""The lecturer's side of the simulated class, through the lab's workflow API on the class's database: start the
class, start each round once everyone is in, reveal it once every student answered (one line of figures per
round), end the class."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

from bench.classroom.idle import measure_idle_polls
from bench.classroom.lesson import Lesson, Results
from bench.harness.machine import load_line
from bench.harness.server import REPO
from bench.harness.statistics import percentile


class Teacher:
    """The lecturer's side, straight through the lab's workflow API (``lab.workflows.classroom``) on the shared
    database, as the projector's page calls it. The model's evaluation set and codes are loaded once, before the
    lesson, in this process (the page keeps them in the server's cache the same way)."""

    def __init__(self, ways: int, model_name: str) -> None:
        from lab.roles import Role  # noqa: PLC0415 - only when the class part runs
        from lab.workflows import classroom  # noqa: PLC0415
        from lab.workflows.coded_set import load_coded_set  # noqa: PLC0415

        self.api, self.role = classroom, Role.TEACHER
        self.ways = ways
        self.evaluation = load_coded_set(model_name)
        self.code = ""

    async def call(self, name: str, *args: object, **kwargs: object) -> object:
        return await asyncio.to_thread(getattr(self.api, name), *args, role=self.role, **kwargs)

    async def start_class(self, title: str) -> str:
        info = await self.call("start_class", title)
        self.code = info.code  # type: ignore[attr-defined]
        return self.code

    async def start_round(self) -> object:
        return await self.call("start_round", self.code, self.ways, evaluation=self.evaluation)

    async def reveal_round(self) -> object:
        return await self.call("reveal", self.code)

    async def end_class(self) -> object:
        return await self.call("end", self.code)


def class_unavailable() -> str | None:
    """Why the class part cannot run on this checkout, or None."""
    if not (REPO / "views" / "class.py").is_file():
        return "views/class.py is not in this checkout (the class page has not landed)"
    try:
        import lab.workflows.classroom  # noqa: F401, PLC0415
    except ImportError as exc:
        return f"lab.workflows.classroom cannot be imported: {exc}"
    return None


async def everyone_in(sessions: int, lesson: Lesson, args: argparse.Namespace, results: Results) -> None:
    """Wait (at most ``--timeout`` s) until every student joined and watches the stage, or gave up, and every real
    browser joined, or failed to."""
    deadline = time.perf_counter() + args.timeout
    while time.perf_counter() < deadline and (
            len(results.joined | results.left) < sessions or not results.joined - results.left <= results.watching):
        await asyncio.sleep(0.2)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(lesson.browsers_ready.wait(), max(deadline - time.perf_counter(), 0.1))



def round_report(number: int, sessions: int, results: Results, seconds: float, cpu: float | None,
                 start_round_s: float, cpu_window_s: float) -> dict:
    """One round's figures: how many students had its images within 2 s and 3 s of its start, p95 round_visible
    and answer, the server's CPU (seconds, and cores over ``cpu_window_s``: from the teacher's call to start the
    round to the reveal)."""
    times = results.per_round[number - 1]
    visible, answers = times["round_visible"], times["answer"]
    return {"round": number, "answered": len(results.answered[number - 1]), "students": sessions,
            "seconds": round(seconds, 2), "start_round_s": round(start_round_s, 3), "saw": len(visible),
            "saw_within_2s": sum(v <= 2.0 for v in visible), "saw_within_3s": sum(v <= 3.0 for v in visible),
            "p95_round_visible_s": round(percentile(visible, 95), 3) if visible else None,
            "p95_answer_s": round(percentile(answers, 95), 3) if answers else None,
            "server_cpu_s": None if cpu is None else round(cpu, 2),
            "server_cores": None if cpu is None else round(cpu / cpu_window_s, 2)}


async def teach(teacher: Teacher, lesson: Lesson, sessions: int, args: argparse.Namespace, results: Results) -> None:
    """When everyone is in: start each round, wait until every student answered (or the round's timeout), reveal,
    go on; then end the class."""
    try:
        await everyone_in(sessions, lesson, args, results)
        if args.idle_poll > 0:
            await measure_idle_polls(sessions, args, results)
        for round_number in range(lesson.rounds):
            cpu_before = results.tree.sample()[0] if results.tree else None
            called = time.perf_counter()
            await teacher.start_round()
            lesson.start_times.append(time.perf_counter())
            lesson.started[round_number].set()
            deadline = time.perf_counter() + args.round_timeout
            while (len(results.settled[round_number] | results.left) < sessions
                   and time.perf_counter() < deadline):
                await asyncio.sleep(0.2)
            await teacher.reveal_round()
            cpu = results.tree.sample()[0] - cpu_before if results.tree and cpu_before is not None else None
            seconds = time.perf_counter() - lesson.start_times[-1]
            report = round_report(round_number + 1, sessions, results, seconds, cpu, lesson.start_times[-1] - called,
                                  time.perf_counter() - called)
            results.rounds.append(report)
            print(f"  round {round_number + 1}: {report['answered']} of {sessions} answered {seconds:.1f} s after its "
                  f"start; had it within 2 s {report['saw_within_2s']}, within 3 s {report['saw_within_3s']} (of "
                  f"{report['saw']}); p95 round_visible {report['p95_round_visible_s']} s, p95 answer "
                  f"{report['p95_answer_s']} s; server CPU {report['server_cpu_s']} s ({report['server_cores']} "
                  f"cores); {load_line()}", flush=True)
            if len(results.answered[round_number]) < sessions:
                results.notes.append(f"round {round_number + 1}: {len(results.answered[round_number])} of {sessions} "
                                     f"answered within {args.round_timeout:.0f} s")
            await asyncio.sleep(args.reveal_pause)
        await teacher.end_class()
    except Exception as exc:  # noqa: BLE001
        results.error("teacher", f"{type(exc).__name__}: {exc}")
        for event in lesson.started:
            event.set()
    finally:
        lesson.over.set()
