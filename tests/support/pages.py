"""Helpers of the page tests (Streamlit's AppTest), shared by tests/pages and tests/hostile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe, Table

from tests.conftest import REPO

APP = str(REPO / "app.py")
TIMEOUT = 120


def start(page: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    """The app on its home page, or on ``page``; ``params``: the URL's query parameters (a bookmarked link)."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params.update(params or {})
    app.run()
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


def component_data(app: AppTest, key: str) -> dict | None:
    """The ``data`` a ``st.components.v2`` component mounted with ``key`` was given (what its JavaScript reads), or
    None where the page has none."""
    for element in app.get("bidi_component"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.json)
    return None


def deltas(app: AppTest) -> dict[str, str]:
    """Each metric's delta text, "" where the metric has none (no arrow drawn)."""
    return {m.label: m.proto.delta for m in app.metric}


def upload(app: AppTest, key: str, path: Path) -> AppTest:
    app.radio(key=f"{key}_source").set_value("Upload").run()
    return app.file_uploader(key=f"{key}_upload").upload(path.name, path.read_bytes()).run()


class Downloads:
    """The file name and data of every download button a page draws, by file name: AppTest's elements keep only a
    media URL, so the media file manager's ``add`` (data) and ``add_deferred`` (a callable, called here) are watched."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: dict[str | None, bytes] = {}
        add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

        def watched_add(manager, data, mimetype, coordinates, file_name=None, is_for_static_download=False):  # type: ignore[no-untyped-def]
            if is_for_static_download:
                self.files[file_name] = data
            return add(manager, data, mimetype, coordinates, file_name, is_for_static_download)

        def watched_deferred(manager, data_callable, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
            made = data_callable()
            self.files[file_name] = made.encode() if isinstance(made, str) else made
            return add_deferred(manager, data_callable, mimetype, coordinates, file_name, **kwargs)

        monkeypatch.setattr(MediaFileManager, "add", watched_add)
        monkeypatch.setattr(MediaFileManager, "add_deferred", watched_deferred)

    def text(self, file_name: str) -> str:
        return self.files[file_name].decode()
