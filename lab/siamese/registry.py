"""The model registry's rows in the shared database (table ``models``): who made each stored model, when, and its
figures.

Which is the source of truth:

- **The files** (``NAME.keras`` beside ``NAME.json``, :mod:`lab.siamese.store`) are the truth for which models exist,
  for their weights and for their full metadata, figures included. A model is listed if and only if its ``.keras``
  file is in a store folder; a row whose file is gone is ignored (and replaced when a model of that name is saved).
- **The table** is the truth for a model's **owner** (the browser session that trained or uploaded it, ``"cli"``
  from the command line, ``"shipped"`` for the lab's own models) and its **created** time, and it mirrors its
  figures (``metadata["metrics"]``), so that several servers sharing one database and one models folder agree on
  them, and the figures can be queried without opening every sidecar.

The sidecar keeps a copy of the owner and of the time (``owner``, ``saved_at``), so that losing the database (or a row
write that failed after its file operation) loses nothing: a row that is missing, or that belongs to an earlier model
of the same name (its created time is not the file's), is rebuilt from the files the next time the models are listed.
Every change is written after its file operation succeeded, in one transaction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lab.db.engine import read, transaction
from lab.db.schema import models as table

OWNER_CLI = "cli"  # trained or stored from the command line (no browser session)
OWNER_SHIPPED = "shipped"  # shipped with the lab, in the repository's models/ folder


@dataclass(frozen=True)
class Entry:
    """One model's row: ``created`` in UTC, whole seconds (as the sidecar's ``saved_at``)."""

    name: str
    owner: str | None
    created: datetime
    figures: dict


def clean_figures(figures: object) -> dict:
    """``figures`` as plain JSON: NumPy numbers become floats and a NaN or an infinity becomes None (PostgreSQL's JSON
    refuses them), so that the row and the sidecar's figures compare equal after a round trip."""
    if not isinstance(figures, dict):
        return {}

    def plain(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(json.loads(json.dumps(figures, default=float)))


def utc_seconds(moment: datetime) -> datetime:
    """``moment`` in UTC to the second: SQLite hands back naive times (stored as UTC), PostgreSQL aware ones, and a
    sidecar's ``saved_at`` has no fractions; all three must compare equal."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def entry_from_files(name: str, path: Path, metadata: dict, shipped: bool) -> Entry:
    """What a model's files say its row is: the sidecar's owner (``"shipped"`` in the lab's own folder) and its
    ``saved_at`` (else the file's modification time, for a model copied in from elsewhere), and its figures."""
    owner = OWNER_SHIPPED if shipped else metadata.get("owner")
    return Entry(name, owner if isinstance(owner, str) else None, _created(path, metadata),
                 clean_figures(metadata.get("metrics", {})))


def _created(path: Path, metadata: dict) -> datetime:
    saved_at = metadata.get("saved_at")
    if isinstance(saved_at, str):
        try:
            return utc_seconds(datetime.fromisoformat(saved_at))
        except ValueError:
            pass  # a hand-edited sidecar: the file's time instead
    try:
        return utc_seconds(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
    except OSError:
        return utc_seconds(datetime.now(timezone.utc))


def _values(entry: Entry) -> dict:
    return {"name": entry.name, "owner": entry.owner, "figures": entry.figures,
            "created_at": utc_seconds(entry.created), "updated_at": datetime.now(timezone.utc)}


def _upsert(connection: Connection, entry: Entry) -> None:
    """Insert or replace ``entry``'s row in one statement: a delete-then-insert would race with another server
    inserting the same name (PostgreSQL would then refuse the second insert instead of waiting)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = _values(entry)
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(index_elements=[table.c.name],
                                                set_={k: v for k, v in values.items() if k != "name"})
    connection.execute(statement)


def _entry(row: sa.Row) -> Entry:
    return Entry(row.name, row.owner, utc_seconds(row.created_at), dict(row.figures or {}))


def _select(connection: Connection, names: Iterable[str] | None = None) -> dict[str, Entry]:
    query = sa.select(table.c.name, table.c.owner, table.c.created_at, table.c.figures)
    if names is not None:
        query = query.where(table.c.name.in_(list(names)))
    return {row.name: _entry(row) for row in connection.execute(query)}


def record(entry: Entry, database_url: str | None = None) -> None:
    """A model was saved (new, or overwriting one of the same name): its row is now ``entry``."""
    transaction(lambda connection: _upsert(connection, entry), database_url)


def rename(name: str, new_name: str, fallback: Entry, database_url: str | None = None) -> Entry:
    """A model's files were renamed: its row goes with them, owner and created time kept. ``fallback`` (from the
    renamed sidecar) is used when the old row is missing or stale; a row another server already made lazily for the
    new name is replaced."""

    def work(connection: Connection) -> Entry:
        old = _select(connection, [name]).get(name)
        kept = fallback if old is None or old.created != utc_seconds(fallback.created) else old
        renamed = Entry(new_name, kept.owner, kept.created, fallback.figures)
        connection.execute(table.delete().where(table.c.name == name))
        _upsert(connection, renamed)
        return renamed

    return transaction(work, database_url)


def forget(name: str, database_url: str | None = None) -> None:
    """A model's files were deleted: so is its row."""
    transaction(lambda connection: connection.execute(table.delete().where(table.c.name == name)), database_url)


def entries(database_url: str | None = None) -> dict[str, Entry]:
    """Every row, by name (rows of deleted files included: the store lists files, not rows)."""
    return read(_select, database_url)


def sync(found: list[Entry], database_url: str | None = None) -> dict[str, Entry]:
    """The rows of the models found on disk (``found``: what their files say), by name. A missing row is created
    from the files; a row with another created time belongs to an earlier model of that name and is replaced; a row
    whose figures differ from the sidecar's (a sidecar rewritten without the database) takes the sidecar's.
    Writes only when something is out of step, so a listing is one read."""
    wanted = {entry.name: entry for entry in found}
    if not wanted:
        return {}
    current = read(lambda connection: _select(connection, wanted), database_url)
    if all(_in_step(current.get(name), entry) for name, entry in wanted.items()):
        return current

    def work(connection: Connection) -> dict[str, Entry]:
        rows = _select(connection, wanted)  # again, under the write lock: another server may have synced meanwhile
        for name, entry in wanted.items():
            row = rows.get(name)
            if _in_step(row, entry):
                continue
            if row is not None and row.created == utc_seconds(entry.created):
                entry = Entry(name, row.owner, row.created, entry.figures)  # same model: the table's owner stays
            _upsert(connection, entry)
            rows[name] = Entry(name, entry.owner, utc_seconds(entry.created), entry.figures)
        return rows

    return transaction(work, database_url)


def _in_step(row: Entry | None, files: Entry) -> bool:
    return row is not None and row.created == utc_seconds(files.created) and row.figures == files.figures
