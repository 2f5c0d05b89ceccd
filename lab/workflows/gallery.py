"""A face gallery's actions (the lecture's company and its employees): open, enrol, remove, clear, share thumbnails,
with no retraining. Each action is one transaction (:func:`lab.db.engine.transaction`), which writes all of it or
none; the SQL is :mod:`lab.faces.gallery_repository`.

Identifying a new face is one vectorised distance computation against the gallery's vectors, which each process
keeps in memory per (database, gallery, revision): one cheap SELECT of the revision tells it whether to read them
again. Photos that are only identified are never written anywhere. Galleries of earlier versions were ``.npz``
files: :mod:`lab.faces.npz_import` imports them.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Connection

from lab.db.engine import database_url as chosen_database_url
from lab.db.engine import read, transaction
from lab.faces import gallery_repository as repository
from lab.faces.gallery import Gallery, NoSuchGalleryError, check_name
from lab.faces.photos import thumbnail
from lab.faces.thumbnails import THUMBNAIL, png_bytes
from lab.i18n import _
from lab.roles import Role, require_teacher

# Each process's copy of the galleries it identifies against: {(database URL, name): snapshot}; a snapshot is replaced
# when the gallery's id or revision in the database differs from its own.
_snapshots: dict[tuple[str, str], Gallery] = {}
_snapshots_lock = threading.Lock()


def list_galleries(database_url: str | None = None) -> list[str]:
    """The galleries' names, sorted."""
    return read(repository.gallery_names, database_url)


def open_gallery(name: str, model: str | None = None, detector: str | None = None,
                 database_url: str | None = None) -> Gallery:
    """The gallery ``name`` as it is now; a missing one is an empty gallery for ``model`` and ``detector`` (created by
    its first enrolment).

    An existing gallery keeps the model and detector it was built with: its embeddings mean nothing to another model.
    Costs one SELECT when this process read the gallery at its current revision already.
    """
    database_url = chosen_database_url(database_url)
    name = check_name(name, "database")
    head = read(lambda c: repository.gallery_head(c, name), database_url)
    if head is None:
        if model is None or detector is None:
            raise NoSuchGalleryError(name)
        return Gallery(name, model, detector, database_url=database_url)
    repository.check_model(name, head, model)
    key = (database_url, name)
    with _snapshots_lock:  # one reader loads a gallery; the others wait for it rather than load it again
        known = _snapshots.get(key)
        if known is not None and (known.gallery_id, known.revision) == (head.id, head.revision):
            return known
        loaded = read(lambda c: repository.load_gallery(c, name, database_url), database_url)
        loaded.index()  # prepared here, so that the first identification is as fast as the next
        _snapshots[key] = loaded
        return loaded


def forget_snapshots() -> None:
    """Drop this process's copies of the galleries (tests that point the lab at another database)."""
    with _snapshots_lock:
        _snapshots.clear()


def enrol(name: str, model: str, detector: str, person: str, vectors: np.ndarray, faces: list[np.ndarray],
          sources: list[str], owner: str | None = None, database_url: str | None = None,
          only_own: bool = False) -> Gallery:
    """Add a person's faces (embedded already; ``faces`` the crops, kept as thumbnails) in one transaction; returns
    the gallery after it. ``owner``: the enrolling session, which may remove what it enrolled; ``only_own`` (a
    student): refused with :class:`~lab.faces.gallery.NotYourPersonError`, and nothing written, when another session
    enrolled ``person``."""
    if not len(faces) == len(sources) == len(vectors) or not faces:
        raise ValueError("enrol needs one embedding, one face crop and one source name per face")
    person = check_name(person, "person")
    pngs = [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces]
    transaction(lambda c: repository.add_faces(c, name, model, detector, [person] * len(faces), vectors, pngs,
                                                  sources, owner, only_own=only_own), database_url)
    return open_gallery(name, database_url=database_url)


def may_add_to(name: str, person: str, owner: str | None, database_url: str | None = None) -> None:
    """Refuse (:class:`~lab.faces.gallery.NotYourPersonError`) before any photo is embedded when a student could not
    add to ``person``; :func:`enrol` checks again in its transaction, which decides."""
    name, person = check_name(name, "database"), check_name(person, "person")

    def check(connection: Connection) -> None:
        head = repository.gallery_head(connection, name)
        if head is not None:
            repository.refuse_others_people(connection, head.id, [person], owner)

    read(check, database_url)


def share_thumbnails(name: str, shared: bool, *, role: Role, database_url: str | None = None) -> Gallery:
    """The teacher's switch: whether students see the thumbnails of every enrolled face (off by default: a student
    sees the names of the others, and the thumbnails of their own enrolment). Kept in the shared database, so every
    server of a class shows the same."""
    require_teacher(role, _("show every face's thumbnail to students"))
    name = check_name(name, "database")
    transaction(lambda c: repository.set_thumbnails_shared(c, name, shared), database_url)
    return open_gallery(name, database_url=database_url)


def remove(name: str, person: str, database_url: str | None = None, owner: str | None = None) -> Gallery:
    """Delete a person's faces (only those the session ``owner`` enrolled, when given); returns the gallery after."""
    name = check_name(name, "database")
    transaction(lambda c: repository.delete_person(c, name, person, owner), database_url)
    return open_gallery(name, database_url=database_url)


def clear_gallery(name: str, database_url: str | None = None) -> int:
    """Delete every face of the gallery (the end of a class); the gallery, its model and detector stay. Returns how
    many faces were deleted."""
    name = check_name(name, "database")
    return transaction(lambda c: repository.delete_faces(c, name), database_url)


def enrol_folder(name: str, model: str, detector: str, folder: Path, owner: str | None = None,
                 database_url: str | None = None, only_own: bool = False) -> Gallery:
    """Enrol everyone of a labelled folder (one sub-folder of photos per person) not enrolled yet: a class in one go.

    Each photo's largest face is used; photos without a face are left out. One transaction: all of them or none.
    """
    from lab.faces.calibration import embed_folder

    faces = embed_folder(folder, model, detector)
    open_gallery(name, model, detector, database_url)  # refuses a gallery of another model before anything is written
    pngs = [png_bytes(thumbnail(f, THUMBNAIL)) for f in faces.faces]
    sources = [s.split("/")[-1] for s in faces.sources]
    transaction(lambda c: repository.add_faces(c, name, model, detector, list(faces.people), faces.vectors, pngs,
                                                  sources, owner, skip_enrolled=True, only_own=only_own),
                   database_url)
    return open_gallery(name, database_url=database_url)
