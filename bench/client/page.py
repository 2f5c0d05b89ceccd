"""The page as the browser's frontend keeps it, built from a session's ``delta`` messages: each element at its
``delta_path``, replaced when written again, and dropped when stale after a run (the frontend's
ClearStaleNodeVisitor rule, as ``streamlit.runtime.agent.interaction`` applies it). Widgets are found by key: a
widget drawn with a key has an element id ending in ``-<key>``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Widget:
    """A widget as last drawn: its kind (``slider``, ``button``, ...), its element proto and its fragment."""

    kind: str
    proto: object
    fragment_id: str

    @property
    def id(self) -> str:
        return self.proto.id  # type: ignore[attr-defined]


def bidi_data(proto: object) -> Any:
    """A ``BidiComponent`` element's data as the frontend reads it: JSON text in ``json``, or the JSON half of
    ``mixed`` (dataframes travel apart, as Arrow); None for bytes, Arrow or no data."""
    kind = proto.WhichOneof("data")  # type: ignore[attr-defined]
    text = proto.json if kind == "json" else proto.mixed.json if kind == "mixed" else ""  # type: ignore[attr-defined]
    return json.loads(text) if text else None


class Page:
    """The elements of a session's page, each with the run that wrote it, in order of arrival."""

    def __init__(self) -> None:
        self._deltas: list[tuple[str, ForwardMsg]] = []  # (run id, delta message), in arrival order
        self._element_at: dict[tuple[int, ...], int] = {}

    def new_run(self) -> None:
        """A run starts: it writes its elements afresh (at the same paths, maybe)."""
        self._element_at = {}

    def add(self, run_id: str, message: ForwardMsg) -> None:
        """A ``delta`` of run ``run_id``: a new element (replacing the one at its path in this run) or a block."""
        position = tuple(message.metadata.delta_path)
        if message.delta.WhichOneof("type") == "new_element":
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

    def drop_stale(self, run_id: str, fragment_ids: tuple[str, ...]) -> None:
        """After run ``run_id`` completed: a full run replaces the page; a fragment run replaces what its fragments
        wrote, and what lay under blocks it rewrote."""
        self._element_at = {}
        if not fragment_ids:
            self._deltas = [(r, m) for r, m in self._deltas if r == run_id]
        else:
            running = set(fragment_ids)
            replaced = {tuple(m.metadata.delta_path) for _, m in self._deltas
                        if m.delta.fragment_id in running and m.delta.WhichOneof("type") == "add_block"}

            def stale(written_by: str, message: ForwardMsg) -> bool:
                if written_by == run_id:
                    return False
                if message.delta.fragment_id in running:
                    return True
                path = tuple(message.metadata.delta_path)
                return any(path[:depth] in replaced for depth in range(1, len(path) + 1))

            self._deltas = [(r, m) for r, m in self._deltas if not stale(r, m)]
        for index, (_, message) in enumerate(self._deltas):
            if message.delta.WhichOneof("type") == "new_element":
                self._element_at.setdefault(tuple(message.metadata.delta_path), index)

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

    def kinds(self) -> list[str]:
        return [element.WhichOneof("type") or "" for element, _ in self.elements()]
