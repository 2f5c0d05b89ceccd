"""Unusual and hostile pictures: every one is converted correctly or refused with a message that says why."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from lab.errors import ImageError
from lab.faces.detection import detect
from lab.faces.photos import load_photo, read_photo
from lab.images import MAX_UPLOAD_BYTES, read_drawing, read_upload_file, rgb_pixels
from tests.hostile.inputs import encoded, fifo, palette_png_with_transparency, png_header_only, sixteen_bit_png


def test_a_16_bit_photo_is_scaled_to_8_bits_not_clipped_to_white(faces_dir: Path) -> None:
    source = faces_dir / "test" / "obama1.jpg"
    wide = read_photo(sixteen_bit_png(source), "obama16.png")
    with Image.open(source) as original:
        eight = read_photo(encoded(original.convert("L")), "obama8.png")
    assert wide.bgr.shape == eight.bgr.shape
    assert np.abs(wide.bgr.astype(np.int16) - eight.bgr).max() <= 1  # the same picture, not a white one
    assert "I;16 grey scaled to 8 bits" in wide.note
    assert len(detect(wide, "yunet").faces) == 1  # was "No face found"


@pytest.mark.parametrize(("values", "expected"), [
    (np.array([[0, 32768, 65535]], dtype=np.uint16), [0, 128, 255]),  # I;16
    (np.array([[0, 32768, 65535]], dtype=np.int32), [0, 128, 255]),  # 16-bit samples stored as I
    (np.array([[-5, 0, 5]], dtype=np.int32), [0, 128, 255]),  # another range: stretched
    (np.array([[0.0, 0.5, 1.0]], dtype=np.float32), [0, 128, 255]),  # F in 0..1
    (np.array([[0.0, 100.0, 255.0]], dtype=np.float32), [0, 100, 255]),  # F in 0..255
])
def test_wide_grey_modes_keep_their_scale(values: np.ndarray, expected: list[int]) -> None:
    with Image.fromarray(values) as image:
        rgb, note = rgb_pixels(image, "x")
    assert rgb.dtype == np.uint8 and rgb.shape == (1, 3, 3)
    assert rgb[0, :, 0].tolist() == expected and "scaled to 8 bits" in note


def test_a_float_image_with_nan_is_refused() -> None:
    with Image.fromarray(np.array([[0.0, np.nan]], dtype=np.float32)) as image, pytest.raises(ImageError, match="not numbers"):
        rgb_pixels(image, "nan.tif")


def test_a_transparent_palette_drawing_is_laid_on_white_paper() -> None:
    drawing = read_drawing(palette_png_with_transparency(), "stroke.png")
    assert 0.0 < drawing.ink.mean() < 0.1  # the bar is ink; the transparent paper is not
    assert drawing.ink[52, 52] and not drawing.ink[5, 5]
    assert "transparent parts laid on white" in drawing.note


def test_a_gif_is_read_like_any_other_image(faces_dir: Path) -> None:
    with Image.open(faces_dir / "test" / "obama1.jpg") as photo:
        gif = encoded(photo.convert("P"), "GIF")
    assert read_photo(gif, "obama.gif").bgr.shape[2] == 3


def test_a_picture_over_pils_bomb_limit_is_too_large_not_damaged() -> None:
    with pytest.raises(ImageError, match="far too large.*25 megapixels are refused"):
        read_photo(png_header_only(20_000, 10_000), "bomb.png")  # 200 MP: PIL itself refuses to open it
    with pytest.raises(ImageError, match=r"8000x4000 pixels \(32 megapixels\)"):
        read_drawing(png_header_only(8_000, 4_000), "big.png")  # under PIL's limit, over ours


def test_only_regular_files_are_read_and_never_more_than_the_limit(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not a regular file"):
        load_photo(Path("/dev/zero"))  # would never end
    with pytest.raises(ImageError, match="not a regular file"):
        load_photo(fifo(tmp_path))  # would wait forever for a writer
    with pytest.raises(ImageError, match="is a folder"):
        load_photo(tmp_path)
    with pytest.raises(ImageError, match="No such file"):
        load_photo(tmp_path / "missing.jpg")
    big = tmp_path / "big.png"
    with open(big, "wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ImageError, match="over 20 MB"):
        read_upload_file(big, "photo")


# Property-based: whatever bytes arrive, the readers return a picture or raise the lab's own ImageError.

def _small_pictures() -> list[bytes]:
    rng = np.random.default_rng(0)
    grey = (rng.random((40, 30)) * 255).astype(np.uint8)
    return [encoded(Image.fromarray(grey), fmt) for fmt in ("PNG", "JPEG", "BMP", "GIF", "WEBP")] + [
        encoded(Image.fromarray(grey.astype(np.uint16) * 257)), palette_png_with_transparency(24)]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_small_pictures()), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
       st.integers(0, 10**6))
def test_damaged_pictures_give_a_picture_or_an_image_error(picture: bytes, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(picture)
    for position, value in flips:
        data[position % len(data)] = value
    data = bytes(data[: max(cut % (len(data) + 1), 0)])
    for reader in (read_drawing, read_photo):
        try:
            reader(data, "fuzzed")
        except ImageError:
            pass


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_give_a_picture_or_an_image_error(data: bytes) -> None:
    for reader in (read_drawing, read_photo):
        try:
            reader(data, "random")
        except ImageError:
            pass
