"""``python -m lab faces enrol|remove|list|identify|import|clear``: a face gallery (what ``--db NAME`` and the page
call a face database), where adding a person needs no retraining. The galleries live in the shared database
(``$ONESHOT_DATABASE_URL``, default the lab's SQLite file)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from lab.cli.common import checked_threshold, print_json, warn_about_threshold


def add_file_commands(face_commands: argparse._SubParsersAction,
                      database_options: Callable[..., None]) -> None:
    """``import`` and ``clear``: a face database as a whole."""
    import_cmd = face_commands.add_parser(
        "import", help="copy a face database file of earlier versions (.npz) into the shared database",
        description="Copies every person of FILE (their photo names, embeddings, thumbnails, model and detector) into "
        "the gallery --db. People the gallery holds already are skipped and named, so importing twice adds nothing. "
        "The file is read without pickle and left as it is.")
    import_cmd.add_argument("file", type=Path, metavar="FILE.npz")
    database_options(import_cmd, default=None)
    import_cmd.add_argument("--json", action="store_true")

    clear_cmd = face_commands.add_parser("clear", help="delete every face of a face database (the end of a class)")
    database_options(clear_cmd)
    clear_cmd.add_argument("--yes", action="store_true", help="really delete them (without it, nothing is deleted)")


def _where() -> str:
    from lab.db.engine import database_url, shown_url

    return shown_url(database_url())


def enrol(args: argparse.Namespace) -> int:
    from lab.faces.gallery import check_name
    from lab.faces.photos import load_photo
    from lab.roles import Role
    from lab.workflows.faces import enrol_photos
    from lab.workflows.gallery import open_gallery

    person = check_name(args.person, "person")
    target = open_gallery(args.db, args.model, args.detector)  # an existing one keeps its detector
    # Whoever runs the command line can reach the database anyway: it acts as the teacher.
    done = enrol_photos(target.name, person, [load_photo(p) for p in args.photos], target.model, target.detector,
                        role=Role.TEACHER)
    for note in done.notes:
        print(note, file=sys.stderr)
    print(f"Enrolled {person} from {len(done.sources)} photo(s) in {target.name} ({target.model} + {target.detector}, "
          f"{_where()}): {len(done.database.persons())} people, {done.database.size} faces. Nothing was retrained.")
    return 0


def remove(args: argparse.Namespace) -> int:
    from lab.workflows.gallery import remove as remove_person

    database = remove_person(args.db, args.person)
    print(f"Removed {args.person}: {len(database.persons())} people, {database.size} faces left.")
    return 0


def list_people(args: argparse.Namespace) -> int:
    from lab.workflows.gallery import open_gallery

    database = open_gallery(args.db)
    people = database.persons()
    if args.json:
        print_json({"database": database.name, "model": database.model, "detector": database.detector,
                    "faces": database.size,
                    "people": [{"person": person, "photos": len(rows)} for person, rows in people.items()]})
        return 0
    print(f"{database.name} ({_where()}): {database.model} + {database.detector}, {len(people)} people, "
          f"{database.size} faces")
    for person, rows in people.items():
        print(f"  {person}: {', '.join(str(database.sources[r]) for r in rows)}")
    return 0


def identify(args: argparse.Namespace) -> int:
    from lab.faces.photos import load_photo
    from lab.workflows.faces import identify_photo
    from lab.workflows.gallery import open_gallery

    checked_threshold(args)
    database = open_gallery(args.db)
    warn_about_threshold(database.model, args.metric, args.threshold)
    photo = load_photo(args.photo)  # read in memory; an identified photo is never stored
    found = identify_photo(photo, database, args.metric, args.threshold, None if args.face is None else args.face - 1)
    if args.json:
        print_json({**found.as_dict(), "photo": str(args.photo)})
        return 0
    for face in found.faces:
        result = face.identification
        best = result.nearest
        who = result.person or f"unknown (nearest: {best.person})"
        print(f"{args.photo.name} face {face.face + 1}: {who}, {args.metric} distance {best.distance:.4f} "
              f"(threshold {result.threshold:.4f})")
    return 0


def import_file(args: argparse.Namespace) -> int:
    from lab.faces.npz_import import import_npz

    report = import_npz(args.file, args.db)
    if args.json:
        print_json(report.as_dict())
        return 0
    print(f"Imported {len(report.imported)} people ({report.faces} faces) from {args.file} into {report.database} "
          f"({_where()}).")
    if report.skipped:
        print(f"Skipped {len(report.skipped)} people already in {report.database} (their faces were left as they "
              f"were): {', '.join(report.skipped)}")
    return 0


def clear(args: argparse.Namespace) -> int:
    from lab.workflows.gallery import clear_gallery, open_gallery

    database = open_gallery(args.db)  # a missing gallery is an error, not "0 faces deleted"
    if not args.yes:
        print(f"This deletes all {database.size} faces of {database.name} ({_where()}); run again with --yes to do "
              "it.", file=sys.stderr)
        return 1
    print(f"Deleted {clear_gallery(database.name)} faces of {database.name}; the gallery stays, empty "
          f"({database.model} + {database.detector}).")
    return 0
