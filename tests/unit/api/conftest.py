"""The class routes run on SQLite and PostgreSQL alike (tests/support/databases.py)."""

from tests.support.databases import database_url  # noqa: F401  (a fixture)
