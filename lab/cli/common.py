"""What every command shares: range-checked number options, JSON without NaN, download progress, --data-dir."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from lab import limits
from lab.errors import OutOfRangeError


def bounded(bounds: limits.Bounds) -> Callable[[str], float]:
    """An argparse type that refuses, at parse time and with the valid range, what ``bounds`` refuses."""

    def parse(text: str) -> float:
        try:
            return bounds.parse(text)
        except OutOfRangeError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def print_json(value: object) -> None:
    """JSON as every parser reads it: a NaN or infinite figure (e.g. an AUC without both kinds of pair) is null."""

    def finite(item: object) -> object:
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, dict):
            return {key: finite(v) for key, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [finite(v) for v in item]
        return item

    print(json.dumps(finite(value), indent=2, allow_nan=False))


class DownloadProgress:
    """Download progress on stderr: one updating line on a terminal, a line per 10% otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.last_decile = -1
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            percent = 100 * done / total
            text = f"{self.label}: {done / 1e6:.1f} of {total / 1e6:.1f} MB ({percent:.0f}%)"
            decile = int(percent // 10)
        else:
            text, decile = f"{self.label}: {done / 1e6:.1f} MB", self.last_decile
        if self.tty:
            print("\r" + text, end="", file=sys.stderr, flush=True)
            if total and done >= total:
                print(file=sys.stderr)
        elif decile != self.last_decile:
            print(text, file=sys.stderr, flush=True)
        self.last_decile = decile


class StepProgress:
    """Progress of counted steps on stderr (photos embedded, epochs trained), one stage after another: one updating
    line on a terminal, a line per 10% of each stage otherwise (a log file gets a dozen lines, not a thousand)."""

    def __init__(self) -> None:
        self.stage = ""
        self.last_decile = -1
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.tty and self.stage:
                print(file=sys.stderr)
            self.stage, self.last_decile = stage, -1
        decile = 10 * done // max(total, 1)
        text = f"{stage}: {done:,} of {total:,}"
        if self.tty:
            print("\r" + text, end="\n" if done >= total else "", file=sys.stderr, flush=True)
            if done >= total:
                self.stage = ""
        elif decile != self.last_decile:
            print(text, file=sys.stderr, flush=True)
        self.last_decile = decile


def data_dir_option() -> argparse.ArgumentParser:
    """The --data-dir option, as a parent parser for every command that reads the Omniglot files."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of the Omniglot zips or extracted folders (default: $OMNIGLOT_DIR, else ~/.cache/oneshot-lab/omniglot)",
    )
    return parent


def checked_threshold(args: argparse.Namespace) -> None:
    """``--threshold`` on its metric's scale (cosine 0 to 2, angular 0 to 1, ...), checked before any photo is read:
    the scale depends on ``--metric``, so argparse cannot check it alone. Exit status 2, like argparse's errors."""
    if args.threshold is not None:
        args.threshold = limits.face_threshold(args.metric, args.threshold)


def warn_about_threshold(model: str, metric: str, threshold: float | None) -> None:
    """A threshold the user chose that makes the verdict meaningless is run, with a word on stderr."""
    from lab.faces.embedding import threshold_note

    note = None if threshold is None else threshold_note(model, metric, threshold)
    if note:
        print(f"warning: {note}", file=sys.stderr)
