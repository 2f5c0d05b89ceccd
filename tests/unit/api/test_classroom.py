"""The class routes (api/classroom.py) through Starlette's test client, on a real database and the miniature
evaluation set: the stage's long poll, a player's round view (no answer before the reveal), and answers (one per
player and round, only with the player's own token, bounded bodies)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.classroom import MAX_BODY, class_api, lifespan, routes
from lab.classroom.player_round import PictureCache
from lab.classroom.rooms import create_class, join_class
from lab.classroom.rounds import add_round, player_view, reveal_round
from lab.db.engine import transaction

CANDIDATES = [(10, 1), (11, 2), (12, 3), (13, 4), (14, 5)]


@pytest.fixture
def client(database_url: str, mini_evaluation) -> TestClient:  # type: ignore[no-untyped-def]
    with TestClient(Starlette(routes=routes(), lifespan=lifespan)) as made:
        class_api().pictures = PictureCache(lambda: mini_evaluation)
        yield made


def a_round(code: str, answer: int = 2) -> None:
    add_round(code, (12, 7), CANDIDATES, answer, "default", [0.1, 0.2, 0.9, 0.3, 0.4], 0.001)


def test_the_stage_of_a_class_and_of_no_class(client: TestClient) -> None:
    info = create_class("c")
    answer = client.get(f"/api/class/{info.code}/stage")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.json() == {"code": info.code, "round": None, "revealed": False, "ended": False, "players": 0,
                             "answered": 0, "activity": "quiz", "faces": 0, "lesson": None,
                             "version": "waiting", "live": "waiting/0/0"}
    missing = client.get("/api/class/NOPE99/stage")
    assert missing.status_code == 404 and missing.json()["error"] == "no_class"


def test_a_long_poll_is_answered_when_a_round_starts(client: TestClient) -> None:
    info = create_class("c")
    class_api().hub.hold = 3600.0  # woken by the change: the hold cannot answer within this test
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(client.get, f"/api/class/{info.code}/stage", params={"seen": "waiting"})
        time.sleep(0.5)
        assert not waiting.done()
        a_round(info.code)
        answer = waiting.result(timeout=120)
    assert answer.json()["version"] == "1-open"


def test_a_busy_server_says_so(client: TestClient) -> None:
    info = create_class("c")
    class_api().hub.max_waiting = 0
    answer = client.get(f"/api/class/{info.code}/stage", params={"seen": "waiting"})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "2"


def test_a_player_sees_the_round_and_its_drawings_but_not_the_answer_before_the_reveal(client: TestClient) -> None:
    info = create_class("c")
    ana = join_class(info.code, "Ana")
    headers = {"X-Player-Token": ana.token}
    waiting = client.get(f"/api/class/{info.code}/round", headers=headers).json()
    assert (waiting["round"], waiting["images"], waiting["nickname"]) == (None, None, "Ana")
    a_round(info.code)
    view = client.get(f"/api/class/{info.code}/round", headers=headers).json()
    assert (view["round"], view["ways"], view["revealed"], view["answer"], view["model_answer"]) == (1, 5, False,
                                                                                                    None, None)
    assert len(view["images"]["candidates"]) == 5 and view["images"]["query"].startswith("data:image/png;base64,")
    again = client.get(f"/api/class/{info.code}/round", params={"have": "1"}, headers=headers).json()
    assert again["images"] is None  # the device has this round's drawings already
    transaction(lambda c: reveal_round(c, info.code))
    shown = client.get(f"/api/class/{info.code}/round", params={"have": "1"}, headers=headers).json()
    assert (shown["revealed"], shown["answer"], shown["model_answer"], shown["version"]) == (True, 2, 2, "1-revealed")


def test_the_round_needs_the_player_own_token(client: TestClient) -> None:
    info, other = create_class("c"), create_class("d")
    ana = join_class(info.code, "Ana")
    for headers in ({}, {"X-Player-Token": "0" * 32}, {"X-Player-Token": "x'; drop table players; --"}):
        answer = client.get(f"/api/class/{info.code}/round", headers=headers)
        assert answer.status_code == 403 and answer.json()["error"] == "not_a_player"
    elsewhere = client.get(f"/api/class/{other.code}/round", headers={"X-Player-Token": ana.token})
    assert elsewhere.status_code == 403


def test_an_answer_counts_once_and_only_while_the_round_is_open(client: TestClient) -> None:
    info = create_class("c")
    ana = join_class(info.code, "Ana")
    headers = {"X-Player-Token": ana.token}
    a_round(info.code)
    first = client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 2}, headers=headers)
    assert first.status_code == 200 and first.json() == {"choice": 2}
    client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 4}, headers=headers)
    assert player_view(info.code, ana.token).choice == 2  # the first answer stands
    beyond = client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 7}, headers=headers)
    assert beyond.status_code == 409
    transaction(lambda c: reveal_round(c, info.code))
    late = client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 1}, headers=headers)
    assert late.status_code == 409 and late.json()["error"] == "closed"


def test_answers_refuse_forged_tokens_and_malformed_or_huge_bodies(client: TestClient) -> None:
    info, other = create_class("c"), create_class("d")
    ana = join_class(info.code, "Ana")
    a_round(info.code)
    url = f"/api/class/{info.code}/answer"
    assert client.post(url, json={"round": 1, "choice": 1}).status_code == 403
    assert client.post(url, json={"round": 1, "choice": 1}, headers={"X-Player-Token": "f" * 32}).status_code == 403
    assert client.post(f"/api/class/{other.code}/answer", json={"round": 1, "choice": 1},
                       headers={"X-Player-Token": ana.token}).status_code == 403
    headers = {"X-Player-Token": ana.token}
    for body in ([1, 2], {"round": "1", "choice": 1}, {"round": 1, "choice": -1}, {"round": 1, "choice": True},
                 {"round": 0, "choice": 1}, {"round": 1}):
        assert client.post(url, json=body, headers=headers).status_code == 400, body
    assert client.post(url, content=b"{not json", headers=headers).status_code == 400
    huge = client.post(url, content=b" " * (MAX_BODY + 1) + b'{"round": 1, "choice": 1}', headers=headers)
    assert huge.status_code == 413
    assert player_view(info.code, ana.token).choice is None  # nothing of that was recorded


def test_a_malformed_code_is_refused_before_any_database_work(client: TestClient) -> None:
    reads = class_api().hub.reads
    for code in ("x" * 40, "ABC", "AB3K7Q0", "ÅÅÅÅÅÅ"):
        answer = client.get(f"/api/class/{code}/stage")
        assert answer.status_code == 404 and answer.json()["error"] == "no_class"
    assert class_api().hub.reads == reads


def test_a_second_answer_is_told_the_answer_that_stands(client: TestClient) -> None:
    info = create_class("c")
    ana = join_class(info.code, "Ana")
    a_round(info.code)
    headers = {"X-Player-Token": ana.token}
    assert client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 3}, headers=headers).json() == \
        {"choice": 3}
    replay = client.post(f"/api/class/{info.code}/answer", json={"round": 1, "choice": 0}, headers=headers)
    assert replay.json() == {"choice": 3}
