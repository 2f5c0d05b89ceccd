"""CSV text of results: a header, one line per row, floats exact when read back."""

from __future__ import annotations

import csv
import io

from lab.export import csv_text, records_csv


def test_csv_text_reads_back_with_its_header_and_rows() -> None:
    text = csv_text(("way", "accuracy", "note"), [(2, 0.1234567891234, "a, b"), (5, 1.0, "c")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["way", "accuracy", "note"], ["2", "0.1234567891234", "a, b"], ["5", "1.0", "c"]]
    assert float(rows[1][1]) == 0.1234567891234 and text.endswith("\n") and "\r" not in text


def test_records_csv_has_a_header_then_one_line_per_row() -> None:
    assert records_csv([{"fold": 1, "error": 0.5}, {"fold": 2, "error": 0.0}]) == "fold,error\n1,0.5\n2,0.0\n"
    assert records_csv([]) == ""
