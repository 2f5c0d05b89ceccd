"""HTTP/1.1, minimal: one request over a fresh connection, read to the end (enough for a health check, an upload, a
media file and the JSON routes a page's component fetches), without a third-party client or a thread per request."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

# A long poll's client-side limit: longer than the server's hold (about 25 s) plus a busy server's delay.
LONG_POLL_TIMEOUT_S = 40.0


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
            response.body = unchunk(rest)
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


def unchunk(data: bytes) -> bytes:
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

