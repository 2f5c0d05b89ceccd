"""The face jobs beyond verifying two photos (:func:`lab.faces.pipeline.verify_photos`): identify a photo against
a face gallery, enrol a person, analyse thresholds on a labelled folder, run the CNN-or-embedding experiment."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import queue
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.errors import LabError
from lab.evaluation.roc import OperatingPoint
from lab.faces.calibration import (LabelledFaces, ThresholdReport, distance_point, pair_distances, point_dict,
                                   threshold_report)
from lab.faces.gallery import RANKING_TOP, Gallery
from lab.faces.gallery_index import Identification
from lab.faces.detection import Detection, detect
from lab.faces.embedding import METRICS, checked_threshold, embed
from lab.faces.experiment import (DEFAULT_EPOCHS, ExperimentProgress, ExperimentResult, make_deterministic,
                                  run_experiment)
from lab.faces.photos import Photo
from lab.faces.pipeline import choose_face
from lab.export import records_csv
from lab.formatting import format_message, format_number, format_percent
from lab.i18n import _
from lab.roles import Role
from lab.workflows.gallery import enrol, may_add_to


@dataclass(frozen=True)
class IdentifiedFace:
    face: int  # 0-based, left to right
    box: tuple[int, int, int, int]  # x, y, width, height in the photo
    identification: Identification


@dataclass(frozen=True)
class PhotoIdentification:
    photo: str
    model: str
    detection: Detection
    faces: tuple[IdentifiedFace, ...]
    search_ms: float  # the nearest-face search alone, without detection and embedding

    def at(self, threshold: float) -> PhotoIdentification:
        """The same faces judged against another threshold (the distances do not change)."""
        faces = tuple(IdentifiedFace(f.face, f.box, f.identification.at(threshold)) for f in self.faces)
        return PhotoIdentification(self.photo, self.model, self.detection, faces, self.search_ms)

    def as_dict(self) -> dict:
        return {"photo": self.photo, "model": self.model, "faces": [
            {"face": f.face + 1, "box": list(f.box), **f.identification.as_dict()} for f in self.faces]}


def identify_photo(photo: Photo, database: Gallery, metric: str = "cosine", threshold: float | None = None,
                   face: int | None = None, detection: Detection | None = None,
                   vectors: np.ndarray | None = None, top: int | None = RANKING_TOP) -> PhotoIdentification:
    """Who is in the photo: every face (or only ``face``), each against everyone enrolled (ranking the ``top`` nearest
    people). Nothing is stored: the photo, its faces and their embeddings stay in memory.

    ``detection`` and ``vectors`` (the embeddings of those faces, in order) skip work a page has cached already.
    """
    if database.size == 0:
        raise LabError(_("the face database {name!r} is empty: enrol someone first").format(name=database.name))
    limit = checked_threshold(database.model, metric, threshold)  # before any work
    detection = detect(photo, database.detector) if detection is None else detection
    choose_face(detection, photo.name)  # refuses a photo with no face
    rows = range(len(detection.faces)) if face is None else [choose_face(detection, photo.name, face)]
    if vectors is None:
        vectors = embed([detection.faces[r].aligned for r in rows], database.model)
    started = time.perf_counter()
    found = [database.identify(vector, metric, limit, top) for vector in vectors]
    search_ms = (time.perf_counter() - started) * 1000 / max(len(found), 1)
    faces = tuple(IdentifiedFace(r, (detection.faces[r].x, detection.faces[r].y, detection.faces[r].w,
                                     detection.faces[r].h), f) for r, f in zip(rows, found))
    return PhotoIdentification(photo.name, database.model, detection, faces, search_ms)


@dataclass(frozen=True)
class Enrolment:
    person: str
    database: Gallery  # after the enrolment
    sources: tuple[str, ...]
    notes: tuple[str, ...]  # e.g. which face of a group photo was used

    def as_dict(self) -> dict:
        return {"person": self.person, "database": self.database.name, "faces": len(self.sources),
                "people": len(self.database.persons()), "database_faces": self.database.size, "notes": list(self.notes)}


def enrol_photos(name: str, person: str, photos: list[Photo], model: str, detector: str,
                 faces: list[int | None] | None = None, detections: list[Detection] | None = None,
                 owner: str | None = None, database_url: str | None = None, *, role: Role) -> Enrolment:
    """Add a person from one or a few photos (the largest face of each, or the face chosen) to the gallery ``name``
    (of the shared database ``database_url``; ``owner``: the enrolling session); nothing is retrained.

    A student (``role``) may add photos only to a person their own session enrolled: a name another session, the
    teacher or the command line enrolled is refused (:class:`~lab.faces.gallery.NotYourPersonError`) before anything
    is embedded, and again in the enrolment's transaction, which leaves the gallery as it was."""
    only_own = role is not Role.TEACHER
    if only_own:
        may_add_to(name, person, owner, database_url)
    chosen_faces, sources, notes = [], [], []
    for number, photo in enumerate(photos):
        detection = detect(photo, detector) if detections is None else detections[number]
        chosen = choose_face(detection, photo.name, None if faces is None else faces[number])
        if len(detection.faces) > 1:
            notes.append(f"{photo.name}: {len(detection.faces)} faces, face {chosen + 1} enrolled")
        chosen_faces.append(detection.faces[chosen].aligned)
        sources.append(photo.name)
    database = enrol(name, model, detector, person, embed(chosen_faces, model), chosen_faces, sources, owner,
                     database_url, only_own=only_own)
    return Enrolment(person.strip(), database, tuple(sources), tuple(notes))


@dataclass(frozen=True)
class ThresholdAnalysis:
    faces: LabelledFaces
    target_far: float
    reports: tuple[ThresholdReport, ...]  # one per metric

    def report(self, metric: str) -> ThresholdReport:
        return next(r for r in self.reports if r.metric == metric)

    def pair_counts(self) -> tuple[int, int]:
        """(same-person pairs, different-person pairs) among the faces: the same for every metric."""
        _, per_person = np.unique(np.asarray(self.faces.people), return_counts=True)
        faces = len(self.faces.people)
        same = int((per_person * (per_person - 1) // 2).sum())
        return same, faces * (faces - 1) // 2 - same

    def table(self) -> list[dict]:
        """One row per metric, as the threshold lab shows it: its column names in the session's language and its
        numbers in its locale (a table of text, so that 0,9123 is shown as written; as_csv has the plain numbers)."""
        at_target = format_message(_("threshold for ≤ {target:.1%} false matches"), target=self.target_far)
        return [{_("metric"): r.metric, "AUC": format_number(round(r.curve.auc, 4)), "EER": format_percent(r.eer),
                 _("EER 95% interval"): format_message(_("{low:.1%} to {high:.1%}"), low=r.band.eer_interval[0],
                                                       high=r.band.eer_interval[1]),
                 _("EER threshold"): format_number(round(r.eer_threshold, 4)),
                 _("DeepFace threshold"): format_number(r.default.threshold),
                 _("accuracy at DeepFace's"): format_percent(r.default.accuracy),
                 at_target: format_number(round(r.threshold_at_target, 4)),
                 _("accuracy there"): format_percent(r.at_target.accuracy)} for r in self.reports]

    def as_csv(self) -> str:
        """The per-metric table with plain numbers (rates as fractions), for a spreadsheet."""
        return records_csv([{"metric": r.metric, "auc": r.curve.auc, "auc_ci95_low": r.band.auc_interval[0],
                             "auc_ci95_high": r.band.auc_interval[1], "eer": r.eer, "eer_ci95_low": r.band.eer_interval[0],
                             "eer_ci95_high": r.band.eer_interval[1], "eer_threshold": r.eer_threshold,
                             "deepface_threshold": r.default.threshold, "accuracy_at_deepface": r.default.accuracy,
                             "target_false_match_rate": r.target_far, "threshold_at_target": r.threshold_at_target,
                             "accuracy_at_target": r.at_target.accuracy,
                             "true_match_rate_at_target": 1 - r.at_target.false_reject_rate} for r in self.reports])

    def as_json(self, metric: str, threshold: float, at_threshold: OperatingPoint | None = None) -> str:
        """The chosen metric's report with the user's threshold and how it does on these pairs: what to keep
        with a deployed threshold, to know where it came from. ``at_threshold``: that operating point, if the caller
        has it already (scoring 1.4 million pairs again on every page rerun costs a second)."""
        if at_threshold is None:
            found, same, _ = pair_distances(self.faces, metric)
            at_threshold = distance_point(found, same, threshold)
        chosen = {**self.report(metric).as_dict(), "detector": self.faces.detector, "faces": len(self.faces.people),
                  "people": len(set(self.faces.people)), "threshold": float(threshold),
                  "at_threshold": point_dict(at_threshold)}
        return json.dumps(chosen, indent=2)

    def as_dict(self) -> dict:
        return {"model": self.faces.model, "detector": self.faces.detector, "faces": len(self.faces.people),
                "people": len(set(self.faces.people)), "skipped": list(self.faces.skipped),
                "reports": [r.as_dict() for r in self.reports]}


def threshold_analysis(faces: LabelledFaces, target_far: float = 0.01,
                       metrics: tuple[str, ...] = METRICS) -> ThresholdAnalysis:
    """Every same/different pair of the embedded folder, scored per metric: ROC, EER, threshold at a target rate."""
    return ThresholdAnalysis(faces, target_far, tuple(threshold_report(faces, m, target_far) for m in metrics))


def face_experiment(folder: Path, model: str = "Facenet", detector: str = "yunet", metric: str = "cosine",
                    epochs: int = DEFAULT_EPOCHS, seed: int = 0, separate_process: bool = False,
                    progress: ExperimentProgress | None = None) -> ExperimentResult:
    """The 2-fold CNN-or-embedding experiment; ``separate_process`` for a server, where Streamlit clears Keras's
    session after every script run, which must not happen in the middle of a fit (see training_jobs). The child
    reports ``progress(stage, done, total)`` through a queue, so the server's page can draw a progress bar."""
    if not separate_process:
        return run_experiment(Path(folder), model, detector, metric, epochs, seed, progress)
    context = multiprocessing.get_context("spawn")  # no TensorFlow state inherited from the server
    messages = context.Queue()
    child = context.Process(target=_experiment_child, daemon=True,
                            args=(messages, Path(folder), model, detector, metric, epochs, seed))
    child.start()
    try:
        return _follow_experiment(child, messages, progress)
    finally:
        if child.is_alive():  # the page's run was stopped: do not leave a CNN training for nobody
            child.terminate()
        child.join(timeout=10)


def _experiment_child(messages: multiprocessing.Queue, *arguments: object) -> None:
    def report(stage: str, done: int, total: int) -> None:
        messages.put(("progress", stage, done, total))

    try:
        make_deterministic()  # this process runs nothing else
        messages.put(("done", run_experiment(*arguments, progress=report)))
    except Exception as exc:  # sent to the parent, which raises it: LabError and ValueError become a page's message
        try:
            pickle.dumps(exc)
        except Exception:  # an exception that cannot cross processes is sent as its text
            exc = LabError(f"the experiment failed: {type(exc).__name__}: {exc}")
        messages.put(("failed", exc))


def _follow_experiment(child: multiprocessing.Process, messages: multiprocessing.Queue,
                       progress: ExperimentProgress | None) -> ExperimentResult:
    while True:
        try:
            kind, *payload = messages.get(timeout=1.0)
        except queue.Empty:
            if child.is_alive():
                continue
            try:  # it may have ended just after the last look
                kind, *payload = messages.get(timeout=1.0)
            except queue.Empty:
                raise LabError(f"the experiment's process ended without a result (exit code {child.exitcode}); "
                               "if it was killed for memory, close other programs and run it again") from None
        if kind == "progress":
            if progress is not None:
                progress(*payload)
        elif kind == "done":
            return payload[0]
        else:
            raise payload[0]
