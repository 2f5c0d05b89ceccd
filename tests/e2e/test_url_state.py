"""Shareable views in a real browser: the language and projector mode follow the user from page to page in the
URL, a page's settings live in its URL (a reload keeps them), and "Link to this view" gives that address."""

from __future__ import annotations

from tests.e2e.conftest import ARTIFACTS, wait_idle


def test_language_and_projector_mode_stay_in_the_url_across_pages(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server_url}/?lang=pt&projector=1")
    page.get_by_role("heading", name="Omniglot e redes siamesas").wait_for()
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "projector-from-url.png"))
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 16  # large type
    page.locator("[data-testid='stSidebarNav'] a[href$='/roc']").click()
    page.wait_for_url("**/roc?*")
    wait_idle(page)
    assert "lang=pt" in page.url and "projector=1" in page.url
    page.reload()
    wait_idle(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 16  # large type
    page.get_by_role("button", name="Link para esta visualização").click()
    link = page.locator("[data-testid='stPopoverBody'] code").inner_text()
    assert link.startswith(server_url + "/roc?") and "lang=pt" in link and "projector=1" in link
    page.screenshot(path=str(ARTIFACTS / "link-to-this-view.png"))
