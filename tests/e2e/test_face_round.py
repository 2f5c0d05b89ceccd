"""The live class's face round in real browsers: three students (one on a phone-sized screen) each give three LFW
photos of one person; the projector's counts, histogram and ROC are what lab computes for those photos; each phone
shows its own result; ending the class deletes every face; a class left open loses its faces after the time limit."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from lab.classroom.class_faces import ClassFace
from lab.classroom.face_results import FACE_DETECTOR, FACE_MODEL, class_result, student_result
from lab.figures.classroom import face_round_histogram, face_round_roc
from lab.faces.pipeline import face_vector
from lab.faces.photos import load_photo
from lab.workflows.face_round import face_threshold, faces_in
from tests.e2e.class_round import SCREENSHOTS, STUDENTS, join, start_class
from tests.e2e.conftest import running_app, wait_idle, warm_up

pytestmark = pytest.mark.data
PEOPLE = ("Colin_Powell", "Tony_Blair", "Gerhard_Schroeder")  # one LFW person per student, three photos each


def photos(lfw_dir: Path, person: str) -> list[Path]:
    return sorted((lfw_dir / person).iterdir())[:3]


def expected_faces(lfw_dir: Path) -> list[ClassFace]:
    """The class's faces as lab computes them from the photos themselves (player ids 1-3 in joining order)."""
    moment = datetime.now(timezone.utc)
    return [ClassFace(10 * player + photo, player, STUDENTS[player - 1], photo,
                      face_vector(load_photo(path), FACE_MODEL, FACE_DETECTOR).vector, moment)
            for player, person in enumerate(PEOPLE, start=1) for photo, path in enumerate(photos(lfw_dir, person), 1)]


def give_photos(student, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    student.get_by_text("Face round", exact=True).wait_for(timeout=20_000)  # pushed when the teacher opened it
    student.get_by_text("I agree that the lab keeps").click()
    student.get_by_text("Or take photo 1 of 3").wait_for()  # the page as drawn after the consent (the camera too)
    wait_idle(student)
    student.locator("[data-testid=stFileUploader] input[type=file]").set_input_files([str(p) for p in paths])
    student.wait_for_timeout(1500)
    print("AFTER SET", student.locator("[data-testid=stMain]").all_inner_texts())
    try:
        student.get_by_text("3 faces kept.").wait_for(timeout=120_000)
    except Exception:
        student.screenshot(path="test-artifacts/face-round-failed.png", full_page=True)
        print(student.locator("[data-testid=stMain]").inner_text())
        raise
    student.get_by_text("Your result").wait_for()


def plotted(page, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The traces Plotly drew in the chart of ``key`` (x and y of each, decoded: the figure's own arrays arrive
    base64-encoded)."""
    return page.evaluate("""(key) => {
        const chart = document.querySelector(`.st-key-${key} .js-plotly-plot`);
        return chart._fullData.map((trace) => ({x: Array.from(trace.x || []), y: Array.from(trace.y || [])}));
    }""", key)


def test_a_face_round_with_three_students(server_url: str, lfw_dir: Path, browser) -> None:  # type: ignore[no-untyped-def]
    expected = expected_faces(lfw_dir)
    result = class_result(expected)
    url = server_url  # the session's server and its database: nothing here needs a server of its own
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    contexts = [browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)] + \
               [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in STUDENTS[1:]]
    try:
        teacher = projector.new_page()
        teacher.set_default_timeout(90_000)
        code = start_class(teacher, url)
        students = []
        for context, nickname in zip(contexts, STUDENTS):
            student = context.new_page()
            student.set_default_timeout(90_000)
            join(student, url, code, nickname)
            students.append(student)
        teacher.get_by_role("button", name="Open the face round").click()
        teacher.get_by_text("Face round: take 3 photos of yourself").wait_for()
        for student, person in zip(students, PEOPLE):
            give_photos(student, photos(lfw_dir, person))

        # The projector redraws on each face: its figures are lab's for the same photos.
        teacher.locator(".oneshot-live").get_by_text("9", exact=True).wait_for(timeout=30_000)
        wait_idle(teacher)
        teacher.locator(".st-key-face_round_roc .js-plotly-plot").last.wait_for()
        wait_idle(teacher)
        expect(teacher.locator(".st-key-face_round_roc .js-plotly-plot")).to_have_count(1, timeout=60_000)
        wait_idle(teacher)  # (two while a rerun draws the new one beside the stale one)
        metrics = teacher.locator("[data-testid=stMain] [data-testid=stMetricValue]").all_inner_texts()
        assert metrics == ["3", f"{result.rank1:.0%}", f"{result.eer:.1%}"]  # students with faces, rank-1, EER
        threshold = round(face_threshold(), 2)
        histogram = face_round_histogram(result.genuine, result.impostor, threshold, result.eer_threshold)
        drawn = plotted(teacher, "face_round_histogram")
        for shown, made in zip(drawn[:2], histogram.data[:2]):
            assert np.allclose(shown["y"], made.y) and np.allclose(shown["x"], made.x)
        point = result.at(threshold)
        roc = face_round_roc(result.curve.false_positive_rate, result.curve.true_positive_rate, result.curve.auc,
                             result.eer, (point.false_accept_rate, 1 - point.false_reject_rate), threshold)
        drawn = plotted(teacher, "face_round_roc")
        assert np.allclose(drawn[0]["x"], roc.data[0].x) and np.allclose(drawn[0]["y"], roc.data[0].y)
        assert teacher.get_by_text(f"{point.true_accepts} of {result.genuine.size}").count() == 1
        assert teacher.locator(".st-key-face_round_thumbnails").count() == 0  # classmates' faces: off at first
        teacher.screenshot(path=str(SCREENSHOTS / "class-face-round-1280x720.png"), full_page=False)
        teacher.get_by_text("Show the class's faces on the projector").click()
        thumbnails = teacher.locator(".st-key-face_round_thumbnails")
        thumbnails.wait_for()
        wait_idle(teacher)
        expect(thumbnails.locator("img")).to_have_count(9, timeout=30_000)  # (drawn one after another)
        assert thumbnails.get_by_text("Chen").count() == 1

        # Each phone shows its own result: per photo, whether the nearest face is the student's own.
        for number, student in enumerate(students, start=1):
            student.get_by_role("button", name="Update my result").click()
            wait_idle(student)
            table = student.get_by_test_id("stTable")
            expect(table).to_have_count(1)  # the rerun's table, the stale one gone
            own = [r.nearest_is_own for r in student_result(expected, number)]
            assert table.get_by_text("your own photo").count() == sum(own)
            assert table.get_by_text("a classmate's face").count() == len(own) - sum(own)
        students[0].screenshot(path=str(SCREENSHOTS / "class-face-round-phone.png"), full_page=True)

        assert faces_in(code) == 9
        teacher.get_by_role("button", name="End class").click()
        teacher.get_by_text("This class has ended.").wait_for()
        assert faces_in(code) == 0
        assert teacher.get_by_text("Traceback").count() == 0
    finally:
        projector.close()
        for context in contexts:
            context.close()


def test_a_class_left_open_loses_its_faces_after_the_time_limit(lfw_dir: Path, browser,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'class.sqlite'}"
    limit_hours = 0.005  # 18 s; each server deletes expired faces every 4.5 s
    with running_app("face_round_limit.log", ONESHOT_DATABASE_URL=database,
                     ONESHOT_CLASS_FACES_HOURS=str(limit_hours)) as url:
        warm_up(browser, url)
        projector, phone = browser.new_context(viewport={"width": 1280, "height": 720}), browser.new_context()
        try:
            teacher = projector.new_page()
            teacher.set_default_timeout(90_000)
            code = start_class(teacher, url)
            student = phone.new_page()
            student.set_default_timeout(90_000)
            join(student, url, code, "Ana")
            teacher.get_by_role("button", name="Open the face round").click()
            teacher.get_by_text(re.compile("deleted when the class ends, or after 0.005 hours")).wait_for()
            give_photos(student, photos(lfw_dir, PEOPLE[0]))
            assert faces_in(code, database) == 3
            # Nobody acts: past the limit the faces are left out at once (the projector's live count is 0), and the
            # server's sweep deletes them from the database.
            teacher.locator(".oneshot-live").get_by_text("0", exact=True).wait_for(timeout=60_000)
            for _second in range(60):
                if faces_in(code, database) == 0:
                    break
                teacher.wait_for_timeout(1000)
            assert faces_in(code, database) == 0
        finally:
            projector.close()
            phone.close()
