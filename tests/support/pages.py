"""Helpers of the page tests (Streamlit's AppTest), shared by tests/pages and tests/hostile."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe, Table

from tests.conftest import REPO

APP = str(REPO / "app.py")
TIMEOUT = 120


def start(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    if page:
        app.switch_page(page).run()
        assert not app.exception, app.exception
    return app


def image_captions(app: AppTest) -> list[str]:
    """Captions of every picture on the page (Streamlit keeps them in the image-list proto)."""
    return [image.caption for element in app.get("image") for image in element.proto.imgs]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def displayed_texts(app: AppTest) -> list[str]:
    """Every text of the page and its sidebar: each element's message (labels, values, options, help) and each
    table's cells (a table's message holds them as Arrow bytes, unreadable as text)."""
    texts: list[str] = []

    def visit(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(text_format.MessageToString(proto, as_utf8=True))
        if isinstance(node, (Dataframe, Table)):
            texts.append(node.value.to_string())
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(app._tree)
    return texts


def deltas(app: AppTest) -> dict[str, str]:
    """Each metric's delta text, "" where the metric has none (no arrow drawn)."""
    return {m.label: m.proto.delta for m in app.metric}


def record_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """``{file name: content}`` of every download button drawn from now on. AppTest's media storage lives only
    during a run, so the content is caught on its way in."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self: MemoryMediaFileStorage, path_or_data: str | bytes, mimetype: str, kind: object,
                  filename: str | None = None) -> str:
        if filename is not None:
            files[filename] = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return files


def upload(app: AppTest, key: str, path: Path) -> AppTest:
    app.radio(key=f"{key}_source").set_value("Upload").run()
    return app.file_uploader(key=f"{key}_upload").upload(path.name, path.read_bytes()).run()
