"""The class's join address as a QR code (segno: a maintained, pure-Python encoder that writes PNG itself)."""

from __future__ import annotations

import io

import segno


def qr_png(text: str) -> bytes:
    """A PNG of ``text`` as a QR code, medium error correction (a projected code is read from afar, at an angle)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()
