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
