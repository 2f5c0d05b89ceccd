"""End to end, as in a classroom without internet: the app asks nothing of any host but its own server."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.e2e.conftest import ARTIFACTS

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def test_the_app_loads_nothing_from_the_internet(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def local_only(route) -> None:  # type: ignore[no-untyped-def]
        # Offline for real: a font or icon the app fetched from elsewhere would fail to load, as in the classroom.
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", local_only)
    page.goto(server_url)
    page.get_by_role("heading", name="One-Shot Lab").wait_for()
    page.get_by_text("All Omniglot files are in place.").wait_for()
    icon = page.locator("link[rel*='icon']").first
    page.wait_for_function("[...document.querySelectorAll(\"link[rel*='icon']\")].some(l => l.href.includes('/media/'))")
    assert urlparse(icon.get_attribute("href") or "").hostname in (None, *LOCAL_HOSTS)  # the shipped ui/favicon.png
    page.goto(f"{server_url}/face-models")
    page.get_by_role("heading", name="Face models").wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "face-models-offline.png"), full_page=True)
    elsewhere = sorted({u for u in requested if urlparse(u).scheme not in ("data", "blob")
                        and urlparse(u).hostname not in LOCAL_HOSTS})
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
