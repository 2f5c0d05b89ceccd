"""The protocol client of bench/bench_classroom.py against a real server: it opens /roc, moves the threshold slider
once and sees the page show the new value (no timing asserted: that is the bench's job)."""

from __future__ import annotations

from bench.st_client import StreamlitSession
from tests.support.asyncio_thread import run_alone


def test_client_opens_roc_and_moves_the_slider(server_url: str) -> None:
    async def scenario() -> tuple[str, list[str], list[str]]:
        async with StreamlitSession(server_url, name="test", timeout=600) as session:
            await session.open("/roc")
            slider = session.widget("threshold")
            assert slider is not None and slider.kind == "slider"
            assert slider.fragment_id, "the threshold slider lives in a fragment"
            before = [text for text in session.texts() if text.startswith("Threshold ")]
            value = 0.615 if not session.has_text("Threshold 0.615.") else 0.385
            await session.set_slider("threshold", value, until=lambda s: s.has_text(f"Threshold {value:.3f}."),
                                     timeout=120)
            after = [text for text in session.texts() if text.startswith("Threshold ")]
            return f"Threshold {value:.3f}.", before, after + session.stats.errors

    expected, before, after = run_alone(scenario())
    assert not any(expected in text for text in before)
    assert any(expected in text for text in after)
    assert all(text.startswith("Threshold ") for text in after), f"errors: {after}"
