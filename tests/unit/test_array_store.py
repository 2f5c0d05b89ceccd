"""An array kept on disk under a key: read back only under the same key, and never trusted when damaged."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from lab.array_store import read_array, stored_array, write_array


class Counter:
    """A computation that counts its calls, so a test sees whether the stored array was used."""

    def __init__(self, value: np.ndarray) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> np.ndarray:
        self.calls += 1
        return self.value


def test_an_array_is_read_back_only_under_its_key(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "a.npz"
    write_array(path, "k1", np.arange(6.0).reshape(2, 3))
    assert np.array_equal(read_array(path, "k1"), np.arange(6.0).reshape(2, 3))
    assert read_array(path, "k2") is None
    assert read_array(tmp_path / "missing.npz", "k1") is None
    assert read_array(path, "k1", check=lambda array: array.shape == (3, 2)) is None


def test_stored_array_computes_once_then_reads(tmp_path: Path) -> None:
    compute = Counter(np.ones(4))
    places = [tmp_path / "a.npz"]
    for _ in range(3):
        assert np.array_equal(stored_array(places, "k", compute), np.ones(4))
    assert compute.calls == 1
    stored_array(places, "other key", compute)
    assert compute.calls == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary files left"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "npy", "pickled", "empty", "folder"])
def test_a_damaged_file_is_recomputed_and_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "a.npz"
    write_array(path, "k", np.ones(1000))
    if damage == "garbage":
        path.write_bytes(b"not a zip at all" * 10)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:300])
    elif damage == "npy":
        with open(path, "wb") as stream:
            np.save(stream, np.ones(1000))
    elif damage == "pickled":  # never unpickled: a stored file must not be able to run code
        path.write_bytes(pickle.dumps({"key": "k", "array": np.ones(1000)}))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
        path.mkdir()
    assert read_array(path, "k") is None
    compute = Counter(np.full(3, 7.0))
    assert np.array_equal(stored_array([path], "k", compute), np.full(3, 7.0)) and compute.calls == 1


def test_an_object_array_is_refused_without_unpickling(tmp_path: Path) -> None:
    path = tmp_path / "a.npz"
    with open(path, "wb") as stream:
        np.savez(stream, key=np.array("k"), array=np.array([{"a": 1}], dtype=object))
    assert read_array(path, "k") is None


def test_an_unwritable_place_falls_through_to_the_next(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")  # mkdir fails, even for root
    places = [blocked / "a.npz", tmp_path / "cache" / "a.npz"]
    compute = Counter(np.ones(2))
    stored_array(places, "k", compute)
    stored_array(places, "k", compute)
    assert compute.calls == 1 and (tmp_path / "cache" / "a.npz").is_file()


def test_nothing_writable_still_answers(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    compute = Counter(np.ones(2))
    assert np.array_equal(stored_array([blocked / "a.npz"], "k", compute), np.ones(2))
    stored_array([blocked / "a.npz"], "k", compute)
    assert compute.calls == 2
