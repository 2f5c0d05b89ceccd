"""A ``database_url`` fixture for tests that must hold on both backends: a fresh SQLite file, and a fresh PostgreSQL
database when ``$ONESHOT_TEST_POSTGRES_URL`` names a server (skipped with the reason otherwise).

The PostgreSQL database is created for the test and dropped after it (the role in the URL needs CREATEDB), so that a
test sees only its own rows. (The cluster work adds ``fresh_postgres_url`` to tests/conftest.py; this fixture can use
it once it lands.)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ENV = "ONESHOT_TEST_POSTGRES_URL"


def _forget() -> None:
    from lab.db.engine import forget_engines
    from lab.faces.database import forget_snapshots

    forget_snapshots()
    forget_engines()


def fresh_postgres(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``; its URL; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(admin_url)
    name = f"oneshot_test_{uuid.uuid4().hex[:12]}"
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at {parsed.render_as_string(hide_password=True)} cannot create a test database: "
                    f"{str(exc).strip().splitlines()[0]}")
    try:
        yield parsed.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        _forget()  # the engine's pooled connections would keep the database from being dropped
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    admin = os.environ.get(POSTGRES_ENV, "").strip()
    if not admin:
        pytest.skip(f"no PostgreSQL to test on: set {POSTGRES_ENV}=postgresql://user:password@host/db (a role with "
                    "CREATEDB)")
    yield from fresh_postgres(admin)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty shared database of each backend, also ``$ONESHOT_DATABASE_URL`` for the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONESHOT_DATABASE_URL", url)
        yield url
    _forget()
