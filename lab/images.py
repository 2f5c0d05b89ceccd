"""Drawings between people and arrays: Omniglot arrays as pictures, and uploaded pictures as drawings.

Also the checks every uploaded image gets, drawing or face photo (:func:`opened_upload`).
"""

from __future__ import annotations

import contextlib
import io
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import ImageError
from lab.formatting import format_message
from lab.i18n import N_, _


def to_display(ink: np.ndarray) -> np.ndarray:
    """Boolean ink (True = stroke) to an 8-bit grey image: black strokes on white paper, as drawn."""
    return np.where(ink, 0, 255).astype(np.uint8)


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = 6, gap_value: int = 160) -> np.ndarray:
    """Two display images of equal height joined with a grey gap, to show a pair as one picture."""
    if left.shape[0] != right.shape[0]:
        raise ValueError("both images must have the same height")
    spacer = np.full((left.shape[0], gap), gap_value, dtype=np.uint8)
    return np.concatenate([left, spacer, right], axis=1)


DRAWING_SIZE = 105
# Refused before decoding: a decompression bomb, or a 30 MP photo that would take 90 MB of memory per copy.
MAX_UPLOAD_PIXELS = 25_000_000
MAX_UPLOAD_BYTES = 20_000_000
IMAGE_TYPES = ("JPEG", "PNG", "WebP", "BMP", "GIF")
# The kinds of upload as messages name them: one word, with its article, in the plural. Apart because each
# language inflects them its own way ("a photo": "uma foto"; "a drawing": "um desenho").
KIND_NAMES = {"drawing": (N_("drawing"), N_("a drawing"), N_("drawings")),
              "photo": (N_("photo"), N_("a photo"), N_("photos"))}


def _kind(kind: str, form: int) -> str:
    """``kind`` in the current language: 0 the word, 1 with its article, 2 the plural."""
    names = KIND_NAMES.get(kind)
    if names is None:  # a kind this table does not know: English as the caller wrote it
        return (kind, f"a {kind}", f"{kind}s")[form]
    return _(names[form])


@contextlib.contextmanager
def opened_upload(data: bytes, name: str, kind: str) -> Iterator[object]:
    """The uploaded ``data`` opened with PIL, after the checks every upload gets (``kind``: "drawing", "photo").

    Empty files, files over 20 MB and images over 25 megapixels (read from the header, before decoding) are
    refused; so is anything PIL cannot identify or decode, also while the caller converts it inside the block.
    Every refusal is an :class:`ImageError` that says why.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageError(_("{name} is empty (0 bytes).").format(name=name))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(format_message(_("{name} is {size:.0f} MB; {kinds} over {limit} MB are refused."),
            name=name, size=len(data) / 1e6, kinds=_kind(kind, 2), limit=MAX_UPLOAD_BYTES // 1_000_000))
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_UPLOAD_PIXELS:
                raise _too_many_pixels(name, kind, format_message(_(
                    "{width}x{height} pixels ({megapixels:.0f} megapixels)"),
                    width=width, height=height, megapixels=width * height / 1e6))
            yield image
    except UnidentifiedImageError as exc:
        raise ImageError(_("{name} is not an image: upload {a_kind} ({types}).").format(
            name=name, a_kind=_kind(kind, 1), types=", ".join(IMAGE_TYPES))) from exc
    except Image.DecompressionBombError as exc:  # PIL's own limit (179 MP), met before our header check
        raise _too_many_pixels(name, kind, _("far too large (PIL refuses to decode it)")) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or damaged
        raise ImageError(_("{name} is a damaged image that cannot be decoded ({reason}).").format(
            name=name, reason=exc)) from exc


def _too_many_pixels(name: str, kind: str, size: str) -> ImageError:
    return ImageError(_("{name} is {size}; {kinds} over {limit} megapixels are refused. Save a smaller copy and "
                        "try again.").format(name=name, size=size, kinds=_kind(kind, 2),
                                             limit=MAX_UPLOAD_PIXELS // 1_000_000))


def read_upload_file(path: Path, kind: str) -> bytes:
    """The bytes of an image file named on the command line, with an upload's size limit.

    Only a regular file is read: ``/dev/zero`` would never end and a FIFO would block forever. At most the
    upload limit plus one byte is read, so a file that grows while it is read cannot fill the memory either.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ImageError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        what = _("a folder") if stat.S_ISDIR(info.st_mode) else _("not a regular file (a device, a pipe or a socket)")
        raise ImageError(_("{path} is {what}; give an image file ({kind}).").format(
            path=path, what=what, kind=_kind(kind, 0)))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        raise ImageError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(_("{path} is over {limit} MB; {kinds} over that are refused.").format(
            path=path, limit=MAX_UPLOAD_BYTES // 1_000_000, kinds=_kind(kind, 2)))
    return data


# PIL's modes of one number per pixel wider than 8 bits; converting them with PIL clips every value over 255,
# so a 16-bit PNG (0..65535) would come out white.
_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def rgb_pixels(image: object, name: str) -> tuple[np.ndarray, str]:
    """Any PIL image as (height, width, 3) uint8 RGB, and a note on what was converted.

    16-bit and 32-bit grey images are scaled to 8 bits (not clipped); transparent pixels (RGBA, LA, a
    palette with a transparent colour) are laid on white paper, as a viewer shows them.
    """
    from PIL import Image

    mode = image.mode  # type: ignore[attr-defined]
    if mode in _WIDE_MODES:
        return (np.repeat(_grey_to_8bit(np.asarray(image), name)[:, :, None], 3, axis=2),
                _("{mode} grey scaled to 8 bits").format(mode=mode))
    note = ""
    if mode == "P" and "transparency" in image.info or mode in ("PA", "LA", "RGBA", "La", "RGBa"):  # type: ignore[attr-defined]
        rgba = image.convert("RGBA")  # type: ignore[attr-defined]
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image, note = Image.alpha_composite(paper, rgba), _("transparent parts laid on white")
    try:
        return np.asarray(image.convert("RGB"), dtype=np.uint8), note  # type: ignore[attr-defined]
    except ValueError as exc:  # a colour space PIL cannot turn into RGB (e.g. LAB)
        raise ImageError(_("{name} is in the colour mode {mode}, which cannot be converted to RGB; save it as an "
                           "ordinary RGB or grey image.").format(name=name, mode=mode)) from exc


def _grey_to_8bit(values: np.ndarray, name: str) -> np.ndarray:
    """Grey values of 16 or 32 bits, or floats, to 0..255 by the scale their type implies.

    Integers within 0..65535 are 16-bit samples (PIL opens some 16-bit files as 32-bit "I"); floats within
    0..1 or 0..255 keep that scale; anything else is stretched from its darkest to its lightest pixel.
    """
    floating = values.dtype.kind == "f"
    values = values.astype(np.float64)
    if not np.isfinite(values).all():
        raise ImageError(_("{name} has pixels that are not numbers (NaN or infinite); it cannot be shown.").format(
            name=name))
    low, high = float(values.min()), float(values.max())
    if floating and low >= 0 and high <= 1.0:
        scale = (0.0, 1.0)
    elif floating and low >= 0 and high <= 255.0:
        scale = (0.0, 255.0)
    elif not floating and low >= 0 and high <= 65535:
        scale = (0.0, 65535.0)
    else:
        scale = (low, max(high, low + 1.0))
    return np.clip(np.round((values - scale[0]) / (scale[1] - scale[0]) * 255), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class UploadedDrawing:
    """A user's drawing as the networks see it: (105, 105) bool, True = ink; ``note`` says what was done."""

    ink: np.ndarray
    note: str


UNNAMED = N_("the file")  # what messages call an upload that has no name


def read_drawing(data: bytes, name: str = UNNAMED) -> UploadedDrawing:
    """Decode an uploaded image into an Omniglot-like drawing, or raise :class:`ImageError` saying why not.

    Any size is accepted up to 25 megapixels: it is resized to 105x105 (the note says so). Dark pixels are
    ink, whatever the colours; an image drawn light on dark is inverted so that ink is the minority.
    """
    from PIL import Image

    name = _(UNNAMED) if name == UNNAMED else name
    with opened_upload(data, name, "drawing") as image:
        width, height = image.size
        rgb, converted = rgb_pixels(image, name)
    with Image.fromarray(rgb) as colour, colour.convert("L") as grey_image:
        note = _("105x105 pixels, used as it is")
        if grey_image.size != (DRAWING_SIZE, DRAWING_SIZE):
            with grey_image.resize((DRAWING_SIZE, DRAWING_SIZE), Image.Resampling.BOX) as small:
                grey = np.asarray(small, dtype=np.float32)
            note = _("resized from {width}x{height} to 105x105 pixels").format(width=width, height=height)
        else:
            grey = np.asarray(grey_image, dtype=np.float32)
    if converted:
        note += f"; {converted}"
    if grey.max() - grey.min() < 32:
        raise ImageError(_("{name} has no drawing in it: it is one flat shade.").format(name=name))
    ink = grey < (grey.min() + grey.max()) / 2.0
    if ink.mean() > 0.5:
        ink = ~ink
        note += "; " + _("light strokes on a dark background were inverted")
    return UploadedDrawing(ink=ink, note=note)


def png_data_uri(display: np.ndarray) -> str:
    """An 8-bit grey image as a PNG ``data:`` URI (for pictures inside plotly figures)."""
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(display).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
