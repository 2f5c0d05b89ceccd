"""End to end: a student opens the app in a real browser and browses Omniglot."""

from __future__ import annotations

import time

from tests.e2e.conftest import ARTIFACTS


def test_home_then_dataset_pages(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    page.goto(server_url)
    page.get_by_role("heading", name="One-Shot Lab").wait_for()
    page.get_by_text("All Omniglot files are in place.").wait_for()
    print(f"\nhome page rendered {time.perf_counter() - started:.1f} s after navigation")
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.get_by_role("link", name="Omniglot dataset: browse").click()
    page.get_by_role("heading", name="Omniglot dataset").wait_for()
    page.get_by_text("Background set: 30 alphabets, 964 characters, 19,280 drawings.").wait_for()
    page.get_by_text("drawer 20", exact=True).wait_for()
    drawings = page.locator("[data-testid='stImage'] img")
    assert drawings.count() >= 20
    page.screenshot(path=str(ARTIFACTS / "dataset-character.png"), full_page=True)

    page.get_by_role("tab", name="Pairs").click()
    page.get_by_text("target 1: same", exact=False).first.wait_for()
    assert page.get_by_text("target 0: different", exact=False).count() == 4
    page.screenshot(path=str(ARTIFACTS / "dataset-pairs.png"), full_page=True)

    page.get_by_role("radio", name="Evaluation").check(force=True)
    page.get_by_text("Evaluation set: 20 alphabets, 659 characters, 13,180 drawings.").wait_for()

    page.get_by_text("Projector mode").click()
    page.wait_for_function("getComputedStyle(document.documentElement).fontSize === '24px'")
    caption = page.locator("[data-testid='stCaptionContainer']").first
    assert caption.evaluate("e => getComputedStyle(e).opacity") == "1", "captions at full contrast"
    page.screenshot(path=str(ARTIFACTS / "dataset-projector.png"), full_page=True)


def test_a_bookmarked_page_opens_with_the_navigation(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/train")
    page.get_by_role("heading", name="Train a Siamese network").wait_for()
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Projector mode").wait_for()
    assert sidebar.get_by_text("Omniglot dataset").count() == 1
    page.get_by_text("default", exact=True).first.wait_for()  # the model store lists the shipped model
    page.screenshot(path=str(ARTIFACTS / "training.png"), full_page=True)
