"""A face database (the lecture's company and its employees): enrol and remove people with no retraining.

Each enrolled face is stored as its embedding (computed once, when enrolled) with a small thumbnail, in the lab's
shared database (:mod:`lab.db`): a *gallery* (what the page and ``--db`` call a database) is a row of ``galleries``,
its faces rows of ``faces`` (float32 embedding bytes with their model and dimension, a PNG thumbnail, the session
that enrolled it). Every change is one transaction (all of it is written, or none), so several sessions, processes
or servers enrolling at once lose nothing, and bumps the gallery's revision. Identifying a new face is one vectorised
distance computation against the gallery's vectors, which each process keeps in memory per (database, gallery,
revision): one cheap SELECT of the revision tells it whether to read them again. Photos that are only identified
are never written anywhere.

Face databases of earlier versions were ``.npz`` files; :func:`read_npz` reads one (never with pickle) for
:func:`import_npz`.
"""

from __future__ import annotations

import dataclasses
import io
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from lab.db.engine import database_url, read, transaction
from lab.db.schema import faces as faces_table
from lab.db.schema import galleries
from lab.errors import LabError
from lab.faces.embedding import METRICS, checked_threshold
from lab.faces.photos import thumbnail
from lab.i18n import N_, _, ngettext
from lab.limits import face_threshold

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
THUMBNAIL = 96
SOURCE_LENGTH = 255  # faces.source's length: a longer photo name is shortened, keeping its end (the extension)
INSERT_BATCH = 1000  # rows per executemany: 100,000 faces go in as 100 round trips, not 100,000
RANKING_TOP = 50  # people an identification ranks (the page's table); a class has fewer, 100,000 faces many more
EPSILON = 1e-10  # DeepFace's l2_normalize adds it to the norm; the same here, so that distances are DeepFace's


class DatabaseError(LabError):
    """A face database cannot be read or does not fit the request (another model, an unknown person)."""


class GalleryMismatchError(DatabaseError):
    """Embeddings of another model or dimension than the gallery's: they mean nothing next to its own."""


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
    ranking: list[Match]  # one per person, nearest first (the nearest ``top`` people when identify was given one)
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


class Thumbnails(Sequence):
    """A gallery's thumbnails, read from the database when first shown: 100,000 of them would be 2.7 GB decoded,
    and a page shows a few. ``thumbnails[row]`` is a (96, 96, 3) uint8 picture; ``take(rows)`` reads several at once."""

    def __init__(self, url: str, ids: np.ndarray) -> None:
        self._url, self._ids = url, ids
        self._decoded: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._ids.size)

    def __getitem__(self, row):  # type: ignore[no-untyped-def]
        if isinstance(row, slice):
            return self.take(range(len(self))[row])
        return self.take([int(row)])[0]

    def take(self, rows: Iterable[int]) -> list[np.ndarray]:
        rows = [int(r) for r in rows]
        for row in rows:
            if not -len(self) <= row < len(self):
                raise IndexError(row)
        rows = [r % len(self) if len(self) else r for r in rows]
        with self._lock:
            missing = sorted({int(self._ids[r]) for r in rows} - set(self._decoded))
        if missing:
            def fetch(connection: Connection) -> list[tuple[int, bytes]]:
                return [tuple(r) for r in connection.execute(
                    sa.select(faces_table.c.id, faces_table.c.thumbnail).where(faces_table.c.id.in_(missing)))]
            found = {face_id: png_pixels(data) for face_id, data in read(fetch, self._url)}
            with self._lock:
                self._decoded.update(found)
        blank = np.zeros((THUMBNAIL, THUMBNAIL, 3), np.uint8)  # removed since this snapshot was read
        with self._lock:
            return [self._decoded.get(int(self._ids[r]), blank) for r in rows]


class _Index:
    """The gallery's vectors prepared once for every query, so that a query among 100,000 faces stays far below 50 ms.

    A query first scans float32 unit rows (half the memory of float64, so twice as fast: the scan is memory-bound),
    which ranks faces to within 1e-5 of the cosine; then only the faces that can be among the nearest people get
    their exact distance, DeepFace's formulas in float64 rounded to 6 decimals as it rounds. Every distance returned
    is the exact one, and the candidates are chosen with a margin above float32's error, so the answer is the one a
    full float64 computation gives.
    """

    MARGIN = 2e-5  # in cosine similarity: float32's error on a 128- or 512-term dot product of unit vectors is < 1e-5

    def __init__(self, embeddings: np.ndarray, people: np.ndarray) -> None:
        self.vectors = np.asarray(embeddings, dtype=np.float32)
        norms = np.linalg.norm(self.vectors.astype(np.float64), axis=1)
        self.scale = norms + EPSILON  # DeepFace's l2_normalize divides by norm + epsilon
        self.squares = norms * norms
        self.unit32 = (self.vectors / self.scale[:, None]).astype(np.float32)
        self.names, self.codes = np.unique(np.asarray(people, dtype=str), return_inverse=True)

    def _query(self, query: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
        query = np.asarray(query, dtype=np.float64).ravel()
        if query.size != self.vectors.shape[1]:
            raise GalleryMismatchError(_("this embedding has {given} values; the database holds {held}").format(
                given=query.size, held=self.vectors.shape[1]))
        norm = float(np.linalg.norm(query))
        return query, norm, query / (norm + EPSILON)

    def exact(self, rows: np.ndarray, query: np.ndarray, metric: str) -> np.ndarray:
        """DeepFace's distances (float64, rounded to 6 decimals) from ``query`` to the faces ``rows``."""
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
        query, norm, unit_query = self._query(query)
        unit = self.vectors[rows].astype(np.float64) / self.scale[rows, None]
        cosine = unit @ unit_query
        if metric == "cosine":
            found = 1.0 - cosine
        elif metric == "angular":
            found = np.arccos(np.clip(cosine, -1.0, 1.0)) / np.pi
        elif metric == "euclidean_l2":
            unit_squares = np.einsum("ij,ij->i", unit, unit)
            found = np.sqrt(np.maximum(unit_squares + unit_query @ unit_query - 2.0 * cosine, 0.0))
        else:
            dots = cosine * self.scale[rows] * (norm + EPSILON)
            found = np.sqrt(np.maximum(self.squares[rows] + norm * norm - 2.0 * dots, 0.0))
        return np.round(found, 6)

    def distances(self, query: np.ndarray, metric: str) -> np.ndarray:
        """Exact distances to every face (as :func:`lab.faces.embedding.distances` gives them)."""
        return self.exact(np.arange(self.vectors.shape[0]), query, metric)

    def _approximate(self, query: np.ndarray, metric: str) -> tuple[np.ndarray, float]:
        """A key per face that grows with its distance, from the float32 scan, and the key's error bound."""
        _query, norm, unit_query = self._query(query)
        cosine = (self.unit32 @ unit_query.astype(np.float32)).astype(np.float64)
        if metric == "euclidean":  # the squared distance: the norms matter, not only the angle
            return (self.squares + norm * norm - 2.0 * cosine * self.scale * (norm + EPSILON),
                    2.0 * self.MARGIN * float(self.scale.max(initial=0.0)) * (norm + EPSILON))
        return -cosine, self.MARGIN  # cosine, angular and euclidean_l2 all grow as the cosine falls

    def nearest(self, query: np.ndarray, metric: str, top: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows of each person's nearest face, nearest first (ties: the earlier row), only ``top`` people if given,
        and their exact distances."""
        n = self.vectors.shape[0]
        wanted = len(self.names) if top is None else min(top, len(self.names))
        if top is None or n <= 4 * wanted:
            rows = np.arange(n)
            return self._per_person(rows, self.exact(rows, query, metric), wanted)
        keys, error = self._approximate(query, metric)
        m = max(4 * wanted, 64)
        while True:
            kth = np.partition(keys, m - 1)[m - 1]
            within = np.flatnonzero(keys <= kth)
            if m >= n or np.unique(self.codes[within]).size >= wanted:
                # Faces outside these candidates are farther than the m nearest, which hold the wanted people.
                rows = np.flatnonzero(keys <= kth + 2.0 * error)
                return self._per_person(rows, self.exact(rows, query, metric), wanted)
            m = min(n, m * 4)

    def _per_person(self, rows: np.ndarray, found: np.ndarray, wanted: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.lexsort((rows, found))  # by distance, then by row
        _names, first = np.unique(self.codes[rows[order]], return_index=True)
        best = order[np.sort(first)][:wanted]
        return rows[best], found[best]


@dataclass
class FaceDatabase:
    """One gallery as read at one revision (or built in memory: a read ``.npz`` file, a test). Arrays, one row per
    enrolled face, in enrolment order."""

    name: str
    model: str
    detector: str
    people: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) name of each face
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) photo it came from
    embeddings: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    thumbnails: Sequence = field(default_factory=lambda: np.zeros((0, THUMBNAIL, THUMBNAIL, 3), dtype=np.uint8))
    owners: np.ndarray | None = None  # (n,) the session that enrolled each face ("" unknown); None: nobody's
    url: str | None = None  # the shared database it lives in; None: in memory only
    revision: int = 0
    gallery_id: int | None = None  # None: not created yet (its first enrolment creates it)
    _index: _Index | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def size(self) -> int:
        return int(self.people.size)

    def summary(self) -> str:
        """One line naming the database in use, for a sidebar: a lecturer switching databases must see which one
        the page enrols into and identifies against."""
        people = len(self.persons())
        return "{name} ({model} + {detector}), {people}, {faces}".format(
            name=self.name, model=self.model, detector=self.detector,
            people=ngettext("{n} person", "{n} people", people).format(n=people),
            faces=ngettext("{n} face", "{n} faces", self.size).format(n=self.size))

    def persons(self) -> dict[str, list[int]]:
        """``{person: rows of their faces}``, in enrolment order."""
        rows: dict[str, list[int]] = {}
        for row, person in enumerate(self.people.tolist()):
            rows.setdefault(person, []).append(row)
        return rows

    def pictures(self, rows: Iterable[int]) -> list[np.ndarray]:
        """The thumbnails of ``rows`` (read from the database in one query when it holds them)."""
        if isinstance(self.thumbnails, Thumbnails):
            return self.thumbnails.take(rows)
        return [np.asarray(self.thumbnails[r]) for r in rows]

    def owned_by(self, owner: str | None) -> dict[str, list[int]]:
        """``{person: rows}`` of the faces that the session ``owner`` enrolled (what a student may remove)."""
        if not owner or self.owners is None:
            return {}
        return {person: [r for r in rows if self.owners[r] == owner] for person, rows in self.persons().items()
                if any(self.owners[r] == owner for r in rows)}

    def index(self) -> _Index:
        with self._lock:
            if self._index is None:
                self._index = _Index(self.embeddings, self.people)
            return self._index

    def identify(self, vector: np.ndarray, metric: str = "cosine", threshold: float | None = None,
                 top: int | None = None) -> Identification:
        """Everyone (or the ``top`` nearest people) ranked by their nearest enrolled face; "unknown" when even the
        nearest is above the threshold."""
        limit = checked_threshold(self.model, metric, threshold)
        if self.size == 0:
            return Identification([], limit, metric)
        rows, found = self.index().nearest(vector, metric, top)
        return Identification([Match(str(self.people[r]), float(d), int(r)) for r, d in zip(rows, found)], limit,
                              metric)


# ----------------------------------------------------------------------------------------- reading a gallery

# Each process's copy of the galleries it identifies against: {(url, name): snapshot}; a snapshot is replaced when the
# gallery's id or revision in the database differs from its own.
_snapshots: dict[tuple[str, str], FaceDatabase] = {}
_snapshots_lock = threading.Lock()


def _head(connection: Connection, name: str) -> sa.Row | None:
    return connection.execute(sa.select(galleries.c.id, galleries.c.model, galleries.c.detector,
                                        galleries.c.dimension, galleries.c.revision)
                              .where(galleries.c.name == name)).first()


def _other_model(name: str, head: sa.Row, model: str) -> GalleryMismatchError:
    return GalleryMismatchError(_(
        "the database {name!r} was built with {built_with} (+ {detector}); {model}'s embeddings cannot be compared "
        "with it. Use {built_with}, or another database.").format(
        name=name, built_with=head.model, detector=head.detector, model=model))


def list_databases(url: str | None = None) -> list[str]:
    """The galleries' names, sorted."""
    return read(lambda c: [str(n) for n in c.execute(sa.select(galleries.c.name).order_by(galleries.c.name)).scalars()],
                url)


def open_database(name: str, model: str | None = None, detector: str | None = None,
                  url: str | None = None) -> FaceDatabase:
    """The gallery ``name`` as it is now; a missing one is an empty database for ``model`` and ``detector`` (created by
    its first enrolment).

    An existing gallery keeps the model and detector it was built with: its embeddings mean nothing to another model.
    Costs one SELECT when this process read the gallery at its current revision already.
    """
    url = database_url(url)
    name = check_name(name, "database")
    head = read(lambda c: _head(c, name), url)
    if head is None:
        if model is None or detector is None:
            raise DatabaseError(_("there is no face database {name!r}; enrol someone to create it").format(name=name))
        return FaceDatabase(name, model, detector, url=url)
    if model is not None and model != head.model:
        raise _other_model(name, head, model)
    key = (url, name)
    with _snapshots_lock:  # one reader loads a gallery; the others wait for it rather than load it again
        known = _snapshots.get(key)
        if known is not None and (known.gallery_id, known.revision) == (head.id, head.revision):
            return known
        loaded = read(lambda c: _load(c, name, url), url)
        if loaded is None:  # removed since the first look
            raise DatabaseError(_("there is no face database {name!r}; enrol someone to create it").format(name=name))
        loaded.index()  # prepared here, so that the first identification is as fast as the next
        _snapshots[key] = loaded
        return loaded


def _load(connection: Connection, name: str, url: str) -> FaceDatabase | None:
    # The revision is read before the faces: a change in between makes the copy newer than its revision, which the
    # next look reads again (never older than its revision, which would be kept).
    head = _head(connection, name)
    if head is None:
        return None
    f = faces_table
    rows = connection.execute(sa.select(f.c.id, f.c.person, f.c.source, f.c.owner, f.c.dimension, f.c.embedding)
                              .where(f.c.gallery_id == head.id).order_by(f.c.id)).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    dimension = head.dimension or 0
    blobs = [bytes(r[5]) for r in rows]
    if any(r[4] != dimension or len(b) != 4 * dimension for r, b in zip(rows, blobs)):
        raise DatabaseError(_("the face database {name!r} is damaged: its embeddings disagree on their size").format(
            name=name))
    embeddings = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(rows), dimension).astype(np.float32)
    return FaceDatabase(name, str(head.model), str(head.detector),
                        np.array([r[1] for r in rows], dtype=str), np.array([r[2] for r in rows], dtype=str),
                        embeddings, Thumbnails(url, ids), np.array([r[3] or "" for r in rows], dtype=str),
                        url, int(head.revision), int(head.id))


def forget_snapshots() -> None:
    """Drop this process's copies of the galleries (tests that point the lab at another database)."""
    with _snapshots_lock:
        _snapshots.clear()


# ----------------------------------------------------------------------------------------- changing a gallery


def png_bytes(picture: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    with Image.fromarray(np.ascontiguousarray(picture, dtype=np.uint8)) as image:
        image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def png_pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(bytes(data))) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def _source(name: str) -> str:
    return name if len(name) <= SOURCE_LENGTH else "..." + name[-(SOURCE_LENGTH - 3):]


def _lock_gallery(connection: Connection, name: str, model: str | None = None, detector: str | None = None) -> sa.Row:
    """The gallery's row, its revision bumped (which holds its row lock until the end of the transaction on
    PostgreSQL; SQLite's writer holds the whole file); created first when ``model`` and ``detector`` are given."""
    if model is not None and detector is not None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        # Two sessions creating the same gallery at once: one inserts, the other's insert does nothing.
        connection.execute(insert(galleries).values(name=name, model=model, detector=detector)
                           .on_conflict_do_nothing(index_elements=["name"]))
    connection.execute(galleries.update().where(galleries.c.name == name)
                       .values(revision=galleries.c.revision + 1))
    head = _head(connection, name)
    if head is None:
        raise DatabaseError(_("there is no face database {name!r}; enrol someone to create it").format(name=name))
    return head


def _insert(connection: Connection, head: sa.Row, name: str, model: str, people: Sequence[str], vectors: np.ndarray,
            pngs: Sequence[bytes], sources: Sequence[str], owner: str | None) -> None:
    if model != head.model:
        raise _other_model(name, head, model)
    vectors = np.asarray(vectors, dtype="<f4")
    if vectors.ndim != 2 or vectors.shape[0] != len(people):
        raise ValueError("one embedding per face is needed")
    dimension = int(vectors.shape[1])
    if head.dimension is not None and dimension != head.dimension:
        raise GalleryMismatchError(_("these embeddings have {given} values; the database holds {held}").format(
            given=dimension, held=head.dimension))
    if head.dimension is None:
        connection.execute(galleries.update().where(galleries.c.id == head.id).values(dimension=dimension))
    rows = [{"gallery_id": head.id, "person": person, "source": _source(source), "model": model,
             "dimension": dimension, "embedding": vector.tobytes(), "thumbnail": png, "owner": owner}
            for person, vector, png, source in zip(people, vectors, pngs, sources)]
    for start in range(0, len(rows), INSERT_BATCH):
        connection.execute(faces_table.insert(), rows[start:start + INSERT_BATCH])


def add_faces(name: str, model: str, detector: str, people: Sequence[str], vectors: np.ndarray,
              pngs: Sequence[bytes], sources: Sequence[str], owner: str | None = None, url: str | None = None,
              skip_enrolled: bool = False) -> list[str]:
    """Insert faces (embedded already, thumbnails as PNG) in one transaction; returns the people skipped because
    they were enrolled already (only with ``skip_enrolled``). The low level of :func:`enrol` and :func:`import_npz`."""
    name = check_name(name, "database")
    people = [check_name(p, "person") for p in people]
    if not len(people) == len(pngs) == len(sources) == len(vectors):
        raise ValueError("add_faces needs one embedding, one thumbnail and one source name per face")

    def work(connection: Connection) -> list[str]:
        head = _lock_gallery(connection, name, model, detector)
        skipped: list[str] = []
        keep = list(range(len(people)))
        if skip_enrolled:
            enrolled = set(connection.execute(sa.select(faces_table.c.person).distinct()
                                              .where(faces_table.c.gallery_id == head.id)).scalars())
            skipped = sorted({p for p in people if p in enrolled})
            keep = [i for i, p in enumerate(people) if p not in enrolled]
        _insert(connection, head, name, model, [people[i] for i in keep], np.asarray(vectors)[keep],
                [pngs[i] for i in keep], [sources[i] for i in keep], owner)
        return skipped

    return transaction(work, url)


def enrol(name: str, model: str, detector: str, person: str, vectors: np.ndarray, faces: list[np.ndarray],
          sources: list[str], owner: str | None = None, url: str | None = None) -> FaceDatabase:
    """Add a person's faces (embedded already; ``faces`` the crops, kept as thumbnails) in one transaction; returns
    the database after it. ``owner``: the enrolling session, which may remove what it enrolled."""
    if not len(faces) == len(sources) == len(vectors) or not faces:
        raise ValueError("enrol needs one embedding, one face crop and one source name per face")
    person = check_name(person, "person")
    pngs = [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces]
    add_faces(name, model, detector, [person] * len(faces), vectors, pngs, sources, owner, url)
    return open_database(name, url=url)


def remove(name: str, person: str, url: str | None = None, owner: str | None = None) -> FaceDatabase:
    """Delete a person's faces (only those the session ``owner`` enrolled, when given); returns the database after."""
    name = check_name(name, "database")

    def work(connection: Connection) -> None:
        head = _lock_gallery(connection, name)
        condition = sa.and_(faces_table.c.gallery_id == head.id, faces_table.c.person == person)
        if owner is not None:
            condition = sa.and_(condition, faces_table.c.owner == owner)
        if connection.execute(faces_table.delete().where(condition)).rowcount == 0:
            if owner is not None:
                raise DatabaseError(_("this session enrolled no face of {person!r}").format(person=person))
            raise DatabaseError(_("{person!r} is not in the database").format(person=person))

    transaction(work, url)
    return open_database(name, url=url)


def clear_gallery(name: str, url: str | None = None) -> int:
    """Delete every face of the gallery (the end of a class); the gallery, its model and detector stay. Returns how
    many faces were deleted."""
    name = check_name(name, "database")

    def work(connection: Connection) -> int:
        head = _lock_gallery(connection, name)
        return int(connection.execute(faces_table.delete().where(faces_table.c.gallery_id == head.id)).rowcount)

    return transaction(work, url)


def enrol_folder(name: str, model: str, detector: str, folder: Path, owner: str | None = None,
                 url: str | None = None) -> FaceDatabase:
    """Enrol everyone of a labelled folder (one sub-folder of photos per person) not enrolled yet: a class in one go.

    Each photo's largest face is used; photos without a face are left out. One transaction: all of them or none.
    """
    from lab.faces.calibration import embed_folder

    faces = embed_folder(folder, model, detector)
    open_database(name, model, detector, url)  # refuses a gallery of another model before anything is written
    add_faces(name, model, detector, list(faces.people), faces.vectors,
              [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces.faces], [s.split("/")[-1] for s in faces.sources],
              owner, url, skip_enrolled=True)
    return open_database(name, url=url)


# ----------------------------------------------------------------------------------- face databases as .npz files


@dataclass(frozen=True)
class ImportReport:
    database: str
    source: str
    imported: tuple[str, ...]  # people added
    skipped: tuple[str, ...]  # people the gallery held already: left as they were
    faces: int  # faces added

    def as_dict(self) -> dict:
        return {"database": self.database, "file": self.source, "imported": list(self.imported),
                "skipped": list(self.skipped), "faces": self.faces}


def read_npz(path: Path) -> FaceDatabase:
    """A face database file of earlier versions of the lab (one ``.npz`` per database), in memory; read without
    pickle, and refused with a reason when damaged or foreign."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(_("there is no face database file {path}").format(path=path))
    try:
        with np.load(path, allow_pickle=False) as stored:
            database = FaceDatabase(path.stem, str(stored["model"]), str(stored["detector"]), stored["people"],
                                    stored["sources"], np.asarray(stored["embeddings"], dtype=np.float32),
                                    stored["thumbnails"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise DatabaseError(_("{path} is not a face database of the lab, or it is damaged ({reason}). It was left "
                              "as it is and nothing was imported from it.").format(
            path=path, reason=_unreadable(exc))) from exc
    sizes = {database.people.size, database.sources.size, database.embeddings.shape[0], len(database.thumbnails)}
    if len(sizes) != 1 or (database.size and database.embeddings.ndim != 2):
        raise DatabaseError(_("{path} is damaged: its arrays disagree on the number of faces").format(path=path))
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


def import_npz(path: Path, name: str | None = None, url: str | None = None, owner: str | None = None) -> ImportReport:
    """Copy an ``.npz`` face database into the gallery ``name`` (default: the file's name) in one transaction: people,
    photo names, embeddings, thumbnails, model and detector. People the gallery holds already are skipped (and
    named), so importing twice adds nothing."""
    old = read_npz(path)
    name = check_name(name or old.name, "database")
    thumbnails = [png_bytes(np.asarray(t)) for t in old.thumbnails]
    skipped = add_faces(name, old.model, old.detector, [str(p) for p in old.people], old.embeddings, thumbnails,
                        [str(s) for s in old.sources], owner, url, skip_enrolled=True)
    imported = tuple(p for p in dict.fromkeys(str(p) for p in old.people) if p not in skipped)
    faces = sum(1 for p in old.people if str(p) in imported)
    return ImportReport(name, str(path), imported, tuple(skipped), faces)
