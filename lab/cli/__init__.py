"""The command line: ``python -m lab <group> <command> ...``, one module per group, each calling lab's workflows.

Every command prints a clear message and exits with status 1 on a user error (a :class:`LabError`), and
with status 2 on a usage error (argparse's convention, and numbers outside their range).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lab.cli import classroom, data, embed, evaluate, faces, models, train
from lab.errors import LabError

GROUPS = (data, train, evaluate, embed, models, faces, classroom)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lab",
        description="One-Shot Lab from the command line: Omniglot data, Siamese networks, evaluation, faces, a live class.",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")
    for group in GROUPS:
        group.add_parser(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter is not for users
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse printed the usage error (status 2) or the help (status 0)
        return int(stop.code or 0)
    try:
        return args.run(args)
    except ValueError as exc:  # invalid option values (names, a threshold off its metric's scale) found after parsing
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) closed the pipe: not an error; silence the flush at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
