"""One writer of tests/hostile/test_concurrent_writers.py: a process of its own, as a command or a server would be.

``python -m tests.support.writers JOB ARGS...`` imports what the job needs, prints ``ready`` and waits for a line on its
standard input (the test sends it when every process of the round is ready, so that they reach the database together:
the first of them creates the schema), then runs:

- ``enrol PERSON PHOTO``: ``python -m lab faces enrol PERSON PHOTO --db class`` through :func:`lab.cli.main`, with
  detection and embedding made up (a face and a vector per person): the command's own path to the shared database,
  without loading TensorFlow in every process;
- ``start``: ``python -m lab class start --json``;
- ``join NICKNAME``: as the Class page joins (:func:`lab.workflows.classroom.join`), in the class the round's ``start``
  opens (waited for, up to 30 s).

Exit status and messages as the command line's: 0, or 1 with ``error: ...`` on stderr for a refusal (a
:class:`~lab.errors.LabError`). The database is ``$ONESHOT_DATABASE_URL``.
"""

from __future__ import annotations

import sys
import time
import zlib

import numpy as np

WAIT_FOR_CLASS_S = 30.0


def made_up_face_pipeline(person: str) -> None:
    """Detection and embedding without a model: one face per photo, a vector drawn from the person's name."""
    from lab.faces.detection import Detection, Face
    from lab.workflows import faces as workflow

    def detect(photo, detector, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        return Detection(detector, [Face(0, 0, 40, 40, 0.99, np.full((40, 40, 3), 128, np.uint8))], 0.0)

    def embed(crops, _model):  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(zlib.crc32(person.encode()))
        return rng.normal(size=(len(crops), 128)).astype(np.float32)

    workflow.detect, workflow.embed = detect, embed


def ready_then_wait() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def join(nickname: str) -> int:
    from lab.errors import LabError
    from lab.workflows.classroom import join as join_class
    from lab.workflows.classroom import open_classes

    deadline = time.monotonic() + WAIT_FOR_CLASS_S
    try:
        while not (classes := open_classes()):
            if time.monotonic() > deadline:
                print("error: no class was started", file=sys.stderr)
                return 3
            time.sleep(0.02)
        player = join_class(classes[0].code, nickname, client=None)
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Joined {classes[0].code} as {player.nickname}")
    return 0


def main(argv: list[str]) -> int:
    job, *args = argv
    from lab.cli import main as command
    from lab.workflows import classroom  # noqa: F401  (imported before the start, as the command's own modules)

    if job == "enrol":
        made_up_face_pipeline(args[0])
        ready_then_wait()
        return command(["faces", "enrol", args[0], args[1], "--db", "class"])
    if job == "start":
        ready_then_wait()
        return command(["class", "start", "--json"])
    if job == "join":
        ready_then_wait()
        return join(args[0])
    raise SystemExit(f"unknown job {job}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
