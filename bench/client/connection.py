"""A Streamlit session's WebSocket: the ``BackMsg`` reruns it sends, the ``ForwardMsg`` messages it reads (runs,
page deltas, the pages of the app, file URLs, a fragment's timed reruns), and the wait for a run to complete. What a
user does with the page is :class:`bench.client.session.StreamlitSession`."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.client.http_client import HttpResponse, first_cookies, http_request, json_request
from bench.client.page import Page

XSRF_COOKIE = "_streamlit_xsrf"
COMPLETED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
ERROR_ALERT = 1  # Alert.Format.ERROR
Condition = Callable[[Any], bool]  # of the session, checked after each message


class ProtocolError(RuntimeError):
    """The server closed the connection, answered with an error, or never finished a run in time."""


@dataclass
class Run:
    """One script run as the client saw it."""

    run_id: str
    fragment_ids: tuple[str, ...]
    started: float
    finished: float | None = None
    status: int | None = None


@dataclass
class SessionStats:
    runs: int = 0
    auto_reruns_sent: int = 0
    bytes_received: int = 0
    messages_received: int = 0
    errors: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)  # st.error boxes: the page's content, told apart by text


class Connection:
    """One browser tab's connection to Streamlit, over its WebSocket.

    ``await connection.open("/roc")`` connects and waits for the page's first run; :meth:`interact` sends a rerun and
    waits for it, returning the seconds it took; the page is ``self.page``. Problems are collected in
    ``stats.errors`` (exception elements, compile errors, a page not found, a lost connection; error alerts, which
    pages also use for content, go to ``stats.error_alerts``) rather than raised, except where the caller waits for
    something that then cannot come (:class:`ProtocolError`).
    """

    def __init__(self, base_url: str, *, timeout: float = 120, fetch_media: bool = True,
                 auto_rerun: bool = True, name: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.fetch_media = fetch_media
        self.auto_rerun = auto_rerun
        self.name = name
        self.stats = SessionStats()
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.runs: list[Run] = []
        self._ws = None
        self._xsrf: str | None = None
        self._cookies: dict[str, str] = {}
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self.page = Page()
        self._auto: dict[str, asyncio.Task] = {}
        self._file_urls: dict[str, asyncio.Future] = {}
        self._media_seen: set[str] = set()
        self._background: set[asyncio.Task] = set()
        self._closed_by_us = False
        self.closed: str | None = None  # why the connection ended, if it did

    # -------------------------------------------------------------------------------------------- connection

    async def open(self, path: str = "/", query: str = "") -> float:
        """Connect and run page ``path`` (``/roc``) with ``query`` (``class=ABCD``); seconds to its first
        completed run."""
        import websockets

        self._cookies = await first_cookies(self.base_url)
        self._xsrf = self._cookies.get(XSRF_COOKIE)
        parts = urlsplit(self.base_url)
        headers = {"Cookie": self.cookie_header} if self._cookies else {}
        protocols = ["streamlit", self._xsrf] if self._xsrf else ["streamlit"]
        self._ws = await websockets.connect(
            f"ws://{parts.netloc}/_stcore/stream", subprotocols=protocols, origin=self.base_url,  # type: ignore
            additional_headers=headers, max_size=None, open_timeout=self.timeout,
            ping_interval=None)  # a browser sends no WebSocket pings (and a starved server would fail their timeout)
        self._reader = asyncio.create_task(self._read(), name=f"reader {self.name}")
        self.query_string = query
        return await self.interact(page_name=path.strip("/"), page_script_hash="")

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self._cookies.items())

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies of the session's first request (the balancer's ``SERVERID`` among them): a page's ``fetch``
        to the app's own routes sends them, and must reach the replica that runs the session."""
        return dict(self._cookies)

    async def get_json(self, path: str, headers: dict[str, str] | None = None,
                       timeout: float | None = None) -> HttpResponse:
        """``GET path`` (with its query) from the page, with the session's cookies; see :func:`json_request`."""
        return await json_request(self.base_url, "GET", path, headers=headers, cookies=self._cookies,
                                  timeout=self.timeout if timeout is None else timeout)

    async def post_json(self, path: str, payload: object, headers: dict[str, str] | None = None,
                        timeout: float | None = None) -> HttpResponse:
        """``POST path`` with ``payload`` as JSON, with the session's cookies; see :func:`json_request`."""
        return await json_request(self.base_url, "POST", path, payload, headers=headers, cookies=self._cookies,
                                  timeout=self.timeout if timeout is None else timeout)

    async def close(self) -> None:
        self._closed_by_us = True
        for task in [*self._auto.values(), *self._background]:
            task.cancel()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -------------------------------------------------------------------------------------------- messages in

    async def _read(self) -> None:
        try:
            async for data in self._ws:  # type: ignore[union-attr]
                message = ForwardMsg()
                message.ParseFromString(data)
                self.stats.bytes_received += len(data)
                self.stats.messages_received += 1
                self._handle(message)
            if not self._closed_by_us:
                self._lost(f"connection closed by the server ({self._ws.close_code} {self._ws.close_reason!r})")  # type: ignore
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - anything that ends the connection is reported as lost
            if not self._closed_by_us:
                self._lost(f"connection lost: {type(exc).__name__}: {exc}")
        finally:
            self._changed.set()

    def _lost(self, why: str) -> None:
        self.closed = why
        self.stats.errors.append(why)
        for task in self._auto.values():
            task.cancel()

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            run = message.metadata.run
            self.runs.append(Run(run.script_run_id, tuple(run.fragment_ids), time.perf_counter()))
            self.page.new_run()
            new = message.new_session
            if new.initialize.session_id:
                self.session_id = new.initialize.session_id
            if new.page_script_hash:
                self.page_script_hash = new.page_script_hash
            self._note_pages(new.app_pages)
            if not run.fragment_ids:  # a full run: the frontend drops its fragments' timers; the run sets them again
                for task in self._auto.values():
                    task.cancel()
                self._auto.clear()
        elif kind == "delta":
            self._add_delta(message)
        elif kind == "script_finished":
            current = self.runs[-1] if self.runs else None
            if current is not None and current.finished is None:
                current.finished, current.status = time.perf_counter(), message.script_finished
            if message.script_finished in COMPLETED:
                self._drop_stale()
                self.stats.runs += 1
            elif message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.stats.errors.append("script finished with a compile error")
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "navigation":  # with st.navigation, the page shown (new_session's hash is the entry script's)
            self._note_pages(message.navigation.app_pages)
            if message.navigation.page_script_hash:
                self.page_script_hash = message.navigation.page_script_hash
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            error = message.session_event.script_compilation_exception
            self.stats.errors.append(f"compile error: {error.type}: {error.message}")
        elif kind == "page_not_found":
            self.stats.errors.append(f"page not found: {message.page_not_found.page_name}")
        elif kind == "file_urls_response":
            future = self._file_urls.pop(message.file_urls_response.response_id, None)
            if future is not None and not future.done():
                future.set_result(message.file_urls_response)
        elif kind == "auto_rerun":
            self._start_auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                task = self._auto.pop(fragment_id, None)
                if task is not None:
                    task.cancel()
        elif kind == "ref_hash":
            self.stats.errors.append("unexpected ref_hash (no cached messages were announced)")
        self._changed.set()

    def _note_pages(self, pages: Iterable[object]) -> None:
        for page in pages:
            self.pages[page.url_pathname] = page.page_script_hash  # type: ignore[attr-defined]

    def _add_delta(self, message: ForwardMsg) -> None:
        if message.delta.WhichOneof("type") == "new_element":
            self._check_element(message.delta.new_element)
        self.page.add(self.runs[-1].run_id if self.runs else "", message)

    def _check_element(self, element: Element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.stats.errors.append(f"exception element: {element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == ERROR_ALERT:
            # Not counted as an error: pages use st.error for content too ("Not this time: you picked 3").
            self.stats.error_alerts.append(element.alert.body[:200])
        elif self.fetch_media and kind in ("imgs", "image"):
            urls = [img.url for img in element.imgs.imgs] if kind == "imgs" else []
            for url in urls:
                if url.startswith("/media/") and url not in self._media_seen:  # the browser's cache keeps the rest
                    self._media_seen.add(url)
                    task = asyncio.get_running_loop().create_task(self._fetch_media(url))
                    self._background.add(task)
                    task.add_done_callback(self._background.discard)

    async def _fetch_media(self, url: str) -> None:
        try:
            headers = {"Cookie": self.cookie_header} if self._cookies else {}
            response = await http_request(self.base_url, "GET", url, headers, timeout=self.timeout)
            if response.status != 200:
                self.stats.errors.append(f"media {url}: HTTP {response.status}")
        except Exception as exc:  # noqa: BLE001
            self.stats.errors.append(f"media {url}: {type(exc).__name__}: {exc}")

    def _drop_stale(self) -> None:
        """The frontend's stale-node rule after a completed run (see :meth:`bench.client.page.Page.drop_stale`)."""
        if self.runs:
            self.page.drop_stale(self.runs[-1].run_id, self.runs[-1].fragment_ids)

    # -------------------------------------------------------------------------------------------- auto reruns

    def _start_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not self.auto_rerun or interval <= 0:
            return
        old = self._auto.pop(fragment_id, None)
        if old is not None:
            old.cancel()
        self._auto[fragment_id] = asyncio.get_running_loop().create_task(self._auto_loop(fragment_id, interval))

    async def _auto_loop(self, fragment_id: str, interval: float) -> None:
        """What the frontend's timer does for ``st.fragment(run_every=...)``: ask for the fragment's rerun every
        ``interval`` seconds (skipped while a run is in progress here)."""
        with contextlib.suppress(asyncio.CancelledError):
            while self.closed is None:
                await asyncio.sleep(interval)
                if self.running:
                    continue
                await self._send_rerun([], fragment_id=fragment_id, is_auto_rerun=True)
                self.stats.auto_reruns_sent += 1

    # -------------------------------------------------------------------------------------------- messages out

    @property
    def running(self) -> bool:
        return bool(self.runs) and self.runs[-1].finished is None

    async def _send(self, message: BackMsg) -> None:
        if self.closed is not None:
            raise ProtocolError(f"{self.name}: {self.closed}")
        await self._ws.send(message.SerializeToString())  # type: ignore[union-attr]

    async def _send_rerun(self, widgets: list[WidgetState], *, fragment_id: str = "", is_auto_rerun: bool = False,
                          page_name: str | None = None, page_script_hash: str | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash if page_script_hash is None else page_script_hash
        if page_name:
            state.page_name = page_name
        if fragment_id:
            state.fragment_id = fragment_id
        state.is_auto_rerun = is_auto_rerun
        state.widget_states.widgets.extend(widgets)
        await self._send(message)

    async def interact(self, widgets: list[WidgetState] | None = None, *, fragment_id: str = "",
                       until: Condition | None = None, timeout: float | None = None,
                       page_name: str | None = None, page_script_hash: str | None = None) -> float:
        """Send a rerun and wait until a run that started after it has completed and ``until(self)`` holds (every
        completed run is checked, since a fragment's timed rerun may finish first); the seconds that took."""
        started = time.perf_counter()
        mark = len(self.runs)
        self._changed.clear()
        await self._send_rerun(widgets or [], fragment_id=fragment_id, page_name=page_name,
                               page_script_hash=page_script_hash)
        await self.wait_for(lambda s: any(r.finished is not None and r.status in COMPLETED for r in s.runs[mark:])
                            and (until is None or until(s)), timeout)
        return time.perf_counter() - started

    async def wait_for(self, condition: Condition, timeout: float | None = None) -> float:
        """Wait until ``condition(self)`` holds after a message (it is checked after each one); seconds waited."""
        started = time.perf_counter()
        deadline = started + (self.timeout if timeout is None else timeout)
        while not condition(self):
            if self.closed is not None:
                raise ProtocolError(f"{self.name}: {self.closed}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"{self.name}: timed out after {deadline - started:.0f} s ({self.describe()})")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return time.perf_counter() - started

    def describe(self) -> str:
        """Where the session stands, for a timeout's message."""
        last = self.runs[-1] if self.runs else None
        run = "no run" if last is None else (
            f"{len(self.runs)} runs, the last {'a fragment' if last.fragment_ids else 'full'}, "
            f"{'finished' if last.finished else 'running'} {time.perf_counter() - last.started:.1f} s after its start")
        alive = sum(not task.done() for task in self._auto.values())
        return f"{run}; {alive} timed fragments; last texts {[t[:40] for t in self.page.texts()[-3:]]}"
