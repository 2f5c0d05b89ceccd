"""End to end: a student opens the app in a real browser and browses Omniglot."""

from __future__ import annotations

import time

from tests.e2e.conftest import ARTIFACTS, wait_idle


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
    page.wait_for_function("parseFloat(getComputedStyle(document.documentElement).fontSize) > 16")  # large type
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
    assert page.get_by_text("Page not found").count() == 0  # what a legacy pages/ folder caused on a fresh server
    page.screenshot(path=str(ARTIFACTS / "training.png"), full_page=True)


def metric_value(page, label: str) -> str:  # type: ignore[no-untyped-def]
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_roc_slider_moves_the_operating_point(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/roc")
    page.get_by_role("heading", name="Verification and ROC").wait_for()
    # The first visit embeds the 13,180 drawings; the worst-errors gallery is the last thing drawn.
    page.get_by_role("heading", name="The worst errors at this threshold").wait_for(timeout=180_000)
    page.locator("[data-testid='stImage']").first.wait_for()
    before = metric_value(page, "False accept rate (FAR)")
    slider = page.locator("[data-testid='stSlider']").filter(has_text="Threshold").get_by_role("slider")
    slider.focus()
    page.keyboard.press("End")  # threshold 1.000: nothing is called same
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('False reject rate')"
        " && m.innerText.includes('100.00%'))"
    )
    assert metric_value(page, "False accept rate (FAR)") == "0.00%" != before
    page.get_by_role("button", name="Jump to the EER point").click()
    page.wait_for_function(
        "![...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('100.00%'))"
    )
    page.screenshot(path=str(ARTIFACTS / "roc.png"), full_page=True)


def test_answer_a_quiz_task(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/quiz")
    page.get_by_text("Task 1: which candidate").wait_for(timeout=180_000)
    page.get_by_role("button", name="Pick 3", exact=True).click()
    page.get_by_text("You were", exact=False).wait_for()
    assert page.get_by_text("right answer", exact=False).count() == 1
    assert metric_value(page, "Tasks answered") == "1"
    page.screenshot(path=str(ARTIFACTS / "quiz-revealed.png"), full_page=True)
    page.get_by_role("button", name="Next task").click()
    page.get_by_text("Task 2: which candidate").wait_for()


def test_clicking_a_point_of_the_embedding_map_shows_its_drawing(server_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server_url}/map")
    page.get_by_text("Hover over a point").wait_for(timeout=180_000)
    page.locator(".scatterlayer .point").first.wait_for()
    assert page.locator("[data-testid='stImage']").count() == 0
    page.locator(".scatterlayer .point").nth(5).click(force=True)
    page.locator("[data-testid='stImage']").first.wait_for()
    assert "drawer" in page.locator("[data-testid='stImage']").first.inner_text()


def verify_uploads(server_url: str, page, first, second) -> None:  # type: ignore[no-untyped-def]
    """Open the Verify page and upload two photo files, one per column."""
    page.goto(f"{server_url}/verify")
    page.get_by_role("heading", name="Verify: are these two photos the same person?").wait_for()
    for column, (label, photo) in enumerate((("First photo", first), ("Second photo", second))):
        page.locator("[data-testid='stRadio']").filter(has_text=label).get_by_text("Upload", exact=True).click()
        page.locator("input[type='file']").nth(column).wait_for(state="attached")
        page.locator("input[type='file']").nth(column).set_input_files(str(photo))
        page.get_by_text(photo.name, exact=False).first.wait_for()


def test_verify_page_with_two_uploaded_photos(server_url: str, page, faces_dir) -> None:  # type: ignore[no-untyped-def]
    verify_uploads(server_url, page, faces_dir / "train/kit_harington/john1.jpeg", faces_dir / "test/johnsnow_test1.jpg")
    # Kit Harington twice: Facenet calls them the same person, with a distance under its threshold 0.40.
    page.get_by_text("the same person", exact=False).first.wait_for(timeout=120_000)
    assert metric_value(page, "verdict") == "same person"
    assert float(metric_value(page, "cosine distance between the faces")) < 0.40
    page.screenshot(path=str(ARTIFACTS / "verify.png"), full_page=True)


def test_verify_page_takes_a_16_bit_png_and_a_gif_and_explains_a_bomb(server_url: str, page, faces_dir,  # type: ignore[no-untyped-def]
                                                                       tmp_path) -> None:
    from PIL import Image

    from tests.hostile.inputs import png_header_only, sixteen_bit_png

    wide, gif, bomb = tmp_path / "kit16.png", tmp_path / "johnsnow.gif", tmp_path / "bomb.png"
    wide.write_bytes(sixteen_bit_png(faces_dir / "train/kit_harington/john1.jpeg"))
    with Image.open(faces_dir / "test/johnsnow_test1.jpg") as photo:
        photo.convert("P").save(gif, format="GIF")
    bomb.write_bytes(png_header_only(20_000, 10_000))
    verify_uploads(server_url, page, wide, gif)
    # A 16-bit PNG used to decode as a white picture ("No face found"); now it is the same face as the GIF's.
    page.get_by_text("the same person", exact=False).first.wait_for(timeout=120_000)
    assert metric_value(page, "verdict") == "same person"
    wait_idle(page)  # a file given while the verdict's run still draws can be lost with that run
    page.locator("input[type='file']").nth(0).set_input_files(str(bomb))
    page.get_by_text("bomb.png is far too large", exact=False).wait_for()
    assert page.get_by_text("Traceback", exact=False).count() == 0
    page.screenshot(path=str(ARTIFACTS / "verify-hostile-uploads.png"), full_page=True)
