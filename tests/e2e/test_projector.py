"""End to end: projector mode (``?projector=1``) on every page, on a 1280x720 and a 1920x1080 screen.

Each page is opened in a real browser at each size; the test asserts that nothing in the main area (metric values
and labels, widget labels, buttons, tabs, headings, select boxes) nor in the sidebar's navigation is cut off, and
saves a screenshot of what the projector shows (the window, not the whole page) as
docs/screenshots/projector/PAGE-WxH.png. On Verify and in the Identify tab of the face database, the verdict must be
on screen at 1280x720 without scrolling.

Cold, /roc embeds the 13,180 evaluation drawings and /threshold embeds LFW's 1,667 photos (a minute or two on a busy
2-core machine); the 1920x1080 pass then finds them in the server's memory.
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import REPO

SCREENSHOTS = REPO / "docs" / "screenshots" / "projector"
SMALL, LARGE = (1280, 720), (1920, 1080)
# url path -> screenshot name; /class once the Class page is on this branch.
PAGES = {"/": "home", "/omniglot": "omniglot", "/train": "train", "/roc": "roc", "/quiz": "quiz", "/nearest": "nearest",
         "/map": "map", "/distance": "distance", "/detect": "detect", "/verify": "verify", "/database": "database",
         "/threshold": "threshold", "/experiment": "experiment", "/face-models": "face-models"}
if (REPO / "views" / "class.py").exists():
    PAGES["/class"] = "class"
PORTUGUESE = ("/roc", "/quiz", "/verify")
SLOW = 900_000  # ms: a cold page on a busy machine (LFW's embeddings)

# Everything whose text Streamlit cuts with an ellipsis (or clips) when it does not fit: each such element, and each
# element inside it, whose text is wider than its box while its style hides the rest. A select box shows its choice
# as an <input>'s value, which scrolls instead: an input wider inside than outside is cut too.
CUT_TEXT = """() => {
  const roots = "[data-testid='stMetricValue'], [data-testid='stMetricLabel'], [data-testid='stMetricDelta'], " +
    "[data-testid='stWidgetLabel'], button, [role='tab'], h1, h2, h3, h4, [data-testid='stPageLink'], " +
    "[data-testid='stExpander'] summary, [data-baseweb='select'], [data-testid='stSidebarNavLink'], " +
    "[data-testid='stNavSectionHeader']";
  const hides = s => s.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(s.overflowX);
  const cut = [];
  for (const area of document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebarNav']")) {
    for (const root of area.querySelectorAll(roots)) {
      for (const e of [root, ...root.querySelectorAll('*')]) {
        if (!e.getClientRects().length) continue;
        const text = e.tagName === 'INPUT' ? e.value : (e.innerText || '').trim();
        if (!text || e.scrollWidth <= e.clientWidth + 1) continue;
        if (e.tagName === 'INPUT' || hides(getComputedStyle(e))) {
          cut.push(`${root.getAttribute('data-testid') || root.tagName}: "${text.slice(0, 80)}" ` +
                   `(${e.scrollWidth} px in ${e.clientWidth})`);
        }
      }
    }
  }
  return [...new Set(cut)];
}"""

# Where an element is in the window: its bottom edge against the window's height.
BOTTOM = "e => ({bottom: e.getBoundingClientRect().bottom, top: e.getBoundingClientRect().top, height: innerHeight})"


# The script has finished and the browser has drawn every element: right after a run Streamlit still shows grey
# placeholders (stSkeleton) for a moment, and a page that reruns itself (a language from the link) is idle in between.
DRAWN = """() => document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']") !== null
  && document.querySelectorAll("[data-testid='stSkeleton']").length === 0
  && [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(c => c.querySelector('.main-svg'))"""


def wait_until_drawn(page, timeout: int = SLOW) -> None:  # type: ignore[no-untyped-def]
    """Until the page's script has finished (the title is drawn first, so the run has started) and its elements and
    charts are drawn, for a second and a half in a row."""
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=timeout)
    deadline = time.monotonic() + timeout / 1000
    while True:
        page.wait_for_function(DRAWN, timeout=max(1000, int(1000 * (deadline - time.monotonic()))))
        page.wait_for_timeout(1500)
        if page.evaluate(DRAWN):
            break
    page.mouse.move(2, 2)  # away from the charts: plotly draws its toolbar over a chart under the mouse
    page.wait_for_timeout(500)  # plotly's and the layout's last steps


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def check_page(server_url: str, browser, path: str, size: tuple[int, int], query: str = "",  # type: ignore[no-untyped-def]
               suffix: str = "") -> tuple[object, object]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(120_000)
    started = time.perf_counter()
    page.goto(f"{server_url}{path}?projector=1{query}")
    wait_until_drawn(page)
    print(f"\n{path}{query} at {size[0]}x{size[1]}: drawn in {time.perf_counter() - started:.1f} s")
    screenshot(page, f"{PAGES[path]}{suffix}-{size[0]}x{size[1]}")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > 16, "large type"
    assert page.evaluate(CUT_TEXT) == [], f"cut text on {path}{query} at {size[0]}x{size[1]}"
    return context, page


# Every page at 1280x720 first, then at 1920x1080 (by then the server has the slow pages' results in memory).
VISITS = [pytest.param(path, size, id=f"{name}-{size[0]}x{size[1]}") for size in (SMALL, LARGE)
          for path, name in PAGES.items()]
# What must be on screen without scrolling at 1280x720: (a locator, the text it holds).
ON_SCREEN = {"/verify": ("[data-testid='stMetric']", "verdict")}


@pytest.mark.parametrize(("path", "size"), VISITS)
def test_every_page_fits_the_projector(server_url: str, browser, path: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    context, page = check_page(server_url, browser, path, size)
    try:
        if path in ON_SCREEN and size == SMALL:
            selector, text = ON_SCREEN[path]
            where = page.locator(selector).filter(has_text=text).first.evaluate(BOTTOM)  # type: ignore[attr-defined]
            assert 0 < where["top"] and where["bottom"] <= where["height"], f"{text} is below the fold: {where}"
    finally:
        context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PORTUGUESE, ids=[PAGES[p] for p in PORTUGUESE])
def test_portuguese_labels_fit_at_1280x720(server_url: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    context, _ = check_page(server_url, browser, path, SMALL, "&lang=pt", "-pt")
    context.close()  # type: ignore[attr-defined]


def test_the_identify_answer_is_on_screen_at_1280x720(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": SMALL[0], "height": SMALL[1]})
    page = context.new_page()
    page.set_default_timeout(300_000)
    try:
        page.goto(f"{server_url}/database?projector=1&tab=Identify")
        wait_until_drawn(page)
        if page.get_by_text("Enrol someone first.").count():  # the session's database starts empty
            page.goto(f"{server_url}/database?projector=1&tab=Enrol")
            wait_until_drawn(page)
            page.get_by_role("button", name="Enrol the sample people").click()
            page.get_by_text("Sample people enrolled", exact=False).wait_for()
            page.goto(f"{server_url}/database?projector=1&tab=Identify")
            wait_until_drawn(page)
        answer = page.locator("[data-testid='stMain'] [data-testid='stAlertContainer']").filter(
            has_text="distance").first
        answer.wait_for()
        screenshot(page, "database-identify-1280x720")
        where = answer.evaluate(BOTTOM)
        assert 0 < where["top"] and where["bottom"] <= where["height"], f"the answer is below the fold: {where}"
        assert page.evaluate(CUT_TEXT) == []
    finally:
        context.close()
