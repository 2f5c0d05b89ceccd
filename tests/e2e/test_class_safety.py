"""A class that keeps out look-alikes and lets the teacher remove a player, in real browsers: a look-alike nickname is
refused as taken; the teacher removes a player from the projector, and that player's device says so by itself (its
component hears of the new stage, the round route answers 403 not_a_player, and it asks for one rerun), while the
other student stays in."""

from __future__ import annotations

from tests.e2e.class_round import join, start_class
from tests.e2e.conftest import wait_idle


def test_a_look_alike_is_refused_and_a_removed_player_is_told(server_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(4)]
    try:
        teacher, ana, troll, copycat = (context.new_page() for context in contexts)
        for page in (teacher, ana, troll, copycat):
            page.set_default_timeout(90_000)
        code = start_class(teacher, server_url)
        join(ana, server_url, code, "Ana")
        join(troll, server_url, code, "troll")
        copycat.goto(f"{server_url}/class?class={code}")
        copycat.get_by_label("Nickname (shown on the projector)").fill("\u0410na")  # a Cyrillic А
        copycat.get_by_role("button", name="Join the class").click()
        copycat.get_by_text("is taken in this class, or looks like one that is").wait_for(timeout=15_000)

        wait_idle(teacher)
        teacher.get_by_role("button", name="Remove a player").click()
        teacher.get_by_role("combobox", name="Player").click()
        teacher.get_by_role("option", name="troll").click()
        teacher.get_by_role("button", name="Remove from the class").click()
        told = teacher.get_by_text("troll is no longer in the class; their device has been told.")
        told.wait_for()
        troll.get_by_text("You are not in this class (any more): join again.").wait_for(timeout=15_000)
        troll.get_by_role("button", name="Join the class").wait_for()
        wait_idle(ana)
        assert ana.get_by_text(f"You are Ana in class {code}").count() == 1
        assert ana.get_by_text("You are not in this class").count() == 0
        wait_idle(teacher)
        assert told.count() == 1  # still there after the projector's page ran again for the new stage
        assert teacher.get_by_text("Traceback").count() == 0
    finally:
        for context in contexts:
            context.close()
