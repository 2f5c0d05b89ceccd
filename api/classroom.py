"""The live class's HTTP routes, served beside the Streamlit app (``app = st.App(..., routes=routes())`` in app.py).

A student's device draws each round itself (ui/class_live.js) from these routes, so that a class costs the server no
Streamlit script run per round, per answer or per second of waiting:

- ``GET /api/class/{code}/stage?seen=VERSION[&live=1]``: the class's stage (:class:`lab.classroom.live.LiveStage`),
  at once when it differs from ``seen``, else after up to 25 s (a long poll). ``live=1`` (the projector) also answers
  when the counts change. Read-only, public (the code is on the projector), holds no database connection.
- ``GET /api/class/{code}/round?have=N`` with ``X-Player-Token``: the player's view of the current round, with its
  drawings unless the device already has round ``N``'s.
- ``POST /api/class/{code}/answer`` with ``X-Player-Token`` and ``{"round": n, "choice": i}``: the player's answer.

Handlers are ``async`` and do constant work on the event loop (which every Streamlit session shares); the database
and the PNG encoding run on a small thread pool of their own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lab.classroom.class_faces import sweep_seconds
from lab.classroom.live import HubBusyError, StageHub, read_live_stage
from lab.classroom.player_round import PictureCache, player_round
from lab.classroom.rooms import (CODE_ALPHABET, CODE_LENGTH, ClassroomError, NotAPlayerError, RoundClosedError,
                                 normalise_code)
from lab.classroom.rounds import answer_round, player_view
from lab.data.shared_sets import shared_set
from lab.errors import LabError
from lab.i18n import _
from lab.limits import WAY
from lab.workflows.face_round import forget_expired_faces

LOG = logging.getLogger(__name__)
T = TypeVar("T")
WORKERS = 4  # database reads of the routes at once; more would only queue on the GIL
MAX_IN_FLIGHT = 400  # round reads and answers queued at once per server (a class of 300 answering together fits)
MAX_BODY = 256  # bytes of an answer's JSON body
TOKEN = re.compile(r"[0-9a-f]{32}")  # lab.classroom.rooms.join_class: secrets.token_hex(16)
CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")  # a join code as lab.classroom.rooms draws it
NO_STORE = {"Cache-Control": "no-store"}


class ClassApi:
    """What the routes of one server process share: the stage hub, the thread pool, the rounds' pictures."""

    def __init__(self, read_stage: Callable[[str], Any] = read_live_stage) -> None:
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="class-api")
        # Answers are written one at a time: concurrent SQLite writers wait in SQLite's busy handler, which sleeps
        # 25-100 ms between tries even when the lock is free again (30 answers within 2 s took up to 0.9 s each).
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-api-write")
        # The hub's reads on a thread of their own: a flood of requests for the rounds must not delay the stage.
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-api-stage")
        self.hub = StageHub(read_stage, self.reader)
        self.in_flight = 0
        self.pictures = PictureCache(lambda: shared_set("evaluation"))

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        return await self._queued(self.executor, lambda: work(*args))

    async def write(self, work: Callable[[], T]) -> T:
        return await self._queued(self.writer, work)

    async def _queued(self, pool: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        """``work`` on ``pool``, unless too much already waits there (a flood of forged requests): then the device is
        told the server is busy and retries, and the queue never grows without bound."""
        if self.in_flight >= MAX_IN_FLIGHT:
            raise HubBusyError(_("The server is busy; your device will try again in a moment."))
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work)
        finally:
            self.in_flight -= 1

    async def close(self) -> None:
        await self.hub.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.writer.shutdown(wait=False, cancel_futures=True)
        self.reader.shutdown(wait=False, cancel_futures=True)


_api: ClassApi | None = None


def class_api() -> ClassApi:
    """This process's :class:`ClassApi` (made by the lifespan, or on the first request where none ran)."""
    global _api
    if _api is None:
        _api = ClassApi()
    return _api


async def forget_expired_faces_periodically(api: ClassApi) -> None:
    """The face round's time limit, kept even in a class nobody watches: every server deletes the faces past it (and
    any left of an ended class) when it starts and every :func:`~lab.classroom.class_faces.sweep_seconds`, on the
    writer thread."""
    while True:
        try:
            await api.write(forget_expired_faces)
        except Exception as exc:  # noqa: BLE001 - a database hiccup or a busy server: the next sweep deletes them
            LOG.warning("expired class faces not deleted this time: %s", exc)
        await asyncio.sleep(sweep_seconds())


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    global _api
    _api = ClassApi()
    sweeping = asyncio.get_running_loop().create_task(forget_expired_faces_periodically(_api),
                                                      name="forget expired class faces")
    try:
        yield
    finally:
        sweeping.cancel()
        made, _api = _api, None
        await made.close()


def error(status: int, reason: str, message: str = "", **headers: str) -> JSONResponse:
    """``reason``: a fixed word the device translates (``closed``, ``not_a_player``...); ``message``: for people."""
    return JSONResponse({"error": reason, "message": message}, status_code=status, headers={**NO_STORE, **headers})


def refusal(exc: LabError) -> JSONResponse:
    """A lab refusal as the device reads it: its token is not a player (403), the round is closed (409), the class is
    unknown (404), the database could not answer (503, try again)."""
    if isinstance(exc, HubBusyError):
        return error(503, "busy", str(exc), **{"Retry-After": "2"})
    if isinstance(exc, NotAPlayerError):
        return error(403, "not_a_player", str(exc))
    if isinstance(exc, RoundClosedError):
        return error(409, "closed", str(exc))
    if isinstance(exc, ClassroomError):
        return error(404, "no_class", str(exc))
    return error(503, "database", str(exc), **{"Retry-After": "2"})


def no_such_code(code: str) -> JSONResponse:
    """A code that cannot be a class's (checked before any database work)."""
    return error(404, "no_class", _("There is no class with the code {code}. Check the code on the projector.").format(
        code=normalise_code(code)[:16] or "-"))


def player_token(request: Request) -> str | None:
    token = request.headers.get("x-player-token", "")
    return token if TOKEN.fullmatch(token) else None


def small_int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() and len(text) <= 6 else None


async def client_gone(request: Request) -> None:
    """Returns when the client closes the connection (a long poll held for a device that went away ends then)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def held(request: Request, work: Awaitable[T]) -> T | None:
    """``work``'s result, or None (``work`` cancelled) once the client has gone."""
    waiting, gone = asyncio.ensure_future(work), asyncio.ensure_future(client_gone(request))
    try:
        await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not waiting.done():
            waiting.cancel()  # takes effect at the task's next step: not done yet, and then cancelled
    return waiting.result() if waiting.done() and not waiting.cancelled() else None


async def stage(request: Request) -> Response:
    code = request.path_params["code"]
    if not CODE.fullmatch(normalise_code(code)):
        return no_such_code(code)
    seen = request.query_params.get("seen", "")[:128]  # a live key: version, activity, lesson step (40) and counts
    client = request.client.host if request.client else None
    try:
        found = await held(request, class_api().hub.wait(code, seen, live=request.query_params.get("live") == "1",
                                                          client=client))
    except LabError as exc:
        return refusal(exc)
    if found is None:
        return Response(status_code=204)  # nobody is left to read it
    return JSONResponse(found.as_json(), headers=NO_STORE)


def refused_player(request: Request) -> JSONResponse | None:
    """Why a player's request is refused before any database work (no well-formed token, a code no class can have);
    None when it may go on."""
    if player_token(request) is None:
        return error(403, "not_a_player")
    if not CODE.fullmatch(normalise_code(request.path_params["code"])):
        return no_such_code(request.path_params["code"])
    return None


async def current_round(request: Request) -> JSONResponse:
    refused, token = refused_player(request), player_token(request)
    if refused is not None:
        return refused
    api = class_api()
    try:
        view = await api.run(player_round, request.path_params["code"], token, api.pictures,
                             small_int(request.query_params.get("have")))
    except LabError as exc:
        return refusal(exc)
    return JSONResponse(view, headers=NO_STORE)


async def read_small_body(request: Request) -> bytes | None:
    """The request's body, or None past :data:`MAX_BODY` bytes (read no further than that)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def parse_answer(body: bytes) -> tuple[int, int] | None:
    try:
        given = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(given, dict):
        return None
    number, choice = given.get("round"), given.get("choice")
    if type(number) is not int or type(choice) is not int or number < 1 or not 0 <= choice < WAY.high:
        return None
    return number, choice


async def answer(request: Request) -> JSONResponse:
    refused, token = refused_player(request), player_token(request)
    if refused is not None:
        return refused
    body = await read_small_body(request)
    if body is None:
        return error(413, "too_large")
    parsed = parse_answer(body)
    if parsed is None:
        return error(400, "bad_answer", 'expected {"round": N, "choice": I} (I from 0)')
    number, choice = parsed
    code = request.path_params["code"]

    def record() -> int | None:  # the answer that stands: the first, if another tab or a replay came before
        answer_round(token, number, choice, code=code)
        return player_view(code, token).choice

    try:
        recorded = await class_api().write(record)
    except LabError as exc:
        return refusal(exc)
    return JSONResponse({"choice": recorded}, headers=NO_STORE)


def routes() -> list[Route]:
    return [Route("/api/class/{code}/stage", stage, methods=["GET"]),
            Route("/api/class/{code}/round", current_round, methods=["GET"]),
            Route("/api/class/{code}/answer", answer, methods=["POST"])]
