"""A face database (the lecture's company and its employees): enrol and remove people with no retraining.

Each enrolled face is stored as its embedding (computed once, when enrolled) with a small thumbnail, in one
``.npz`` file per database. Identifying a new face is one vectorised distance computation against all stored
embeddings. Every change rewrites the file under a temporary name and renames it (a crash leaves the old
database or the new one, never a mixture), under a lock so that two sessions enrolling at once do not
drop each other's changes. Photos that are only identified are never written anywhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lab.errors import LabError, StorageError
from lab.faces.embedding import checked_threshold, distances
from lab.limits import face_threshold
from lab.faces.photos import thumbnail
from lab.files import atomic_write, remove_stale_temporaries
from lab.i18n import N_, _, ngettext

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
THUMBNAIL = 96
FORMAT = 1


class DatabaseError(LabError):
    """A face database cannot be read or does not fit the request (another model, an unknown person)."""


# What check_name's callers call the name, marked for translation (the message translates ``what``).
NAME_KINDS = (N_("person"), N_("database"))


def check_name(name: str, what: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ValueError(_("{what} {name!r}: use 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a "
                           "letter or digit").format(what=_(what), name=name))
    return name


@dataclass(frozen=True)
class Match:
    person: str
    distance: float  # the smallest distance to any of the person's enrolled faces
    face: int  # row of that face in the database


@dataclass(frozen=True)
class Identification:
    ranking: list[Match]  # one per person, nearest first
    threshold: float
    metric: str

    @property
    def nearest(self) -> Match | None:
        return self.ranking[0] if self.ranking else None

    @property
    def person(self) -> str | None:
        """The nearest person if within the threshold, else None ("unknown")."""
        best = self.nearest
        return best.person if best is not None and best.distance <= self.threshold else None

    def at(self, threshold: float) -> Identification:
        """The same ranking against another threshold (the distances do not change)."""
        return dataclasses.replace(self, threshold=face_threshold(self.metric, threshold))

    def as_dict(self) -> dict:
        return {"person": self.person, "known": self.person is not None, "threshold": self.threshold,
                "distance_metric": self.metric,
                "ranking": [{"person": m.person, "distance": m.distance} for m in self.ranking]}


@dataclass
class FaceDatabase:
    path: Path
    model: str
    detector: str
    people: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) name of each face
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) photo it came from
    embeddings: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    thumbnails: np.ndarray = field(default_factory=lambda: np.zeros((0, THUMBNAIL, THUMBNAIL, 3), dtype=np.uint8))

    @property
    def size(self) -> int:
        return int(self.people.size)

    def summary(self) -> str:
        """One line naming the database in use, for a sidebar: a lecturer switching databases must see which one
        the page enrols into and identifies against."""
        people = len(self.persons())
        return "{name} ({model} + {detector}), {people}, {faces}".format(
            name=self.path.stem, model=self.model, detector=self.detector,
            people=ngettext("{n} person", "{n} people", people).format(n=people),
            faces=ngettext("{n} face", "{n} faces", self.size).format(n=self.size))

    def persons(self) -> dict[str, list[int]]:
        """``{person: rows of their faces}``, in enrolment order."""
        rows: dict[str, list[int]] = {}
        for row, person in enumerate(self.people.tolist()):
            rows.setdefault(person, []).append(row)
        return rows

    def identify(self, vector: np.ndarray, metric: str = "cosine", threshold: float | None = None) -> Identification:
        """Everyone ranked by their nearest enrolled face; "unknown" when even the nearest is above the threshold."""
        limit = checked_threshold(self.model, metric, threshold)
        if self.size == 0:
            return Identification([], limit, metric)
        found = distances(self.embeddings, vector, metric)
        order = np.argsort(found, kind="stable")
        _people, first = np.unique(self.people[order], return_index=True)  # each person's nearest face
        best_rows = order[np.sort(first)]
        ranking = [Match(str(self.people[row]), float(found[row]), int(row)) for row in best_rows]
        return Identification(ranking, limit, metric)

    # Changes return a new database object and write it; the caller's object is left as it was.
    def with_faces(self, person: str, vectors: np.ndarray, faces: list[np.ndarray], sources: list[str]) -> FaceDatabase:
        person = check_name(person, "person")
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.size and vectors.shape[1] != self.embeddings.shape[1]:
            raise DatabaseError(_("these embeddings have {given} values; the database holds {held}").format(
                given=vectors.shape[1], held=self.embeddings.shape[1]))
        embeddings = vectors if self.size == 0 else np.concatenate([self.embeddings, vectors])
        return FaceDatabase(
            self.path, self.model, self.detector,
            np.concatenate([self.people, np.array([person] * len(faces))]),
            np.concatenate([self.sources, np.array(sources, dtype=str)]),
            embeddings,
            np.concatenate([self.thumbnails, np.stack([thumbnail(f, THUMBNAIL) for f in faces])]),
        )

    def without(self, person: str) -> FaceDatabase:
        keep = self.people != person
        if keep.all():
            raise DatabaseError(_("{person!r} is not in the database").format(person=person))
        return FaceDatabase(self.path, self.model, self.detector, self.people[keep], self.sources[keep],
                            self.embeddings[keep], self.thumbnails[keep])

    def save(self) -> None:
        def write(temporary: Path) -> None:
            with open(temporary, "wb") as handle:
                np.savez(handle, format=np.array(FORMAT), model=np.array(self.model), detector=np.array(self.detector),
                         people=self.people.astype(str), sources=self.sources.astype(str),
                         embeddings=self.embeddings.astype(np.float32), thumbnails=self.thumbnails)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, write)
        except OSError as exc:
            raise StorageError(_("cannot write the face database {path}: {reason}").format(
                path=self.path, reason=exc.strerror or exc)) from exc


def database_path(folder: Path, name: str) -> Path:
    return Path(folder) / f"{check_name(name, 'database')}.npz"


def list_databases(folder: Path) -> list[str]:
    return sorted(p.stem for p in Path(folder).glob("*.npz") if not p.name.startswith(".")) if Path(folder).is_dir() else []


def open_database(path: Path, model: str | None = None, detector: str | None = None) -> FaceDatabase:
    """The database at ``path``; a missing file is an empty database for ``model`` and ``detector``.

    An existing database keeps the model and detector it was built with: its embeddings mean nothing to another model.
    """
    path = Path(path)
    if not path.exists():
        if model is None or detector is None:
            raise DatabaseError(_("there is no face database {path}; enrol someone to create it").format(path=path))
        return FaceDatabase(path, model, detector)
    _clean_if_idle(path)
    try:
        with np.load(path, allow_pickle=False) as stored:
            database = FaceDatabase(path, str(stored["model"]), str(stored["detector"]), stored["people"],
                                    stored["sources"], stored["embeddings"], stored["thumbnails"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise DatabaseError(_("{path} is not a face database of the lab, or it is damaged ({reason}). It was left "
                              "as it is; enrolling into it is refused until it is moved away.").format(
            path=path, reason=_unreadable(exc))) from exc
    sizes = {database.people.size, database.sources.size, database.embeddings.shape[0], database.thumbnails.shape[0]}
    if len(sizes) != 1:
        raise DatabaseError(_("{path} is damaged: its arrays disagree on the number of faces").format(path=path))
    if model is not None and model != database.model:
        raise DatabaseError(_("the database {name!r} was built with {built_with} (+ {detector}); {model}'s embeddings "
                              "cannot be compared with it. Use {built_with}, or another database.").format(
            name=path.stem, built_with=database.model, detector=database.detector, model=model))
    return database


def _unreadable(exc: BaseException) -> str:
    """Why NumPy could not read a database, in a user's words (not NumPy's advice on allow_pickle)."""
    if isinstance(exc, KeyError):
        return _("it lacks arrays that every face database has (model, detector, people, embeddings, ...)")
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        return _("it is not a complete .npz archive")
    if isinstance(exc, ValueError) and "pickle" in str(exc):
        return _("it holds Python objects, which a face database never does and the lab never loads")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _("it is not an .npz file of arrays")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise changes to one database across sessions and processes (an advisory lock beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            remove_stale_temporaries(path)  # left by a writer killed mid-save; no living writer has one now
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_if_idle(path: Path) -> None:
    """Leftovers of killed writers go on open too (a database that is only read again); not while one writes.

    Every writer holds the lock file, so without one there is nothing to clean and none is created here.
    """
    try:
        with open(path.with_suffix(".lock"), "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            remove_stale_temporaries(path)
    except OSError:
        pass  # no lock file, a writer holds it (and cleans when it takes it), or the folder cannot be read


def enrol(path: Path, model: str, detector: str, person: str, vectors: np.ndarray,
          faces: list[np.ndarray], sources: list[str]) -> FaceDatabase:
    """Add a person's faces (embedded already) and write the database; returns the new database."""
    if not len(faces) == len(sources) == len(vectors) or not faces:
        raise ValueError("enrol needs one embedding, one face crop and one source name per face")
    with locked(path):
        database = open_database(path, model, detector).with_faces(person, vectors, faces, sources)
        database.save()
    return database


def remove(path: Path, person: str) -> FaceDatabase:
    with locked(path):
        database = open_database(path).without(person)
        database.save()
    return database


def enrol_folder(path: Path, model: str, detector: str, folder: Path) -> FaceDatabase:
    """Enrol everyone of a labelled folder (one sub-folder of photos per person) not enrolled yet: a class in one go.

    Each photo's largest face is used; photos without a face are left out.
    """
    from lab.faces.calibration import embed_folder

    faces = embed_folder(folder, model, detector)
    database = open_database(path, model, detector)
    people = np.asarray(faces.people)
    for person in dict.fromkeys(faces.people):
        if person in database.persons():
            continue
        rows = np.flatnonzero(people == person)
        database = enrol(path, model, detector, person, faces.vectors[rows], [faces.faces[r] for r in rows],
                         [faces.sources[r].split("/")[-1] for r in rows])
    return database
