"""Shareable views in a real browser: the language and projector mode follow the user from page to page in the
URL, a page's settings live in its URL (a reload keeps them), and "Link to this view" gives that address."""

from __future__ import annotations

from tests.e2e.conftest import ARTIFACTS, wait_idle

FONT_SIZE = "parseFloat(getComputedStyle(document.documentElement).fontSize)"


def large_type(page) -> bool:  # type: ignore[no-untyped-def]
    """Whether the projector's large type is on. Its style element is drawn up to a second after the run that sent it
    has ended (seen: 0.8 s), so it is waited for (30 s at most) before it is read."""
    try:
        page.wait_for_function(f"{FONT_SIZE} > 16", timeout=30_000)
    except Exception:  # noqa: BLE001 - never drawn: the check below says so
        pass
    return page.evaluate(FONT_SIZE) > 16


def test_language_and_projector_mode_stay_in_the_url_across_pages(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server_url}/?lang=pt&projector=1")
    page.get_by_role("heading", name="Omniglot e redes siamesas").wait_for()
    wait_idle(page)
    assert large_type(page)
    page.screenshot(path=str(ARTIFACTS / "projector-from-url.png"))
    page.locator("[data-testid='stSidebarNav'] a[href$='/roc']").click()
    page.wait_for_url("**/roc?*")
    wait_idle(page)
    assert "lang=pt" in page.url and "projector=1" in page.url
    page.reload()
    wait_idle(page)
    assert large_type(page)
    page.get_by_role("button", name="Link para esta visualização").click()
    link = page.locator("[data-testid='stPopoverBody'] code").inner_text()
    assert link.startswith(server_url + "/roc?") and "lang=pt" in link and "projector=1" in link
    page.screenshot(path=str(ARTIFACTS / "link-to-this-view.png"))
