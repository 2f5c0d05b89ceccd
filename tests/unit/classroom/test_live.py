"""The stage hub: a long poll answers at once when the stage moved on, waits for a change otherwise, and the class is
read once per refresh however many devices wait (with a made-up read; tests/unit/api reads a real database)."""

from __future__ import annotations

import asyncio

import pytest

from lab.classroom.live import HubBusyError, LiveStage, StageHub, read_live_stage, stage_changed, stage_version
from lab.classroom.rooms import ClassroomError, create_class, end_class, join_class
from lab.classroom.rounds import add_round, answer_round, class_state, reveal_round
from lab.db.engine import transaction
from tests.support.asyncio_thread import run_alone


class Stages:
    """A class whose stage the test sets; counts the reads."""

    def __init__(self) -> None:
        self.stage = LiveStage("ABC234", None, False, False, 0, 0)
        self.reads = 0

    def __call__(self, code: str) -> LiveStage:
        if code != "ABC234":
            raise ClassroomError(f"There is no class with the code {code}.")
        self.reads += 1
        return self.stage


def run(coroutine):  # type: ignore[no-untyped-def]
    return run_alone(coroutine)


def test_versions_name_the_stage_and_live_adds_the_counts() -> None:
    assert LiveStage("A", None, False, False, 3, 0).version == "waiting"
    assert LiveStage("A", 2, False, False, 3, 1).version == "2-open"
    assert LiveStage("A", 2, True, False, 3, 1).version == "2-revealed"
    assert LiveStage("A", 2, True, True, 3, 1).version == "ended"
    assert LiveStage("A", 2, False, False, 3, 1).live == "2-open/3/1"
    assert stage_version(((2, True), False)) == "2-revealed" and stage_version((None, False)) == "waiting"
    assert stage_version(((4, False), True)) == "ended"


def test_the_face_round_and_the_lesson_step_are_stages_and_faces_a_count() -> None:
    faces = LiveStage("A", 2, True, False, 3, 1, activity="faces", faces=4)
    assert faces.version == "2-revealed+faces" and faces.live == "2-revealed+faces/3/1/4"
    assert LiveStage("A", None, False, False, 3, 0, lesson="roc").version == "waiting@roc"
    assert stage_version(((2, True), False, 1, "faces", "verify")) == "2-revealed~1+faces@verify"
    assert LiveStage("A", None, False, True, 3, 0, activity="faces", lesson="roc").version == "ended"


def test_a_device_behind_is_answered_at_once_and_one_up_to_date_waits_for_the_change() -> None:
    stages = Stages()

    async def scenario() -> tuple[LiveStage, LiveStage, float]:
        hub = StageHub(stages, refresh=0.02, hold=5)
        first = await hub.wait("abc234", "")  # a typed code, forgiving case
        loop = asyncio.get_running_loop()
        started = loop.time()
        waiting = asyncio.create_task(hub.wait("ABC234", first.version))
        await asyncio.sleep(0.1)
        assert not waiting.done() and hub.waiting == 1
        stages.stage = LiveStage("ABC234", 1, False, False, 0, 0)
        changed = await waiting
        await hub.close()
        return first, changed, loop.time() - started

    first, changed, _seconds = run(scenario())
    assert first.version == "waiting" and changed.version == "1-open"


def test_a_long_poll_ends_after_its_hold_with_the_same_stage() -> None:
    stages = Stages()

    async def scenario() -> LiveStage:
        hub = StageHub(stages, refresh=0.02, hold=0.2)
        same = await hub.wait("ABC234", "waiting")
        await hub.close()
        return same

    assert run(scenario()).version == "waiting"


def test_counts_wake_only_the_projector() -> None:
    stages = Stages()

    async def scenario() -> tuple[bool, LiveStage]:
        hub = StageHub(stages, refresh=0.02, hold=5)
        await hub.wait("ABC234", "")
        student = asyncio.create_task(hub.wait("ABC234", "waiting"))
        projector = asyncio.create_task(hub.wait("ABC234", "waiting/0/0", live=True))
        await asyncio.sleep(0.05)
        stages.stage = LiveStage("ABC234", None, False, False, 1, 0)  # a student joined
        counted = await asyncio.wait_for(projector, 2)
        await asyncio.sleep(0.1)
        still_waiting = not student.done()
        student.cancel()
        await hub.close()
        return still_waiting, counted

    still_waiting, counted = run(scenario())
    assert still_waiting and counted.players == 1


def test_many_waiting_devices_cost_one_read_per_refresh() -> None:
    stages = Stages()

    async def scenario() -> tuple[int, int]:
        hub = StageHub(stages, refresh=0.05, hold=5)
        first = await asyncio.gather(*(hub.wait("ABC234", "") for _ in range(200)))  # 200 phones arrive together
        reads_on_arrival = stages.reads
        waiting = [asyncio.create_task(hub.wait("ABC234", "waiting")) for _ in range(200)]
        await asyncio.sleep(0.5)  # about 10 refreshes
        stages.stage = LiveStage("ABC234", 1, False, False, 200, 0)
        answers = await asyncio.gather(*waiting)
        assert {a.version for a in answers} == {"1-open"} and len(first) == 200
        reads = stages.reads
        await hub.close()
        return reads_on_arrival, reads

    on_arrival, reads = run(scenario())
    assert on_arrival == 1
    assert reads <= 20  # one per refresh, not one per device (200 devices)


def test_an_unknown_class_is_refused_and_not_watched() -> None:
    stages = Stages()

    async def scenario() -> StageHub:
        hub = StageHub(stages, refresh=0.02)
        with pytest.raises(ClassroomError, match="no class"):
            await hub.wait("NOPE99", "")
        await asyncio.sleep(0.1)
        return hub

    hub = run(scenario())
    assert stages.reads == 0 and hub.reads == 1  # read once, refused, nothing refreshed after


def test_past_its_cap_the_hub_refuses_instead_of_holding_more() -> None:
    stages = Stages()

    async def scenario() -> None:
        hub = StageHub(stages, refresh=0.02, hold=5, max_waiting=3)
        held = [asyncio.create_task(hub.wait("ABC234", "waiting")) for _ in range(3)]
        await asyncio.sleep(0.1)
        with pytest.raises(HubBusyError):
            await hub.wait("ABC234", "waiting")
        for task in held:
            task.cancel()
        await asyncio.gather(*held, return_exceptions=True)
        assert hub.waiting == 0
        await hub.close()

    run(scenario())


def test_a_class_nobody_asks_about_is_no_longer_read() -> None:
    stages = Stages()

    async def scenario() -> int:
        hub = StageHub(stages, refresh=0.02, forget=0.1)
        await hub.wait("ABC234", "")
        await asyncio.sleep(0.4)
        reads = stages.reads
        await asyncio.sleep(0.2)
        assert stages.reads == reads  # forgotten: the refresh task stopped reading it
        await hub.close()
        return reads

    assert run(scenario()) < 12


def test_the_live_stage_follows_the_database(database_url: str) -> None:
    info = create_class("c", database_url)
    ana = join_class(info.code, "Ana", database_url)
    assert read_live_stage(info.code, database_url) == LiveStage(info.code, None, False, False, 1, 0)
    add_round(info.code, (12, 7), [(10, 1), (12, 3)], 1, "default", [0.1, 0.9], 0.001, database_url)
    answer_round(ana.token, 1, 1, database_url)
    assert read_live_stage(info.code.lower(), database_url).live == "1-open/1/1"
    transaction(lambda c: reveal_round(c, info.code), database_url)
    assert read_live_stage(info.code, database_url).version == "1-revealed"
    assert stage_version(class_state(info.code, database_url).stage) == "1-revealed"  # what the pages draw
    transaction(lambda c: end_class(c, info.code), database_url)
    assert read_live_stage(info.code, database_url).version == "ended"
    with pytest.raises(ClassroomError):
        read_live_stage("NOPE99", database_url)


def test_a_removed_player_is_a_new_stage_for_every_device(database_url: str) -> None:
    """The count of removed players is part of the version students' devices watch: each asks for its view again, and
    the removed one is refused (tests/unit/api: 403 not_a_player) and its page says so."""
    from lab.classroom.rooms import remove_player
    from lab.classroom.rounds import player_view

    info = create_class("c", database_url)
    ana, bob = join_class(info.code, "Ana", database_url), join_class(info.code, "Bob", database_url)
    assert read_live_stage(info.code, database_url).version == "waiting"
    assert remove_player(info.code, bob.id, database_url) == "Bob"
    after = read_live_stage(info.code, database_url)
    assert (after.version, after.players) == ("waiting~1", 1) and "removed" not in after.as_json()
    assert stage_version(player_view(info.code, ana.token, database_url).stage) == "waiting~1"  # what pages draw
    assert stage_version(class_state(info.code, database_url).stage) == "waiting~1"
    add_round(info.code, (12, 7), [(10, 1), (12, 3)], 1, "default", [0.1, 0.9], 0.001, database_url)
    assert read_live_stage(info.code, database_url).version == "1-open~1"
    assert stage_version(((1, False), False, 2)) == "1-open~2" and stage_version((None, True, 3)) == "ended"


def test_a_cancelled_wait_frees_its_place_and_a_client_has_a_cap() -> None:
    stages = Stages()

    async def scenario() -> None:
        hub = StageHub(stages, refresh=0.02, hold=5, max_waiting_per_client=2)
        held = [asyncio.create_task(hub.wait("ABC234", "waiting", client="10.0.0.7")) for _ in range(2)]
        await asyncio.sleep(0.1)
        with pytest.raises(HubBusyError):
            await hub.wait("ABC234", "waiting", client="10.0.0.7")
        other = asyncio.create_task(hub.wait("ABC234", "waiting", client="10.0.0.8"))  # another device is not held up
        await asyncio.sleep(0.05)
        for task in held:  # the devices went away: their requests are cancelled
            task.cancel()
        await asyncio.gather(*held, return_exceptions=True)
        assert hub.waiting == 1
        again = asyncio.create_task(hub.wait("ABC234", "waiting", client="10.0.0.7"))
        await asyncio.sleep(0.05)
        assert not again.done()
        for task in (other, again):
            task.cancel()
        await asyncio.gather(other, again, return_exceptions=True)
        assert hub.waiting == 0
        await hub.close()

    run(scenario())


def test_a_wait_on_a_class_that_is_forgotten_answers_instead_of_failing() -> None:
    stages = Stages()

    async def scenario() -> LiveStage:
        hub = StageHub(stages, refresh=0.02, hold=5)
        waiting = asyncio.create_task(hub.wait("ABC234", "waiting"))
        await asyncio.sleep(0.05)
        await hub.close()  # forgets every class (a server stopping, a class deleted)
        return await asyncio.wait_for(waiting, 60)

    assert run(scenario()).version == "waiting"


def test_a_page_action_is_read_at_once_not_at_the_next_refresh() -> None:
    stages = Stages()

    async def scenario() -> LiveStage:
        hub = StageHub(stages, refresh=600, hold=300)  # neither the refresh nor the hold comes during the test
        await hub.wait("ABC234", "")
        loop = asyncio.get_running_loop()
        waiting = asyncio.create_task(hub.wait("ABC234", "waiting"))
        await asyncio.sleep(0.05)
        stages.stage = LiveStage("ABC234", 1, False, False, 0, 0)
        await loop.run_in_executor(None, stage_changed, "abc234")  # from a page's thread
        changed = await asyncio.wait_for(waiting, 60)
        await hub.close()
        return changed

    assert run(scenario()).version == "1-open"  # only the poke can have read it
