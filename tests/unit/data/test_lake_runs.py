"""Lake's 20 one-shot runs (all_runs.zip): checked and read, on a miniature copy and on the real file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from lab.data.fetch import check_file
from lab.data.lake_runs import load_runs, runs_path
from lab.data.omniglot import OmniglotSet
from lab.errors import ArchiveError, DataMissingError
from tests.support.zips import copy_zip_without


def test_runs_archive_check(omniglot_dir: Path) -> None:
    assert check_file("runs", omniglot_dir / "all_runs.zip") == "20 runs of 20-way one-shot tasks"


def test_lake_runs_are_evaluation_drawings(omniglot_dir: Path, evaluation: OmniglotSet) -> None:
    runs = load_runs(omniglot_dir / "all_runs.zip")
    assert len(runs) == 20
    known = {hashlib.sha1(np.packbits(img).tobytes()).digest() for img in evaluation.images.reshape(-1, 105, 105)}
    for run in runs:
        assert sorted(run.answers.tolist()) == list(range(20)), "each class is the answer of exactly one item"
        for image in np.concatenate([run.training, run.test]):
            assert hashlib.sha1(np.packbits(image).tobytes()).digest() in known


def test_miniature_runs_archive_check_and_answers(miniature_omniglot: Path, mini_evaluation: OmniglotSet) -> None:
    assert check_file("runs", runs_path(miniature_omniglot)) == "20 runs of 20-way one-shot tasks"
    runs = load_runs(miniature_omniglot / "all_runs.zip")
    assert [run.name for run in runs] == [f"run{n:02d}" for n in range(1, 21)]
    known = {hashlib.sha1(np.packbits(img).tobytes()).digest(): c
             for c, drawings in enumerate(mini_evaluation.images) for img in drawings}
    for run in runs:
        assert run.training.shape == run.test.shape == (20, 105, 105)
        assert sorted(run.answers.tolist()) == list(range(20)), "each class is the answer of exactly one item"
        for item, answer in enumerate(run.answers):
            assert known[hashlib.sha1(np.packbits(run.test[item]).tobytes()).digest()] == \
                known[hashlib.sha1(np.packbits(run.training[answer]).tobytes()).digest()]


def test_runs_archive_without_a_labels_file_is_refused(miniature_omniglot: Path, tmp_path: Path) -> None:
    broken = copy_zip_without(miniature_omniglot / "all_runs.zip", tmp_path / "all_runs.zip", "run07/class_labels.txt")
    with pytest.raises(ArchiveError, match="has no entry 'run07/class_labels.txt'"):
        load_runs(broken)
    with pytest.raises(DataMissingError, match="all_runs.zip"):
        runs_path(tmp_path / "nowhere")
