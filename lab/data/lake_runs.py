"""Lake's 20 official one-shot classification runs (``all_runs.zip``).

Each run is a 20-way, within-alphabet task: 20 training images (one per class) and 20 test images, and
``class_labels.txt`` says which training image each test image belongs to. This is the protocol of the
published table (humans 95.5%, Koch et al. 92.0%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.config import omniglot_dir
from lab.data.archives import open_zip, read_member
from lab.data.omniglot import decode_drawing
from lab.errors import ArchiveError, DataMissingError
from lab.i18n import _

RUNS_ZIP = "all_runs.zip"
N_RUNS = 20
N_WAY = 20
_LINE = re.compile(r"^(run\d{2})/test/(item\d{2})\.png\s+(run\d{2})/training/class(\d{2})\.png$")


@dataclass(frozen=True)
class LakeRun:
    """One run: ``test[i]`` is a drawing of the same character as ``training[answers[i]]``."""

    name: str
    training: np.ndarray  # (20, 105, 105) bool, True = ink
    test: np.ndarray  # (20, 105, 105) bool
    answers: np.ndarray  # (20,) int, index into training


def runs_path(data_dir: Path | None = None) -> Path:
    path = omniglot_dir(data_dir) / RUNS_ZIP
    if not path.is_file():
        raise DataMissingError(_(
            "Lake's one-shot runs are not in {folder}. Put {file} (github.com/brendenlake/omniglot, "
            "python/one-shot-classification/) there or run `python -m lab data fetch --set runs`."
        ).format(folder=path.parent, file=RUNS_ZIP))
    return path


def load_runs(path: Path, shown_as: str | None = None) -> list[LakeRun]:
    """Read and check all 20 runs of ``all_runs.zip``; messages call the file ``shown_as`` (default: its name)."""
    runs = []
    with open_zip(path, shown_as) as archive:
        members = {info.filename: info for info in archive.infolist()}

        def member(name: str) -> bytes:
            if name not in members:
                raise ArchiveError(_("{file} has no entry {name!r}; it is not Lake's all_runs.zip.").format(
                    file=shown_as or path.name, name=name))
            return read_member(archive, members[name], shown_as)

        for number in range(1, N_RUNS + 1):
            name = f"run{number:02d}"
            training = np.stack(
                [decode_drawing(member(f"{name}/training/class{c:02d}.png"), f"{name}/class{c:02d}") for c in range(1, 21)]
            )
            test = np.stack(
                [decode_drawing(member(f"{name}/test/item{i:02d}.png"), f"{name}/item{i:02d}") for i in range(1, 21)]
            )
            answers = np.full(N_WAY, -1, dtype=np.int64)
            for line in member(f"{name}/class_labels.txt").decode("utf-8", "replace").splitlines():
                if not line.strip():
                    continue
                match = _LINE.match(line.strip())
                if not match or match.group(1) != name or match.group(3) != name:
                    raise ArchiveError(_("{run}/class_labels.txt has an unexpected line: {line!r}.").format(
                        run=name, line=line))
                answers[int(match.group(2)[4:]) - 1] = int(match.group(4)) - 1
            if (answers < 0).any():
                raise ArchiveError(_("{run}/class_labels.txt does not give a class for every test item.").format(
                    run=name))
            runs.append(LakeRun(name=name, training=training, test=test, answers=answers))
    return runs
