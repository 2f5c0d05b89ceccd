"""The Class page (AppTest): a teacher starts a class and rounds, students join, the projector reveals and ends.

Each AppTest is one browser session; they share the test session's SQLite database, as sessions on one server do. A
student's round is drawn and answered in the browser by the live component (ui/class_live.js, tested in
tests/e2e/test_classroom.py); here the page must mount it with what it needs, and answers go through the same
workflow the class route calls.
"""

from __future__ import annotations

import pytest

from lab.classroom.rooms import join_class
from lab.workflows.classroom import answer_round, class_state, player_view
from tests.support.pages import component_data, displayed_texts, start


def text_of(app) -> str:
    return "\n".join(displayed_texts(app))


def button(app, key: str):
    return next(b for b in app.button if b.key == key)


def host_a_class(title: str = "Test class", params: dict[str, str] | None = None):
    teacher = start("views/class.py", params)
    teacher.text_input(key="class_title").input(title)
    button(teacher, "class_start").click().run()
    assert not teacher.exception, teacher.exception
    code = teacher.query_params["class"]
    assert teacher.query_params.get("host") == "1"
    return teacher, code if isinstance(code, str) else code[0]


def join(code: str, nickname: str, params: dict[str, str] | None = None):
    student = start("views/class.py", {"class": code, **(params or {})})
    student.text_input(key="nickname").input(nickname)
    button(student, "class_join").click().run()
    assert not student.exception, student.exception
    return student


def test_a_round_from_start_to_reveal_with_two_students() -> None:
    teacher, code = host_a_class()
    assert code in text_of(teacher)  # the join code is on the projector, with its QR code
    assert component_data(teacher, "class_live") | {"texts": None} == {
        "mode": "projector", "api": "/api/class", "code": code, "drawn": "waiting", "texts": None}
    ana, bob = join(code, "Ana"), join(code, "Bob")
    live = component_data(ana, "class_live")
    assert (live["mode"], live["code"], live["drawn"]) == ("student", code, "waiting")
    assert player_view(code, live["token"]).player.nickname == "Ana"  # the device answers with its own token
    assert "Waiting for the teacher" in live["texts"]["waiting"]

    teacher.radio(key="round_ways").set_value(5)
    button(teacher, "round_start").click().run()
    assert not teacher.exception, teacher.exception
    state = class_state(code)
    assert state.round is not None and state.round.ways == 5 and state.players == 2
    assert component_data(teacher, "class_live")["drawn"] == "1-open"
    assert "Round 1: which candidate" in text_of(teacher)

    answer = state.round.answer
    answer_round(component_data(ana, "class_live")["token"], 1, answer)  # as the route does for the device
    answer_round(component_data(bob, "class_live")["token"], 1, (answer + 1) % 5)
    assert class_state(code).answered == 2

    button(teacher, "round_reveal").click().run()
    assert not teacher.exception, teacher.exception
    shown = text_of(teacher)
    assert f"The right answer is candidate {answer + 1}" in shown
    board = teacher.dataframe[0].value
    assert list(board["player"])[:1] != ["Bob"] and "Ana" in set(board["player"])
    assert component_data(teacher, "class_live")["drawn"] == "1-revealed"

    button(teacher, "class_end").click().run()
    assert "This class has ended" in text_of(teacher)
    assert "95.5%" in text_of(teacher)
    ana.run()  # what the component asks for when the class ends
    assert "The class has ended: thank you! Your score: 1 right of 1." in text_of(ana)
    assert component_data(ana, "class_live") is None


def test_a_student_page_runs_no_script_for_the_round_it_shows() -> None:
    """The page mounts the component once; rounds start and end in the database without the student's script."""
    teacher, code = host_a_class()
    ana = join(code, "Ana")
    first = component_data(ana, "class_live")
    button(teacher, "round_start").click().run()
    ana.run()  # a rerun (the student's own, e.g. a language switch) mounts the same component with the same token
    again = component_data(ana, "class_live")
    assert again["token"] == first["token"] and again["drawn"] == "1-open"
    assert not any(b.key and b.key.startswith("answer_") for b in ana.button)  # no Streamlit buttons per candidate


def test_portuguese_texts_reach_the_component() -> None:
    _teacher, code = host_a_class()
    ana = join(code, "Ana", {"lang": "pt"})
    texts = component_data(ana, "class_live")["texts"]
    assert texts["waiting"] != "Waiting for the teacher to start the first round..."
    assert "{number}" in texts["round"] and "**{nickname}**" in texts["you"]


def test_a_taken_nickname_and_a_wrong_code_are_explained() -> None:
    _teacher, code = host_a_class()
    join(code, "Carla")
    again = start("views/class.py", {"class": code})
    again.text_input(key="nickname").input("carla")
    button(again, "class_join").click().run()
    assert [e.value for e in again.error] == [
        "The nickname 'carla' is taken in this class, or looks like one that is; choose another."]
    look_alike = start("views/class.py", {"class": code})
    look_alike.text_input(key="nickname").input("C\u0430rla")  # a Cyrillic а
    button(look_alike, "class_join").click().run()
    assert "is taken in this class, or looks like one that is" in look_alike.error[0].value
    lost = start("views/class.py", {"class": "NOPE99"})
    lost.text_input(key="nickname").input("Dan")
    button(lost, "class_join").click().run()
    assert "There is no class with the code NOPE99" in lost.error[0].value


def test_the_teacher_removes_a_player_and_their_device_is_told() -> None:
    teacher, code = host_a_class()
    ana, troll = join(code, "Ana"), join(code, "troll")
    assert not any(b.key == "class_remove" for b in teacher.button)  # closed: nothing read, nothing drawn
    teacher.session_state["class_remove_popover"] = True  # the lecturer opens "Remove a player"
    teacher.run()
    picker = teacher.selectbox(key="class_remove_player")
    assert picker.options == ["Ana", "troll"]
    picker.set_value(component_data_id(code, "troll"))
    button(teacher, "class_remove").click().run()
    assert not teacher.exception, teacher.exception
    assert "troll is no longer in the class; their device has been told." in text_of(teacher)
    assert class_state(code).players == 1
    assert component_data(teacher, "class_live")["drawn"] == "waiting~1"  # a new stage: every device asks again
    troll.run()  # the rerun the component asks for when the round route answers 403 not_a_player
    assert [e.value for e in troll.error] == ["You are not in this class (any more): join again."]
    assert component_data(troll, "class_live") is None and any(b.key == "class_join" for b in troll.button)
    ana.run()
    assert component_data(ana, "class_live")["drawn"] == "waiting~1" and not ana.error


def component_data_id(code: str, nickname: str) -> int:
    from lab.workflows.classroom import class_players

    return next(p.id for p in class_players(code) if p.nickname == nickname)


def test_with_a_password_a_student_cannot_run_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    _teacher, code = host_a_class()  # no password yet: this test's session is the laptop's own
    monkeypatch.setenv("ONESHOT_TEACHER_PASSWORD", "s3cret")
    student = start("views/class.py")
    assert "Only the teacher may start a class" in text_of(student)
    assert not any(b.key == "class_start" for b in student.button)
    projector = start("views/class.py", {"class": code, "host": "1"})
    assert "Only the teacher may show the class on the projector" in text_of(projector)
    assert not any(b.key == "round_start" for b in projector.button)
    projector.text_input(key="teacher_password_input").input("wrong").run()
    assert "Wrong password." in text_of(projector)
    projector.text_input(key="teacher_password_input").input("s3cret").run()
    assert any(b.key == "round_start" for b in projector.button)


def test_the_projector_shows_the_public_address_when_one_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESHOT_PUBLIC_URL", "https://lab.example.org")
    teacher, code = host_a_class()
    assert f"https://lab.example.org/class?class={code}" in text_of(teacher)
    assert "The public address set by ONESHOT_PUBLIC_URL." in text_of(teacher)


def test_in_projector_mode_the_sidebar_hides_and_comes_back() -> None:
    teacher, _code = host_a_class(params={"projector": "1"})
    assert any("stSidebar" in t and "display: none" in t for t in displayed_texts(teacher))
    button(teacher, "class_sidebar").click().run()
    assert not any("stSidebar" in t and "display: none" in t for t in displayed_texts(teacher))
    assert button(teacher, "class_sidebar").label == "Hide the sidebar"


def test_a_large_class_shows_the_leaderboard_top_five_and_how_many_follow() -> None:
    teacher, code = host_a_class(params={"projector": "1"})
    for number in range(8):
        join_class(code, f"student{number}")
    button(teacher, "round_start").click().run()
    button(teacher, "round_reveal").click().run()
    assert len(teacher.dataframe[0].value) == 5
    assert "... and 4 more players." in text_of(teacher)  # 8 students and the model, 5 shown
