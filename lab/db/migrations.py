"""The schema is created and upgraded by the app, in ordered steps, never by hand.

``schema_version`` holds the number of the last step applied. Opening a database applies the steps after it
and the new version in one transaction (DDL is transactional in both SQLite and PostgreSQL), under a lock, so two servers starting at once apply each step once
(PostgreSQL: an advisory lock; SQLite: the write lock that BEGIN IMMEDIATE takes). A database newer than this code
(a server not yet upgraded) is refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import lab.db.schema as schema  # the module itself: lab.db (the package) imports the engine, which imports this
from lab.errors import LabError
from lab.i18n import _

MIGRATION_LOCK = 715_001  # PostgreSQL advisory lock key, any constant the lab owns


def _create_version_1(connection: Connection) -> None:
    for table in (schema.galleries, schema.faces, schema.classes, schema.players, schema.rounds, schema.answers,
                  schema.models, schema.class_faces):
        table.create(connection, checkfirst=True)


def _add_missing_column(connection: Connection, table: sa.Table, name: str) -> None:
    """``ALTER TABLE ... ADD COLUMN`` as :mod:`lab.db.schema` declares the column, unless the table has it already
    (step 1 creates the tables as they are now, so on a new database the later steps find their columns there)."""
    if name in {column["name"] for column in sa.inspect(connection).get_columns(table.name)}:
        return
    column = sa.schema.CreateColumn(table.c[name]).compile(dialect=connection.dialect)
    connection.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column}"))


def _version_2(connection: Connection) -> None:
    """A class safe on a network: nicknames unique by their confusable skeleton, a count of removed players (part of
    the stage devices watch); a gallery's switch that shows every face's thumbnail to students."""
    from lab.classroom.nicknames import nickname_key

    players = schema.players
    _add_missing_column(connection, players, "nickname_skeleton")
    _add_missing_column(connection, schema.classes, "removed")
    _add_missing_column(connection, schema.galleries, "thumbnails_shared")
    rows = connection.execute(sa.select(players.c.id, players.c.class_id, players.c.nickname)
                              .where(players.c.nickname_skeleton.is_(None)).order_by(players.c.id)).all()
    taken = {tuple(row) for row in connection.execute(sa.select(players.c.class_id, players.c.nickname_skeleton)
                                                      .where(players.c.nickname_skeleton.is_not(None)))}
    for row in rows:
        key = nickname_key(row.nickname)
        if (row.class_id, key) in taken:  # look-alikes that joined before this step: both stay, the later one keyed
            key = f"{key}#{row.id}"[-255:]  # apart ('#' is never part of a cleaned nickname's skeleton)
        taken.add((row.class_id, key))
        connection.execute(players.update().where(players.c.id == row.id).values(nickname_skeleton=key))
    connection.execute(sa.text("CREATE UNIQUE INDEX IF NOT EXISTS players_unique_skeleton "
                               "ON players (class_id, nickname_skeleton)"))


def _version_3(connection: Connection) -> None:
    """The lecture as a lesson: a class's activity (the quiz or the face round), the face round's kept faces and the
    projector's switch for their thumbnails, the lesson step the teacher shows."""
    for name in ("activity", "faces_shown", "lesson_step"):
        _add_missing_column(connection, schema.classes, name)
    schema.class_faces.create(connection, checkfirst=True)


# Step n brings a database from version n-1 to version n. Append; never edit a step that has shipped. Step 1 creates
# the tables as lab.db.schema declares them now, so every later step must find its change made already and skip it.
STEPS: list[Callable[[Connection], None]] = [_create_version_1, _version_2, _version_3]
VERSION = len(STEPS)


class SchemaTooNewError(LabError):
    """The database was upgraded by a newer version of the lab than this one."""


def current_version(connection: Connection) -> int:
    if not sa.inspect(connection).has_table(schema.schema_version.name):
        return 0
    found = connection.execute(sa.select(schema.schema_version.c.version)).scalar()
    return int(found or 0)


def migrate(engine: Engine) -> int:
    """Apply the missing steps; returns the database's version (== :data:`VERSION`)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        schema.schema_version.create(connection, checkfirst=True)
        version = current_version(connection)
        if version > VERSION:
            raise SchemaTooNewError(_("the shared database has schema version {found}, newer than this lab's {known}: "
                                      "upgrade the lab on this server").format(found=version, known=VERSION))
        for number in range(version, VERSION):
            STEPS[number](connection)
        if version != VERSION:
            table = schema.schema_version
            if version == 0:
                connection.execute(table.insert().values(id=1, version=VERSION))
            else:
                connection.execute(table.update().where(table.c.id == 1).values(version=VERSION,
                                                                                 migrated_at=sa.func.now()))
    return VERSION
