"""Which database the lab shares its state in, and transactions that survive a busy SQLite file.

Default, zero set-up: one SQLite file, ``$XDG_DATA_HOME/oneshot-lab/oneshot.sqlite``, in WAL mode (readers do not
block the writer). Several servers: ``ONESHOT_DATABASE_URL=postgresql://user:password@host/db`` (psycopg 3).
The schema is created or upgraded the first time a process opens a database (:mod:`lab.db.migrations`).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from lab.config import lab_data_dir
from lab.errors import LabError
from lab.i18n import _

DATABASE_URL_ENV = "ONESHOT_DATABASE_URL"
SQLITE_FILE = "oneshot.sqlite"
T = TypeVar("T")


class DatabaseError(LabError):
    """The shared database cannot be reached or used (a bad URL, a server that is down, a damaged file), or what it
    holds does not fit the request (a face gallery of another model, an unknown person). The lab's only one."""


def database_url(override: str | None = None) -> str:
    """``override``, else ``$ONESHOT_DATABASE_URL``, else the default SQLite file in the lab's data folder."""
    url = override or os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{lab_data_dir() / SQLITE_FILE}"


def shown_url(url: str) -> str:
    """The URL as a page or a command may show it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _driver_url(url: str) -> sa.URL:
    """The URL SQLAlchemy needs: ``postgresql://`` means psycopg 3 here (SQLAlchemy's default would be psycopg2)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(_("{variable} is not a database URL: {reason}").format(
            variable=DATABASE_URL_ENV, reason=exc)) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(_("{variable} must be a sqlite:/// or a postgresql:// URL, not {backend}").format(
            variable=DATABASE_URL_ENV, backend=parsed.get_backend_name()))
    return parsed


WAL_SWITCH_SECONDS = 10.0  # as long as a writer waits for another's lock (busy_timeout)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")  # wait up to 10 s for another process's write before 'busy'
    _use_wal(cursor)  # readers never wait for the writer, the writer never for readers
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode across a process kill
    cursor.close()


def _use_wal(cursor) -> None:
    """Switch the file to WAL mode (kept in the file: once done, every later connection finds it so).

    The switch of a new file needs a moment of exclusive lock for which SQLite does not wait: it answers "database is
    locked" at once, busy_timeout or not, when another process opens the same new file at that moment. Two commands
    started together on a fresh database (the first enrolments of a class) then saw one of them fail with "cannot
    open the shared database ...: database is locked" (issue 23: 11 of 12 people enrolled). So the switch is asked
    again, for as long as a writer would wait for a lock.
    """
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not ("locked" in str(exc).lower() or "busy" in str(exc).lower()) or time.monotonic() > deadline:
                raise
        time.sleep(random.uniform(0.005, 0.03))


READ_ONLY = "lab_read_only"  # an execution option: this connection's transaction only reads


def _sqlite_begin(connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # A reader takes no lock at the start: in WAL mode it reads a snapshot while a writer works (an identification
        # must not wait for an import of thousands of faces).
        connection.exec_driver_sql("BEGIN")
        return
    # Take the write lock when the transaction starts, not on its first write: two read-then-write transactions
    # would otherwise deadlock on the upgrade, and SQLite answers a deadlock with an immediate 'busy'.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine(url: str | None = None) -> Engine:
    """The process's engine for ``url`` (see :func:`database_url`), its schema created or upgraded on first use."""
    wanted = database_url(url)
    with _engines_lock:
        if wanted in _engines:
            return _engines[wanted]
        parsed = _driver_url(wanted)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                try:
                    Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(_("cannot create the folder of the database {path}: {reason}").format(
                        path=parsed.database, reason=exc.strerror or exc)) from exc
            # One connection per session thread that is in the database at the same moment: a class of 30 polls at
            # once, and SQLAlchemy's default of 5 (+10) made the others queue for a connection, not for SQLite.
            made = sa.create_engine(parsed, connect_args={"timeout": 10, "check_same_thread": False},
                                    pool_size=10, max_overflow=40)
            sa.event.listen(made, "connect", _sqlite_pragmas)
            # pysqlite's own transaction handling is switched off, so that BEGIN IMMEDIATE is ours to send.
            sa.event.listen(made, "connect", lambda dbapi, _r: setattr(dbapi, "isolation_level", None))
            sa.event.listen(made, "begin", _sqlite_begin)
        else:
            # PostgreSQL allows 100 connections by default: 30 per replica leaves room for 3 replicas and psql.
            made = sa.create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
        from lab.db.migrations import migrate

        try:
            migrate(made)
        except OperationalError as exc:
            made.dispose()
            raise DatabaseError(_("cannot open the shared database {url}: {reason}").format(
                url=parsed.render_as_string(hide_password=True), reason=_reason(exc))) from exc
        _engines[wanted] = made
        return made


def forget_engines() -> None:
    """Close every engine of this process (tests that point the lab at another database)."""
    with _engines_lock:
        for made in _engines.values():
            made.dispose()
        _engines.clear()


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def _retryable(exc: DBAPIError) -> bool:
    """SQLite 'database is locked/busy'; PostgreSQL serialization failure or deadlock (SQLSTATE 40001 / 40P01)."""
    text = str(exc.orig).lower()
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return "locked" in text or "busy" in text or code in ("40001", "40P01")


def transaction(work: Callable[[Connection], T], url: str | None = None, attempts: int = 8) -> T:
    """Run ``work(connection)`` in one transaction and return its result; all of it is written, or none.

    A transaction that another writer's lock made fail is run again from the start (with a short random wait),
    so concurrent writers from several processes lose nothing. ``work`` must therefore only touch the database.
    """
    return _run(work, url, attempts, read_only=False)


def _run(work: Callable[[Connection], T], url: str | None, attempts: int, read_only: bool) -> T:
    made = engine(url)
    for attempt in range(attempts):
        try:
            with made.connect() as connection:
                if read_only:
                    connection.execution_options(**{READ_ONLY: True})
                with connection.begin():
                    return work(connection)
        except OperationalError as exc:
            if not _retryable(exc) or attempt == attempts - 1:
                raise DatabaseError(_("the shared database refused a change: {reason}").format(
                    reason=_reason(exc))) from exc
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == attempts - 1:
                raise
        except PoolTimeoutError as exc:  # every connection busy for 30 s: a server far past its load
            raise DatabaseError(_("the shared database is overloaded: no connection was free for {seconds} s; try "
                                  "again").format(seconds=round(made.pool.timeout()))) from exc
        time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def read(work: Callable[[Connection], T], url: str | None = None, attempts: int = 8) -> T:
    """Run ``work(connection)`` for reading: one transaction, so that it sees one consistent state, which on SQLite
    takes no write lock (``work`` must not write)."""
    return _run(work, url, attempts, read_only=True)


def backend(url: str | None = None) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return _driver_url(database_url(url)).get_backend_name()
