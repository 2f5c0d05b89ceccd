"""What a user does with a page of the app, over a :class:`~bench.client.connection.Connection`: read it (widgets by
key, a component's data, texts), change widgets, submit forms, upload files, trigger a component's events, go to
another page. Each action is a rerun, waited for (:meth:`~bench.client.connection.Connection.interact`)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.client.connection import Condition, Connection, ProtocolError
from bench.client.http_client import http_request, multipart
from bench.client.page import Widget

INTERNAL_KEY_PREFIX = "$$STREAMLIT_INTERNAL_KEY"  # the frontend's prefix of a component's trigger widget id


class StreamlitSession(Connection):
    """One browser tab's worth of Streamlit, over its WebSocket.

    ``await session.open("/roc")`` connects and waits for the page's first run; ``await session.set_slider("threshold",
    0.6)`` and friends send a rerun and wait for it, returning the seconds it took. Elements on the page:
    :meth:`elements`, :meth:`widget`, :meth:`texts`. Problems are collected in ``stats.errors`` rather than raised
    (see :class:`~bench.client.connection.Connection`).
    """

    # -------------------------------------------------------------------------------------------- the page

    def elements(self) -> list[tuple[Element, str]]:
        """The page's elements in order of arrival, each with its fragment id ("" outside fragments)."""
        return self.page.elements()

    def widgets(self) -> list[Widget]:
        return self.page.widgets()

    def widget(self, key: str) -> Widget | None:
        """The widget drawn with ``key`` (its element id ends with ``-key``), or None."""
        return self.page.widget(key)

    def has_widget(self, key: str) -> bool:
        return self.page.widget(key) is not None

    def component_data(self, key: str) -> Any:
        """The data of the ``st.components.v2`` component mounted with ``key`` (parsed JSON), or None."""
        return self.page.component_data(key)

    def texts(self) -> list[str]:
        """The visible text of markdown, headings, alerts, metrics, captions and widget labels, in page order."""
        return self.page.texts()

    def has_text(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def kinds(self) -> list[str]:
        return self.page.kinds()

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

    async def change(self, key: str, state: WidgetState, until: Condition | None = None,
                     timeout: float | None = None) -> float:
        widget = self._require(key)
        state.id = widget.id
        self._without_bound_param(widget)
        return await self.interact([state], fragment_id=widget.fragment_id, until=until, timeout=timeout)

    async def set_slider(self, key: str, *values: float, until: Condition | None = None,
                         timeout: float | None = None) -> float:
        state = WidgetState()
        state.double_array_value.data.extend(values)
        return await self.change(key, state, until, timeout)

    async def set_text(self, key: str, value: str, until: Condition | None = None,
                       timeout: float | None = None) -> float:
        return await self.change(key, WidgetState(string_value=value), until, timeout)

    async def choose(self, key: str, option: str, until: Condition | None = None,
                     timeout: float | None = None) -> float:
        """A radio's or select box's option, as shown (what their ``string_value`` holds)."""
        widget = self._require(key)
        options = list(getattr(widget.proto, "options", []))
        if options and option not in options:
            raise ProtocolError(f"{self.name}: {key!r} has no option {option!r} (options: {options})")
        return await self.change(key, WidgetState(string_value=option), until, timeout)

    async def click(self, key: str, until: Condition | None = None,
                    timeout: float | None = None) -> float:
        return await self.change(key, WidgetState(trigger_value=True), until, timeout)

    async def submit(self, button_key: str, values: dict[str, WidgetState],
                     until: Condition | None = None, timeout: float | None = None) -> float:
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
                     until: Condition | None = None, timeout: float | None = None) -> float:
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
                      until: Condition | None = None, timeout: float | None = None) -> float:
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

    async def goto(self, path: str, query: str = "", until: Condition | None = None,
                   timeout: float | None = None) -> float:
        """Another page of the app in the same session, as a click in the sidebar's navigation does."""
        self.query_string = query
        page_hash = self.pages.get(path.strip("/"))
        if page_hash:
            return await self.interact(page_script_hash=page_hash, until=until, timeout=timeout)
        return await self.interact(page_name=path.strip("/"), page_script_hash="", until=until, timeout=timeout)
