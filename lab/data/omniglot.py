"""The Omniglot image set (Lake et al. 2015) as NumPy arrays.

A set (``background``: 30 alphabets, 964 characters; ``evaluation``: 20 alphabets, 659 characters) is read
from the official zip or from its extracted folder, checked against the official counts, and decoded once
into a boolean array ``images[character, drawer, row, column]`` (True where there is ink). The decoded
array is cached on disk (:mod:`lab.data.cache`), keyed by a fingerprint of the source.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, UnidentifiedImageError

from lab.config import omniglot_dir
from lab.data.archives import is_ignorable, open_zip, read_member
from lab.data.cache import stored_set
from lab.errors import ArchiveError, DataMissingError
from lab.i18n import _

IMAGE_SIZE = 105
DRAWINGS_PER_CHARACTER = 20
SET_NAMES = ("background", "evaluation")


@dataclass(frozen=True)
class SetSpec:
    """What the official release of one set holds."""

    name: str
    alphabets: int
    characters: int

    @property
    def folder(self) -> str:
        return f"images_{self.name}"

    @property
    def zip_name(self) -> str:
        return f"{self.folder}.zip"

    @property
    def images(self) -> int:
        return self.characters * DRAWINGS_PER_CHARACTER


SPECS = {
    "background": SetSpec("background", alphabets=30, characters=964),
    "evaluation": SetSpec("evaluation", alphabets=20, characters=659),
}

def display_name(alphabet: str) -> str:
    """An alphabet as people read it: the official folder names join words with underscores
    ("Old_Church_Slavonic_(Cyrillic)"), which stay the keys; every page and figure shows this instead."""
    return alphabet.replace("_", " ")


def display_character(character_name: str) -> str:
    """A character name "Alphabet/characterNN" with its alphabet shown by :func:`display_name`."""
    alphabet, _slash, character = character_name.rpartition("/")
    return f"{display_name(alphabet)}/{character}" if alphabet else display_name(character)


_DRAWING_NAME = re.compile(r"^(\d{4})_(\d{2})\.png$")
_CHARACTER_FOLDER = re.compile(r"^character(\d+)$")


@dataclass(frozen=True)
class OmniglotSet:
    """One Omniglot set, decoded.

    ``images`` has shape (characters, 20, 105, 105) and dtype bool (True = ink); drawer ``j`` is the
    drawing ``XXXX_{j+1:02d}.png``. Characters are ordered by alphabet (alphabetically) then by their
    ``characterNN`` number, so each alphabet is a contiguous range ``alphabets[name] = (start, stop)``.
    """

    name: str
    images: np.ndarray
    character_ids: np.ndarray  # the official 4-digit id of each character (1..1623)
    character_names: tuple[str, ...]  # "Alphabet/characterNN"
    alphabets: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The source's fingerprint (:func:`source_fingerprint`) when loaded from files: the data version under which
    # results computed from these drawings are stored (lab.siamese.code_store); empty for a set made in memory.
    fingerprint: str = ""

    @property
    def X(self) -> np.ndarray:  # noqa: N802 - the seed notebook's name for the image array
        return self.images

    @property
    def n_characters(self) -> int:
        return int(self.images.shape[0])

    @property
    def labels(self) -> np.ndarray:
        """Class label of every drawing, shape (characters, 20): the character's index in this set."""
        return np.repeat(np.arange(self.n_characters)[:, None], DRAWINGS_PER_CHARACTER, axis=1)

    @property
    def alphabet_names(self) -> list[str]:
        return list(self.alphabets)

    def alphabet_of(self, character: int) -> str:
        for alphabet, (start, stop) in self.alphabets.items():
            if start <= character < stop:
                return alphabet
        raise IndexError(f"character index {character} is outside 0..{self.n_characters - 1}")

    def character_label(self, character: int) -> str:
        """"character04": the folder name a page's box shows and a link holds (the alphabet is a setting of its own)."""
        return self.character_names[character].split("/")[1]

    def alphabet_index(self) -> np.ndarray:
        """Alphabet number (position in ``alphabet_names``) of every character, shape (characters,)."""
        index = np.empty(self.n_characters, dtype=np.int32)
        for number, (start, stop) in enumerate(self.alphabets.values()):
            index[start:stop] = number
        return index

    def characters_per_alphabet(self) -> dict[str, int]:
        return {name: stop - start for name, (start, stop) in self.alphabets.items()}


# --------------------------------------------------------------------------------------------- sources


def find_source(set_name: str, data_dir: Path | None = None) -> Path:
    """The extracted folder of ``set_name`` if present, else its zip; :class:`DataMissingError` otherwise."""
    spec = _spec(set_name)
    root = omniglot_dir(data_dir)
    folder, archive = root / spec.folder, root / spec.zip_name
    if folder.is_dir():
        return folder
    if archive.is_file():
        return archive
    raise DataMissingError(_(
        "The Omniglot {set} set is not in {root}. Put {zip} (from github.com/brendenlake/omniglot, folder python/) "
        "or its extracted folder {folder}/ there, run `python -m lab data fetch` with internet access, or point the "
        "environment variable OMNIGLOT_DIR at a folder that has it.").format(
            set=set_name, root=root, zip=spec.zip_name, folder=spec.folder))


def source_fingerprint(source: Path) -> str:
    """A short digest that changes whenever the source's content does (zip bytes, or folder listing)."""
    digest = hashlib.sha256()
    if source.is_file():
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 18), b""):  # small blocks: a 64 MiB bomb costs no memory
                digest.update(block)
    else:
        for path in sorted(source.rglob("*.png")):
            info = path.stat()
            digest.update(f"{path.relative_to(source)}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _iter_drawings(source: Path, spec: SetSpec) -> Iterator[tuple[tuple[str, ...], bytes]]:
    """(path parts below the set's top folder, PNG bytes) of every drawing in a zip or a folder."""
    if source.is_dir():
        for path in source.rglob("*"):
            relative = path.relative_to(source)
            if path.is_file() and not is_ignorable(str(relative)):
                yield relative.parts, path.read_bytes()
        return
    with open_zip(source) as archive:
        for info in archive.infolist():
            if info.is_dir() or is_ignorable(info.filename):
                continue
            parts = PurePosixPath(info.filename).parts
            if not parts or parts[0] != spec.folder:
                raise ArchiveError(_("{source}: the entry {name!r} is not inside {folder}/; this is not the official "
                                     "{zip}.").format(source=source, name=info.filename, folder=spec.folder,
                                                      zip=spec.zip_name))
            yield parts[1:], read_member(archive, info)


def decode_drawing(png: bytes, where: str) -> np.ndarray:
    """A 105x105 Omniglot PNG as a bool array (True = ink); :class:`ArchiveError` if it is not one."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.size != (IMAGE_SIZE, IMAGE_SIZE):
                raise ArchiveError(_("{where} is {width}x{height} pixels, not 105x105.").format(
                    where=where, width=image.size[0], height=image.size[1]))
            return ~np.asarray(image.convert("1"), dtype=bool)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ArchiveError(_("{where} is not a readable PNG image ({reason}).").format(where=where, reason=exc)) from exc


def decode_set(source: Path, set_name: str) -> OmniglotSet:
    """Read and check every drawing of ``set_name`` from a zip or folder (no cache)."""
    spec = _spec(set_name)
    drawings: dict[tuple[str, int], dict[int, np.ndarray]] = {}
    ids: dict[tuple[str, int], int] = {}
    for parts, png in _iter_drawings(source, spec):
        where = f"{source.name}: {'/'.join(parts)}"
        if len(parts) != 3:
            raise ArchiveError(_("{where} is not laid out as <alphabet>/characterNN/XXXX_DD.png.").format(where=where))
        alphabet, character_folder, file_name = parts
        character_match = _CHARACTER_FOLDER.match(character_folder)
        drawing_match = _DRAWING_NAME.match(file_name)
        if not character_match or not drawing_match:
            raise ArchiveError(_("{where} is not laid out as <alphabet>/characterNN/XXXX_DD.png.").format(where=where))
        key = (alphabet, int(character_match.group(1)))
        drawer = int(drawing_match.group(2))
        if not 1 <= drawer <= DRAWINGS_PER_CHARACTER:
            raise ArchiveError(_("{where}: drawer number {drawer} is outside 01..20.").format(where=where, drawer=drawer))
        ids.setdefault(key, int(drawing_match.group(1)))
        drawings.setdefault(key, {})[drawer] = decode_drawing(png, where)

    keys = sorted(drawings)
    alphabet_names = sorted({alphabet for alphabet, _number in keys})
    if len(alphabet_names) != spec.alphabets or len(keys) != spec.characters:
        raise ArchiveError(_(
            "{source} holds {alphabets} alphabets and {characters} characters; the official {set} set has "
            "{official_alphabets} and {official_characters}. The download may be incomplete: fetch it again.").format(
                source=source, alphabets=len(alphabet_names), characters=len(keys), set=set_name,
                official_alphabets=spec.alphabets, official_characters=spec.characters))
    incomplete = [f"{a}/character{c:02d}" for (a, c) in keys if len(drawings[(a, c)]) != DRAWINGS_PER_CHARACTER]
    if incomplete:
        raise ArchiveError(_("{source}: {count} characters do not have 20 drawings (first: {first}).").format(
            source=source, count=len(incomplete), first=incomplete[0]))

    images = np.empty((len(keys), DRAWINGS_PER_CHARACTER, IMAGE_SIZE, IMAGE_SIZE), dtype=bool)
    alphabets: dict[str, tuple[int, int]] = {}
    for index, key in enumerate(keys):
        for drawer, image in drawings[key].items():
            images[index, drawer - 1] = image
        start, _stop = alphabets.get(key[0], (index, index))
        alphabets[key[0]] = (start, index + 1)
    return OmniglotSet(
        name=set_name,
        images=images,
        character_ids=np.array([ids[key] for key in keys], dtype=np.int32),
        character_names=tuple(f"{a}/character{c:02d}" for a, c in keys),
        alphabets=alphabets,
    )


def load_set(set_name: str, data_dir: Path | None = None, use_cache: bool = True) -> OmniglotSet:
    """Load one Omniglot set, from the array cache when the source is unchanged, else from the source."""
    source = find_source(set_name, data_dir)
    fingerprint = source_fingerprint(source)

    def decode() -> OmniglotSet:
        return replace(decode_set(source, set_name), fingerprint=fingerprint)

    if not use_cache:
        return decode()
    shape = (_spec(set_name).characters, DRAWINGS_PER_CHARACTER, IMAGE_SIZE, IMAGE_SIZE)
    build = partial(OmniglotSet, name=set_name, fingerprint=fingerprint)
    return stored_set(set_name, fingerprint, shape, decode, build)


def _spec(set_name: str) -> SetSpec:
    try:
        return SPECS[set_name]
    except KeyError:
        raise ValueError(f"unknown Omniglot set {set_name!r}; choose one of {', '.join(SET_NAMES)}") from None


def check_archive_layout(path: Path, set_name: str, shown_as: str | None = None) -> tuple[int, int, int]:
    """Count (alphabets, characters, drawings) from the entry names of a zip, without decoding images.

    Raises :class:`ArchiveError` unless the counts are the official ones; fast enough to check every
    download and every file a user drops in. Messages call the file ``shown_as`` (default: its name).
    """
    spec = _spec(set_name)
    name = shown_as or path.name
    characters: dict[tuple[str, str], int] = {}
    with open_zip(path, shown_as) as archive:
        for info in archive.infolist():
            if info.is_dir() or is_ignorable(info.filename):
                continue
            parts = PurePosixPath(info.filename).parts
            if len(parts) != 4 or parts[0] != spec.folder or not _DRAWING_NAME.match(parts[3]):
                raise ArchiveError(_("{file}: the entry {name!r} is not {folder}/<alphabet>/characterNN/XXXX_DD.png; "
                                     "this is not the official {zip}.").format(
                    file=name, name=info.filename, folder=spec.folder, zip=spec.zip_name))
            characters[(parts[1], parts[2])] = characters.get((parts[1], parts[2]), 0) + 1
    counts = (len({a for a, _character in characters}), len(characters), sum(characters.values()))
    if counts != (spec.alphabets, spec.characters, spec.images):
        raise ArchiveError(_(
            "{file} holds {alphabets} alphabets, {characters} characters and {drawings} drawings; the official {set} "
            "set has {official_alphabets}, {official_characters} and {official_drawings}.").format(
                file=name, alphabets=counts[0], characters=counts[1], drawings=counts[2], set=set_name,
                official_alphabets=spec.alphabets, official_characters=spec.characters,
                official_drawings=spec.images))
    return counts
