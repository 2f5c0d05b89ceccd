"""A ``database_url`` fixture for the tests of the shared database (faces, classes), which must hold on both
backends: a fresh SQLite file, and a fresh PostgreSQL database (tests/conftest.py's ``fresh_postgres_url``: skipped
with the reason when PostgreSQL is not available). It is also ``$ONESHOT_DATABASE_URL`` for the test, since the
lab's functions, like the pages and the command line, find their database there when not given one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


def _forget() -> None:
    from lab.db.engine import forget_engines
    from lab.workflows.gallery import forget_snapshots

    forget_snapshots()
    forget_engines()  # before the fresh PostgreSQL database is dropped


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ONESHOT_DATABASE_URL", url)
        yield url
    _forget()
