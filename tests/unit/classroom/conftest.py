"""Every classroom test runs on SQLite (a fresh file) and on PostgreSQL (a fresh database), as the issue asks
(see tests/support/databases.py)."""

from tests.support.databases import database_url  # noqa: F401  (a fixture)
