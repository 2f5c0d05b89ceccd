"""End to end on the real LFW folder (40 people, 1,667 photos): the threshold lab and the experiment in a 1280x720
window, as a lecturer projects them. The screenshots are the README's (docs/screenshots/).

Cold, each page embeds LFW under a progress bar (a minute or two on a 2-core laptop); the server's session cache is
fresh for every test session, so the first of these tests always measures the cold path, and prints its times.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import REPO
from tests.e2e.test_browser import metric_value

SCREENSHOTS = REPO / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 720}


def projector_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(600_000)  # cold, on a busy 2-core machine
    return context, page


def screenshot_from(page, locator, name: str) -> None:  # type: ignore[no-untyped-def]
    """A 1280x720 screenshot from just above ``locator`` (Streamlit's header covers the top 60 pixels), with the
    mouse away from the charts (plotly draws its toolbar over a chart under the mouse)."""
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -100)
    page.mouse.move(5, 715)
    page.wait_for_timeout(1500)  # the scroll and plotly's transitions
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def test_threshold_lab_on_lfw(server_url: str, browser, lfw_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context, page = projector_page(browser)
    try:
        started = time.perf_counter()
        page.goto(f"{server_url}/threshold")
        page.get_by_role("heading", name="Threshold lab").wait_for()
        # expect() retries: on a busy machine the box is drawn before the script has given it its value.
        expect(page.get_by_role("textbox", name="Folder of labelled photos")).to_have_value(str(lfw_dir), timeout=120_000)
        page.locator("[data-testid='stProgress']").first.wait_for()  # embedding, photo by photo
        page.locator("[data-testid='stMetric']").filter(has_text="AUC").wait_for()
        page.locator(".js-plotly-plot").nth(1).wait_for()
        print(f"\nthreshold lab on LFW, first visit (embedding + analysis): {time.perf_counter() - started:.1f} s")
        assert 0.95 < float(metric_value(page, "AUC (area under the ROC)")) < 1.0
        page.get_by_text("1,652 faces of 40 people", exact=False).wait_for()
        page.get_by_text("95% band", exact=False).first.wait_for()  # the ROC's legend
        page.get_by_text("Labeled Faces in the Wild", exact=False).first.wait_for()
        screenshot_from(page, page.locator("[data-testid='stMetric']").filter(has_text="AUC"), "threshold-lab-lfw.png")
        started = time.perf_counter()
        page.reload()
        page.locator(".js-plotly-plot").nth(1).wait_for()
        print(f"threshold lab on LFW, page reloaded (server memory): {time.perf_counter() - started:.1f} s")
    finally:
        context.close()


def test_experiment_on_lfw(server_url: str, browser, lfw_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context, page = projector_page(browser)
    try:
        page.goto(f"{server_url}/experiment")
        page.get_by_role("heading", name="Experiment: a CNN from scratch, or a pre-trained embedding?").wait_for()
        expect(page.get_by_role("textbox", name="Folder of identities")).to_have_value(str(lfw_dir), timeout=120_000)
        started = time.perf_counter()
        page.get_by_role("switch", name="Run the experiment").check(force=True)
        page.locator("[data-testid='stProgress']").first.wait_for()
        page.get_by_text("training the CNN, fold 1 of 2", exact=False).wait_for()
        page.get_by_text("that is one-shot learning", exact=False).wait_for()
        print(f"\nexperiment on LFW (embeddings from this session's cache if the threshold lab ran first): "
              f"{time.perf_counter() - started:.1f} s")
        chance = metric_value(page, "error of guessing (1 - 1/40)")
        assert chance == "97.5%"
        cnn = float(metric_value(page, "(a) mean error of the CNN").rstrip("%"))
        embedding = float(metric_value(page, "(b) mean error of Facenet + 1-NN").rstrip("%"))
        print(f"CNN {cnn}% wrong, Facenet + 1-NN {embedding}% wrong, chance 97.5%")
        assert embedding < 10 < cnn < 90  # the embedding far better; the CNN better than guessing, far from it
        page.get_by_text("chance: guessing among 40 people", exact=False).wait_for()
        screenshot_from(page, page.get_by_role("switch", name="Run the experiment"), "experiment-lfw.png")
    finally:
        context.close()
