"""A nickname's key is its TR39 confusable skeleton: look-alikes share it, different names do not."""

from __future__ import annotations

import pytest

from lab.classroom.nicknames import KEY_LENGTH, nickname_key


@pytest.mark.parametrize("look_alike", [
    "b\u043et0003",  # a Cyrillic о
    "BOT0003", "Bot0003",  # case
    "b0t0003", "botOOO3",  # TR39's digit classes: 0 is O
    "\u0412\u041e\u04220003",  # Cyrillic capitals ВОТ
])
def test_look_alikes_share_a_key(look_alike: str) -> None:
    assert nickname_key(look_alike) == nickname_key("bot0003")


@pytest.mark.parametrize(("first", "second"), [
    ("paypal", "paypaI"), ("Ana1", "AnaI"), ("\u03a9mega", "\u03c9mega"),  # capital I and 1 are l; Ω and ω
])
def test_tr39_classes_collide(first: str, second: str) -> None:
    assert nickname_key(first) == nickname_key(second)


@pytest.mark.parametrize(("first", "second"), [("Ana", "Ane"), ("José", "Jose"), ("bot0003", "bot0004"),
                                               ("Ana Maria", "AnaMaria")])
def test_different_names_keep_different_keys(first: str, second: str) -> None:
    assert nickname_key(first) != nickname_key(second)


def test_a_key_is_a_fixed_point_and_fits_its_column() -> None:
    for name in ("b\u043et0003", "\u03a9mega", "Ana Maria", "x" * 20, "\ufb01" * 20):
        key = nickname_key(name)
        assert nickname_key(key) == key and 0 < len(key) <= KEY_LENGTH
