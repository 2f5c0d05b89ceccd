from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from lab.data.fetch import check_file
from lab.data.omniglot import (
    OmniglotSet,
    cache_path,
    check_archive_layout,
    decode_set,
    find_source,
    load_set,
    source_fingerprint,
)
from lab.errors import ArchiveError, DataMissingError
from tests.support.zips import copy_zip_without, png, write_zip

EVALUATION_ALPHABETS = [
    "Angelic", "Atemayar_Qelisayer", "Atlantean", "Aurek-Besh", "Avesta", "Ge_ez", "Glagolitic", "Gurmukhi",
    "Kannada", "Keble", "Malayalam", "Manipuri", "Mongolian", "Old_Church_Slavonic_(Cyrillic)", "Oriya", "Sylheti",
    "Syriac_(Serto)", "Tengwar", "Tibetan", "ULOG",
]


def test_background_set_has_the_official_shape(background: OmniglotSet) -> None:
    assert background.images.shape == (964, 20, 105, 105)
    assert background.X is background.images
    assert background.images.dtype == bool
    assert len(background.alphabets) == 30
    assert sorted(background.character_ids.tolist()) == list(range(1, 965))  # official ids 0001-0964
    ink = background.images.mean()
    assert 0.03 < ink < 0.15, "True must mean ink: strokes cover a small part of the paper"


def test_evaluation_set_alphabets_and_ranges(evaluation: OmniglotSet) -> None:
    assert evaluation.images.shape == (659, 20, 105, 105)
    assert evaluation.alphabet_names == EVALUATION_ALPHABETS
    ranges = list(evaluation.alphabets.values())
    assert ranges[0][0] == 0 and ranges[-1][1] == 659
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:])), "alphabets must be contiguous"
    assert sum(evaluation.characters_per_alphabet().values()) == 659
    assert evaluation.alphabet_of(0) == "Angelic" and evaluation.alphabet_of(658) == "ULOG"
    assert evaluation.labels.shape == (659, 20) and evaluation.labels[5, 19] == 5
    index = evaluation.alphabet_index()
    assert index[0] == 0 and index[-1] == 19


def test_drawer_order_follows_file_names(evaluation: OmniglotSet, omniglot_dir: Path) -> None:
    import io
    import zipfile

    from PIL import Image

    with zipfile.ZipFile(omniglot_dir / "images_evaluation.zip") as archive:
        data = archive.read("images_evaluation/Angelic/character01/0965_07.png")
    expected = ~np.asarray(Image.open(io.BytesIO(data)).convert("1"), dtype=bool)
    assert np.array_equal(evaluation.images[0, 6], expected)


def test_cache_round_trip_equals_a_fresh_decode(evaluation: OmniglotSet, omniglot_dir: Path) -> None:
    source = find_source("evaluation")
    assert cache_path("evaluation", source_fingerprint(source)).is_file()
    fresh = load_set("evaluation", use_cache=False)
    assert np.array_equal(fresh.images, evaluation.images)
    assert fresh.character_names == evaluation.character_names
    assert fresh.alphabets == evaluation.alphabets
    assert np.array_equal(fresh.character_ids, evaluation.character_ids)


def test_damaged_cache_is_rebuilt(writable_omniglot: Path, evaluation: OmniglotSet) -> None:
    source = writable_omniglot / "images_evaluation.zip"
    path = cache_path("evaluation", source_fingerprint(source))  # same bytes as the shared zip: same key
    path.write_bytes(b"not an npz")
    reloaded = load_set("evaluation", writable_omniglot)
    assert np.array_equal(reloaded.images, evaluation.images)
    assert path.stat().st_size > 1000


def test_changed_source_gets_a_new_cache_key(tmp_path: Path, omniglot_dir: Path) -> None:
    original = omniglot_dir / "all_runs.zip"
    changed = tmp_path / "all_runs.zip"
    changed.write_bytes(original.read_bytes() + b"\0")
    assert source_fingerprint(original) != source_fingerprint(changed)


def test_missing_set_says_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(DataMissingError) as error:
        load_set("background", tmp_path)
    message = str(error.value)
    assert str(tmp_path) in message and "images_background.zip" in message and "OMNIGLOT_DIR" in message


def test_unknown_set_name() -> None:
    with pytest.raises(ValueError, match="unknown Omniglot set"):
        find_source("training")


def test_layout_check_counts_the_real_archives(omniglot_dir: Path) -> None:
    assert check_archive_layout(omniglot_dir / "images_background.zip", "background") == (30, 964, 19280)
    assert check_archive_layout(omniglot_dir / "images_evaluation.zip", "evaluation") == (20, 659, 13180)
    with pytest.raises(ArchiveError, match="not the official images_evaluation.zip"):
        check_archive_layout(omniglot_dir / "images_background.zip", "evaluation")


def test_archive_missing_a_character_is_refused(tmp_path: Path, omniglot_dir: Path) -> None:
    broken = copy_zip_without(
        omniglot_dir / "images_evaluation.zip", tmp_path / "images_evaluation.zip", "images_evaluation/ULOG/character26/"
    )
    with pytest.raises(ArchiveError, match="658 characters"):
        check_archive_layout(broken, "evaluation")
    with pytest.raises(ArchiveError, match="658 characters"):
        decode_set(broken, "evaluation")


def test_archive_missing_one_drawing_is_refused(tmp_path: Path, omniglot_dir: Path) -> None:
    broken = copy_zip_without(
        omniglot_dir / "images_evaluation.zip",
        tmp_path / "images_evaluation.zip",
        "images_evaluation/Angelic/character01/0965_20.png",
    )
    with pytest.raises(ArchiveError, match="13179 drawings"):
        check_archive_layout(broken, "evaluation")
    with pytest.raises(ArchiveError, match="do not have 20 drawings"):
        decode_set(broken, "evaluation")


def test_wrong_layout_and_wrong_image_size_are_refused(tmp_path: Path) -> None:
    flat = write_zip(tmp_path / "flat.zip", {"images_evaluation/0965_01.png": png()})
    with pytest.raises(ArchiveError, match="laid out"):
        decode_set(flat, "evaluation")
    small = write_zip(tmp_path / "small.zip", {"images_evaluation/A/character01/0965_01.png": png(size=28)})
    with pytest.raises(ArchiveError, match="28x28"):
        decode_set(small, "evaluation")
    garbage = write_zip(tmp_path / "garbage.zip", {"images_evaluation/A/character01/0965_01.png": b"GIF89a"})
    with pytest.raises(ArchiveError, match="not a readable PNG"):
        decode_set(garbage, "evaluation")


def test_runs_archive_check(omniglot_dir: Path) -> None:
    assert check_file("runs", omniglot_dir / "all_runs.zip") == "20 runs of 20-way one-shot tasks"


def test_lake_runs_are_evaluation_drawings(omniglot_dir: Path, evaluation: OmniglotSet) -> None:
    from lab.data.lake_runs import load_runs

    runs = load_runs(omniglot_dir / "all_runs.zip")
    assert len(runs) == 20
    known = {hashlib.sha1(np.packbits(img).tobytes()).digest() for img in evaluation.images.reshape(-1, 105, 105)}
    for run in runs:
        assert sorted(run.answers.tolist()) == list(range(20)), "each class is the answer of exactly one item"
        for image in np.concatenate([run.training, run.test]):
            assert hashlib.sha1(np.packbits(image).tobytes()).digest() in known


def test_cache_folder_can_be_read_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("ONESHOT_CACHE_DIR", str(locked))
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: make the cache path a file instead
            locked.chmod(0o700)
            (locked / "arrays").write_text("a file where the cache folder should be")
        data = load_set("evaluation")
        assert data.n_characters == 659
    finally:
        locked.chmod(0o700)
