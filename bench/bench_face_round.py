"""The live class's face round on this machine's CPU: what one photo costs the server that takes it, and what the
projector's and a student's result cost with a whole class's faces kept.

    .venv/bin/python -m bench.bench_face_round [--people 10] [--students 30] [--json FILE]

``--people`` LFW people of $FACES_LFW_DIR (default ../shared/data/faces-lfw) give 3 photos each through
``give_photo`` (decode, detect with yunet, align, embed with Facenet, keep the embedding and a thumbnail: the work of
a student's script run); then ``--students`` students' worth of faces (3 each; the LFW ones, then copies with a
little noise) are kept and the projector's view (``class_face_view``: every pair's distance, rank-1, ROC) and one
student's view (``student_face_view``) are timed. A temporary SQLite database; DeepFace's weights in $DEEPFACE_HOME.
The load average is printed before and after: figures taken while other work runs are slower.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.harness.server import SHARED_DATA

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def seconds(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    lfw = Path(os.environ.get("FACES_LFW_DIR") or SHARED_DATA / "faces-lfw")
    database = f"sqlite:///{tempfile.mkdtemp(prefix='face-round-bench-')}/class.sqlite"

    import numpy as np

    from lab.classroom.class_faces import store_face
    from lab.classroom.rooms import class_row, player_of
    from lab.db import transaction
    from lab.faces.embedding import warm_up
    from lab.faces.photos import load_photo
    from lab.roles import Role
    from lab.workflows.classroom import join, start_class
    from lab.workflows.face_round import class_face_view, give_photo, open_face_round, student_face_view

    load_before = os.getloadavg()
    built = warm_up("Facenet")  # as the server does when it starts
    if built is not None:
        built.join()
    info = start_class("bench", role=Role.TEACHER, database_url=database)
    open_face_round(info.code, role=Role.TEACHER, database_url=database)
    people = sorted(p for p in lfw.iterdir() if p.is_dir() and len(list(p.iterdir())) >= 3)[:options.people]
    players = [join(info.code, f"p{n}", client=None, database_url=database)
               for n in range(max(options.students, len(people)))]
    give = []
    for player, person in zip(players, people):
        for path in sorted(person.iterdir())[:3]:
            photo = load_photo(path)
            try:
                give.append(seconds(lambda: give_photo(info.code, player.token, photo, consent=True,
                                                       database_url=database)))
            except Exception as exc:  # noqa: BLE001 - a photo the detector finds no face in: skipped, said
                print(f"skipped {path.name}: {exc}")
    kept = class_face_view(info.code, database).result.faces
    rng = np.random.default_rng(0)
    for player in players[len(people):]:  # the rest of the class: copies of the real faces with a little noise
        for _photo in range(3):
            vector = rng.normal(size=128).astype(np.float32) * 0.1 + rng.normal(size=128).astype(np.float32)
            transaction(lambda c, v=vector, t=player.token: store_face(
                c, class_row(c, info.code), player_of(c, t), v, b"", "Facenet"), database)
    projector = [seconds(lambda: class_face_view(info.code, database)) for _ in range(5)]
    student = [seconds(lambda: student_face_view(info.code, players[0].token, database)) for _ in range(5)]
    view = class_face_view(info.code, database)
    figures = {
        "give_photo_s": {"median": statistics.median(give), "max": max(give), "photos": len(give)},
        "class_faces": view.result.faces, "real_faces": kept,
        "projector_view_s": statistics.median(projector), "student_view_s": statistics.median(student),
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
    }
    print(f"give_photo (decode, detect, embed, keep): median {figures['give_photo_s']['median']:.3f} s, "
          f"max {figures['give_photo_s']['max']:.3f} s over {len(give)} photos")
    print(f"{view.result.faces} faces kept: projector's view {figures['projector_view_s']:.3f} s, "
          f"a student's view {figures['student_view_s']:.3f} s (medians of 5)")
    print(f"load average before {load_before}, after {figures['load_average_after']}")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
