"""What the simulated class shares while it runs: the :class:`Lesson` (the class's code and its rounds' starts, as
the teacher gives them) and the :class:`Results` every student, the projector and the teacher write into; the
students' pause, a timed step, and the class routes' requests counted by status."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
from collections import defaultdict
from dataclasses import dataclass, field

from bench.classroom.component import Fetch
from bench.client.http_client import HttpResponse
from bench.client.connection import ProtocolError
from bench.client.session import StreamlitSession
from bench.harness.processes import ProcessTree


@dataclass
class Results:
    """Everything the class's sessions measured and met: times per interaction, errors, who joined and answered,
    the class routes' answers, script runs, and each round's line."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answered: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    settled: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # answered, or gave up
    left: set[int] = field(default_factory=set)  # students out of the class (could not join, lost connection)
    joined: set[int] = field(default_factory=set)
    watching: set[int] = field(default_factory=set)  # students whose component long-polls the stage
    live: list[StreamlitSession] = field(default_factory=list)  # every session, for counts while they run
    tree: ProcessTree | None = None  # the server's processes
    idle_poll: dict = field(default_factory=dict)
    # Per round (index from 0): the seconds of each student's round_visible and answer, as the teacher reports them.
    per_round: dict[int, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    rounds: list[dict] = field(default_factory=list)
    # The class routes' answers: "stage 200", "stage 503", "round 200", "answer 409", "stage network error", ...
    http: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    http_bytes: int = 0
    # Script runs of each student's session: until joined, while the rounds ran, for the end of the class.
    class_runs: list[tuple[int, int, int]] = field(default_factory=list)
    projector_runs: int = 0
    auto_reruns: int = 0
    runs: int = 0
    bytes_received: int = 0

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")


@dataclass
class Lesson:
    """What the students share: the class code, one event per round the teacher started, and the real browsers'
    joining (the teacher starts the first round when every student and browser is in, or gave up)."""

    code: str = ""
    rounds: int = 0
    started: list[asyncio.Event] = field(default_factory=list)
    start_times: list[float] = field(default_factory=list)  # when the teacher's start_round returned
    over: asyncio.Event = field(default_factory=asyncio.Event)
    browsers: int = 0
    browsers_settled: int = 0  # joined or failed to
    browsers_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def browser_settled(self) -> None:
        self.browsers_settled += 1
        if self.browsers_settled >= self.browsers:
            self.browsers_ready.set()


async def think(args: argparse.Namespace, rng: random.Random) -> None:
    if args.think > 0:
        await asyncio.sleep(rng.uniform(0.2, args.think))


async def timed(results: Results, who: str, kind: str, action: object) -> bool:
    """Await ``action`` (a coroutine returning seconds) and keep its time under ``kind``; an error is counted and
    the student goes on with the next step."""
    try:
        results.times[kind].append(await action)  # type: ignore[misc]
        return True
    except ProtocolError as exc:
        results.error(who, f"{kind}: {exc}")
    except Exception as exc:  # noqa: BLE001 - counted, never fatal for the other students
        results.error(who, f"{kind}: {type(exc).__name__}: {exc}")
    return False


def counted_get(session: StreamlitSession, results: Results, route: str) -> Fetch:
    """The session's GET for a :class:`StageWatcher`, its answers counted by ``route`` and status (and bytes)."""
    async def fetch(path: str, headers: dict[str, str] | None, timeout: float) -> HttpResponse:
        try:
            response = await session.get_json(path, headers, timeout)
        except Exception:
            results.http[f"{route} network error"] += 1
            raise
        results.http[http_key(route, response)] += 1
        results.http_bytes += len(response.body)
        return response
    return fetch


def http_key(route: str, response: HttpResponse) -> str:
    """``stage 200``, ``stage 503 busy``: the route, the status and, for an error, the route's reason word."""
    body = response.json() if response.status != 200 else None
    reason = body.get("error") if isinstance(body, dict) else None
    return f"{route} {response.status}" + (f" {reason}" if isinstance(reason, str) else "")



async def until_over(task: asyncio.Task, lesson: Lesson, grace: float) -> bool:
    """Wait for ``task`` (a watcher), at most ``grace`` seconds after the lesson is over; False (and the task
    cancelled) when it was still running then."""
    async def over_and_grace() -> None:
        await lesson.over.wait()
        await asyncio.sleep(grace)

    timer = asyncio.get_running_loop().create_task(over_and_grace())
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
