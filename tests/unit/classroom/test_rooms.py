"""Classes and players: join codes, nicknames (sanitised, unique whatever their case), ending a class."""

from __future__ import annotations

import pytest

from lab.classroom.rooms import (CODE_ALPHABET, CODE_LENGTH, ClassroomError, clean_nickname, create_class, end_class,
                                 find_class, join_class, normalise_code, open_classes)


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
    assert end_class(info.code, database_url).ended
    assert info.code not in [c.code for c in open_classes(database_url)]
    with pytest.raises(ClassroomError, match="has ended"):
        join_class(info.code, "Late", database_url)
