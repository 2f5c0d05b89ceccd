"""What the class page's component (ui/class_live.js) does in the browser, less the drawing: the class routes' paths,
what their answers must hold, the waits after a failure, and the long poll of the class's stage
(:class:`StageWatcher`). The students and the projector of the bench use it in place of the browser."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlencode

from bench.client.http_client import LONG_POLL_TIMEOUT_S, HttpResponse

COMPONENT_KEY = "class_live"  # the st.components.v2 component of the class page (student's and projector's)
JITTER_S = 0.5  # after a change of the stage, the component waits up to this long before fetching the round
BACKOFF_FIRST_S, BACKOFF_MOST_S = 1.0, 15.0  # its waits after a failed request: 1 s, doubling, at most 15 s

Fetch = Callable[[str, "dict[str, str] | None", float], Awaitable[HttpResponse]]


class RouteError(RuntimeError):
    """A class route answered with an error status, or with a body the component cannot use."""

    def __init__(self, message: str, response: HttpResponse | None = None) -> None:
        super().__init__(message)
        self.status = response.status if response is not None else None


class Backoff:
    """The component's waits after failed requests: ``first`` seconds, doubling up to ``most``; a success resets."""

    def __init__(self, first: float = BACKOFF_FIRST_S, most: float = BACKOFF_MOST_S) -> None:
        self.first, self.most = first, most
        self.current = first

    def next(self) -> float:
        wait = self.current
        self.current = min(self.current * 2, self.most)
        return wait

    def reset(self) -> None:
        self.current = self.first


def stage_path(api: str, code: str, seen: str, live: bool = False) -> str:
    query = urlencode({"seen": seen, **({"live": 1} if live else {})})
    return f"{api}/{quote(code)}/stage?{query}"


def round_path(api: str, code: str, have: int | None) -> str:
    """The round route, ``have``: the round whose drawings the page has (empty when none, as ui/class_live.js)."""
    return f"{api}/{quote(code)}/round?have={'' if have is None else have}"


STAGE_KEYS = {"version", "live", "round", "revealed", "ended", "players", "answered"}
ROUND_KEYS = {"version", "round", "ways", "revealed", "ended", "choice", "answer", "model_answer", "correct",
              "answered", "nickname", "images"}


def stage_problem(stage: object) -> str | None:
    """What is wrong with a stage route's answer for the component, or None."""
    if not isinstance(stage, dict):
        return f"not a JSON object: {stage!r:.200}"
    missing = STAGE_KEYS - stage.keys()
    return f"keys missing: {sorted(missing)}" if missing else None


def round_view_problem(view: object, have: int | None) -> str | None:
    """What is wrong with a round route's answer for a page that has the images of round ``have``, or None: the
    keys of the contract; the images of the round when it is not ``have`` (a query and ``ways`` candidates, PNG
    data URLs); the answers only once revealed."""
    if not isinstance(view, dict):
        return f"not a JSON object: {view!r:.200}"
    missing = ROUND_KEYS - view.keys()
    if missing:
        return f"keys missing: {sorted(missing)}"
    number, images = view["round"], view["images"]
    if not view["revealed"] and (view["answer"] is not None or view["model_answer"] is not None):
        return f"round {number}: the answer is given before the reveal"
    if number is None or number == have:
        return None
    if not images:
        return f"round {number}: no images (the page has round {have}'s)"
    if images.get("round") != number:
        return f"round {number}: the images are round {images.get('round')}'s"
    pictures = [images.get("query"), *images.get("candidates", [])]
    if len(pictures) != view["ways"] + 1 or not all(str(p).startswith("data:image/png;base64,") for p in pictures):
        return f"round {number}: {len(pictures) - 1} candidates for {view['ways']} ways, or not PNG data URLs"
    return None


class StageWatcher:
    """What the class page's component (ui/class_live.js, ``watch``) does in the browser, less the drawing:
    long-poll the stage route (``GET {api}/{code}/stage?seen=S``; with ``live`` the projector's ``&live=1``, where
    ``S`` is the ``live`` key) starting from ``seen=""``, and call ``on_change(stage)`` each time the stage's version
    differs from the last one handled (the first answer too, unless ``version`` says what the page was drawn with).
    Any other status than 200 (a 503 too: the component does not read ``Retry-After``), a network error or a failed
    ``on_change`` is followed by a wait (:class:`Backoff`, reset once a stage was handled), and ``on_change`` is tried
    again with the next answer. A 404 (no such class) or a :class:`RouteError` of ``on_change`` with a 403 or 404
    ends the watch (raised); so does a stage that says the class ended (returned).

    ``fetch(path, headers, timeout)`` is the page's GET (:meth:`bench.client.connection.Connection.get_json`)."""

    def __init__(self, fetch: Fetch, api: str, code: str, *, on_change: Callable[[dict], Awaitable[None]],
                 live: bool = False, version: str | None = None, on_error: Callable[[str], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.fetch, self.api, self.code, self.live = fetch, api, code, live
        self.on_change, self.on_error, self.sleep = on_change, on_error, sleep
        self.version = version  # the stage the page shows
        self.seen = ""  # what the next poll says the page has (the live key with ``live``)
        self.backoff = Backoff()
        self.stage: dict | None = None
        self.polls = self.failures = self.refused = 0

    def _failed(self, what: str) -> None:
        self.failures += 1
        if self.on_error is not None:
            self.on_error(what)

    async def watch(self) -> dict:
        """Poll until the class ended; the last stage."""
        while True:
            self.polls += 1
            try:
                response = await self.fetch(stage_path(self.api, self.code, self.seen, self.live), None,
                                            LONG_POLL_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                self._failed(f"stage: {type(exc).__name__}: {exc}")
                await self.sleep(self.backoff.next())
                continue
            if response.status == 404:
                raise RouteError(f"stage: HTTP 404 {response.body[:200]!r}", response)
            if response.status == 503:  # too many waiting, or the database: the component waits as after an error
                self.refused += 1
                await self.sleep(self.backoff.next())
                continue
            stage = response.json()
            problem = f"HTTP {response.status} {response.body[:200]!r}" if response.status != 200 else \
                stage_problem(stage)
            if problem:
                self._failed(f"stage: {problem}")
                await self.sleep(self.backoff.next())
                continue
            self.stage = stage
            if stage["version"] != self.version:
                try:
                    await self.on_change(stage)
                except RouteError as exc:
                    if exc.status in (403, 404):
                        raise
                    self._failed(str(exc))
                    await self.sleep(self.backoff.next())
                    continue
                except (OSError, TimeoutError, ValueError, KeyError, TypeError, IndexError) as exc:
                    self._failed(f"after a change: {type(exc).__name__}: {exc}")
                    await self.sleep(self.backoff.next())
                    continue
                self.version = stage["version"]
            self.seen = str(stage["live"] if self.live else stage["version"])
            self.backoff.reset()
            if stage["ended"]:
                return stage
