"""``python -m lab faces enrol|remove|list|identify``: a face database, where adding a person needs no retraining."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab.cli.common import checked_threshold, print_json, warn_about_threshold


def _database(args: argparse.Namespace) -> Path:
    from lab.config import face_db_dir
    from lab.faces.database import database_path

    return database_path(face_db_dir(args.db_dir), args.db)


def enrol(args: argparse.Namespace) -> int:
    from lab.faces.database import check_name, open_database
    from lab.faces.photos import load_photo
    from lab.workflows.faces import enrol_photos

    path = _database(args)
    person = check_name(args.person, "person")
    target = open_database(path, args.model, args.detector)  # an existing one keeps its detector
    done = enrol_photos(path, person, [load_photo(p) for p in args.photos], target.model, target.detector)
    for note in done.notes:
        print(note, file=sys.stderr)
    print(f"Enrolled {person} from {len(done.sources)} photo(s) in {path} ({target.model} + {target.detector}): "
          f"{len(done.database.persons())} people, {done.database.size} faces. Nothing was retrained.")
    return 0


def remove(args: argparse.Namespace) -> int:
    from lab.faces.database import remove as remove_person

    database = remove_person(_database(args), args.person)
    print(f"Removed {args.person}: {len(database.persons())} people, {database.size} faces left.")
    return 0


def list_people(args: argparse.Namespace) -> int:
    from lab.faces.database import open_database

    database = open_database(_database(args))
    people = {person: [str(database.sources[r]) for r in rows] for person, rows in database.persons().items()}
    if args.json:
        print_json({"database": str(database.path), "model": database.model, "detector": database.detector,
                    "people": people})
        return 0
    print(f"{database.path}: {database.model} + {database.detector}, {len(people)} people, {database.size} faces")
    for person, sources in people.items():
        print(f"  {person}: {', '.join(sources)}")
    return 0


def identify(args: argparse.Namespace) -> int:
    from lab.faces.database import open_database
    from lab.faces.photos import load_photo
    from lab.workflows.faces import identify_photo

    checked_threshold(args)
    database = open_database(_database(args))
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
