"""lab.db.engine on SQLite and PostgreSQL: which database, SQLite's settings, refusals, retried transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import importlib

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from lab.db.schema import galleries

# lab.db exports the function engine(), which hides the module of the same name from `from lab.db import`.
db = importlib.import_module("lab.db.engine")


def test_the_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv("ONESHOT_DATA_DIR", str(tmp_path / "data"))
    assert db.database_url() == f"sqlite:///{tmp_path / 'data' / 'oneshot.sqlite'}"
    assert db.database_url("sqlite:///elsewhere.sqlite") == "sqlite:///elsewhere.sqlite"  # an explicit URL wins
    try:
        with db.engine().connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "data" / "oneshot.sqlite").is_file()  # the folder was made
        assert db.backend() == "sqlite"
    finally:
        db.forget_engines()


def test_the_engine_is_made_once_per_url_and_process(database_url: str) -> None:
    assert db.engine(database_url) is db.engine() is db.engine(database_url)
    assert db.backend(database_url) == database_url.split(":")[0]
    db.forget_engines()
    assert db.engine(database_url) is not None


@pytest.mark.parametrize("url, says", [("mysql://u:p@localhost/x", "must be a sqlite:/// or a postgresql:// URL"),
                                       ("not a url at all", "is not a database URL"),
                                       ("postgresql://u:secret@127.0.0.1:1/x", "cannot open the shared database")])
def test_a_bad_url_is_a_database_error_that_hides_the_password(url: str, says: str) -> None:
    with pytest.raises(db.DatabaseError, match=says) as refused:
        db.engine(url)
    assert "secret" not in str(refused.value)
    assert db.shown_url("postgresql://u:secret@host/x") == "postgresql://u:***@host/x"


def test_a_sqlite_file_where_a_folder_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(db.DatabaseError, match="cannot create the folder"):
        db.engine(f"sqlite:///{tmp_path / 'file' / 'sub' / 'x.sqlite'}")


class Busy(Exception):
    sqlstate = "40001"  # PostgreSQL's serialization failure; the text says 'locked' for SQLite


def busy_error() -> OperationalError:
    return OperationalError("UPDATE ...", {}, Busy("database is locked"))


def test_a_transaction_is_retried_when_the_database_is_busy(database_url: str) -> None:
    attempts = []

    def work(connection: sa.Connection) -> int:
        attempts.append(1)
        connection.execute(galleries.insert().values(name=f"g{len(attempts)}", model="Facenet", detector="yunet"))
        if len(attempts) < 3:
            raise busy_error()  # after a write: it must be rolled back, then run again
        return len(attempts)

    assert db.transaction(work, database_url) == 3
    names = db.read(lambda c: list(c.execute(sa.select(galleries.c.name)).scalars()), database_url)
    assert names == ["g3"]  # the failed attempts left nothing


def test_a_transaction_that_stays_busy_or_fails_otherwise_is_not_retried_forever(database_url: str) -> None:
    calls = []

    def always_busy(connection: sa.Connection) -> None:
        calls.append(1)
        raise busy_error()

    with pytest.raises(db.DatabaseError, match="refused a change"):
        db.transaction(always_busy, database_url, attempts=3)
    assert len(calls) == 3

    def other(connection: sa.Connection) -> None:
        calls.append(1)
        connection.exec_driver_sql("SELECT * FROM no_such_table")

    calls.clear()
    with pytest.raises(Exception):
        db.transaction(other, database_url)
    assert len(calls) == 1


def test_sqlite_writers_wait_for_each_other_and_readers_wait_for_nobody(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    db.engine(url)
    holder = sqlite3.connect(tmp_path / "shared.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process's writer, in the middle of its transaction
    holder.execute("INSERT INTO galleries (name, model, detector) VALUES ('held', 'Facenet', 'yunet')")
    events: list[str] = []

    def count(connection: sa.Connection) -> int:
        events.append("read")
        return connection.execute(sa.select(sa.func.count()).select_from(galleries)).scalar()

    def commit() -> None:
        events.append("held committed")
        holder.execute("COMMIT")

    def write(connection: sa.Connection) -> None:
        connection.execute(galleries.insert().values(name="mine", model="Facenet", detector="yunet"))
        events.append("mine written")

    try:
        # The writer's lock is held until this test commits it: a reader that waited for it would never return.
        assert db.read(count, url) == 0 and events == ["read"]  # the last commit, at the first try
        threading.Timer(0.5, commit).start()
        db.transaction(write, url)  # waits for the lock (busy_timeout), then writes
        assert events == ["read", "held committed", "mine written"]
        assert db.read(lambda c: sorted(c.execute(sa.select(galleries.c.name)).scalars()), url) == ["held", "mine"]
    finally:
        holder.close()
        db.forget_engines()


class LockedCursor:
    """A cursor whose WAL switch answers as SQLite does while another process switches the same new file."""

    def __init__(self, locked: int, error: str = "database is locked") -> None:
        self.locked, self.error, self.statements = locked, error, []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if statement == "PRAGMA journal_mode=WAL" and self.locked:
            self.locked -= 1
            raise sqlite3.OperationalError(self.error)


def test_the_switch_to_wal_is_asked_again_while_another_process_holds_the_new_file() -> None:
    """SQLite does not wait (busy_timeout or not) for the lock of a new file's switch to WAL: 11 of 400 processes
    opening a fresh file four at a time failed with 'database is locked' before it was asked again (issue 23)."""
    cursor = LockedCursor(locked=3)
    db._use_wal(cursor)
    assert cursor.statements == ["PRAGMA journal_mode=WAL"] * 4
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):  # anything else is not waited for
        db._use_wal(LockedCursor(locked=1, error="disk I/O error"))


def test_a_switch_to_wal_that_stays_locked_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "WAL_SWITCH_SECONDS", 0.05)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        db._use_wal(LockedCursor(locked=10**6))
