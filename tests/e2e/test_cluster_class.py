"""End to end across two replicas behind HAProxy, on one PostgreSQL: what one server writes, the other shows.

- A class: the projector on one replica, three students spread over both; each answer reaches the projector, and so
  does each face of the face round.
- A face enrolled through one replica is identified through the other.
"""

from __future__ import annotations

from tests.e2e.class_round import STUDENTS, join, run_round, shown_join_address, start_class
from lab.workflows.face_round import faces_in
from tests.e2e.conftest import ARTIFACTS, wait_idle
from tests.e2e.test_face_round import PEOPLE, give_photos, photos


def pinned_page(browser, cluster, replica: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    cluster.pin(context, replica)  # through the balancer, stuck to this replica (HAProxy's cookie)
    page = context.new_page()
    page.set_default_timeout(120_000)
    return context, page


def test_a_class_across_two_replicas(cluster_url, browser, lfw_dir) -> None:  # type: ignore[no-untyped-def]
    contexts = []
    try:
        context, teacher = pinned_page(browser, cluster_url, "app1")
        contexts.append(context)
        code = start_class(teacher, cluster_url.url, cluster_url.teacher_password)
        # The balancer's port (its host, 127.0.0.1 here, becomes this machine's network address for the phones).
        assert f":{cluster_url.url.rsplit(':', 1)[1]}/class?class={code}" in shown_join_address(teacher)
        students = []
        for nickname, replica in zip(STUDENTS, ("app2", "app1", "app2")):
            context, student = pinned_page(browser, cluster_url, replica)
            contexts.append(context)
            join(student, cluster_url.url, code, nickname)
            students.append(student)
        assert [cluster_url.replica_of(c) for c in contexts] == ["app1", "app2", "app1", "app2"]
        # Two of the answers are written by app2 and counted on app1's projector.
        result = run_round(teacher, students, 10, [1, 2, 3])
        wait_idle(teacher)
        teacher.screenshot(path=str(ARTIFACTS / "cluster-class-reveal.png"))
        board = teacher.locator("[data-testid='stDataFrame']").last
        board.wait_for()
        assert result["number"] == 1

        # The face round across the replicas: faces given through app2 and app1, counted on app1's projector.
        teacher.get_by_role("button", name="Open the face round").click()
        teacher.get_by_text("Face round: take 3 photos of yourself").wait_for()
        for student, person in zip(students[:2], PEOPLE):
            give_photos(student, photos(lfw_dir, person))
        teacher.locator(".oneshot-live").get_by_text("6", exact=True).wait_for(timeout=60_000)
        teacher.get_by_role("button", name="End class").click()
        teacher.get_by_text("This class has ended.").wait_for()
        assert faces_in(code, cluster_url.database_url) == 0
    finally:
        for context in contexts:
            context.close()


def test_a_face_enrolled_on_one_replica_is_identified_on_the_other(cluster_url, browser, faces_dir) -> None:  # type: ignore[no-untyped-def]
    first_context, first = pinned_page(browser, cluster_url, "app1")
    second_context, second = pinned_page(browser, cluster_url, "app2")
    try:
        first.goto(f"{cluster_url.url}/database?tab=Enrol")
        first.get_by_label("Name of the person").fill("Barack Obama")
        uploader = first.locator("[data-testid='stFileUploader']").filter(has_text="One or a few photos of them")
        uploader.locator("input[type='file']").set_input_files(str(faces_dir / "misc" / "obama.jpg"))
        first.get_by_text("obama.jpg").first.wait_for()
        wait_idle(first)  # the upload's run drawn: a click during a run can be lost when its widgets are redrawn
        first.get_by_text("I agree", exact=False).first.click()
        wait_idle(first)
        first.get_by_role("button", name="Enrol", exact=True).click()
        first.get_by_text("Barack Obama enrolled from 1 face").wait_for(timeout=180_000)

        second.goto(f"{cluster_url.url}/database?database=class&tab=Identify&photo=test/obama1.jpg")
        verdict = second.locator("[data-testid='stAlert']").filter(has_text="Barack Obama").first
        try:
            verdict.wait_for(timeout=180_000)  # the People tab, hidden, also names him: wait for the verdict itself
        except Exception:
            second.screenshot(path=str(ARTIFACTS / "cluster-identify-failed.png"), full_page=True)
            raise
        assert "≤ threshold" in verdict.inner_text()
        assert (cluster_url.replica_of(first_context), cluster_url.replica_of(second_context)) == ("app1", "app2")
        second.screenshot(path=str(ARTIFACTS / "cluster-identify.png"))
    finally:
        first_context.close()
        second_context.close()
