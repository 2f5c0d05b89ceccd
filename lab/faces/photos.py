"""Photos as the face stages take them: 8-bit BGR arrays, decoded in memory, reduced to a sensible size.

Uploads and selfies are decoded from their bytes and never written to disk. Anything that is not a usable
photo is refused with an :class:`ImageError` that says why (the checks of every upload: lab.images.opened_upload).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import ImageError
from lab.memory import give_back_freed_memory
from lab.i18n import N_, _
from lab.images import opened_upload, read_upload_file, rgb_pixels

# Detectors take seconds on a 2000-pixel photo and the models see faces of 150-160 pixels: a long side of
# 1280 pixels keeps faces as small as 40 pixels detectable and makes detection several times faster.
MAX_SIDE = 1280
LARGE_FILE_BYTES = 2_000_000  # a photo file past this decodes to 100 MB or more for a moment
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif")
# LFW has no licence: its authors published it for research, and ask for this credit wherever its photos or figures
# made from them are shown (see SOURCES.md beside the photos).
LFW_CREDIT = N_(
    "Photos: Labeled Faces in the Wild (LFW, deep-funneled), University of Massachusetts Amherst. G. B. Huang, "
    "M. Ramesh, T. Berg and E. Learned-Miller, *Labeled Faces in the Wild: A Database for Studying Face Recognition "
    "in Unconstrained Environments*, UMass Amherst Technical Report 07-49, 2007; http://vis-www.cs.umass.edu/lfw/. "
    "News photos of 2002-2004, mostly of male politicians; shown here for teaching and research only."
)


@dataclass(frozen=True)
class Photo:
    """A photo ready for detection: ``bgr`` is (height, width, 3) uint8; ``note`` says what was done to it."""

    name: str
    bgr: np.ndarray
    note: str

    @property
    def rgb(self) -> np.ndarray:
        return self.bgr[:, :, ::-1]


UNNAMED = N_("the photo")  # what messages call a photo that has no name


def read_photo(data: bytes, name: str = UNNAMED) -> Photo:
    """Decode an image file's bytes (JPEG, PNG, ...; transparency laid on white, EXIF rotation applied)."""
    photo = _decoded(data, name)
    if len(data) > LARGE_FILE_BYTES:
        give_back_freed_memory()  # the full-size copies (hundreds of MB for a 20 MB photo) are freed now: return them
    return photo


def _decoded(data: bytes, name: str) -> Photo:
    from PIL import Image, ImageOps

    name = _(UNNAMED) if name == UNNAMED else name
    with opened_upload(data, name, "photo") as image:
        width, height = image.size
        rgb, converted = rgb_pixels(ImageOps.exif_transpose(image), name)
    note = _("{width}x{height} pixels").format(width=width, height=height) + (f", {converted}" if converted else "")
    if max(rgb.shape[:2]) > MAX_SIDE:
        scale = MAX_SIDE / max(rgb.shape[:2])
        size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
        with Image.fromarray(rgb) as full, full.resize(size, Image.Resampling.LANCZOS) as reduced:
            rgb = np.asarray(reduced, dtype=np.uint8)
        note += ", " + _("reduced to {width}x{height} for detection").format(width=size[0], height=size[1])
    if rgb.shape[0] < 20 or rgb.shape[1] < 20:
        raise ImageError(_("{name} is only {width}x{height} pixels: too small to hold a face.").format(
            name=name, width=rgb.shape[1], height=rgb.shape[0]))
    return Photo(name=name, bgr=np.ascontiguousarray(rgb[:, :, ::-1]), note=note)


def load_photo(path: Path) -> Photo:
    """A photo from a file (same checks as an upload: a regular file, at most the upload limit)."""
    return read_photo(read_upload_file(path, "photo"), Path(path).name)


def labelled_photos(folder: Path) -> dict[str, list[Path]]:
    """``{person: [photo paths]}`` of a folder with one sub-folder of photos per person, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImageError(_("{folder} is not a folder. Give a folder with one sub-folder of photos per person.").format(
            folder=folder))
    people = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        photos = sorted(p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
        if photos:
            people[sub.name] = photos
    if not people:
        raise ImageError(_("{folder} has no sub-folder with photos ({suffixes}): one sub-folder per person.").format(
            folder=folder, suffixes=", ".join(PHOTO_SUFFIXES)))
    return people


def thumbnail(rgb: np.ndarray, size: int = 96) -> np.ndarray:
    """A square (size, size, 3) uint8 picture of a face crop, for lists and databases."""
    from PIL import Image

    with Image.fromarray(np.ascontiguousarray(rgb)) as image:
        return np.asarray(image.convert("RGB").resize((size, size), Image.Resampling.LANCZOS), dtype=np.uint8)
