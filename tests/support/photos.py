"""Generated pictures for the face tests that need no real photo (decoding, limits, refusals).

They are face-like drawings, not faces: DeepFace's detectors do not reliably find a face in them, so every test
that needs a real detection uses the photos of ../shared/data/faces (the `data` tier).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def png_bytes(width: int, height: int, mode: str = "RGB") -> bytes:
    """A flat grey picture (no face in it) of the given size, as PNG."""
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 128).save(buffer, format="PNG")
    return buffer.getvalue()


def face_like(width: int = 640, height: int = 480, mode: str = "RGB", seed: int = 0) -> Image.Image:
    """A seeded face-like drawing on a noisy background: skin-coloured oval, eyes, nose and mouth."""
    rng = np.random.default_rng(seed)
    background = rng.integers(40, 200, size=(height, width, 3), dtype=np.uint8)
    image = Image.fromarray(background).convert("RGBA")
    draw = ImageDraw.Draw(image)
    cx, cy, r = width // 2, height // 2, min(width, height) // 3
    draw.ellipse((cx - r * 0.8, cy - r, cx + r * 0.8, cy + r), fill=(224, 172, 140, 255))
    for side in (-1, 1):
        draw.ellipse((cx + side * r * 0.35 - r * 0.12, cy - r * 0.3 - r * 0.07,
                      cx + side * r * 0.35 + r * 0.12, cy - r * 0.3 + r * 0.07), fill=(40, 30, 30, 255))
    draw.line((cx, cy - r * 0.15, cx - r * 0.08, cy + r * 0.2), fill=(150, 100, 90, 255), width=max(2, r // 30))
    draw.arc((cx - r * 0.35, cy + r * 0.2, cx + r * 0.35, cy + r * 0.6), 20, 160, fill=(150, 40, 40, 255),
             width=max(2, r // 25))
    return image.convert(mode)


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()
