"""lab.db.migrations on SQLite and PostgreSQL: the schema is made once, upgraded in order, never downgraded."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from lab.db import migrations, schema

# lab.db exports the function engine(), which hides the module of the same name from `from lab.db import`.
db = importlib.import_module("lab.db.engine")


def tables(url: str) -> set[str]:
    return set(db.read(lambda c: sa.inspect(c).get_table_names(), url))


def test_a_new_database_gets_every_table_and_the_current_version(database_url: str) -> None:
    made = db.engine(database_url)
    assert set(schema.metadata.tables) <= tables(database_url)
    with made.connect() as connection:
        assert migrations.current_version(connection) == migrations.VERSION


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    made = db.engine(database_url)
    db.transaction(lambda c: c.execute(schema.galleries.insert().values(name="kept", model="Facenet",
                                                                        detector="yunet")), database_url)
    before = db.read(lambda c: c.execute(sa.select(schema.schema_version)).all(), database_url)
    assert migrations.migrate(made) == migrations.VERSION
    db.forget_engines()  # a second process (or a restart) opening the same database
    db.engine(database_url)
    assert db.read(lambda c: c.execute(sa.select(schema.schema_version)).all(), database_url) == before
    assert db.read(lambda c: list(c.execute(sa.select(schema.galleries.c.name)).scalars()), database_url) == ["kept"]


def test_a_database_newer_than_this_lab_is_refused(database_url: str) -> None:
    db.engine(database_url)
    db.transaction(lambda c: c.execute(schema.schema_version.update().values(version=migrations.VERSION + 1)),
                   database_url)
    db.forget_engines()
    with pytest.raises(migrations.SchemaTooNewError, match="upgrade the lab on this server"):
        db.engine(database_url)


def _back_to_version_1(connection: sa.Connection) -> None:
    """What a database of version 1 looked like: none of step 2's columns and index."""
    connection.execute(sa.text("DROP INDEX players_unique_skeleton"))
    for table, column in (("players", "nickname_skeleton"), ("classes", "removed"), ("galleries", "thumbnails_shared")):
        connection.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    connection.execute(sa.text("UPDATE schema_version SET version = 1"))


def test_step_2_upgrades_a_version_1_database_with_look_alikes_in_it(database_url: str) -> None:
    db.engine(database_url)
    db.transaction(_back_to_version_1, database_url)
    players = sa.table("players", sa.column("class_id"), sa.column("nickname"), sa.column("nickname_key"),
                       sa.column("token"))
    db.transaction(lambda c: c.execute(sa.text("INSERT INTO classes (code, title) VALUES ('ABC234', 'old')")),
                   database_url)
    db.transaction(lambda c: c.execute(sa.text("INSERT INTO galleries (name, model, detector) VALUES ('g', 'F', 'y')")),
                   database_url)
    class_id = db.read(lambda c: c.execute(sa.text("SELECT id FROM classes")).scalar_one(), database_url)
    for number, nickname in enumerate(("bot0003", "b\u043et0003", "Ana")):  # two look-alikes joined before step 2
        db.transaction(lambda c, n=nickname, i=number: c.execute(players.insert().values(
            class_id=class_id, nickname=n, nickname_key=n.casefold(), token=f"{i:032x}")), database_url)
    db.forget_engines()
    db.engine(database_url)  # a server of this version opens it: step 2 runs
    p = schema.players
    keys = db.read(lambda c: c.execute(sa.select(p.c.nickname, p.c.nickname_skeleton).order_by(p.c.id)).all(),
                   database_url)
    assert keys[0][1] == "botooo3" and keys[1][1].startswith("botooo3#") and keys[2][1] == "ana"
    assert db.read(lambda c: c.execute(sa.select(schema.classes.c.removed)).scalar_one(), database_url) == 0
    assert db.read(lambda c: c.execute(sa.select(schema.galleries.c.thumbnails_shared)).scalar_one(),
                   database_url) is False
    classes = schema.classes  # step 3: a class's activity, face switch and lesson step; the face round's table
    assert db.read(lambda c: c.execute(sa.select(classes.c.activity, classes.c.faces_shown, classes.c.lesson_step))
                   .one(), database_url) == ("quiz", False, None)
    assert db.read(lambda c: c.execute(sa.select(sa.func.count()).select_from(schema.class_faces)).scalar_one(),
                   database_url) == 0
    with pytest.raises(sa.exc.IntegrityError):  # the index is there: a third look-alike cannot go in
        db.transaction(lambda c: c.execute(p.insert().values(class_id=class_id, nickname="B0T0003",
                                                             nickname_key="b0t0003", token="e" * 32,
                                                             nickname_skeleton="botooo3")), database_url)
    with db.engine(database_url).connect() as connection:
        assert migrations.current_version(connection) == migrations.VERSION >= 2
