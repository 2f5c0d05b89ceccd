"""The lab's shared database on SQLite and on PostgreSQL (see tests/support/databases.py)."""

from tests.support.databases import database_url  # noqa: F401  (a fixture)
