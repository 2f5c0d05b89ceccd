"""Downloadable text of results: CSV tables that a spreadsheet or pandas reads back as they were computed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV table with ``header``. Floats are written in full (Python's shortest exact form), not rounded: a
    threshold read back must split the scores exactly as it did here."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def records_csv(rows: list[dict]) -> str:
    """Rows with the same keys as CSV text, the header from the first row's keys; "" when there is no row."""
    if not rows:
        return ""
    return csv_text(list(rows[0]), (list(row.values()) for row in rows))
