"""The face database's tests run on SQLite and on PostgreSQL (see tests/support/databases.py)."""

from tests.support.databases import database_url, fresh_postgres_url  # noqa: F401  (fixtures)
