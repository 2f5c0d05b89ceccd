"""``python -m lab models import``: the way in for model files larger than the app's 20 MB upload limit."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from lab.cli import main
from lab.siamese.store import delete_model, list_models
from tests.conftest import REPO


def test_a_model_file_is_checked_and_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "lecture-model.keras"
    shutil.copy(REPO / "models" / "default.keras", copy)
    assert main(["models", "import", str(copy), "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    try:
        assert stored["name"] == "lecture-model" and "lecture-model" in {m.name for m in list_models()}
    finally:
        delete_model("lecture-model")


def test_what_is_no_model_file_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    assert main(["models", "import", str(text)]) == 1
    assert "neither a .keras nor a .h5 model file" in capsys.readouterr().err
    assert main(["models", "import", str(tmp_path)]) == 1
    assert "is not a regular file" in capsys.readouterr().err
    if os.path.exists("/dev/zero"):
        assert main(["models", "import", "/dev/zero"]) == 1
        assert "is not a regular file" in capsys.readouterr().err
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["models", "import", str(broken)]) == 1
    assert "broken" not in {m.name for m in list_models()}
