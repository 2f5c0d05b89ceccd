"""A gallery: the set of faces enrolled under one name (what the face database page and ``--db`` call a face
database), one model and detector for all of them, and who may add to whom.

:class:`Gallery` is one gallery as read at one revision; its SQL is :mod:`lab.faces.gallery_repository`, matching a
face against it :mod:`lab.faces.gallery_index`, and the actions that change it :mod:`lab.workflows.gallery`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lab.db.engine import DatabaseError
from lab.faces.embedding import checked_threshold
from lab.faces.gallery_index import GalleryIndex, Identification, Match
from lab.faces.thumbnails import THUMBNAIL, Thumbnails
from lab.i18n import N_, _, ngettext

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
RANKING_TOP = 50  # people an identification ranks (the page's table); a class has fewer, 100,000 faces many more


class NoSuchGalleryError(DatabaseError):
    """A gallery that does not exist, where one is needed (it is created by its first enrolment)."""

    def __init__(self, name: str) -> None:
        super().__init__(_("there is no face database {name!r}; enrol someone to create it").format(name=name))


class GalleryMismatchError(DatabaseError):
    """Embeddings of another model or dimension than the gallery's: they mean nothing next to its own."""

    @classmethod
    def other_model(cls, name: str, built_with: str, detector: str, model: str) -> GalleryMismatchError:
        return cls(_("the database {name!r} was built with {built_with} (+ {detector}); {model}'s embeddings cannot be "
                     "compared with it. Use {built_with}, or another database.").format(
            name=name, built_with=built_with, detector=detector, model=model))


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


@dataclass
class Gallery:
    """A gallery, the set of enrolled faces, as read at one revision (or built in memory: a read ``.npz`` file, a
    test). Arrays, one row per enrolled face, in enrolment order."""

    name: str
    model: str
    detector: str
    people: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) name of each face
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # (n,) photo it came from
    embeddings: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    thumbnails: Sequence = field(default_factory=lambda: np.zeros((0, THUMBNAIL, THUMBNAIL, 3), dtype=np.uint8))
    owners: np.ndarray | None = None  # (n,) the session that enrolled each face ("" unknown); None: nobody's
    database_url: str | None = None  # the shared database it lives in; None: in memory only
    revision: int = 0
    gallery_id: int | None = None  # None: not created yet (its first enrolment creates it)
    thumbnails_shared: bool = False  # the teacher's switch: students see every face's thumbnail, not only their own
    _index: GalleryIndex | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def size(self) -> int:
        return int(self.people.size)

    def summary(self) -> str:
        """One line naming the gallery in use, for a sidebar: a lecturer switching galleries must see which one
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
        """The thumbnails of ``rows`` (read from the shared database in one query when it holds them)."""
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
