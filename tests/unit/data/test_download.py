"""Downloads against a throw-away HTTP server on 127.0.0.1 (tests never touch the network)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lab.data.download import RemoteFile, download
from lab.data.fetch import check_file
from lab.errors import DownloadError


class FileServer:
    """Serves one payload; honours Range; can cut the first response after ``cut_after`` bytes."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.cut_after: int | None = None
        self.ranges: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                if self.path != "/file.zip":
                    self.send_error(404)
                    return
                asked = self.headers.get("Range")
                server.ranges.append(asked)
                start = int(asked.split("=")[1].rstrip("-")) if asked else 0
                body = server.payload[start:]
                self.send_response(206 if asked else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_after is not None:
                    self.wfile.write(body[: server.cut_after])
                    server.cut_after = None
                    self.wfile.flush()
                    self.connection.shutdown(2)  # the connection drops half way
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/file.zip"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def runs_payload(miniature_files: Path) -> bytes:
    """A miniature all_runs.zip (20 runs of 20-way tasks, like Lake's; about 400 KB)."""
    return (miniature_files / "all_runs.zip").read_bytes()


@pytest.fixture
def server(runs_payload: bytes) -> Iterator[FileServer]:
    running = FileServer(runs_payload)
    yield running
    running.httpd.shutdown()


def remote_for(server: FileServer, payload: bytes, **overrides: object) -> RemoteFile:
    values = {"size": len(payload), "md5": hashlib.md5(payload).hexdigest()}  # noqa: S324
    values.update(overrides)
    return RemoteFile("all_runs.zip", server.url, **values)  # type: ignore[arg-type]


def test_complete_download_is_checked_and_renamed(tmp_path: Path, server: FileServer, runs_payload: bytes) -> None:
    seen: list[tuple[int, int | None]] = []
    path = download(
        remote_for(server, runs_payload), tmp_path, progress=lambda d, t: seen.append((d, t)),
        validate=lambda p: check_file("runs", p),
    )
    assert path == tmp_path / "all_runs.zip" and path.read_bytes() == runs_payload
    assert seen[-1] == (len(runs_payload), len(runs_payload))
    assert not (tmp_path / "all_runs.zip.part").exists()


def test_cut_download_keeps_part_and_resumes(tmp_path: Path, server: FileServer, runs_payload: bytes) -> None:
    server.cut_after = 100_000
    remote = remote_for(server, runs_payload)
    with pytest.raises(DownloadError, match="resume"):
        download(remote, tmp_path)
    assert not (tmp_path / "all_runs.zip").exists(), "a half download must never get the final name"
    assert (tmp_path / "all_runs.zip.part").stat().st_size == 100_000

    path = download(remote, tmp_path, validate=lambda p: check_file("runs", p))
    assert path.read_bytes() == runs_payload
    assert server.ranges == [None, "bytes=100000-"]


def test_wrong_checksum_is_discarded(tmp_path: Path, server: FileServer, runs_payload: bytes) -> None:
    with pytest.raises(DownloadError, match="md5"):
        download(remote_for(server, runs_payload, md5="0" * 32), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_content_check_failure_is_discarded(tmp_path: Path, server: FileServer, runs_payload: bytes) -> None:
    with pytest.raises(DownloadError, match="content check"):
        download(remote_for(server, runs_payload), tmp_path, validate=lambda p: check_file("background", p))
    assert list(tmp_path.iterdir()) == []


def test_longer_than_expected_is_discarded(tmp_path: Path, server: FileServer, runs_payload: bytes) -> None:
    with pytest.raises(DownloadError, match="expected"):
        download(remote_for(server, runs_payload, size=1000, md5=None), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_http_error_and_unreachable_host(tmp_path: Path, server: FileServer) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(RemoteFile("x.zip", server.url.replace("file.zip", "missing.zip")), tmp_path)
    with pytest.raises(DownloadError, match="Could not download"):
        download(RemoteFile("x.zip", "http://127.0.0.1:9/x.zip"), tmp_path, timeout=2)
    assert not (tmp_path / "x.zip").exists()


def test_fetch_discards_a_download_with_a_bad_crc(
    tmp_path: Path, runs_payload: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lab.data import fetch as fetch_module
    from tests.support.zips import flip_data_byte, write_zip

    damaged = write_zip(tmp_path / "damaged.zip", {"run01/class_labels.txt": b"x" * 100})
    flip_data_byte(damaged, "run01/class_labels.txt")
    bad = FileServer(damaged.read_bytes())
    try:
        monkeypatch.setitem(fetch_module.OFFICIAL_FILES, "runs", remote_for(bad, damaged.read_bytes()))
        with pytest.raises(DownloadError) as caught:
            fetch_module.fetch("runs", tmp_path / "data")
    finally:
        bad.httpd.shutdown()
    message = str(caught.value)
    assert "content check: all_runs.zip: the entry 'run01/class_labels.txt' is damaged (Bad CRC-32" in message
    assert ".part" not in message and "Delete" not in message  # the part is already gone
    assert list((tmp_path / "data").iterdir()) == []
