"""The same hostile input through the pages (AppTest): a message on the page, no traceback, nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.hostile.inputs import encoded, palette_png_with_transparency, png_header_only, sixteen_bit_png
from tests.support.pages import metrics, start, upload
from tests.support.zips import MIB, flip_data_byte, png, write_zeros, write_zip

DRAWING = "images_background/Latin/character01/0001_01.png"


@pytest.fixture(autouse=True)
def shared_data(omniglot_dir: Path, face_environment: Path) -> None:
    """The pages show the real data: every test here is in the `data` tier, like tests/pages."""


def test_dataset_page_refuses_a_bad_crc_zip_and_a_bomb_and_saves_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    data, made = tmp_path / "data", tmp_path / "made"
    data.mkdir(), made.mkdir()
    monkeypatch.setenv("OMNIGLOT_DIR", str(data))
    bad_crc = flip_data_byte(write_zip(made / "crc.zip", {DRAWING: png()}), DRAWING)
    bomb = write_zeros(made / "bomb.zip", {DRAWING: 8 * MIB})
    app = start("views/omniglot.py")
    for archive, problem in ((bad_crc, "Bad CRC-32"), (bomb, "a zip bomb?")):
        app.file_uploader(key="upload_zip").upload("images_background.zip", archive.read_bytes()).run()
        assert not app.exception
        message = next(e.value for e in app.error if "was not saved" in e.value)
        assert problem in message and ".tmp" not in message
        assert list(data.iterdir()) == []  # not even the temporary copy


def test_verify_page_takes_a_16_bit_png_and_a_gif(faces_dir: Path, tmp_path: Path) -> None:
    wide, gif = tmp_path / "obama16.png", tmp_path / "obama.gif"
    wide.write_bytes(sixteen_bit_png(faces_dir / "test" / "obama1.jpg"))
    with Image.open(faces_dir / "misc" / "obama2.jpg") as photo:
        gif.write_bytes(encoded(photo.convert("P"), "GIF"))
    app = start("views/verify.py")
    upload(app, "first", wide)
    upload(app, "second", gif)
    assert not app.exception and not app.error
    assert metrics(app)["verdict"] == "same person"  # the 16-bit PNG was "No face found" before


def test_two_drawings_page_takes_a_transparent_palette_drawing_and_explains_a_bomb() -> None:
    app = start("views/distance.py")
    app.radio(key="source2").set_value("Upload an image").run()
    app.file_uploader(key="pair_upload_2").upload("stroke.png", palette_png_with_transparency()).run()
    assert not app.exception and not app.error  # transparent paper used to turn black: "one flat shade"
    app.file_uploader(key="pair_upload_2").upload("bomb.png", png_header_only(20_000, 10_000)).run()
    assert not app.exception
    assert "bomb.png is far too large" in app.error[0].value


def test_the_widgets_take_the_ranges_the_command_line_takes() -> None:
    from lab import limits

    training = start("views/train.py")
    steps = next(w for w in training.number_input if w.label == "Steps")
    assert (steps.min, steps.max) == (limits.STEPS.low, limits.STEPS.high)
    seed = next(w for w in training.number_input if w.label == "Random seed")
    assert (seed.min, seed.max) == (limits.SEED.low, limits.SEED.high)
    experiment = start("views/experiment.py")
    epochs = experiment.number_input(key="epochs")
    assert (epochs.min, epochs.max) == (limits.EPOCHS.low, limits.EPOCHS.high)
    detect = start("views/detect.py")  # Viola-Jones is the first detector
    scale, neighbours = detect.slider(key="scale"), detect.slider(key="neighbors")
    assert (scale.min, scale.max) == (limits.SCALE_FACTOR.low, limits.SCALE_FACTOR.high)
    assert (neighbours.min, neighbours.max) == (limits.MIN_NEIGHBORS.low, limits.MIN_NEIGHBORS.high)
    quiz = start("views/quiz.py")
    way = quiz.slider(key="way")
    assert (way.min, way.max) == (limits.WAY.low, limits.WAY.high)
