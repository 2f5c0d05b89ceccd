"""The Omniglot sets: decoding, layout checks, the array cache; on a miniature Omniglot and on the real files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from lab.data.cache import cache_path
from lab.data.omniglot import (
    OmniglotSet,
    check_archive_layout,
    decode_set,
    display_character,
    display_name,
    find_source,
    load_set,
    source_fingerprint,
)
from lab.errors import ArchiveError, DataMissingError
from tests.support.synthetic import MINIATURE_ALPHABETS
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


def assert_drawer_seven_is(data: OmniglotSet, folder: Path, entry: str) -> None:
    """Drawer 7 of the first character is the file ``entry`` (``..._07.png``) of the evaluation zip."""
    import io
    import zipfile

    from PIL import Image

    with zipfile.ZipFile(folder / "images_evaluation.zip") as archive:
        png = archive.read(entry)
    expected = ~np.asarray(Image.open(io.BytesIO(png)).convert("1"), dtype=bool)
    assert np.array_equal(data.images[0, 6], expected)


def test_drawer_order_follows_file_names(evaluation: OmniglotSet, omniglot_dir: Path) -> None:
    assert_drawer_seven_is(evaluation, omniglot_dir, "images_evaluation/Angelic/character01/0965_07.png")


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


def test_display_names_show_spaces_and_keep_the_character() -> None:
    assert display_name("Old_Church_Slavonic_(Cyrillic)") == "Old Church Slavonic (Cyrillic)"
    assert display_name("Tengwar") == "Tengwar"
    assert display_character("Syriac_(Serto)/character07") == "Syriac (Serto)/character07"
    assert display_character("character07") == "character07"


def test_display_names_of_every_evaluation_alphabet(evaluation: OmniglotSet) -> None:
    shown = [display_name(a) for a in evaluation.alphabet_names]
    assert not any("_" in name for name in shown) and len(set(shown)) == len(shown)  # still one name per alphabet
    assert not any("_" in display_character(n) for n in evaluation.character_names)


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


def test_cache_folder_can_be_read_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, omniglot_dir: Path) -> None:
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


# ------------------------------------------------------------------ the miniature Omniglot (no data needed)


def test_miniature_sets_decode_with_ink_and_official_order(miniature_omniglot: Path) -> None:
    background = load_set("background", miniature_omniglot)
    assert background.images.shape == (20, 20, 105, 105) and background.images.dtype == bool
    assert background.alphabet_names == sorted(MINIATURE_ALPHABETS["background"])
    assert sorted(background.character_ids.tolist()) == list(range(1, 21))
    assert 0.02 < background.images.mean() < 0.15, "True must mean ink: strokes cover a small part of the paper"
    evaluation = load_set("evaluation", miniature_omniglot)
    ranges = list(evaluation.alphabets.values())
    assert ranges[0][0] == 0 and ranges[-1][1] == 21
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:])), "alphabets must be contiguous"
    assert evaluation.characters_per_alphabet() == {name: 7 for name in sorted(MINIATURE_ALPHABETS["evaluation"])}
    assert evaluation.labels[5, 19] == 5 and evaluation.alphabet_index()[-1] == 2


def test_miniature_drawer_order_follows_file_names(miniature_omniglot: Path, mini_evaluation: OmniglotSet) -> None:
    assert_drawer_seven_is(mini_evaluation, miniature_omniglot, "images_evaluation/Epsilon/character01/0021_07.png")


def test_miniature_cache_round_trip_and_damaged_cache(miniature_omniglot: Path, mini_evaluation: OmniglotSet) -> None:
    first = load_set("evaluation", miniature_omniglot)
    path = cache_path("evaluation", source_fingerprint(find_source("evaluation", miniature_omniglot)))
    assert path.is_file()
    cached = load_set("evaluation", miniature_omniglot)
    for data in (first, cached):
        assert np.array_equal(data.images, mini_evaluation.images)
        assert data.character_names == mini_evaluation.character_names and data.alphabets == mini_evaluation.alphabets
        assert np.array_equal(data.character_ids, mini_evaluation.character_ids)
    path.write_bytes(b"not an npz")
    assert np.array_equal(load_set("evaluation", miniature_omniglot).images, mini_evaluation.images)
    assert path.stat().st_size > 1000


def test_miniature_layout_check_and_a_missing_character_or_drawing(miniature_omniglot: Path, tmp_path: Path) -> None:
    original = miniature_omniglot / "images_evaluation.zip"
    assert check_archive_layout(miniature_omniglot / "images_background.zip", "background") == (4, 20, 400)
    assert check_archive_layout(original, "evaluation") == (3, 21, 420)
    with pytest.raises(ArchiveError, match="not the official images_evaluation.zip"):
        check_archive_layout(miniature_omniglot / "images_background.zip", "evaluation")
    broken = copy_zip_without(original, tmp_path / "a.zip", "images_evaluation/Eta/character03/")
    with pytest.raises(ArchiveError, match="20 characters"):
        check_archive_layout(broken, "evaluation")
    with pytest.raises(ArchiveError, match="20 characters"):
        decode_set(broken, "evaluation")
    broken = copy_zip_without(original, tmp_path / "b.zip", "images_evaluation/Epsilon/character01/0021_20.png")
    with pytest.raises(ArchiveError, match="419 drawings"):
        check_archive_layout(broken, "evaluation")
    with pytest.raises(ArchiveError, match="do not have 20 drawings"):
        decode_set(broken, "evaluation")


def test_the_official_counts_refuse_the_miniature_set(miniature_files: Path) -> None:
    with pytest.raises(ArchiveError, match="the official evaluation set has 20 and 659"):
        decode_set(miniature_files / "images_evaluation.zip", "evaluation")


def test_a_loaded_set_carries_its_source_fingerprint(miniature_omniglot: Path) -> None:
    """What results computed from the drawings are stored under (lab.siamese.code_store): the same with or without
    the array cache, another one when the zip changes."""
    from lab.data.omniglot import find_source, source_fingerprint

    fresh = load_set("evaluation", miniature_omniglot)
    cached = load_set("evaluation", miniature_omniglot)
    uncached = load_set("evaluation", miniature_omniglot, use_cache=False)
    expected = source_fingerprint(find_source("evaluation", miniature_omniglot))
    assert fresh.fingerprint == cached.fingerprint == uncached.fingerprint == expected != ""
