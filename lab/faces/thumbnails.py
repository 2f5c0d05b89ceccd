"""Thumbnails of enrolled faces: stored as PNG (lossless, small), read from the shared database only when shown."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lab.db.engine import read
from lab.db.schema import faces as faces_table

THUMBNAIL = 96


def png_bytes(picture: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    with Image.fromarray(np.ascontiguousarray(picture, dtype=np.uint8)) as image:
        image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def png_pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(bytes(data))) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)



class Thumbnails(Sequence):
    """A gallery's thumbnails, read from the database when first shown: 100,000 of them would be 2.7 GB decoded,
    and a page shows a few. ``thumbnails[row]`` is a (96, 96, 3) uint8 picture; ``take(rows)`` reads several at once."""

    def __init__(self, url: str, ids: np.ndarray) -> None:
        self._url, self._ids = url, ids
        self._decoded: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._ids.size)

    def __getitem__(self, row):  # type: ignore[no-untyped-def]
        if isinstance(row, slice):
            return self.take(range(len(self))[row])
        return self.take([int(row)])[0]

    def take(self, rows: Iterable[int]) -> list[np.ndarray]:
        rows = [int(r) for r in rows]
        for row in rows:
            if not -len(self) <= row < len(self):
                raise IndexError(row)
        rows = [r % len(self) if len(self) else r for r in rows]
        with self._lock:
            missing = sorted({int(self._ids[r]) for r in rows} - set(self._decoded))
        if missing:
            def fetch(connection: Connection) -> list[tuple[int, bytes]]:
                return [tuple(r) for r in connection.execute(
                    sa.select(faces_table.c.id, faces_table.c.thumbnail).where(faces_table.c.id.in_(missing)))]
            found = {face_id: png_pixels(data) for face_id, data in read(fetch, self._url)}
            with self._lock:
                self._decoded.update(found)
        blank = np.zeros((THUMBNAIL, THUMBNAIL, 3), np.uint8)  # removed since this snapshot was read
        with self._lock:
            return [self._decoded.get(int(self._ids[r]), blank) for r in rows]
