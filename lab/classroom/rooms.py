"""Classes and their players in the shared database: plain functions over one transaction each, except those that
take a SQLAlchemy ``Connection``, whose caller owns the transaction (ending a class is one with revealing its round).

Join codes and nicknames (unique in a class, whatever their case, and by their confusable skeleton, so that no look-alike
passes for a player: :mod:`lab.classroom.nicknames`) are enforced by the database's constraints, so two servers racing
cannot both take one. A class takes at most :data:`MAX_PLAYERS`; the teacher may remove a player. Rounds and answers:
:mod:`lab.classroom.rounds`.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lab.classroom.nicknames import nickname_key
from lab.db import schema, transaction
from lab.db.engine import read as read_only  # polls take no write lock (SQLite: a snapshot in WAL mode)
from lab.errors import LabError
from lab.i18n import _

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector from the back row
CODE_LENGTH = 6
NICKNAME_MAX = 20
TITLE_MAX = 80
MAX_PLAYERS = 300  # a lecture hall; a script joining in a loop stops here (and at the join throttle before that)
_NICKNAME_ALLOWED = re.compile(r"[^\w .'-]", re.UNICODE)


class ClassroomError(LabError):
    """A class action that cannot be done: an unknown or ended class, a taken nickname, a closed round."""


class NotAPlayerError(ClassroomError):
    """A player token that is not (or no longer) in the class: the device must join again."""


class RoundClosedError(ClassroomError):
    """An answer to a round that is revealed or replaced, or to a candidate the round does not have."""


class ClassFullError(ClassroomError):
    """The class has :data:`MAX_PLAYERS` players already."""


@dataclass(frozen=True)
class ClassInfo:
    id: int
    code: str
    title: str
    created_at: datetime
    ended_at: datetime | None
    removed: int = 0  # players the teacher removed so far
    activity: str = "quiz"  # "quiz" or "faces": the face round (lab.classroom.face_round) is open
    faces_shown: bool = False  # the projector shows the face round's thumbnails (the teacher's switch, off at first)
    lesson_step: str | None = None  # the lesson step the teacher shows (lab.lesson), which students' devices follow

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def faces_open(self) -> bool:
        return self.activity == "faces" and not self.ended


def _info(row: sa.Row) -> ClassInfo:
    return ClassInfo(row.id, row.code, row.title, as_utc(row.created_at), as_utc(row.ended_at), int(row.removed or 0),
                     str(row.activity or "quiz"), bool(row.faces_shown), row.lesson_step)


@dataclass(frozen=True)
class Player:
    id: int
    class_id: int
    nickname: str
    token: str


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: every time the lab writes is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def now() -> datetime:
    return datetime.now(timezone.utc)


def normalise_code(code: str) -> str:
    """A typed code, forgiving case, spaces and dashes: 'ab3-k7q' → 'AB3K7Q'."""
    return re.sub(r"[\s-]", "", str(code)).upper()[:16]


def clean_nickname(nickname: str) -> str:
    """A nickname as shown on the projector: letters, digits, spaces and . ' _ - only; no control or invisible
    characters; 1 to 20 characters."""
    text = unicodedata.normalize("NFKC", str(nickname))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # control, format (zero-width), ...
    text = " ".join(_NICKNAME_ALLOWED.sub("", text).split())
    if not text:
        raise ClassroomError(_("Choose a nickname of letters or digits."))
    if len(text) > NICKNAME_MAX:
        raise ClassroomError(_("A nickname has at most {limit} characters.").format(limit=NICKNAME_MAX))
    return text


def class_row(connection: Connection, code: str) -> ClassInfo:
    row = connection.execute(sa.select(schema.classes).where(schema.classes.c.code == normalise_code(code))).first()
    if row is None:
        raise ClassroomError(_("There is no class with the code {code}. Check the code on the projector.").format(
            code=normalise_code(code) or "-"))
    return _info(row)


def create_class(title: str, database_url: str | None = None) -> ClassInfo:
    """A new class with a fresh join code (drawn again in the rare case it is taken)."""
    title = " ".join(str(title).split())[:TITLE_MAX] or _("One-shot class")
    for _attempt in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))

        def insert(connection: Connection) -> ClassInfo:
            connection.execute(schema.classes.insert().values(code=code, title=title, created_at=now()))
            return class_row(connection, code)
        try:
            return transaction(insert, database_url)
        except IntegrityError:
            continue
    raise ClassroomError(_("Could not draw a free join code; try again."))


def find_class(code: str, database_url: str | None = None) -> ClassInfo:
    return read_only(lambda connection: class_row(connection, code), database_url)


def open_classes(database_url: str | None = None, limit: int = 20) -> list[ClassInfo]:
    """Classes not ended, newest first (for a lecturer who reloaded the projector's page)."""
    table = schema.classes
    rows = read_only(lambda c: c.execute(sa.select(table).where(table.c.ended_at.is_(None))
                                           .order_by(table.c.id.desc()).limit(limit)).all(), database_url)
    return [_info(row) for row in rows]


def end_class(connection: Connection, code: str) -> ClassInfo:
    """Mark the class ended (once) and delete its face round's faces; the caller owns the transaction."""
    info = locked_class(connection, code)  # a face being kept at this moment on another server waits, then sees it
    if not info.ended:
        connection.execute(schema.classes.update().where(schema.classes.c.id == info.id).values(
            ended_at=now(), activity="quiz"))
    # The face round's faces (lab.classroom.class_faces) go with the class, in the same transaction.
    connection.execute(schema.class_faces.delete().where(schema.class_faces.c.class_id == info.id))
    return class_row(connection, code)


def join_class(code: str, nickname: str, database_url: str | None = None) -> Player:
    """Join as ``nickname`` (unique in the class, whatever its case, and unlike any other player's to the eye);
    returns the player with a secret token that the joining session keeps, so nobody else can answer in its name."""
    shown = clean_nickname(nickname)
    token = secrets.token_hex(16)

    def join(connection: Connection) -> Player:
        info = locked_class(connection, code)
        if info.ended:
            raise ClassroomError(_("The class {code} has ended.").format(code=info.code))
        players = connection.execute(sa.select(sa.func.count()).select_from(schema.players)
                                     .where(schema.players.c.class_id == info.id)).scalar_one()
        if players >= MAX_PLAYERS:
            raise ClassFullError(_("The class {code} is full: it has {limit} players.").format(
                code=info.code, limit=MAX_PLAYERS))
        result = connection.execute(schema.players.insert().values(
            class_id=info.id, nickname=shown, nickname_key=shown.casefold(), nickname_skeleton=nickname_key(shown),
            token=token, created_at=now()))
        return Player(result.inserted_primary_key[0], info.id, shown, token)
    try:
        return transaction(join, database_url)
    except IntegrityError as exc:
        raise ClassroomError(_("The nickname {nickname!r} is taken in this class, or looks like one that is; choose "
                               "another.").format(nickname=shown)) from exc


def locked_class(connection: Connection, code: str) -> ClassInfo:
    """The class's row, locked until the transaction ends on PostgreSQL (SQLite's writer holds the whole file), so that
    joins at once on several servers count the players one after another: the cap holds."""
    table = schema.classes
    connection.execute(sa.select(table.c.id).where(table.c.code == normalise_code(code)).with_for_update())
    return class_row(connection, code)


def class_players(code: str, database_url: str | None = None) -> list[Player]:
    """The class's players in the order they joined (their tokens left out: this is what the projector lists)."""
    def read(connection: Connection) -> list[Player]:
        info = class_row(connection, code)
        table = schema.players
        rows = connection.execute(sa.select(table.c.id, table.c.nickname).where(table.c.class_id == info.id)
                                  .order_by(table.c.id)).all()
        return [Player(row.id, info.id, row.nickname, "") for row in rows]
    return read_only(read, database_url)


def remove_player(code: str, player_id: int, database_url: str | None = None) -> str:
    """Take a player out of the class (their answers go too); returns their nickname. Their token is gone, so their
    device is told it is no longer in the class: the class's count of removed players is part of the stage that every
    device watches (:mod:`lab.classroom.live`), and the removed device's next request is refused."""
    def remove(connection: Connection) -> str:
        info = locked_class(connection, code)
        table = schema.players
        nickname = connection.execute(sa.select(table.c.nickname).where(
            table.c.id == player_id, table.c.class_id == info.id)).scalar()
        if nickname is None:
            raise ClassroomError(_("This player is not in the class {code} (any more).").format(code=info.code))
        connection.execute(table.delete().where(table.c.id == player_id))
        connection.execute(schema.classes.update().where(schema.classes.c.id == info.id)
                           .values(removed=schema.classes.c.removed + 1))
        return str(nickname)
    return transaction(remove, database_url)


def membership(connection: Connection, code: str, token: str, lock: bool = False) -> tuple[ClassInfo, Player]:
    """The class and the player whose token this is, once it is one of the class's players (:class:`NotAPlayerError`
    for a removed or forged one); ``lock``: the class's row locked, as :func:`locked_class`."""
    info = locked_class(connection, code) if lock else class_row(connection, code)
    player = player_of(connection, token)
    if player.class_id != info.id:
        raise NotAPlayerError(_("You are not in this class (any more): join again."))
    return info, player


def class_of_player(code: str, token: str, database_url: str | None = None) -> ClassInfo:
    """The class, once the token is one of its players' (:class:`NotAPlayerError` for a removed or forged one)."""
    return read_only(lambda connection: membership(connection, code, token)[0], database_url)


def player_of(connection: Connection, token: str) -> Player:
    row = connection.execute(sa.select(schema.players).where(schema.players.c.token == token)).first()
    if row is None:
        raise NotAPlayerError(_("You are not in this class (any more): join again."))
    return Player(row.id, row.class_id, row.nickname, row.token)


def set_lesson_step(code: str, step: str | None, database_url: str | None = None) -> ClassInfo:
    """The lesson step the class is on (``step``: an id of :mod:`lab.lesson`, checked by the caller; None: none);
    it is part of the stage every device watches, so that students' devices follow it. Refused once the class ended."""
    def move(connection: Connection) -> ClassInfo:
        info = class_row(connection, code)
        if info.ended:
            raise ClassroomError(_("The class {code} has ended.").format(code=info.code))
        connection.execute(schema.classes.update().where(schema.classes.c.id == info.id).values(lesson_step=step))
        return class_row(connection, code)
    return transaction(move, database_url)
