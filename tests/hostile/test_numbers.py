"""Numbers from users: refused at parse time with the valid range, the same limits in the lab and the widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab import limits
from lab.cli import main
from lab.errors import OutOfRangeError
from lab.faces.gallery import Gallery
from lab.faces.embedding import Verdict, threshold_note
from lab.faces.experiment import run_experiment
from lab.siamese.training import TrainConfig


def test_bounds_say_the_range_and_refuse_nan_infinity_and_fractions() -> None:
    assert limits.PAIRS.parse("2000") == 2000 and limits.PAIRS.parse("10_000") == 10_000
    with pytest.raises(OutOfRangeError, match=r"the number of pairs must be a whole number from 2 to 200,000; got 1,000,000,000,000"):
        limits.PAIRS.parse("1000000000000")
    with pytest.raises(OutOfRangeError, match="'1e12' is not one"):
        limits.TASKS.parse("1e12")
    for text in ("nan", "inf", "-inf", "", "0x10"):
        with pytest.raises(OutOfRangeError):
            limits.FACE_THRESHOLDS["cosine"].parse(text)
    with pytest.raises(OutOfRangeError, match="greater than 0 and at most 0.1"):
        limits.LEARNING_RATE.check(0.0)
    with pytest.raises(OutOfRangeError, match="whole number"):
        limits.STEPS.check(2.5)
    assert limits.FACE_THRESHOLDS["angular"].check(1) == 1.0 and limits.STEPS.check(20.0) == 20


@pytest.mark.parametrize("argv", [
    ["evaluate", "pairs", "--pairs", "1e12"],
    ["evaluate", "pairs", "--pairs", "1000000000000"],
    ["evaluate", "nway", "--tasks", "0"],
    ["evaluate", "nway", "--way", "21"],
    ["train", "--name", "x", "--steps", "1e12"],
    ["train", "--name", "x", "--learning-rate", "nan"],
    ["faces", "experiment", "folder", "--epochs", "0"],
    ["faces", "roc", "folder", "--target-far", "5"],
    ["faces", "detect", "photo.jpg", "--scale-factor", "1"],
    ["faces", "verify", "a.jpg", "b.jpg", "--face-a", "0"],
])
def test_cli_refuses_bad_numbers_at_parse_time(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2  # argparse's usage error: before any file is read or any model is built
    assert "must be" in capsys.readouterr().err


@pytest.mark.parametrize(("metric", "value", "scale"), [
    ("cosine", "nan", "from 0 to 2"), ("cosine", "-1", "from 0 to 2"), ("cosine", "inf", "from 0 to 2"),
    ("angular", "1.5", "from 0 to 1"), ("euclidean_l2", "2.5", "from 0 to 2"), ("euclidean", "-0.1", "from 0 to 10,000"),
])
def test_a_threshold_is_checked_on_its_metrics_scale_before_any_photo_is_read(
        metric: str, value: str, scale: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["faces", "verify", "missing-a.jpg", "missing-b.jpg"], ["faces", "identify", "missing.jpg"]):
        assert main([*argv, "--metric", metric, "--threshold", value]) == 2
        err = capsys.readouterr().err
        assert f"{metric} threshold must be a number {scale}" in err and "missing" not in err


def test_a_threshold_that_calls_everyone_the_same_gets_a_word(faces_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "every pair of faces is called the same person" in threshold_note("Facenet", "cosine", 2.0)
    assert "over twice DeepFace's 0.4" in threshold_note("Facenet", "cosine", 0.9)
    assert threshold_note("Facenet", "cosine", 0.4) is None
    misc = faces_dir / "misc"
    assert main(["faces", "verify", str(misc / "obama.jpg"), str(misc / "biden.jpg"), "--threshold", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["verified"] is True and "warning: 2 is the largest cosine distance" in err


def test_the_lab_refuses_what_the_cli_refuses() -> None:
    verdict = Verdict("Facenet", "cosine", 0.3, 0.4, 0.4)
    with pytest.raises(OutOfRangeError, match="cosine threshold"):
        verdict.at(float("nan"))
    database = Gallery("unused", "Facenet", "yunet")
    with pytest.raises(OutOfRangeError, match="cosine threshold"):
        database.identify(__import__("numpy").zeros(128), "cosine", float("nan"))
    with pytest.raises(OutOfRangeError, match="training steps"):
        TrainConfig(steps=10**12)
    with pytest.raises(OutOfRangeError, match="even"):
        TrainConfig(batch_size=33)
    with pytest.raises(OutOfRangeError, match="CNN epochs"):
        run_experiment(Path("/nonexistent"), epochs=0)  # refused before any photo is embedded


def test_json_output_has_no_nan(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from lab.cli.common import print_json

    print_json({"auc": float("nan"), "rows": [1.0, float("inf")], "ok": True})
    assert json.loads(capsys.readouterr().out) == {"auc": None, "rows": [1.0, None], "ok": True}


# Property-based: whatever text arrives, a parser returns a value in range or raises the lab's own error.

@settings(max_examples=300, deadline=None)
@given(st.sampled_from([limits.PAIRS, limits.STEPS, limits.LEARNING_RATE, limits.TARGET_FMR, limits.SEED,
                        *limits.FACE_THRESHOLDS.values()]),
       st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.integers(min_value=-10**30, max_value=10**30).map(str)))
def test_parsers_return_a_value_in_range_or_a_lab_error(bounds: limits.Bounds, text: str) -> None:
    try:
        value = bounds.parse(text)
    except OutOfRangeError as exc:
        assert bounds.describe() in str(exc)
        return
    assert bounds.contains(value)
    assert isinstance(value, int) if bounds.integer else isinstance(value, float)
