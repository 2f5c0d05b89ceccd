"""The galleries' SQL: every read and change of a gallery in the shared database (:mod:`lab.db`).

A gallery is a row of ``galleries``, its faces rows of ``faces`` (float32 embedding bytes with their model and
dimension, a PNG thumbnail, the session that enrolled it). Every change bumps the gallery's revision, which holds its
row lock to the end of the transaction, so several sessions, processes or servers changing it at once lose nothing.

Functions take a SQLAlchemy ``Connection``; the caller owns the transaction (:mod:`lab.workflows.gallery` opens
one per action), so an action that makes several changes writes all of them or none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from lab.db.engine import DatabaseError
from lab.db.schema import faces as faces_table
from lab.db.schema import galleries
from lab.faces.gallery import Gallery, GalleryMismatchError, NoSuchGalleryError, NotYourPersonError, check_name
from lab.faces.thumbnails import Thumbnails
from lab.i18n import _

SOURCE_LENGTH = 255  # faces.source's length: a longer photo name is shortened, keeping its end (the extension)
INSERT_BATCH = 1000  # rows per executemany: 100,000 faces go in as 100 round trips, not 100,000


def gallery_names(connection: Connection) -> list[str]:
    """The galleries' names, sorted."""
    return [str(n) for n in connection.execute(sa.select(galleries.c.name).order_by(galleries.c.name)).scalars()]


def gallery_head(connection: Connection, name: str) -> sa.Row | None:
    return connection.execute(sa.select(galleries.c.id, galleries.c.model, galleries.c.detector,
                                        galleries.c.dimension, galleries.c.revision, galleries.c.thumbnails_shared)
                              .where(galleries.c.name == name)).first()


def check_model(name: str, head: sa.Row, model: str | None) -> None:
    """A gallery keeps the model it was built with: its embeddings mean nothing to another model."""
    if model is not None and model != head.model:
        raise GalleryMismatchError.other_model(name, head.model, head.detector, model)


def load_gallery(connection: Connection, name: str, database_url: str) -> Gallery:
    """The gallery ``name`` at its current revision (:class:`NoSuchGalleryError` when there is none)."""
    # The revision is read before the faces: a change in between makes the copy newer than its revision, which the
    # next look reads again (never older than its revision, which would be kept).
    head = gallery_head(connection, name)
    if head is None:
        raise NoSuchGalleryError(name)
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
    return Gallery(name, str(head.model), str(head.detector),
                   np.array([r[1] for r in rows], dtype=str), np.array([r[2] for r in rows], dtype=str),
                   embeddings, Thumbnails(database_url, ids), np.array([r[3] or "" for r in rows], dtype=str),
                   database_url, int(head.revision), int(head.id), bool(head.thumbnails_shared))


def lock_gallery(connection: Connection, name: str, model: str | None = None, detector: str | None = None) -> sa.Row:
    """The gallery's row, its revision bumped (which holds its row lock until the end of the transaction on
    PostgreSQL; SQLite's writer holds the whole file); created first when ``model`` and ``detector`` are given."""
    if model is not None and detector is not None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        # Two sessions creating the same gallery at once: one inserts, the other's insert does nothing.
        connection.execute(insert(galleries).values(name=name, model=model, detector=detector)
                           .on_conflict_do_nothing(index_elements=["name"]))
    connection.execute(galleries.update().where(galleries.c.name == name)
                       .values(revision=galleries.c.revision + 1))
    head = gallery_head(connection, name)
    if head is None:
        raise NoSuchGalleryError(name)
    return head


def others_people(connection: Connection, gallery_id: int, people: Sequence[str], owner: str | None) -> list[str]:
    """Which of ``people`` the gallery holds faces of that the session ``owner`` did not enrol (names compared
    whatever their case: 'Obama' would pass for 'obama' in an identification)."""
    wanted = {person.lower() for person in people}
    rows = connection.execute(sa.select(faces_table.c.person, faces_table.c.owner).where(
        faces_table.c.gallery_id == gallery_id, sa.func.lower(faces_table.c.person).in_(wanted))).all()
    return sorted({row.person for row in rows if owner is None or row.owner != owner})


def refuse_others_people(connection: Connection, gallery_id: int, people: Sequence[str], owner: str | None) -> None:
    taken = others_people(connection, gallery_id, people, owner)
    if taken:
        raise NotYourPersonError(_("{person!r} was enrolled by someone else: a student may add photos only to a person "
                                   "they enrolled in this session. Choose another name; nothing was stored.").format(
            person=taken[0]))


def _source(name: str) -> str:
    return name if len(name) <= SOURCE_LENGTH else "..." + name[-(SOURCE_LENGTH - 3):]


def _insert(connection: Connection, head: sa.Row, name: str, model: str, people: Sequence[str], vectors: np.ndarray,
            pngs: Sequence[bytes], sources: Sequence[str], owner: str | None) -> None:
    check_model(name, head, model)
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


def add_faces(connection: Connection, name: str, model: str, detector: str, people: Sequence[str],
              vectors: np.ndarray, pngs: Sequence[bytes], sources: Sequence[str], owner: str | None = None,
              skip_enrolled: bool = False, only_own: bool = False) -> list[str]:
    """Insert faces (embedded already, thumbnails as PNG), creating the gallery if need be; returns the people skipped
    because they were enrolled already (only with ``skip_enrolled``). ``only_own`` (a student): a person the gallery
    holds faces of that ``owner`` did not enrol is refused (:class:`NotYourPersonError`), checked under the gallery's
    lock, so two sessions racing cannot both take a name."""
    name = check_name(name, "database")
    people = [check_name(p, "person") for p in people]
    if not len(people) == len(pngs) == len(sources) == len(vectors):
        raise ValueError("add_faces needs one embedding, one thumbnail and one source name per face")
    head = lock_gallery(connection, name, model, detector)
    skipped: list[str] = []
    keep = list(range(len(people)))
    if skip_enrolled:
        enrolled = set(connection.execute(sa.select(faces_table.c.person).distinct()
                                          .where(faces_table.c.gallery_id == head.id)).scalars())
        skipped = sorted({p for p in people if p in enrolled})
        keep = [i for i, p in enumerate(people) if p not in enrolled]
    if only_own:
        refuse_others_people(connection, head.id, [people[i] for i in keep], owner)
    _insert(connection, head, name, model, [people[i] for i in keep], np.asarray(vectors)[keep],
            [pngs[i] for i in keep], [sources[i] for i in keep], owner)
    return skipped


def delete_person(connection: Connection, name: str, person: str, owner: str | None = None) -> None:
    """Delete a person's faces (only those the session ``owner`` enrolled, when given)."""
    head = lock_gallery(connection, name)
    condition = sa.and_(faces_table.c.gallery_id == head.id, faces_table.c.person == person)
    if owner is not None:
        condition = sa.and_(condition, faces_table.c.owner == owner)
    if connection.execute(faces_table.delete().where(condition)).rowcount == 0:
        if owner is not None:
            raise DatabaseError(_("this session enrolled no face of {person!r}").format(person=person))
        raise DatabaseError(_("{person!r} is not in the database").format(person=person))


def delete_faces(connection: Connection, name: str) -> int:
    """Delete every face of the gallery; the gallery, its model and detector stay. Returns how many were deleted."""
    head = lock_gallery(connection, name)
    return int(connection.execute(faces_table.delete().where(faces_table.c.gallery_id == head.id)).rowcount)


def set_thumbnails_shared(connection: Connection, name: str, shared: bool) -> None:
    """Whether students see the thumbnails of faces other sessions enrolled (bumps the revision: every server reads
    the gallery again)."""
    head = lock_gallery(connection, name)
    connection.execute(galleries.update().where(galleries.c.id == head.id).values(thumbnails_shared=shared))
