"""End to end: the Verify page on a 1280x720 screen (a classroom projector) shows its settings uncut."""

from __future__ import annotations

from tests.e2e.conftest import ARTIFACTS

# A select box shows its choice as the value of a text input, which scrolls (cuts) what does not fit.
CHOICES = """[...document.querySelectorAll("[data-testid='stMain'] [data-testid='stSelectbox'] input")]
    .map(e => ({value: e.value, cut: e.scrollWidth > e.clientWidth + 1}))"""


def test_verify_settings_are_readable_at_1280x720(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server_url}/verify")
        page.get_by_role("heading", name="Verify: are these two photos the same person?").wait_for()
        page.locator("[data-testid='stMetric']").filter(has_text="verdict").wait_for()
        page.screenshot(path=str(ARTIFACTS / "verify-1280x720.png"))
        choices = page.evaluate(CHOICES)
        assert {"Facenet", "yunet", "cosine"} <= {c["value"] for c in choices}, choices
        assert [c["value"] for c in choices if c["cut"]] == []
    finally:
        context.close()
