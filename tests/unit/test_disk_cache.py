"""Arrays kept on disk under a key: read back only under the same key, never trusted when damaged, stale or of
another layout, and never half-written."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from lab.disk_cache import cached, read_arrays, stored_array, write_arrays

FIELDS = {"vectors": "f", "names": "U"}


class Counter:
    """A computation that counts its calls, so a test sees whether the stored result was used."""

    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def pair() -> dict[str, np.ndarray]:
    return {"vectors": np.arange(6.0).reshape(2, 3), "names": np.array(["ada", "bob"])}


def cached_pair(path: Path, key: str, compute: Counter) -> dict[str, np.ndarray]:
    """Two arrays that must agree (one name per vector row), through :func:`cached`."""
    def agreeing(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        return arrays if len(arrays["names"]) == len(arrays["vectors"]) else None

    return cached([path], key, compute, FIELDS, dict, agreeing)


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of an atomic write that were not cleaned up."""
    return [p for p in folder.rglob(".*") if p.is_file()]


def test_named_arrays_are_read_back_only_under_their_key(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "a.npz"
    write_arrays(path, "k1", pair())
    found = read_arrays(path, "k1", FIELDS)
    assert found is not None and set(found) == set(FIELDS)
    assert np.array_equal(found["vectors"], pair()["vectors"]) and found["names"].tolist() == ["ada", "bob"]
    assert read_arrays(path, "k2", FIELDS) is None
    assert read_arrays(tmp_path / "missing.npz", "k1", FIELDS) is None
    assert read_arrays(path, "k1", {**FIELDS, "thumbnails": "u"}) is None  # an array missing
    assert read_arrays(path, "k1", {"vectors": "iu"}) is None  # another dtype kind
    assert read_arrays(path, "k1", {"vectors": "f"}) is not None  # extra arrays are ignored
    with pytest.raises(ValueError):
        write_arrays(path, "k1", {"key": np.ones(1)})


def test_a_result_is_computed_once_then_read(tmp_path: Path) -> None:
    compute = Counter(pair())
    for _ in range(3):
        assert cached_pair(tmp_path / "a.npz", "k", compute)["names"].tolist() == ["ada", "bob"]
    assert compute.calls == 1
    assert not leftovers(tmp_path)


def test_a_stale_key_is_recomputed_and_the_file_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.npz"
    first, second = Counter(pair()), Counter({**pair(), "vectors": np.zeros((2, 3))})
    cached_pair(path, "source v1", first)
    assert np.array_equal(cached_pair(path, "source v2", second)["vectors"], np.zeros((2, 3)))
    assert np.array_equal(cached_pair(path, "source v2", second)["vectors"], np.zeros((2, 3)))
    assert (first.calls, second.calls) == (1, 1)
    assert read_arrays(path, "source v1", FIELDS) is None and list(tmp_path.iterdir()) == [path]


def test_arrays_the_caller_refuses_count_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "a.npz"
    write_arrays(path, "k", {**pair(), "names": np.array(["only one"])})  # key right, arrays disagree
    compute = Counter(pair())
    assert cached_pair(path, "k", compute)["names"].tolist() == ["ada", "bob"] and compute.calls == 1
    assert read_arrays(path, "k", FIELDS)["names"].tolist() == ["ada", "bob"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "npy", "pickled", "empty", "folder", "old layout",
                                    "object array", "key not text"])
def test_a_damaged_or_old_file_is_a_miss_recomputed_and_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "a.npz"
    write_arrays(path, "k", pair())
    if damage == "garbage":
        path.write_bytes(b"not a zip at all" * 10)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:300])
    elif damage == "npy":
        with open(path, "wb") as stream:
            np.save(stream, np.ones(1000))
    elif damage == "pickled":  # never unpickled: a stored file must not be able to run code
        path.write_bytes(pickle.dumps({"key": "k", **pair()}))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "folder":
        path.unlink()
        path.mkdir()
    elif damage == "old layout":  # an earlier cache: the arrays without a key inside
        with open(path, "wb") as stream:
            np.savez(stream, stamp=np.array("k"), **pair())
    elif damage == "object array":
        with open(path, "wb") as stream:
            np.savez(stream, key=np.array("k"), vectors=np.array([{"a": 1}], dtype=object), names=np.array(["a"]))
    else:
        with open(path, "wb") as stream:
            np.savez(stream, key=np.arange(3), **pair())
    assert read_arrays(path, "k", FIELDS) is None
    compute = Counter(pair())
    cached_pair(path, "k", compute)
    assert compute.calls == 1
    if damage != "folder":  # a folder in the way cannot be replaced: the result is only not kept
        assert read_arrays(path, "k", FIELDS) is not None


def test_no_byte_of_a_damaged_file_raises(tmp_path: Path) -> None:
    """Every truncation and flipped byte of a valid file read as a miss or as the arrays, never an error."""
    path = tmp_path / "a.npz"
    write_arrays(path, "k", pair())
    valid = path.read_bytes()
    damaged = [valid[:size] for size in range(0, len(valid), 7)]
    flipped = ((at, flip) for at in range(len(valid)) for flip in (1, 255))
    damaged += [valid[:at] + bytes([valid[at] ^ flip]) + valid[at + 1:] for at, flip in flipped]
    for data in damaged:
        path.write_bytes(data)
        found = read_arrays(path, "k", FIELDS)
        assert found is None or set(found) == set(FIELDS)


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.npz"
    write_arrays(path, "k", pair())

    def disk_full(stream, **arrays):  # type: ignore[no-untyped-def]
        stream.write(b"PK\x03\x04 half of a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError):
        write_arrays(path, "k2", pair())
    assert read_arrays(path, "k", FIELDS) is not None and not leftovers(tmp_path)
    compute = Counter(pair())
    assert cached_pair(path, "k2", compute)["names"].tolist() == ["ada", "bob"]  # a full disk costs only time
    assert compute.calls == 1 and not leftovers(tmp_path) and read_arrays(path, "k", FIELDS) is not None


def test_a_failed_computation_writes_nothing(tmp_path: Path) -> None:
    def failing() -> dict[str, np.ndarray]:
        raise RuntimeError("the model crashed")

    with pytest.raises(RuntimeError):
        cached_pair(tmp_path / "a.npz", "k", failing)
    assert list(tmp_path.iterdir()) == []


def test_one_array_is_stored_and_checked(tmp_path: Path) -> None:
    compute = Counter(np.ones(4))
    places = [tmp_path / "a.npz"]
    for _ in range(3):
        assert np.array_equal(stored_array(places, "k", compute), np.ones(4))
    assert compute.calls == 1
    stored_array(places, "other key", compute)
    assert compute.calls == 2
    stored_array(places, "other key", compute, check=lambda array: array.shape == (3,))
    assert compute.calls == 3
    assert not leftovers(tmp_path)


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
