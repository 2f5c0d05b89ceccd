"""A miniature Omniglot, made on the fly: the fast tier's stand-in for ../shared/data/omniglot.

The zips have the official layout (``images_background/<Alphabet>/characterNN/XXXX_DD.png``: 105x105 1-bit
PNGs, 20 drawers per character) and an ``all_runs.zip`` shaped like Lake's, but far fewer alphabets and
characters: ``MINIATURE_SPECS``. :mod:`lab.data.omniglot` checks the official counts (``SPECS``), so a test that
loads or checks these zips must swap ``SPECS`` for ``MINIATURE_SPECS`` (the ``miniature_omniglot`` fixture does).

Each character is a few random strokes; each of its 20 drawers redraws them with a little jitter, so two drawings
of one character look alike and drawings of two characters do not. Everything is seeded: the same bytes every run.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, IMAGE_SIZE, SetSpec

MINIATURE_ALPHABETS = {
    "background": ("Alpha_Script", "Beta_Runes", "Gamma_Glyphs", "Delta_(Marks)"),
    "evaluation": ("Epsilon", "Zeta_Signs", "Eta"),
}
CHARACTERS_PER_ALPHABET = {"background": 5, "evaluation": 7}
MINIATURE_SPECS = {
    name: SetSpec(name, alphabets=len(alphabets), characters=len(alphabets) * CHARACTERS_PER_ALPHABET[name])
    for name, alphabets in MINIATURE_ALPHABETS.items()
}
RUNS = 20
WAY = 20


def character_strokes(rng: np.random.Generator) -> list[np.ndarray]:
    """A character: 2 to 4 strokes of 3 to 5 points each, inside the paper's middle."""
    return [rng.uniform(18, 87, size=(int(rng.integers(3, 6)), 2)) for _ in range(int(rng.integers(2, 5)))]


def draw(strokes: list[np.ndarray], rng: np.random.Generator, jitter: float = 2.5) -> np.ndarray:
    """One person's drawing of ``strokes``: (105, 105) bool, True = ink."""
    image = Image.new("L", (IMAGE_SIZE, IMAGE_SIZE), 255)
    canvas = ImageDraw.Draw(image)
    shift = rng.normal(0, 2.0, size=2)
    for stroke in strokes:
        points = np.clip(stroke + shift + rng.normal(0, jitter, size=stroke.shape), 2, IMAGE_SIZE - 3)
        canvas.line([tuple(p) for p in points], fill=0, width=3, joint="curve")
    return np.asarray(image) < 128


def png_of(ink: np.ndarray) -> bytes:
    """A 1-bit PNG of ``ink`` in Omniglot's convention (white paper, black ink)."""
    buffer = io.BytesIO()
    Image.fromarray(~ink).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def miniature_drawings(set_name: str, seed: int = 0) -> dict[str, np.ndarray]:
    """Every drawing of a miniature set, by its path inside the zip, in the official order."""
    rng = np.random.default_rng([seed, len(set_name)])
    first_id = 1 if set_name == "background" else MINIATURE_SPECS["background"].characters + 1
    drawings: dict[str, np.ndarray] = {}
    character_id = first_id
    for alphabet in MINIATURE_ALPHABETS[set_name]:
        for number in range(1, CHARACTERS_PER_ALPHABET[set_name] + 1):
            strokes = character_strokes(rng)
            for drawer in range(1, DRAWINGS_PER_CHARACTER + 1):
                name = f"images_{set_name}/{alphabet}/character{number:02d}/{character_id:04d}_{drawer:02d}.png"
                drawings[name] = draw(strokes, rng)
            character_id += 1
    return drawings


def write_set_zip(folder: Path, set_name: str, seed: int = 0) -> Path:
    path = folder / f"images_{set_name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, ink in miniature_drawings(set_name, seed).items():
            archive.writestr(name, png_of(ink))
    return path


def write_runs_zip(folder: Path, seed: int = 0) -> Path:
    """An ``all_runs.zip`` shaped like Lake's: 20 runs of 20-way tasks drawn from the miniature evaluation set.

    In each run, class ``c`` is one drawer's drawing of a character and the test item that answers it is
    another drawer's drawing of the same character; test items are shuffled.
    """
    drawings = miniature_drawings("evaluation", seed)
    by_character: dict[str, list[np.ndarray]] = {}
    for name, ink in drawings.items():
        by_character.setdefault(name.rsplit("/", 1)[0], []).append(ink)
    characters = list(by_character)
    rng = np.random.default_rng([seed, 99])
    path = folder / "all_runs.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for run in range(1, RUNS + 1):
            name = f"run{run:02d}"
            chosen = rng.choice(len(characters), size=WAY, replace=False)
            order = rng.permutation(WAY)  # item i answers class order[i]
            lines = []
            for c, character in enumerate(chosen, start=1):
                training_drawer, test_drawer = rng.choice(DRAWINGS_PER_CHARACTER, size=2, replace=False)
                archive.writestr(f"{name}/training/class{c:02d}.png", png_of(by_character[characters[character]][training_drawer]))
                item = int(np.flatnonzero(order == c - 1)[0]) + 1
                archive.writestr(f"{name}/test/item{item:02d}.png", png_of(by_character[characters[character]][test_drawer]))
            for item in range(1, WAY + 1):
                lines.append(f"{name}/test/item{item:02d}.png {name}/training/class{order[item - 1] + 1:02d}.png")
            archive.writestr(f"{name}/class_labels.txt", "\n".join(lines) + "\n")
    return path


def write_miniature_omniglot(folder: Path, seed: int = 0) -> Path:
    """``folder`` with a miniature images_background.zip, images_evaluation.zip and all_runs.zip."""
    folder.mkdir(parents=True, exist_ok=True)
    for set_name in MINIATURE_SPECS:
        write_set_zip(folder, set_name, seed)
    write_runs_zip(folder, seed)
    return folder
