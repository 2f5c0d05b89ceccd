"""A light Streamlit client at the protocol level: one WebSocket per session, protobuf messages, no browser.

Built for ``bench/bench_classroom.py``: 30 headless Chromium contexts saturate a 2-core machine before the server
does, so the load comes from this client, which costs a few milliseconds of CPU per rerun. It speaks what the
browser speaks to a Streamlit 1.67 server (Starlette/uvicorn), inferred from the server's side
(``streamlit/web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py`` and the in-process agent
client ``runtime/agent/interaction.py``, which applies the frontend's rules to a message list):

- ``GET /_stcore/health`` sets the ``_streamlit_xsrf`` cookie. The WebSocket ``/_stcore/stream`` is opened with
  ``Sec-WebSocket-Protocol: streamlit, <xsrf token>`` (a third entry would be a session id to resume), the cookie and
  an ``Origin``; the server does not ask for the token to connect, only uploads check it (``X-Xsrftoken`` header).
- Every message is binary protobuf. The client sends ``BackMsg``: ``rerun_script`` (a ``ClientState``: query string,
  page by ``page_name`` the first time and by ``page_script_hash`` after, ``fragment_id`` for a fragment's own rerun,
  and ``widget_states``, which the runtime merges into the session's widget state, so only the widgets a user
  changed need to be sent) and ``file_urls_request``. ForwardMsgs need no acknowledgement; the client sends no
  ``cached_message_hashes``, so the server never answers with a ``ref_hash``.
- The server answers a run with ``new_session`` (``metadata.run``: the run's id and its fragments), ``delta``
  messages at ``metadata.delta_path``, maybe ``page_info_changed`` (the query string of widgets bound to the URL),
  ``auto_rerun`` (a fragment with ``run_every``: the *client* must ask for its reruns, as the frontend's timer does)
  and ``script_finished``; after a completed run, elements the run did not write again are stale and dropped
  (the frontend's ClearStaleNodeVisitor rule, as the agent client applies it).
- A widget's element carries its ``id``; a widget with a key has an id ending in ``-<key>``. Values go in a
  ``WidgetState`` of the widget's type: sliders ``double_array_value``, text inputs, radios and select boxes
  ``string_value`` (the option as shown), buttons ``trigger_value``, file uploaders ``file_uploader_state_value``
  (after ``file_urls_request`` / ``file_urls_response`` and a multipart ``PUT`` to each file's upload URL).
- A custom component of ``st.components.v2`` is a ``bidi_component`` element, with an ``id`` like a widget's (ending
  in ``-<key>``) and its ``data`` as JSON text (``json``, or ``mixed.json`` when the data holds dataframes):
  :meth:`StreamlitSession.component_data`. Its ``setTriggerValue(event, value)`` is a rerun with a trigger widget of
  its own (:meth:`StreamlitSession.trigger`). What its JavaScript fetches from HTTP routes the app serves beside
  Streamlit, the client fetches with :func:`json_request` (:meth:`StreamlitSession.get_json`,
  :meth:`StreamlitSession.post_json`), with the session's cookies, as the browser's ``fetch`` sends them.

Nothing here imports the app; it needs ``websockets`` and the ``streamlit`` package's protobuf modules only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
COMPLETED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
ERROR_ALERT = 1  # Alert.Format.ERROR
INTERNAL_KEY_PREFIX = "$$STREAMLIT_INTERNAL_KEY"  # the frontend's prefix of a component's trigger widget id
# A long poll's client-side limit: longer than the server's hold (about 25 s) plus a busy server's delay.
LONG_POLL_TIMEOUT_S = 40.0


class ProtocolError(RuntimeError):
    """The server closed the connection, answered with an error, or never finished a run in time."""


# ------------------------------------------------------------------------------------------------ HTTP, minimal


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self) -> Any:
        """The body as JSON; None when it is empty or not JSON (a proxy's error page)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


async def http_request(base_url: str, method: str, path: str, headers: dict[str, str] | None = None,
                       body: bytes = b"", timeout: float = 60) -> HttpResponse:
    """One HTTP/1.1 request over a fresh connection (``Connection: close``), read to the end: enough for a health
    check, an upload and a media file, without a third-party client or a thread per request."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]

    async def exchange() -> HttpResponse:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        if not raw:
            raise ConnectionError(f"{method} {path}: connection closed without an answer")
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        pairs = [tuple(x.strip() for x in line.split(":", 1)) for line in header_lines if ":" in line]
        response = HttpResponse(int(status_line.split()[1]), pairs, rest)  # type: ignore[arg-type]
        if any("chunked" in v.lower() for v in response.header("Transfer-Encoding")):
            response.body = _unchunk(rest)
        return response

    return await asyncio.wait_for(exchange(), timeout)


async def json_request(base_url: str, method: str, path: str, payload: object = None, *,
                       headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None,
                       timeout: float = 60) -> HttpResponse:
    """A JSON request as a page's ``fetch`` sends it (same origin: the cookies go along): ``payload`` (when not None)
    as the JSON body; the answer's JSON is ``response.json()``. Network errors and timeouts raise (``OSError``,
    ``TimeoutError``); HTTP error statuses do not. ``timeout`` bounds the whole exchange: for a long poll, give
    more than the server holds the request (:data:`LONG_POLL_TIMEOUT_S`)."""
    sent = {"Accept": "application/json", **(headers or {})}
    body = b""
    if payload is not None:
        body = json.dumps(payload).encode()
        sent["Content-Type"] = "application/json"
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return await http_request(base_url, method, path, sent, body, timeout=timeout)


def _unchunk(data: bytes) -> bytes:
    out, position = bytearray(), 0
    while True:
        end = data.index(b"\r\n", position)
        size = int(data[position:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2:end + 2 + size]
        position = end + 2 + size + 2


def multipart(field_name: str, file_name: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """(Content-Type header, body) of a form with one file, as the browser's upload sends it."""
    boundary = f"----oneshotbench{uuid.uuid4().hex}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


async def first_cookies(base_url: str) -> dict[str, str]:
    """The cookies a browser gets with its first request: ``_streamlit_xsrf`` (absent when XSRF protection is off)
    and, behind a balancer such as ``./run.sh cluster``'s HAProxy, the one that keeps the session on its replica
    (``SERVERID``), which the WebSocket, the uploads and the media requests must then carry."""
    response = await http_request(base_url, "GET", "/_stcore/health")
    cookies = {}
    for value in response.header("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(value)
        cookies |= {name: morsel.value for name, morsel in cookie.items()}
    return cookies


def bidi_data(proto: object) -> Any:
    """A ``BidiComponent`` element's data as the frontend reads it: JSON text in ``json``, or the JSON half of
    ``mixed`` (dataframes travel apart, as Arrow); None for bytes, Arrow or no data."""
    kind = proto.WhichOneof("data")  # type: ignore[attr-defined]
    text = proto.json if kind == "json" else proto.mixed.json if kind == "mixed" else ""  # type: ignore[attr-defined]
    return json.loads(text) if text else None


# ------------------------------------------------------------------------------------------------ the session


@dataclass
class Widget:
    """A widget as last drawn: its kind (``slider``, ``button``, ...), its element proto and its fragment."""

    kind: str
    proto: object
    fragment_id: str

    @property
    def id(self) -> str:
        return self.proto.id  # type: ignore[attr-defined]


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


class StreamlitSession:
    """One browser tab's worth of Streamlit, over its WebSocket.

    ``await session.open("/roc")`` connects and waits for the page's first run; ``await session.set_slider("threshold",
    0.6)`` and friends send a rerun and wait for it (see :meth:`interact`), returning the seconds it took. Elements
    on the page: :meth:`elements`, :meth:`widget`, :meth:`texts`. Problems are collected in ``stats.errors``
    (exception elements, compile errors, a page not found, a lost connection; error alerts, which pages also use
    for content, go to ``stats.error_alerts``) rather than raised, except where the
    caller waits for something that then cannot come (:class:`ProtocolError`).
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
        self._deltas: list[tuple[str, ForwardMsg]] = []  # (run id, delta message), in arrival order
        self._element_at: dict[tuple[int, ...], int] = {}
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

    async def __aenter__(self) -> StreamlitSession:
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
            self._element_at = {}
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
        run_id = self.runs[-1].run_id if self.runs else ""
        position = tuple(message.metadata.delta_path)
        if message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            self._check_element(element)
            index = self._element_at.get(position)
            if index is not None:
                self._deltas[index] = (run_id, message)
                return
            self._element_at[position] = len(self._deltas)
        elif message.delta.WhichOneof("type") == "add_block":
            depth = len(position)
            for cached in [p for p in self._element_at if p[:depth] == position]:
                del self._element_at[cached]
        else:
            return  # transient elements (toasts, spinners of cached functions) are not part of the page
        self._deltas.append((run_id, message))

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
        """The frontend's stale-node rule (as ``streamlit.runtime.agent.interaction`` applies it): a full run
        replaces the page; a fragment run replaces what its fragments wrote, and what lay under blocks it rewrote."""
        if not self.runs:
            return
        run = self.runs[-1]
        self._element_at = {}
        if not run.fragment_ids:
            self._deltas = [(r, m) for r, m in self._deltas if r == run.run_id]
        else:
            running = set(run.fragment_ids)
            replaced = {tuple(m.metadata.delta_path) for _, m in self._deltas
                        if m.delta.fragment_id in running and m.delta.WhichOneof("type") == "add_block"}

            def stale(run_id: str, message: ForwardMsg) -> bool:
                if run_id == run.run_id:
                    return False
                if message.delta.fragment_id in running:
                    return True
                path = tuple(message.metadata.delta_path)
                return any(path[:depth] in replaced for depth in range(1, len(path) + 1))

            self._deltas = [(r, m) for r, m in self._deltas if not stale(r, m)]
        for index, (_, message) in enumerate(self._deltas):
            if message.delta.WhichOneof("type") == "new_element":
                self._element_at.setdefault(tuple(message.metadata.delta_path), index)

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
                       until: Callable[[StreamlitSession], bool] | None = None, timeout: float | None = None,
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

    async def wait_for(self, condition: Callable[[StreamlitSession], bool], timeout: float | None = None) -> float:
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
        return f"{run}; {alive} timed fragments; last texts {[t[:40] for t in self.texts()[-3:]]}"

    # -------------------------------------------------------------------------------------------- the page

    def elements(self) -> list[tuple[Element, str]]:
        """The page's elements in order of arrival, each with its fragment id ("" outside fragments)."""
        return [(m.delta.new_element, m.delta.fragment_id) for _, m in self._deltas
                if m.delta.WhichOneof("type") == "new_element"]

    def widgets(self) -> list[Widget]:
        found = []
        for element, fragment_id in self.elements():
            kind = element.WhichOneof("type")
            proto = getattr(element, kind) if kind else None
            if proto is not None and getattr(proto, "id", ""):
                found.append(Widget(kind, proto, fragment_id))  # type: ignore[arg-type]
        return found

    def widget(self, key: str) -> Widget | None:
        """The widget drawn with ``key`` (its element id ends with ``-key``), or None."""
        for widget in self.widgets():
            if widget.id.endswith(f"-{key}"):
                return widget
        return None

    def has_widget(self, key: str) -> bool:
        return self.widget(key) is not None

    def component_data(self, key: str) -> Any:
        """The ``data`` of the ``st.components.v2`` component mounted with ``key`` (parsed JSON), or None when no
        such component is on the page (or it has no JSON data)."""
        widget = self.widget(key)
        if widget is None or widget.kind != "bidi_component":
            return None
        return bidi_data(widget.proto)

    def texts(self) -> list[str]:
        """The visible text of markdown, headings, alerts, metrics, captions and widget labels, in page order."""
        out = []
        for element, _ in self.elements():
            kind = element.WhichOneof("type")
            proto = getattr(element, kind) if kind else None
            if kind == "metric":
                out.append(f"{proto.label}: {proto.body}")  # type: ignore[union-attr]
            elif kind == "heading":
                out.append(proto.body)  # type: ignore[union-attr]
            elif kind in ("markdown", "alert", "text", "code"):
                out.append(getattr(proto, "body", "") or getattr(proto, "code_text", ""))
            elif proto is not None and getattr(proto, "label", ""):
                out.append(proto.label)  # type: ignore[union-attr]
        return out

    def has_text(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def kinds(self) -> list[str]:
        return [element.WhichOneof("type") or "" for element, _ in self.elements()]

    # -------------------------------------------------------------------------------------------- widgets

    def _require(self, key: str) -> Widget:
        widget = self.widget(key)
        if widget is None:
            raise ProtocolError(f"{self.name}: no widget with key {key!r} on the page")
        return widget

    def _without_bound_param(self, widget: Widget) -> None:
        """Drop the widget's parameter from the query string before changing it (as the agent client does): sent
        back unchanged, the old value in the URL would be put back over the new one."""
        param = getattr(widget.proto, "query_param_key", "")
        if param:
            self.query_string = urlencode([(k, v) for k, v in parse_qsl(self.query_string, keep_blank_values=True)
                                           if k != param])

    async def change(self, key: str, state: WidgetState, until: Callable[[StreamlitSession], bool] | None = None,
                     timeout: float | None = None) -> float:
        widget = self._require(key)
        state.id = widget.id
        self._without_bound_param(widget)
        return await self.interact([state], fragment_id=widget.fragment_id, until=until, timeout=timeout)

    async def set_slider(self, key: str, *values: float, until: Callable[[StreamlitSession], bool] | None = None,
                         timeout: float | None = None) -> float:
        state = WidgetState()
        state.double_array_value.data.extend(values)
        return await self.change(key, state, until, timeout)

    async def set_text(self, key: str, value: str, until: Callable[[StreamlitSession], bool] | None = None,
                       timeout: float | None = None) -> float:
        return await self.change(key, WidgetState(string_value=value), until, timeout)

    async def choose(self, key: str, option: str, until: Callable[[StreamlitSession], bool] | None = None,
                     timeout: float | None = None) -> float:
        """A radio's or select box's option, as shown (what their ``string_value`` holds)."""
        widget = self._require(key)
        options = list(getattr(widget.proto, "options", []))
        if options and option not in options:
            raise ProtocolError(f"{self.name}: {key!r} has no option {option!r} (options: {options})")
        return await self.change(key, WidgetState(string_value=option), until, timeout)

    async def click(self, key: str, until: Callable[[StreamlitSession], bool] | None = None,
                    timeout: float | None = None) -> float:
        return await self.change(key, WidgetState(trigger_value=True), until, timeout)

    async def submit(self, button_key: str, values: dict[str, WidgetState],
                     until: Callable[[StreamlitSession], bool] | None = None, timeout: float | None = None) -> float:
        """Submit a form: the values of its widgets (by key) and the submit button's trigger, in one rerun, as the
        browser sends them on a click of the form's submit button."""
        button = self._require(button_key)
        states = []
        for key, state in values.items():
            widget = self._require(key)
            state.id = widget.id
            self._without_bound_param(widget)
            states.append(state)
        states.append(WidgetState(id=button.id, trigger_value=True))
        return await self.interact(states, fragment_id=button.fragment_id, until=until, timeout=timeout)

    async def upload(self, key: str, files: list[tuple[str, bytes, str]],
                     until: Callable[[StreamlitSession], bool] | None = None, timeout: float | None = None) -> float:
        """Files ``(name, data, content type)`` into the file uploader ``key``: their URLs are asked for, each is
        PUT there, then the rerun carries the uploader's new state; seconds from the request to the run's end."""
        started = time.perf_counter()
        widget = self._require(key)
        request_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._file_urls[request_id] = future
        message = BackMsg()
        message.file_urls_request.request_id = request_id
        message.file_urls_request.session_id = self.session_id
        message.file_urls_request.file_names.extend(name for name, _, _ in files)
        await self._send(message)
        response = await asyncio.wait_for(future, self.timeout if timeout is None else timeout)
        if response.error_msg:
            raise ProtocolError(f"{self.name}: file URLs refused: {response.error_msg}")
        state = WidgetState(id=widget.id)
        for (name, data, content_type), urls in zip(files, response.file_urls, strict=True):
            header, body = multipart("file", name, content_type, data)
            headers = {"Content-Type": header, "Origin": self.base_url}
            if self._xsrf:
                headers |= {"X-Xsrftoken": self._xsrf}
            if self._cookies:
                headers |= {"Cookie": self.cookie_header}
            put = await http_request(self.base_url, "PUT", urls.upload_url, headers, body, timeout=self.timeout)
            if put.status not in (200, 204):
                raise ProtocolError(f"{self.name}: upload of {name} refused: HTTP {put.status} {put.body[:200]!r}")
            state.file_uploader_state_value.uploaded_file_info.append(UploadedFileInfo(
                file_id=urls.file_id, name=name, size=len(data),
                file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url, delete_url=urls.delete_url)))
        await self.interact([state], fragment_id=widget.fragment_id, until=until, timeout=timeout)
        return time.perf_counter() - started

    async def trigger(self, key: str, event: str, value: object = None,
                      until: Callable[[StreamlitSession], bool] | None = None, timeout: float | None = None) -> float:
        """What the JavaScript of the ``st.components.v2`` component ``key`` does with ``setTriggerValue(event,
        value)``: a rerun (of the component's fragment, if in one) carrying its events' trigger widget, whose id the
        frontend derives from the component's (``$$STREAMLIT_INTERNAL_KEY_<id>__events``), with the JSON list of
        ``{"event", "value"}`` payloads."""
        widget = self._require(key)
        if widget.kind != "bidi_component":
            raise ProtocolError(f"{self.name}: {key!r} is a {widget.kind}, not a component")
        state = WidgetState(id=f"{INTERNAL_KEY_PREFIX}_{widget.id}__events",
                            json_trigger_value=json.dumps([{"event": event, "value": value}]))
        return await self.interact([state], fragment_id=widget.fragment_id, until=until, timeout=timeout)

    async def goto(self, path: str, query: str = "", until: Callable[[StreamlitSession], bool] | None = None,
                   timeout: float | None = None) -> float:
        """Another page of the app in the same session, as a click in the sidebar's navigation does."""
        self.query_string = query
        page_hash = self.pages.get(path.strip("/"))
        if page_hash:
            return await self.interact(page_script_hash=page_hash, until=until, timeout=timeout)
        return await self.interact(page_name=path.strip("/"), page_script_hash="", until=until, timeout=timeout)
