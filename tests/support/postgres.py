"""PostgreSQL for the tests: the server that ``./run.sh test`` starts (``deploy/postgres.sh``), and throw-away
databases on it.

``run.sh test`` exports ``ONESHOT_TEST_POSTGRES_URL`` (``postgresql://oneshot:...@127.0.0.1:5432/oneshot_test``),
or, when PostgreSQL could not be started, ``ONESHOT_TEST_POSTGRES_UNAVAILABLE`` with the reason. Tests never read
``ONESHOT_DATABASE_URL``: they choose their database themselves and hand it to the code under test.
``ONESHOT_REQUIRE_POSTGRES=1`` (``./run.sh test`` sets it unless told otherwise) turns "PostgreSQL is not
available" from a skip into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

URL_VARIABLE = "ONESHOT_TEST_POSTGRES_URL"
REASON_VARIABLE = "ONESHOT_TEST_POSTGRES_UNAVAILABLE"
REQUIRE_VARIABLE = "ONESHOT_REQUIRE_POSTGRES"
FRESH_PREFIX = "oneshot_t_"


def with_database(url: str, database: str) -> str:
    """The same server, role and password, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def unavailable(reason: str) -> None:
    """Skip (or, with ``ONESHOT_REQUIRE_POSTGRES=1``, fail) the test with ``reason``."""
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"PostgreSQL is required here ({REQUIRE_VARIABLE}=1) but not available: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


def server_url_or_skip() -> str:
    """``$ONESHOT_TEST_POSTGRES_URL`` after a check that it answers; skips (or fails, see above) otherwise."""
    import psycopg

    url = os.environ.get(URL_VARIABLE)
    if not url:
        unavailable(os.environ.get(REASON_VARIABLE) or (
            f"{URL_VARIABLE} is not set. Run the tests with ./run.sh test, which starts PostgreSQL with "
            f"deploy/postgres.sh, or set {URL_VARIABLE}=postgresql://USER:PASSWORD@HOST:PORT/DATABASE "
            "(a role with CREATEDB)."))
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        unavailable(f"{URL_VARIABLE} does not answer: {str(error).strip()}")
    return url


def create_database(server_url: str) -> str:
    """Create an empty database ``oneshot_t_<random>`` owned by the URL's role (which needs CREATEDB), through the
    ``postgres`` maintenance database; return its URL."""
    import psycopg

    name = FRESH_PREFIX + secrets.token_hex(6)
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'create database "{name}"')
    return with_database(server_url, name)


def drop_database(database_url: str, attempts: int = 50) -> None:
    """Drop the database, closing whatever connections are still open on it (a pool left behind by a test).

    An autovacuum worker that has just started on it (after a burst of writes) belongs to the superuser, whom the
    test role may not terminate ("must be a member of the role whose process is being terminated"): the drop is then
    asked again a little later, when the worker is done."""
    import time

    import psycopg

    name = database_of(database_url)
    assert name.startswith(FRESH_PREFIX), f"only databases made by create_database are dropped, not {name!r}"
    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True, connect_timeout=5) as admin:
        for attempt in range(attempts):
            try:
                admin.execute(f'drop database if exists "{name}" with (force)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.1)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """An empty database for the duration of the block, dropped afterwards."""
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(url)
