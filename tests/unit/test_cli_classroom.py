"""``python -m lab class ...``: a class run from a terminal on a fresh SQLite database, with the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.cli import main
from lab.workflows.classroom import join_class


@pytest.fixture(autouse=True)
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESHOT_DATABASE_URL", f"sqlite:///{tmp_path / 'class.sqlite'}")


def output(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.data
def test_start_a_round_reveal_and_show(omniglot_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = output(capsys, "class", "start", "--title", "Lecture 7", "--json")["code"]
    join_class(code, "Ana")
    task = output(capsys, "class", "round", code, "--ways", "5", "--json")
    assert task["round"] == 1 and task["ways"] == 5 and 1 <= task["answer"] <= 5
    assert main(["class", "reveal", code]) == 0
    assert f"the answer was candidate {task['answer']}" in capsys.readouterr().out
    shown = output(capsys, "class", "show", code, "--json")
    assert (shown["players"], shown["rounds"], shown["answers"], shown["humans_published"]) == (1, 1, 0, 0.955)
    assert {row["name"] for row in shown["leaderboard"]} == {"Ana", "the model (default)"}


def test_an_unknown_class_and_a_bad_n_exit_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "show", "NOPE42"]) == 1
    assert "no class with the code NOPE42" in capsys.readouterr().err
    assert main(["class", "round", "NOPE42", "--ways", "7"]) == 2
