"""Uploads a server can afford (hostile tier, against a real server of its own): an upload over the 20 MB limit is
refused by the server before the app reads it, and five sessions that each upload the largest photo allowed leave the
server's memory within 300 MB of where it was, a minute after they close."""

from __future__ import annotations

import asyncio
import io
import time

import numpy as np
import psutil
import pytest
from PIL import Image

from bench.client.connection import ProtocolError
from bench.client.session import StreamlitSession
from lab.images import MAX_UPLOAD_BYTES
from tests.e2e.conftest import running_app, server_process
from tests.support.asyncio_thread import run_alone

SETTLE_S = 60  # "a minute after they close"


def largest_allowed_photo() -> bytes:
    """A JPEG just under the 20 MB limit and the 25 megapixels the photo reader takes (noise: it barely compresses)."""
    pixels = np.random.default_rng(7).integers(0, 256, (4600, 4600, 3), dtype=np.uint8)
    for quality in (92, 90, 88, 85, 80):
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
        if len(buffer.getvalue()) <= MAX_UPLOAD_BYTES:
            return buffer.getvalue()
    raise AssertionError("no quality made the photo small enough")


async def upload_to_verify(url: str, name: str, photo: bytes) -> list[str]:
    async with StreamlitSession(url, name=name, timeout=600, fetch_media=False) as session:
        await session.open("/verify")
        await session.choose("first_source", "Upload")
        await session.upload("first_upload", [(f"{name}.jpg", photo, "image/jpeg")])
        return session.stats.errors


def rss_mb(url: str) -> float:
    process = psutil.Process(server_process(url).pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


@pytest.mark.data
def test_uploads_are_bounded_and_their_memory_comes_back(session_cache, face_environment) -> None:  # type: ignore[no-untyped-def]
    with running_app("streamlit-uploads.log") as url:
        # The face model and the detector load first: they stay for the server's life, and are not what is measured.
        warm = (face_environment / "train" / "obama" / "obama.jpg").read_bytes()
        assert run_alone(upload_to_verify(url, "warm", warm)) == []
        time.sleep(5)
        base = rss_mb(url)

        too_large = b"\xff\xd8" + bytes(60 * 2**20)
        # Refused on its Content-Length: the server answers 413 and closes while the client is still sending.
        with pytest.raises((ProtocolError, ConnectionError)) as refused:
            run_alone(upload_to_verify(url, "too-large", too_large))
        assert isinstance(refused.value, ConnectionError) or "HTTP 413" in str(refused.value)

        photo = largest_allowed_photo()

        async def five() -> list[list[str]]:
            return await asyncio.gather(*(upload_to_verify(url, f"student{i}", photo) for i in range(5)))

        errors = run_alone(five())
        assert errors == [[]] * 5
        peak = rss_mb(url)
        time.sleep(SETTLE_S)
        after = rss_mb(url)
        print(f"server memory: base {base:.0f} MB, after five 20 MB uploads {peak:.0f} MB, "
              f"{SETTLE_S} s after they closed {after:.0f} MB")
        assert after - base <= 300
