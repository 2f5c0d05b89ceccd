"""The class workflow on the real evaluation set and the shipped model: a round is a real within-alphabet task that
the model answers from its stored codes; only the teacher runs rounds; the join address."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.evaluation.scoring import pair_similarity
from lab.roles import PermissionDeniedError, Role
from lab.workflows.classroom import class_state, join_url, reveal, start_class, start_round
from lab.workflows.coded_set import load_coded_set


@pytest.fixture(scope="module")
def evaluation(omniglot_dir: Path):
    return load_coded_set("default")


@pytest.mark.data
def test_a_round_is_a_within_alphabet_task_the_model_answers(evaluation, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    info = start_class("Lecture", role=Role.TEACHER, database_url=url)
    task = start_round(info.code, 20, role=Role.TEACHER, evaluation=evaluation, seed=3, database_url=url)
    alphabet = evaluation.data.alphabet_index()
    characters = [c for c, _d in task.candidates]
    assert len(set(characters)) == 20 and len({int(alphabet[c]) for c in characters}) == 1
    assert task.candidates[task.answer][0] == task.query[0]
    assert task.candidates[task.answer][1] != task.query[1]  # the same character by another drawer
    codes = evaluation.codes
    query = codes[task.query[0], task.query[1]][None, None, :]
    candidates = np.stack([codes[c, d] for c, d in task.candidates])[None]
    expected = pair_similarity(query, candidates, evaluation.model.head())[0]
    assert np.allclose(task.model_similarities, expected)
    assert task.model_answer == int(np.argmax(expected))


@pytest.mark.data
def test_only_the_teacher_runs_the_class(evaluation, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    with pytest.raises(PermissionDeniedError, match="Only the teacher may start a class"):
        start_class("x", role=Role.STUDENT, database_url=url)
    info = start_class("x", role=Role.TEACHER, database_url=url)
    with pytest.raises(PermissionDeniedError):
        start_round(info.code, 5, role=Role.STUDENT, evaluation=evaluation, database_url=url)
    start_round(info.code, 5, role=Role.TEACHER, evaluation=evaluation, database_url=url)
    with pytest.raises(PermissionDeniedError):
        reveal(info.code, role=Role.STUDENT, database_url=url)
    assert not class_state(info.code, url).round.revealed


@pytest.mark.parametrize(("page", "expected"), [
    ("http://10.0.0.5:8501/class", "http://10.0.0.5:8501/class?class=AB3K7Q"),
    ("https://lab.example.org/class?class=OLD&host=1", "https://lab.example.org/class?class=AB3K7Q"),
    ("http://localhost:8501/", "http://localhost:8501/class?class=AB3K7Q"),
])
def test_the_join_address_is_this_server_s_class_page(page: str, expected: str) -> None:
    assert join_url(page, "AB3K7Q") == expected


def test_joins_are_throttled_per_client_address(tmp_path: Path) -> None:
    from lab.rate_limit import RateLimiter
    from lab.workflows.classroom import JoinThrottledError, class_players, join

    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    info = start_class("Lecture", role=Role.TEACHER, database_url=url)
    limiter = RateLimiter(3, 60)
    for number in range(3):
        join(info.code, f"bot{number}", client="10.0.0.66", limiter=limiter, database_url=url)
    with pytest.raises(JoinThrottledError, match=r"from your address \(10\.0\.0\.66\).*try again in (59|60) s") as refused:
        join(info.code, "bot3", client="10.0.0.66", limiter=limiter, database_url=url)
    assert 59 < refused.value.retry_after <= 60
    join(info.code, "Ana", client="10.0.0.7", limiter=limiter, database_url=url)  # a classmate is not held up
    for number in range(5):  # this machine itself (the lecturer's laptop, a test) is never throttled
        join(info.code, f"local{number}", client=None, limiter=limiter, database_url=url)
    assert len(class_players(info.code, url)) == 9


def test_the_join_throttle_follows_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from lab.config import JOINS_PER_MINUTE_ENV
    from lab.workflows.classroom import join_limiter

    monkeypatch.delenv(JOINS_PER_MINUTE_ENV, raising=False)
    assert join_limiter().limit == 6 and join_limiter() is join_limiter()  # one per server process
    monkeypatch.setenv(JOINS_PER_MINUTE_ENV, "40")
    assert join_limiter().limit == 40
    monkeypatch.setenv(JOINS_PER_MINUTE_ENV, "0")
    assert join_limiter() is None
    monkeypatch.setenv(JOINS_PER_MINUTE_ENV, "lots")
    assert join_limiter().limit == 6


def test_only_the_teacher_removes_a_player(tmp_path: Path) -> None:
    from lab.workflows.classroom import class_players, join, remove

    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    info = start_class("Lecture", role=Role.TEACHER, database_url=url)
    troll = join(info.code, "troll", client=None, database_url=url)
    with pytest.raises(PermissionDeniedError, match="Only the teacher may remove players"):
        remove(info.code, troll.id, role=Role.STUDENT, database_url=url)
    assert [p.nickname for p in class_players(info.code, url)] == ["troll"]
    assert remove(info.code, troll.id, role=Role.TEACHER, database_url=url) == "troll"
    assert class_players(info.code, url) == []
