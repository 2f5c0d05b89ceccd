"""A class's live stage, pushed to every device through long polls instead of script reruns.

Every phone in a class used to rerun its page on a timer to learn that a round had started: each rerun a Streamlit
script run of 35-50 ms of one process's CPU, so 30 idle phones filled a core. Now a phone holds one HTTP request open
(``GET /api/class/CODE/stage?seen=VERSION``, see :mod:`api.classroom`), and :class:`StageHub` answers it when the
class's stage moves on, or after :data:`HOLD_SECONDS` with the same stage so that the phone asks again.

The hub costs the database one small read per watched class every :data:`REFRESH_SECONDS`, whatever the number of
devices: a single task of the server's event loop reads the stage of every class someone watches (in a thread, never
on the event loop) and wakes the requests waiting on a class whose stage changed. It runs on every server of a
cluster alike, since the stage is read from the shared database.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lab.classroom.class_faces import count_class_faces
from lab.classroom.rooms import ClassroomError, class_row, normalise_code
from lab.db import schema
from lab.db.engine import read as read_only
from lab.errors import LabError
from lab.i18n import _

HOLD_SECONDS = 25.0  # a long poll's longest wait: under every proxy's idle timeout (HAProxy's is 60 s here)
REFRESH_SECONDS = 0.5  # how often the watched classes' stages are read; a new round reaches phones within about this
FORGET_SECONDS = 60.0  # a class nobody asked about for this long is no longer read
MAX_WAITING = 2000  # requests held open at once per server; beyond, the route answers 503 and the phone retries
MAX_WAITING_PER_CLIENT = 300  # per client address: a whole class behind one address (a tunnel) still fits


@dataclass(frozen=True)
class LiveStage:
    """What a class's devices watch. ``version`` changes with the stage (a new round, a reveal, the end, a player
    removed), which is when a student's device asks for its view again (a removed one is then refused, and its page
    says so); ``live`` changes with the counts too, which only the projector shows."""

    code: str
    round: int | None
    revealed: bool
    ended: bool
    players: int
    answered: int  # answers to the current round
    removed: int = 0  # players the teacher removed: each removal is a new stage, so the removed device learns it
    activity: str = "quiz"  # "faces" while the face round is open: students' pages then draw its form
    faces: int = 0  # faces kept in the face round (a count the projector shows, and redraws its results on)
    lesson: str | None = None  # the lesson step the teacher shows: following devices go to it

    @property
    def version(self) -> str:
        return _version(self.round, self.revealed, self.ended, self.removed, self.activity, self.lesson)

    @property
    def live(self) -> str:
        counts = f"{self.version}/{self.players}/{self.answered}"
        return f"{counts}/{self.faces}" if self.activity == "faces" else counts

    def as_json(self) -> dict:
        """What the stage route answers (the removals count only through the version)."""
        fields = {name: value for name, value in asdict(self).items() if name != "removed"}
        return {**fields, "version": self.version, "live": self.live}


def _version(number: int | None, revealed: bool, ended: bool, removed: int = 0, activity: str = "quiz",
             lesson: str | None = None) -> str:
    if ended:
        return "ended"
    shown = "waiting" if number is None else f"{number}-{'revealed' if revealed else 'open'}"
    shown = f"{shown}~{removed}" if removed else shown
    shown = f"{shown}+faces" if activity == "faces" else shown
    return f"{shown}@{lesson}" if lesson else shown


def stage_version(stage: tuple) -> str:
    """The :attr:`LiveStage.version` of a page's stage tuple (:attr:`lab.classroom.rounds.ClassState.stage`: the
    round and whether it is revealed, whether the class ended, how many players were removed, the activity, the lesson
    step), so that a page can tell its component which stage it drew."""
    current, ended, *rest = stage
    number, revealed = current if current is not None else (None, False)
    return _version(number, revealed, ended, *rest)


def read_live_stage(code: str, database_url: str | None = None) -> LiveStage:
    """The class's stage and counts in three or four small indexed queries (one snapshot, no write lock)."""
    rounds, players, answers = schema.rounds, schema.players, schema.answers

    def read(connection: Connection) -> LiveStage:
        info = class_row(connection, code)
        latest = connection.execute(sa.select(rounds.c.id, rounds.c.number, rounds.c.revealed_at)
                                    .where(rounds.c.class_id == info.id)
                                    .order_by(rounds.c.number.desc()).limit(1)).first()
        count = connection.execute(sa.select(sa.func.count()).select_from(players)
                                   .where(players.c.class_id == info.id)).scalar_one()
        answered = faces = 0
        if latest is not None:
            answered = connection.execute(sa.select(sa.func.count()).select_from(answers)
                                          .where(answers.c.round_id == latest.id)).scalar_one()
        if info.faces_open:
            faces = count_class_faces(connection, info.id)
        return LiveStage(info.code, latest.number if latest else None, bool(latest and latest.revealed_at is not None),
                         info.ended, int(count), int(answered), info.removed, info.activity, int(faces),
                         info.lesson_step)
    return read_only(read, database_url)


_hubs: weakref.WeakSet[StageHub] = weakref.WeakSet()  # every hub of this process, for :func:`stage_changed`
_hubs_lock = threading.Lock()


def stage_changed(code: str) -> None:
    """A page changed the class's stage (a round, a reveal, the end, a removal): every hub of this process reads it
    now. Other servers of a cluster see it at their next refresh."""
    with _hubs_lock:
        hubs = list(_hubs)
    for hub in hubs:
        hub.poke(code)


class HubBusyError(LabError):
    """Too many devices wait on this server at once: the route answers 503 and the device retries a little later."""


class StageHub:
    """Long polls of classes' stages, for one server process (one event loop).

    ``read(code)`` is the blocking database read (:func:`read_live_stage`); it runs on ``executor``, never on the event
    loop. The first request for a class reads it at once (one read however many arrive together); after that the
    refresh task reads every watched class each ``refresh`` seconds and wakes the requests whose answer changed.
    """

    def __init__(self, read: Callable[[str], LiveStage], executor: Executor | None = None, *,
                 refresh: float = REFRESH_SECONDS, hold: float = HOLD_SECONDS, forget: float = FORGET_SECONDS,
                 max_waiting: int = MAX_WAITING, max_waiting_per_client: int = MAX_WAITING_PER_CLIENT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._read, self._executor = read, executor
        self.refresh, self.hold, self.forget, self.max_waiting = refresh, hold, forget, max_waiting
        self.max_waiting_per_client = max_waiting_per_client
        self._per_client: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        with _hubs_lock:
            _hubs.add(self)
        self._clock = clock
        self._stages: dict[str, LiveStage] = {}
        self._changed: dict[str, asyncio.Event] = {}
        self._asked: dict[str, float] = {}  # last time a device asked about each class
        self._first_reads: dict[str, asyncio.Future] = {}
        self._task: asyncio.Task | None = None
        self.waiting = 0
        self.reads = 0  # database reads made, for the tests and the benchmark

    async def _read_now(self, code: str) -> LiveStage:
        self.reads += 1
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._read, code)

    async def current(self, code: str) -> LiveStage:
        """The class's stage as last read (read now if nobody watched it yet). ClassroomError for an unknown class."""
        self._loop = asyncio.get_running_loop()
        key = normalise_code(code)
        if key in self._stages:
            self._asked[key] = self._clock()
            return self._stages[key]
        pending = self._first_reads.get(key)
        if pending is None:  # the first of many devices arriving together reads; the others wait for its answer
            pending = asyncio.ensure_future(self._read_now(key))
            self._first_reads[key] = pending
            pending.add_done_callback(lambda _f, key=key: self._first_reads.pop(key, None))
        stage = await asyncio.shield(pending)  # an unknown class raises here, and leaves nothing behind
        self._asked[key] = self._clock()
        self._publish(key, stage)
        self._ensure_refreshing()
        return stage

    async def wait(self, code: str, seen: str, *, live: bool = False, hold: float | None = None,
                   client: str | None = None) -> LiveStage:
        """The class's stage once its version (``live``: its version and counts) differs from ``seen``, or the same
        stage after ``hold`` seconds. Cancelling it (the device went away) frees its place at once."""
        held = self._per_client.get(client or "", 0)
        if self.waiting >= self.max_waiting or held >= self.max_waiting_per_client:
            raise HubBusyError(_("The server is busy; your device will try again in a moment."))
        stage = await self.current(code)
        key = stage.code

        def answer(of: LiveStage) -> str:
            return of.live if live else of.version

        if answer(stage) != seen:
            return stage
        self.waiting += 1
        self._per_client[client or ""] = self._per_client.get(client or "", 0) + 1
        try:
            deadline = self._clock() + (self.hold if hold is None else hold)
            while answer(stage) == seen:
                remaining, changed = deadline - self._clock(), self._changed.get(key)
                if remaining <= 0 or changed is None:  # changed None: the class was forgotten meanwhile
                    break
                self._asked[key] = self._clock()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), remaining)
                stage = self._stages.get(key, stage)
        finally:
            self.waiting -= 1
            left = self._per_client.pop(client or "") - 1
            if left:
                self._per_client[client or ""] = left
        return stage

    def poke(self, code: str) -> None:
        """From any thread (a page's action): read the class's stage now rather than at the next refresh, so that the
        page's own rerun finds the hub up to date."""
        key, loop = normalise_code(code), self._loop
        if loop is None or loop.is_closed() or key not in self._stages:
            return
        loop.call_soon_threadsafe(lambda: loop.create_task(self._refresh_one(key)))

    def _publish(self, key: str, stage: LiveStage) -> None:
        if self._stages.get(key) == stage:
            return
        self._stages[key] = stage
        woken = self._changed.get(key)
        self._changed[key] = asyncio.Event()
        if woken is not None:
            woken.set()

    def _forget(self, key: str) -> None:
        self._stages.pop(key, None)
        self._asked.pop(key, None)
        woken = self._changed.pop(key, None)
        if woken is not None:
            woken.set()  # its waiters answer with what they have; their next request reads again

    def _ensure_refreshing(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._refresh_loop(), name="class stage refresh")

    async def _refresh_loop(self) -> None:
        while self._stages:
            await asyncio.sleep(self.refresh)
            await self.refresh_once()

    async def refresh_once(self) -> None:
        """Read every watched class once; forget the classes nobody asked about lately."""
        for key in list(self._stages):
            if self._clock() - self._asked.get(key, 0.0) > self.forget:
                self._forget(key)
                continue
            await self._refresh_one(key)

    async def _refresh_one(self, key: str) -> None:
        try:
            stage = await self._read_now(key)
        except ClassroomError:  # the class is gone (a test database reset): its devices get a 404 next time
            self._forget(key)
            return
        except Exception:  # noqa: BLE001 - a database hiccup: keep the last stage, read again next time
            return
        if key in self._stages:
            self._publish(key, stage)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for key in list(self._stages):
            self._forget(key)
