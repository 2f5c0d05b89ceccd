"""Codes kept beside their model: reused while the model file and the data are the same, recomputed otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from lab.siamese.code_store import code_paths, remove_stored_codes, stored_codes
from tests.unit.test_disk_cache import Counter

CODES = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.fixture
def model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "models").mkdir()
    path = tmp_path / "models" / "mine.keras"
    path.write_bytes(b"a model")
    return path


def test_codes_are_computed_once_and_kept_beside_the_model(model_file: Path) -> None:
    compute = Counter(CODES)
    for _ in range(2):
        assert np.array_equal(stored_codes(model_file, "evaluation-embedding", "data1", compute, rows=(2, 3)), CODES)
    assert compute.calls == 1
    beside, cached = code_paths(model_file, "evaluation-embedding", "data1")
    assert beside.parent == model_file.parent and beside.is_file() and not cached.exists()


def test_a_rewritten_model_file_is_not_served_the_old_codes(model_file: Path) -> None:
    compute = Counter(CODES)
    stored_codes(model_file, "evaluation-embedding", "data1", compute)
    model_file.write_bytes(b"a retrained model")  # another size
    stored_codes(model_file, "evaluation-embedding", "data1", compute)
    assert compute.calls == 2
    modified = model_file.stat().st_mtime_ns + 5_000_000_000  # same size, saved again later
    model_file.write_bytes(b"a retrained modeL")
    os.utime(model_file, ns=(modified, modified))
    stored_codes(model_file, "evaluation-embedding", "data1", compute)
    assert compute.calls == 3


def test_other_data_gets_its_own_codes(model_file: Path) -> None:
    first, second = Counter(CODES), Counter(CODES + 1)
    stored_codes(model_file, "evaluation-embedding", "data1", first)
    assert np.array_equal(stored_codes(model_file, "evaluation-embedding", "data2", second), CODES + 1)
    # Both versions stay: a second data folder (the tests' miniature one) does not evict the first one's codes.
    assert np.array_equal(stored_codes(model_file, "evaluation-embedding", "data1", first), CODES)
    assert np.array_equal(stored_codes(model_file, "evaluation-features", "data1", second), CODES + 1)
    assert (first.calls, second.calls) == (1, 2)


@pytest.mark.parametrize("damage", ["garbage", "wrong rows", "not finite", "integers"])
def test_a_damaged_or_implausible_file_is_recomputed(model_file: Path, damage: str) -> None:
    compute = Counter(CODES)
    stored_codes(model_file, "evaluation-embedding", "data1", compute, rows=(2, 3))
    beside = code_paths(model_file, "evaluation-embedding", "data1")[0]
    if damage == "garbage":
        beside.write_bytes(b"\x00" * 100)
    else:
        from lab.disk_cache import read_arrays, write_arrays
        from lab.siamese.code_store import code_key

        key = code_key(model_file, "evaluation-embedding", "data1")
        assert read_arrays(beside, key, {"array": "f"}) is not None
        bad = {"wrong rows": CODES[:1], "not finite": CODES * np.nan, "integers": CODES.astype(np.int32)}[damage]
        write_arrays(beside, key, {"array": bad})
    assert np.array_equal(stored_codes(model_file, "evaluation-embedding", "data1", compute, rows=(2, 3)), CODES)
    assert compute.calls == 2


def test_an_unwritable_model_folder_falls_back_to_the_user_cache(model_file: Path) -> None:
    beside, cached = code_paths(model_file, "evaluation-embedding", "data1")
    beside.mkdir()  # stands for a read-only shipped folder (chmod would not stop root)
    compute = Counter(CODES)
    stored_codes(model_file, "evaluation-embedding", "data1", compute)
    stored_codes(model_file, "evaluation-embedding", "data1", compute)
    assert compute.calls == 1 and cached.is_file() and cached.parent.name == "codes"


def test_removing_a_models_codes_leaves_other_models_alone(model_file: Path) -> None:
    dotted = model_file.with_name("mine.v2.keras")  # a model name may hold dots
    dotted.write_bytes(b"another model")
    for path in (model_file, dotted):
        stored_codes(path, "evaluation-embedding", "data1", Counter(CODES))
        stored_codes(path, "head", "", Counter(CODES[0, 0]))
    code_paths(model_file, "lake-embedding", "data1")[0].mkdir()  # forces the user cache for this one
    stored_codes(model_file, "lake-embedding", "data1", Counter(CODES))
    removed = remove_stored_codes(model_file)
    assert len(removed) == 3
    left = sorted(p.name for p in model_file.parent.glob("*.codes.npz") if p.is_file())
    assert len(left) == 2 and all(name.startswith("mine.v2.") for name in left)


def test_a_kind_must_be_a_plain_name(model_file: Path) -> None:
    for bad in ["", "../up", "a.b", "A"]:
        with pytest.raises(ValueError):
            code_paths(model_file, bad, "data1")
