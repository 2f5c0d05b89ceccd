"""A face database (the lecture's company and its employees): enrol and remove people with no retraining.

Each enrolled face is stored as its embedding (computed once, when enrolled) with a small thumbnail, in the lab's
shared database (:mod:`lab.db`): a *gallery* (what the page and ``--db`` call a database) is a row of ``galleries``,
its faces rows of ``faces`` (float32 embedding bytes with their model and dimension, a PNG thumbnail, the session
that enrolled it). Every change is one transaction (all of it is written, or none), so several sessions, processes
or servers enrolling at once lose nothing, and bumps the gallery's revision. Identifying a new face is one vectorised
distance computation against the gallery's vectors, which each process keeps in memory per (database, gallery,
revision): one cheap SELECT of the revision tells it whether to read them again. Photos that are only identified
are never written anywhere.

Face databases of earlier versions were ``.npz`` files: :mod:`lab.faces.npz_import` imports them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lab.db.engine import database_url, read, transaction
from lab.db.schema import faces as faces_table
from lab.db.schema import galleries
from lab.faces.embedding import checked_threshold
from lab.faces.gallery_store import (NAME_KINDS, SOURCE_LENGTH, DatabaseError, GalleryMismatchError,  # noqa: F401
                                     NotYourPersonError, add_faces, check_name, gallery_head, lock_gallery,
                                     other_model, refuse_others_people)
from lab.faces.identification import GalleryIndex, Identification, Match  # noqa: F401  (Match: part of this API)
from lab.faces.photos import thumbnail
from lab.faces.thumbnails import THUMBNAIL, Thumbnails, png_bytes
from lab.i18n import _, ngettext

RANKING_TOP = 50  # people an identification ranks (the page's table); a class has fewer, 100,000 faces many more


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
    thumbnails_shared: bool = False  # the teacher's switch: students see every face's thumbnail, not only their own
    _index: GalleryIndex | None = field(default=None, repr=False, compare=False)
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

    def thumbnail_shown(self, row: int, viewer: str | None, teacher: bool) -> bool:
        """Whether the face ``row``'s thumbnail may be shown to the session ``viewer``: the teacher sees every one, a
        student the faces their own session enrolled, and the others' only while the teacher shares thumbnails.
        Photo file names are the teacher's and the enrolling session's only (:meth:`source_shown`)."""
        return teacher or self.thumbnails_shared or self.source_shown(row, viewer, teacher)

    def source_shown(self, row: int, viewer: str | None, teacher: bool) -> bool:
        """Whether the face ``row``'s photo file name may be shown to ``viewer``: the teacher's and the enroller's."""
        return teacher or bool(viewer and self.owners is not None and self.owners[row] == viewer)

    def index(self) -> GalleryIndex:
        with self._lock:
            if self._index is None:
                self._index = GalleryIndex(self.embeddings, self.people)
            return self._index

    def identify(self, vector: np.ndarray, metric: str = "cosine", threshold: float | None = None,
                 top: int | None = None) -> Identification:
        """Everyone (or the ``top`` nearest people) ranked by their nearest enrolled face; "unknown" when even the
        nearest is above the threshold."""
        limit = checked_threshold(self.model, metric, threshold)
        if self.size == 0:
            return Identification([], limit, metric)
        if np.asarray(vector).size != self.embeddings.shape[1]:
            raise GalleryMismatchError(_("this embedding has {given} values; the database holds {held}").format(
                given=np.asarray(vector).size, held=self.embeddings.shape[1]))
        rows, found = self.index().nearest(vector, metric, top)
        return Identification([Match(str(self.people[r]), float(d), int(r)) for r, d in zip(rows, found)], limit,
                              metric)


# ----------------------------------------------------------------------------------------- reading a gallery

# Each process's copy of the galleries it identifies against: {(url, name): snapshot}; a snapshot is replaced when the
# gallery's id or revision in the database differs from its own.
_snapshots: dict[tuple[str, str], FaceDatabase] = {}
_snapshots_lock = threading.Lock()

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
    head = read(lambda c: gallery_head(c, name), url)
    if head is None:
        if model is None or detector is None:
            raise DatabaseError(_("there is no face database {name!r}; enrol someone to create it").format(name=name))
        return FaceDatabase(name, model, detector, url=url)
    if model is not None and model != head.model:
        raise other_model(name, head, model)
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
    head = gallery_head(connection, name)
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
                        url, int(head.revision), int(head.id), bool(head.thumbnails_shared))


def forget_snapshots() -> None:
    """Drop this process's copies of the galleries (tests that point the lab at another database)."""
    with _snapshots_lock:
        _snapshots.clear()




# ----------------------------------------------------------------------------------------- changing a gallery

def enrol(name: str, model: str, detector: str, person: str, vectors: np.ndarray, faces: list[np.ndarray],
          sources: list[str], owner: str | None = None, url: str | None = None, only_own: bool = False) -> FaceDatabase:
    """Add a person's faces (embedded already; ``faces`` the crops, kept as thumbnails) in one transaction; returns
    the database after it. ``owner``: the enrolling session, which may remove what it enrolled; ``only_own`` (a
    student): refused with :class:`NotYourPersonError`, and nothing written, when another session enrolled ``person``."""
    if not len(faces) == len(sources) == len(vectors) or not faces:
        raise ValueError("enrol needs one embedding, one face crop and one source name per face")
    person = check_name(person, "person")
    pngs = [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces]
    add_faces(name, model, detector, [person] * len(faces), vectors, pngs, sources, owner, url, only_own=only_own)
    return open_database(name, url=url)


def may_add_to(name: str, person: str, owner: str | None, url: str | None = None) -> None:
    """Refuse (:class:`NotYourPersonError`) before any photo is embedded when a student could not add to ``person``;
    :func:`enrol` checks again in its transaction, which decides."""
    name, person = check_name(name, "database"), check_name(person, "person")

    def check(connection: Connection) -> None:
        head = gallery_head(connection, name)
        if head is not None:
            refuse_others_people(connection, head.id, [person], owner)

    read(check, url)


def share_thumbnails(name: str, shared: bool, url: str | None = None) -> FaceDatabase:
    """The teacher's switch: whether students see the thumbnails of faces other sessions enrolled (kept in the shared
    database, so every server of a class shows the same). Bumps the revision: every server reads the gallery again."""
    name = check_name(name, "database")

    def work(connection: Connection) -> None:
        head = lock_gallery(connection, name)
        connection.execute(galleries.update().where(galleries.c.id == head.id).values(thumbnails_shared=shared))

    transaction(work, url)
    return open_database(name, url=url)


def remove(name: str, person: str, url: str | None = None, owner: str | None = None) -> FaceDatabase:
    """Delete a person's faces (only those the session ``owner`` enrolled, when given); returns the database after."""
    name = check_name(name, "database")

    def work(connection: Connection) -> None:
        head = lock_gallery(connection, name)
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
        head = lock_gallery(connection, name)
        return int(connection.execute(faces_table.delete().where(faces_table.c.gallery_id == head.id)).rowcount)

    return transaction(work, url)


def enrol_folder(name: str, model: str, detector: str, folder: Path, owner: str | None = None,
                 url: str | None = None, only_own: bool = False) -> FaceDatabase:
    """Enrol everyone of a labelled folder (one sub-folder of photos per person) not enrolled yet: a class in one go.

    Each photo's largest face is used; photos without a face are left out. One transaction: all of them or none.
    """
    from lab.faces.calibration import embed_folder

    faces = embed_folder(folder, model, detector)
    open_database(name, model, detector, url)  # refuses a gallery of another model before anything is written
    add_faces(name, model, detector, list(faces.people), faces.vectors,
              [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces.faces], [s.split("/")[-1] for s in faces.sources],
              owner, url, skip_enrolled=True, only_own=only_own)
    return open_database(name, url=url)
