"""Every classroom test runs on SQLite (a fresh file) and on PostgreSQL (a fresh database), as the issue asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.db.engine import forget_engines


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    yield url
    forget_engines()  # before the fresh PostgreSQL database is dropped
