"""Face databases of earlier versions of the lab, one ``.npz`` file each: read (never with pickle) and imported into
the shared database's galleries."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.db.engine import DatabaseError, transaction
from lab.faces.gallery import Gallery, check_name
from lab.faces.gallery_repository import add_faces
from lab.faces.thumbnails import png_bytes
from lab.i18n import _


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


def read_npz(path: Path) -> Gallery:
    """A face database file of earlier versions of the lab (one ``.npz`` per database), in memory; read without
    pickle, and refused with a reason when damaged or foreign."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(_("there is no face database file {path}").format(path=path))
    try:
        with np.load(path, allow_pickle=False) as stored:
            database = Gallery(path.stem, str(stored["model"]), str(stored["detector"]), stored["people"],
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


def import_npz(path: Path, name: str | None = None, database_url: str | None = None,
               owner: str | None = None) -> ImportReport:
    """Copy an ``.npz`` face database into the gallery ``name`` (default: the file's name) in one transaction: people,
    photo names, embeddings, thumbnails, model and detector. People the gallery holds already are skipped (and
    named), so importing twice adds nothing."""
    old = read_npz(path)
    name = check_name(name or old.name, "database")
    thumbnails = [png_bytes(np.asarray(t)) for t in old.thumbnails]
    skipped = transaction(lambda c: add_faces(c, name, old.model, old.detector, [str(p) for p in old.people],
                                              old.embeddings, thumbnails, [str(s) for s in old.sources], owner,
                                              skip_enrolled=True), database_url)
    imported = tuple(p for p in dict.fromkeys(str(p) for p in old.people) if p not in skipped)
    faces = sum(1 for p in old.people if str(p) in imported)
    return ImportReport(name, str(path), imported, tuple(skipped), faces)
