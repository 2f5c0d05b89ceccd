"""The live class's face round, as the pages use it: the teacher opens it; each student who consents gives up to
three photos of themself; every phone sees its own result and the projector the class's (lab.classroom.face_results).

A photo is decoded, detected and embedded in memory (Facenet + yunet, the app's defaults, warm on every server) and
dropped: only the face's embedding and a 96 px thumbnail are kept (lab.classroom.class_faces), and they go at the end
of the class, after a time limit, or when the student deletes them. Each change is a new live count, so the
projector redraws the class's result (lab.classroom.live); students' pages ask for theirs when they want it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lab.classroom.class_faces import (PHOTOS_PER_STUDENT, ClassFace, FaceRoundError, delete_expired_faces,
                                       delete_player_faces, photos_kept, read_class_faces, read_own_thumbnails,
                                       read_thumbnails, store_face)
from lab.classroom.face_results import (FACE_DETECTOR, FACE_MODEL, METRIC, ClassFaceResult, PhotoResult,
                                        class_result, student_result)
from lab.classroom.live import stage_changed
from lab.classroom.rooms import ClassInfo, NotAPlayerError, Player, class_row, locked_class, membership
from lab.db import schema, transaction
from lab.db.engine import read as read_only
from lab.faces.photos import Photo, thumbnail
from lab.faces.thumbnails import png_bytes
from lab.i18n import _
from lab.roles import Role, require_teacher

__all__ = ["PHOTOS_PER_STUDENT", "ClassFaceView", "FaceRoundError", "StudentFaceView", "close_face_round",
           "face_threshold", "forget_expired_faces", "forget_my_faces", "give_photo", "open_face_round",
           "own_thumbnails", "show_class_faces", "class_face_view", "faces_in", "student_face_view"]


def face_threshold() -> float:
    """The model's own threshold for the face round (DeepFace's, Facenet with cosine distance)."""
    from lab.faces.embedding import default_threshold

    return default_threshold(FACE_MODEL, METRIC)


def _set(code: str, database_url: str | None, **values: object) -> ClassInfo:
    def change(connection: Connection) -> ClassInfo:
        info = locked_class(connection, code)
        if info.ended:
            raise FaceRoundError(_("The class {code} has ended.").format(code=info.code))
        connection.execute(schema.classes.update().where(schema.classes.c.id == info.id).values(**values))
        return class_row(connection, code)
    info = transaction(change, database_url)
    stage_changed(info.code)
    return info


def open_face_round(code: str, *, role: Role, database_url: str | None = None) -> ClassInfo:
    """Students' devices turn to the face round (the quiz's rounds stay in the leaderboard)."""
    require_teacher(role, _("open the face round"))
    # Thumbnails stay off until the teacher shows them.
    return _set(code, database_url, activity="faces", faces_shown=False)


def close_face_round(code: str, *, role: Role, database_url: str | None = None) -> ClassInfo:
    """Back to the quiz; the faces stay until the class ends (the teacher may open the round again)."""
    require_teacher(role, _("close the face round"))
    return _set(code, database_url, activity="quiz", faces_shown=False)


def show_class_faces(code: str, shown: bool, *, role: Role, database_url: str | None = None) -> ClassInfo:
    """Whether the projector shows the classmates' thumbnails (off until the teacher turns it on)."""
    require_teacher(role, _("show the class's faces"))
    return _set(code, database_url, faces_shown=bool(shown))


def give_photo(code: str, token: str, photo: Photo, *, consent: bool, database_url: str | None = None) -> int:
    """Detect, align and embed the largest face of ``photo`` and keep only its embedding and thumbnail; returns the
    photo's number (1 to :data:`PHOTOS_PER_STUDENT`). Refused without the student's consent, outside the face round,
    beyond three photos, or for a photo with no face (:class:`lab.faces.pipeline.NoFaceError`)."""
    from lab.faces.pipeline import face_vector

    if not consent:
        raise FaceRoundError(_("Tick the box first: your photos' faces are kept only with your consent."))
    # Before any model work.
    read_only(lambda connection: _open_for(connection, code, token, with_room=True), database_url)
    found = face_vector(photo, FACE_MODEL, FACE_DETECTOR)
    face = found.detection.faces[found.chosen].aligned
    picture = png_bytes(thumbnail(face))

    def keep(connection: Connection) -> int:
        # The class's row locked: the end of the class (which deletes its faces) waits for this, or this for it.
        info, player = _open_for(connection, code, token, lock=True)
        return store_face(connection, info, player, found.vector, picture, FACE_MODEL)
    try:
        number = transaction(keep, database_url)
    except IntegrityError as exc:
        if "class_faces_one_per_photo" in str(exc.orig) or "UNIQUE" in str(exc.orig):
            raise FaceRoundError(_("Another photo of yours was being kept at the same moment: look at your photos and "
                                   "try again.")) from exc  # the same student's other tab took that place first
        raise NotAPlayerError(_("You are not in this class (any more): join again.")) from exc  # removed meanwhile
    stage_changed(code)
    return number


def _open_for(connection: Connection, code: str, token: str, lock: bool = False,
              with_room: bool = False) -> tuple[ClassInfo, Player]:
    """The class and the player, refused unless the face round is open (``with_room``: and the player may give one
    more photo, checked before the photo is embedded)."""
    info, player = membership(connection, code, token, lock)
    if not info.faces_open:
        raise FaceRoundError(_("The face round is not open: wait for the teacher to open it."))
    if with_room and len(photos_kept(connection, player.id)) >= PHOTOS_PER_STUDENT:
        raise FaceRoundError(_("You have given {count} photos already: delete yours to give others.").format(
            count=PHOTOS_PER_STUDENT))
    return info, player


def forget_my_faces(code: str, token: str, database_url: str | None = None) -> int:
    """The student's own faces, deleted now; returns how many went."""
    def forget(connection: Connection) -> int:
        _info, player = membership(connection, code, token)
        return delete_player_faces(connection, player.id)
    gone = transaction(forget, database_url)
    stage_changed(code)
    return gone


def forget_expired_faces(database_url: str | None = None) -> int:
    """Every class's faces past the time limit or of an ended class (each server runs it every minute)."""
    return transaction(delete_expired_faces, database_url)


@dataclass(frozen=True)
class StudentFaceView:
    info: ClassInfo
    player: Player
    photos: tuple[PhotoResult, ...]
    thumbnails: dict[int, bytes]  # the student's own, by photo number
    class_faces: int  # faces in the class now: the result compares against these
    threshold: float


def student_face_view(code: str, token: str, database_url: str | None = None) -> StudentFaceView:
    def read(connection: Connection) -> tuple[ClassInfo, Player, list[ClassFace], dict[int, bytes]]:
        info, player = membership(connection, code, token)
        return info, player, read_class_faces(connection, info.id, FACE_MODEL), read_own_thumbnails(connection,
                                                                                                    player.id)
    info, player, faces, pictures = read_only(read, database_url)
    return StudentFaceView(info, player, tuple(student_result(faces, player.id)), pictures, len(faces),
                           face_threshold())


def own_thumbnails(code: str, token: str, database_url: str | None = None) -> dict[int, bytes]:
    """The student's own kept faces by photo number (shown, with their delete button, whatever the class does now)."""
    return read_only(lambda connection: read_own_thumbnails(connection, membership(connection, code, token)[1].id),
                     database_url)


@dataclass(frozen=True)
class ClassFaceView:
    info: ClassInfo
    result: ClassFaceResult
    threshold: float
    people: tuple[tuple[str, tuple[bytes, ...]], ...]  # (nickname, thumbnails) when the teacher shows them, else ()


def class_face_view(code: str, database_url: str | None = None) -> ClassFaceView:
    def read(connection: Connection) -> tuple[ClassInfo, list[ClassFace], dict[int, bytes]]:
        info = class_row(connection, code)
        faces = read_class_faces(connection, info.id, FACE_MODEL)
        return info, faces, (read_thumbnails(connection, info.id) if info.faces_shown else {})
    info, faces, pictures = read_only(read, database_url)
    people: dict[str, list[bytes]] = {}
    for face in faces:
        if face.id in pictures:
            people.setdefault(face.nickname, []).append(pictures[face.id])
    return ClassFaceView(info, class_result(faces), face_threshold(),
                         tuple((name, tuple(shown)) for name, shown in people.items()))


def faces_in(code: str, database_url: str | None = None) -> int:
    """How many rows of faces the class has in the database, past the time limit or not (the tests check deletion
    with it)."""
    table = schema.class_faces
    return read_only(lambda c: int(c.execute(sa.select(sa.func.count()).select_from(table).where(
        table.c.class_id == class_row(c, code).id)).scalar_one()), database_url)

