"""CSV text of results: a header, one line per row, floats exact when read back."""

from __future__ import annotations

import csv
import io

from lab.export import csv_text


def test_csv_text_reads_back_with_its_header_and_rows() -> None:
    text = csv_text(("way", "accuracy", "note"), [(2, 0.1234567891234, "a, b"), (5, 1.0, "c")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["way", "accuracy", "note"], ["2", "0.1234567891234", "a, b"], ["5", "1.0", "c"]]
    assert float(rows[1][1]) == 0.1234567891234 and text.endswith("\n") and "\r" not in text
