from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lab.cli import main
from tests.conftest import REPO


def test_data_check_on_the_real_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK     background: 30 alphabets, 964 characters, 19280 drawings" in out
    assert "OK     evaluation: 20 alphabets, 659 characters, 13180 drawings" in out
    assert "OK     runs: 20 runs" in out


def test_data_check_on_an_empty_folder_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count("FAILED") == 3 and "OMNIGLOT_DIR" in out


def test_data_info_json(capsys: pytest.CaptureFixture[str], omniglot_dir: Path) -> None:
    assert main(["data", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["data_dir"] == str(omniglot_dir)
    assert info["files"]["evaluation"]["characters_per_alphabet"]["Angelic"] == 20
    assert sum(info["files"]["background"]["characters_per_alphabet"].values()) == 964


def test_data_fetch_with_files_present(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--set", "runs"]) == 0
    assert "already present" in capsys.readouterr().out


def test_data_extract_reports_an_existing_folder(writable_omniglot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (writable_omniglot / "images_background").mkdir()
    assert main(["data", "extract", "--set", "background", "--data-dir", str(writable_omniglot)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_module_entry_point_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lab", "data", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("fetch", "check", "info", "extract"):
        assert command in result.stdout
    bad = subprocess.run([sys.executable, "-m", "lab", "nonsense"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_evaluate_lake_with_the_shipped_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "lake", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["model"] == "default" and len(figures["lake_run_accuracy"]) == 20
    assert figures["lake_accuracy"] >= 0.92
    assert figures["published"]["Humans"] == 0.955


def test_evaluate_pairs_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "pairs", "--pairs", "2000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "2,000 random evaluation pairs (seed 3, any alphabets)" in out
    line = next(line for line in out.splitlines() if "model's threshold" in line)
    assert float(line.rsplit(":", 1)[1].strip().rstrip("%")) > 90


def test_train_stores_a_model_with_its_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["train", "--steps", "20", "--batch-size", "16", "--eval-every", "10", "--name", "cli-test",
                 "--models-dir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "step 20/20" in out and "validation: pairs" in out and "Lake's 20 runs" in out
    metadata = json.loads((tmp_path / "cli-test.json").read_text())
    assert metadata["config"]["steps"] == 20 and 0 <= metadata["metrics"]["lake_accuracy"] <= 1
    assert (tmp_path / "cli-test.keras").is_file()


def test_train_and_evaluate_refuse_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--name", "../escape", "--steps", "5"]) == 2
    assert "not a valid model name" in capsys.readouterr().err
    assert main(["train", "--name", "x", "--batch-size", "7"]) == 2
    assert main(["evaluate", "lake", "--model", "no-such-model"]) == 1
    assert "No model named 'no-such-model'" in capsys.readouterr().err
