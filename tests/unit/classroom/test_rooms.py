"""Classes and players: join codes, nicknames (sanitised, unique whatever their case and by their confusable
skeleton), at most 300 players, removing a player, ending a class."""

from __future__ import annotations

import threading

import pytest

from lab.classroom.nicknames import nickname_key
from lab.classroom.rooms import (CODE_ALPHABET, CODE_LENGTH, MAX_PLAYERS, ClassFullError, ClassroomError,
                                 class_players, clean_nickname, create_class, end_class, find_class, join_class,
                                 normalise_code, open_classes, remove_player)
from lab.db.engine import transaction


def test_a_class_gets_a_readable_unique_code(database_url: str) -> None:
    codes = {create_class("Lecture 3", database_url).code for _ in range(30)}
    assert len(codes) == 30
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01OI") & set(CODE_ALPHABET)


def test_a_typed_code_forgives_case_spaces_and_dashes(database_url: str) -> None:
    info = create_class("x", database_url)
    typed = f" {info.code[:3].lower()}-{info.code[3:]} "
    assert find_class(typed, database_url).id == info.id
    assert normalise_code(typed) == info.code


def test_an_unknown_code_is_explained(database_url: str) -> None:
    with pytest.raises(ClassroomError, match="no class with the code ZZZZ99"):
        find_class("zzzz99", database_url)


@pytest.mark.parametrize(("typed", "shown"), [
    ("  Ana  Maria ", "Ana Maria"), ("Bob\u200b", "Bob"), ("<b>Eve</b>", "bEveb"), ("José", "José"),
    ("ｆｕｌｌ", "full"), ("O'Neil-2", "O'Neil-2"),
])
def test_nicknames_are_cleaned(typed: str, shown: str) -> None:
    assert clean_nickname(typed) == shown


@pytest.mark.parametrize("typed", ["", "   ", "<>", "\u200b\u200b", "x" * 21])
def test_empty_or_long_nicknames_are_refused(typed: str) -> None:
    with pytest.raises(ClassroomError):
        clean_nickname(typed)


def test_a_nickname_is_unique_in_a_class_whatever_its_case(database_url: str) -> None:
    first, second = create_class("a", database_url), create_class("b", database_url)
    ana = join_class(first.code, "Ana", database_url)
    with pytest.raises(ClassroomError, match="taken"):
        join_class(first.code, "ANA", database_url)
    other = join_class(second.code, "Ana", database_url)  # another class: free
    assert ana.token != other.token and len(ana.token) == 32


def test_an_ended_class_takes_no_one_and_leaves_the_open_list(database_url: str) -> None:
    info = create_class("Done", database_url)
    assert info.code in [c.code for c in open_classes(database_url)]
    assert transaction(lambda c: end_class(c, info.code), database_url).ended
    assert info.code not in [c.code for c in open_classes(database_url)]
    with pytest.raises(ClassroomError, match="has ended"):
        join_class(info.code, "Late", database_url)


def test_a_look_alike_nickname_is_refused_as_taken(database_url: str) -> None:
    info = create_class("a", database_url)
    join_class(info.code, "bot0003", database_url)
    for look_alike in ("b\u043et0003", "B0T0003", "BOT0OO3"):  # a Cyrillic о; zeros and capital O
        with pytest.raises(ClassroomError, match="taken in this class, or looks like one that is"):
            join_class(info.code, look_alike, database_url)
    assert [p.nickname for p in class_players(info.code, database_url)] == ["bot0003"]
    join_class(info.code, "bot0004", database_url)


def test_the_database_itself_refuses_a_second_skeleton(database_url: str) -> None:
    """Two servers racing both pass any check in Python: the unique index on the skeleton decides."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from lab.db import schema, transaction

    info = create_class("a", database_url)
    join_class(info.code, "bot0003", database_url)
    with pytest.raises(IntegrityError):
        transaction(lambda c: c.execute(schema.players.insert().values(
            class_id=info.id, nickname="b\u043et0003", nickname_key="b\u043et0003", token="f" * 32,
            nickname_skeleton=nickname_key("b\u043et0003"))), database_url)
    count = transaction(lambda c: c.execute(sa.select(sa.func.count()).select_from(schema.players)).scalar_one(),
                        database_url)
    assert count == 1


def test_the_301st_join_is_refused_even_when_joins_race(database_url: str) -> None:
    info = create_class("lecture hall", database_url)
    for number in range(MAX_PLAYERS - 5):
        join_class(info.code, f"s{number}", database_url)
    outcomes: list[str] = []

    def join(number: int) -> None:
        try:
            join_class(info.code, f"late{number}", database_url)
            outcomes.append("in")
        except ClassFullError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=join, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("in") == 5
    assert set(outcomes) - {"in"} == {f"The class {info.code} is full: it has {MAX_PLAYERS} players."}
    assert len(class_players(info.code, database_url)) == MAX_PLAYERS


def test_the_teacher_removes_a_player_whose_token_is_then_refused(database_url: str) -> None:
    from lab.classroom.rooms import NotAPlayerError
    from lab.classroom.rounds import add_round, answer_round, class_state, player_view

    info = create_class("a", database_url)
    ana, bob = join_class(info.code, "Ana", database_url), join_class(info.code, "Bob", database_url)
    add_round(info.code, (12, 7), [(10, 1), (12, 3)], 1, "default", [0.1, 0.9], 0.001, database_url)
    answer_round(bob.token, 1, 1, database_url)
    assert remove_player(info.code, bob.id, database_url) == "Bob"
    with pytest.raises(NotAPlayerError, match="not in this class"):
        player_view(info.code, bob.token, database_url)
    with pytest.raises(NotAPlayerError):
        answer_round(bob.token, 1, 0, database_url)
    state = class_state(info.code, database_url)
    assert (state.players, state.answered, state.info.removed) == (1, 0, 1)  # Bob's answer went with him
    assert [row.name for row in state.leaderboard if not row.is_model] == ["Ana"]
    with pytest.raises(ClassroomError, match="not in the class"):
        remove_player(info.code, bob.id, database_url)  # twice (two projectors): said, nothing changes
    other = create_class("b", database_url)
    with pytest.raises(ClassroomError, match="not in the class"):
        remove_player(other.code, ana.id, database_url)  # another class's player
    assert join_class(info.code, "Bob", database_url).nickname == "Bob"  # the nickname is free again
