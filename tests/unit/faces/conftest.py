"""The face database's tests run on SQLite and on PostgreSQL (see tests/support/databases.py)."""

from tests.support.databases import database_url  # noqa: F401  (a fixture)
