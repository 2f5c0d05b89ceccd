"""Rounds and answers: one answer per player and round, closed rounds, the histogram, the leaderboard and the summary.

The task and the model's scores are made up here (the workflow test draws real ones); what is tested is the
bookkeeping, on both databases, and that concurrent answers from several processes lose nothing.
"""

from __future__ import annotations

import multiprocessing

import pytest

from lab.classroom.rooms import ClassroomError, create_class, join_class
from lab.classroom.rounds import add_round, answer_round, class_state, class_summary, player_view, reveal_round
from lab.db.engine import transaction

CANDIDATES = [(10, 1), (11, 2), (12, 3), (13, 4), (14, 5)]


def a_round(code: str, url: str, answer: int = 2, model_pick: int = 2):
    scores = [0.1] * len(CANDIDATES)
    scores[model_pick] = 0.9
    return add_round(code, (12, 7), CANDIDATES, answer, "default", scores, 0.001, url)


def test_one_answer_per_player_and_round(database_url: str) -> None:
    info = create_class("c", database_url)
    ana = join_class(info.code, "Ana", database_url)
    task = a_round(info.code, database_url)
    assert answer_round(ana.token, task.number, 2, database_url) is True
    assert answer_round(ana.token, task.number, 0, database_url) is True  # the first answer stands
    # Right answers are counted once the round is revealed.
    transaction(lambda c: reveal_round(c, info.code), database_url)
    view = player_view(info.code, ana.token, database_url)
    assert (view.choice, view.correct, view.answered) == (2, 1, 1)


def test_a_revealed_or_old_round_takes_no_answers(database_url: str) -> None:
    info = create_class("c", database_url)
    ana = join_class(info.code, "Ana", database_url)
    first = a_round(info.code, database_url)
    transaction(lambda c: reveal_round(c, info.code), database_url)
    with pytest.raises(ClassroomError, match="closed"):
        answer_round(ana.token, first.number, 2, database_url)
    second = a_round(info.code, database_url)
    assert second.number == 2
    with pytest.raises(ClassroomError, match="closed"):
        answer_round(ana.token, first.number, 2, database_url)
    with pytest.raises(ClassroomError, match="no candidate 9"):
        answer_round(ana.token, second.number, 8, database_url)
    with pytest.raises(ClassroomError, match="not in this class"):
        answer_round("forged-token", second.number, 1, database_url)


def test_a_new_round_reveals_the_one_before(database_url: str) -> None:
    info = create_class("c", database_url)
    a_round(info.code, database_url)
    a_round(info.code, database_url)
    state = class_state(info.code, database_url)
    assert state.round.number == 2 and not state.round.revealed


def test_the_projector_sees_counts_then_the_histogram_and_the_leaderboard(database_url: str) -> None:
    info = create_class("c", database_url)
    players = [join_class(info.code, name, database_url) for name in ("Ana", "Bob", "Cid")]
    task = a_round(info.code, database_url, answer=2, model_pick=4)
    for player, choice in zip(players, (2, 2, 0)):
        answer_round(player.token, task.number, choice, database_url)
    live = class_state(info.code, database_url, with_results=False)
    assert (live.players, live.answered, live.choices, live.leaderboard) == (3, 3, (), ())
    transaction(lambda c: reveal_round(c, info.code), database_url)
    state = class_state(info.code, database_url)
    assert state.choices == (1, 0, 2, 0, 0)
    names = [row.name for row in state.leaderboard]
    assert set(names[:2]) == {"Ana", "Bob"} and names[-1] in ("Cid", "the model (default)")
    model = next(row for row in state.leaderboard if row.is_model)
    assert (model.answered, model.correct) == (1, 0)
    summary = class_summary(info.code, database_url)
    assert (summary.rounds, summary.answers, summary.correct, summary.model_correct) == (1, 3, 2, 0)
    assert summary.class_accuracy == pytest.approx(2 / 3) and summary.model_accuracy == 0


def _answer_as(args: tuple[str, str, list[str]]) -> int:
    url, code, names = args
    from lab.db.engine import forget_engines

    forget_engines()  # a forked child must not share its parent's connections
    done = 0
    for name in names:
        player = join_class(code, name, url)
        answer_round(player.token, 1, 2, url)
        done += 1
    return done


def test_concurrent_students_in_several_processes_lose_nothing(database_url: str) -> None:
    info = create_class("c", database_url)
    a_round(info.code, database_url)
    jobs = [(database_url, info.code, [f"p{worker}-{i}" for i in range(8)]) for worker in range(4)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert sum(pool.map(_answer_as, jobs)) == 32
    state = class_state(info.code, database_url, with_results=False)
    assert (state.players, state.answered) == (32, 32)


def test_a_player_view_tells_nothing_of_the_open_round_and_an_ended_class_takes_no_answer(database_url: str) -> None:
    from lab.classroom.rooms import end_class

    info = create_class("c", database_url)
    ana, bob = join_class(info.code, "Ana", database_url), join_class(info.code, "Bob", database_url)
    a_round(info.code, database_url, answer=2)
    answer_round(ana.token, 1, 2, database_url)
    answer_round(bob.token, 1, 0, database_url)
    ana_view, bob_view = player_view(info.code, ana.token, database_url), player_view(info.code, bob.token, database_url)
    assert (ana_view.correct, ana_view.answered) == (bob_view.correct, bob_view.answered) == (0, 1)  # not yet told
    transaction(lambda c: reveal_round(c, info.code), database_url)
    assert player_view(info.code, ana.token, database_url).correct == 1
    a_round(info.code, database_url)
    transaction(lambda c: end_class(c, info.code), database_url)
    with pytest.raises(ClassroomError, match="closed"):
        answer_round(ana.token, 2, 2, database_url)
