"""The face round's kept faces: a class's own small gallery, in the shared database, for as short a time as possible.

A student who consents gives up to :data:`PHOTOS_PER_STUDENT` photos of themself. The photo is decoded in memory
and dropped; only its face's embedding and a 96 px thumbnail are kept, in ``class_faces``. They go when the student
deletes them, when the player is removed (the foreign key cascades), when the class ends (:func:`lab.classroom.rooms.end_class`
deletes them in its transaction), and at the latest :func:`keep_hours` after they were
given: reads leave older faces out at once, and :func:`delete_expired_faces` (run by every server every minute or
sooner) deletes them.

Functions take a SQLAlchemy ``Connection``; the caller owns the transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lab.classroom.rooms import ClassInfo, ClassroomError, Player, now
from lab.db import schema
from lab.i18n import _

PHOTOS_PER_STUDENT = 3
KEEP_HOURS_ENV = "ONESHOT_CLASS_FACES_HOURS"
KEEP_HOURS = 12.0


class FaceRoundError(ClassroomError):
    """A face round action that cannot be done: the round is closed, a photo too many, no consent."""


def keep_hours() -> float:
    """How long a class keeps a face at most (``$ONESHOT_CLASS_FACES_HOURS``, default 12; a shorter time only: a value
    that is not a positive number, or over 12, counts as 12)."""
    try:
        hours = float(os.environ.get(KEEP_HOURS_ENV, "").strip() or KEEP_HOURS)
    except ValueError:
        return KEEP_HOURS
    return hours if 0 < hours <= KEEP_HOURS else KEEP_HOURS


def sweep_seconds() -> float:
    """How often each server deletes the faces past the limit: every minute, or four times within a shorter limit."""
    return min(60.0, max(1.0, keep_hours() * 3600 / 4))


def oldest_kept(moment: datetime | None = None) -> datetime:
    """Faces given before this moment are past the time limit."""
    return (moment or now()) - timedelta(hours=keep_hours())


def _kept() -> sa.ColumnElement[bool]:
    """Faces within the time limit (older ones are left out of every read until the sweep deletes them)."""
    return schema.class_faces.c.created_at >= oldest_kept()


@dataclass(frozen=True)
class ClassFace:
    id: int
    player_id: int
    nickname: str
    photo: int  # 1..PHOTOS_PER_STUDENT
    vector: np.ndarray  # float32 (dimension,)
    created_at: datetime


def store_face(connection: Connection, info: ClassInfo, player: Player, vector: np.ndarray, thumbnail_png: bytes,
               model: str) -> int:
    """Keep one more face of ``player`` (the first free photo number); returns that number. Refused when the face round
    is not open or the player has given :data:`PHOTOS_PER_STUDENT` already."""
    if not info.faces_open:
        raise FaceRoundError(_("The face round is not open: wait for the teacher to open it."))
    taken = photos_kept(connection, player.id)
    free = [number for number in range(1, PHOTOS_PER_STUDENT + 1) if number not in taken]
    if not free:
        raise FaceRoundError(_("You have given {count} photos already: delete yours to give others.").format(
            count=PHOTOS_PER_STUDENT))
    vector = np.asarray(vector, dtype="<f4").ravel()
    table = schema.class_faces
    connection.execute(table.delete().where(table.c.player_id == player.id, table.c.photo == free[0]))  # expired
    connection.execute(table.insert().values(
        class_id=info.id, player_id=player.id, photo=free[0], model=model, dimension=int(vector.size),
        embedding=vector.tobytes(), thumbnail=bytes(thumbnail_png), created_at=now()))
    return free[0]


def photos_kept(connection: Connection, player_id: int) -> set[int]:
    """The numbers of the player's photos within the time limit."""
    table = schema.class_faces
    return set(connection.execute(sa.select(table.c.photo).where(
        table.c.player_id == player_id, _kept())).scalars())


def read_class_faces(connection: Connection, class_id: int, model: str | None = None) -> list[ClassFace]:
    """The class's faces within the time limit (``model``'s only, when given: a server of another version may have
    used another model, whose vectors do not compare), in the order players joined and photos were given."""
    table, players = schema.class_faces, schema.players
    rows = connection.execute(
        sa.select(table.c.id, table.c.player_id, players.c.nickname, table.c.photo, table.c.embedding,
                  table.c.created_at)
        .select_from(table.join(players, players.c.id == table.c.player_id))
        .where(table.c.class_id == class_id, _kept(),
               sa.true() if model is None else table.c.model == model)
        .order_by(table.c.player_id, table.c.photo)).all()
    return [ClassFace(row.id, row.player_id, row.nickname, row.photo, np.frombuffer(row.embedding, dtype="<f4"),
                      row.created_at) for row in rows]


def read_thumbnails(connection: Connection, class_id: int) -> dict[int, bytes]:
    """The class's PNG thumbnails by face id (the projector's, when the teacher shows them)."""
    table = schema.class_faces
    rows = connection.execute(sa.select(table.c.id, table.c.thumbnail).where(table.c.class_id == class_id, _kept()))
    return {row.id: bytes(row.thumbnail) for row in rows}


def read_own_thumbnails(connection: Connection, player_id: int) -> dict[int, bytes]:
    """One player's PNG thumbnails by photo number (what their own device shows)."""
    table = schema.class_faces
    rows = connection.execute(sa.select(table.c.photo, table.c.thumbnail).where(table.c.player_id == player_id,
                                                                              _kept()))
    return {row.photo: bytes(row.thumbnail) for row in rows}


def count_class_faces(connection: Connection, class_id: int) -> int:
    table = schema.class_faces
    return int(connection.execute(sa.select(sa.func.count()).select_from(table).where(
        table.c.class_id == class_id, _kept())).scalar_one())


def delete_player_faces(connection: Connection, player_id: int) -> int:
    """A student's own faces, deleted at their request; returns how many went."""
    table = schema.class_faces
    return connection.execute(table.delete().where(table.c.player_id == player_id)).rowcount or 0


def delete_expired_faces(connection: Connection, moment: datetime | None = None) -> int:
    """Faces past the time limit and faces of ended classes, in every class; returns how many went."""
    table, classes = schema.class_faces, schema.classes
    ended = sa.select(classes.c.id).where(classes.c.ended_at.is_not(None))
    return connection.execute(table.delete().where(
        sa.or_(table.c.created_at < oldest_kept(moment), table.c.class_id.in_(ended)))).rowcount or 0
