"""The SQL of galleries, below :mod:`lab.faces.database`: a gallery's row, and faces inserted with the checks a
gallery needs (one model, one dimension, names a user may choose)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from lab.db.engine import DatabaseError, transaction
from lab.db.schema import faces as faces_table
from lab.db.schema import galleries
from lab.i18n import N_, _

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
SOURCE_LENGTH = 255  # faces.source's length: a longer photo name is shortened, keeping its end (the extension)
INSERT_BATCH = 1000  # rows per executemany: 100,000 faces go in as 100 round trips, not 100,000


class GalleryMismatchError(DatabaseError):
    """Embeddings of another model or dimension than the gallery's: they mean nothing next to its own."""


class NotYourPersonError(DatabaseError):
    """A student adding photos to a person that another session (or the teacher, or the command line) enrolled: that
    would poison who the gallery says the person is."""


# What check_name's callers call the name, marked for translation (the message translates ``what``).
NAME_KINDS = (N_("person"), N_("database"))


def check_name(name: str, what: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ValueError(_("{what} {name!r}: use 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a "
                           "letter or digit").format(what=_(what), name=name))
    return name




def gallery_head(connection: Connection, name: str) -> sa.Row | None:
    return connection.execute(sa.select(galleries.c.id, galleries.c.model, galleries.c.detector,
                                        galleries.c.dimension, galleries.c.revision, galleries.c.thumbnails_shared)
                              .where(galleries.c.name == name)).first()


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


def other_model(name: str, head: sa.Row, model: str) -> GalleryMismatchError:
    return GalleryMismatchError(_(
        "the database {name!r} was built with {built_with} (+ {detector}); {model}'s embeddings cannot be compared "
        "with it. Use {built_with}, or another database.").format(
        name=name, built_with=head.model, detector=head.detector, model=model))




def _source(name: str) -> str:
    return name if len(name) <= SOURCE_LENGTH else "..." + name[-(SOURCE_LENGTH - 3):]


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
        raise DatabaseError(_("there is no face database {name!r}; enrol someone to create it").format(name=name))
    return head


def _insert(connection: Connection, head: sa.Row, name: str, model: str, people: Sequence[str], vectors: np.ndarray,
            pngs: Sequence[bytes], sources: Sequence[str], owner: str | None) -> None:
    if model != head.model:
        raise other_model(name, head, model)
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
              skip_enrolled: bool = False, only_own: bool = False) -> list[str]:
    """Insert faces (embedded already, thumbnails as PNG) in one transaction; returns the people skipped because
    they were enrolled already (only with ``skip_enrolled``). ``only_own`` (a student): a person the gallery holds
    faces of that ``owner`` did not enrol is refused (:class:`NotYourPersonError`), checked under the gallery's lock,
    so two sessions racing cannot both take a name. The low level of :func:`lab.faces.database.enrol` and
    :func:`lab.faces.npz_import.import_npz`."""
    name = check_name(name, "database")
    people = [check_name(p, "person") for p in people]
    if not len(people) == len(pngs) == len(sources) == len(vectors):
        raise ValueError("add_faces needs one embedding, one thumbnail and one source name per face")

    def work(connection: Connection) -> list[str]:
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

    return transaction(work, url)
