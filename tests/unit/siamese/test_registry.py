"""The model registry's rows (lab/siamese/registry.py) kept in step with the store's files, on SQLite and, when
``ONESHOT_TEST_POSTGRES_URL`` names a database, on PostgreSQL (skipped otherwise).

The models here are fake (a few bytes for weights): the rows follow the files, never their contents, so these tests
need neither Keras nor the data.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from lab.db.engine import DATABASE_URL_ENV, engine, forget_engines
from lab.db.schema import models as models_table_schema
from lab.errors import ModelNotFoundError
from lab.siamese import registry, store
from lab.siamese.model_table import models_table

POSTGRES_ENV = "ONESHOT_TEST_POSTGRES_URL"


class FakePairModel:
    def save(self, path: Path) -> None:
        Path(path).write_bytes(b"weights")


class FakeModel:
    """What save_model reads of a model: its pair model's save, its architecture and its loss."""

    pair_model = FakePairModel()
    architecture = "compact"
    loss = "triplet"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of this test's own: a fresh SQLite file, or the PostgreSQL test database emptied of models."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    else:
        url = os.environ.get(POSTGRES_ENV, "")
        if not url:
            pytest.skip(f"{POSTGRES_ENV} is not set (a postgresql:// URL of a database the tests may empty)")
    forget_engines()
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    with engine().begin() as connection:
        connection.execute(models_table_schema.delete())
    yield url
    forget_engines()


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    return folder


def rows() -> dict[str, registry.Entry]:
    return registry.entries()


def test_saving_records_owner_created_and_figures(database: str, models_dir: Path) -> None:
    info = store.save_model(FakeModel(), "alpha", {"metrics": {"lake_accuracy": 0.75, "eer": float("nan")}},
                            owner="session-1")
    row = rows()["alpha"]
    assert (row.owner, row.figures) == ("session-1", {"lake_accuracy": 0.75, "eer": None})
    sidecar = json.loads((models_dir / "alpha.json").read_text())
    assert row.created == datetime.fromisoformat(sidecar["saved_at"]) == info.created
    assert sidecar["owner"] == "session-1", "the sidecar keeps a copy, to rebuild a lost row"
    listed = {m.name: m for m in store.list_models()}
    assert listed["alpha"].owner == "session-1" and listed["default"].owner == registry.OWNER_SHIPPED
    assert store.save_model(FakeModel(), "beta", {}).owner == registry.OWNER_CLI, "no session: the command line"


def test_overwriting_replaces_the_row(database: str, models_dir: Path) -> None:
    store.save_model(FakeModel(), "alpha", {"metrics": {"lake_accuracy": 0.5}}, owner="session-1")
    store.save_model(FakeModel(), "alpha", {"metrics": {"lake_accuracy": 0.9}}, overwrite=True, owner="session-2")
    assert (rows()["alpha"].owner, rows()["alpha"].figures) == ("session-2", {"lake_accuracy": 0.9})


def test_models_already_on_disk_get_their_rows_when_listed(database: str, models_dir: Path) -> None:
    models_dir.mkdir()
    for suffix in (".keras", ".json"):  # a model from before the registry: its sidecar has no owner
        shutil.copy(store.SHIPPED_DIR / f"default{suffix}", models_dir / f"mine{suffix}")
    (models_dir / "foreign.keras").write_bytes(b"weights")  # no sidecar at all
    assert rows() == {}
    listed = {m.name: m for m in store.list_models()}
    assert set(rows()) == {"default", "mine", "foreign"}
    assert listed["mine"].owner is None and listed["default"].owner == registry.OWNER_SHIPPED
    sidecar = json.loads((models_dir / "mine.json").read_text())
    assert rows()["mine"].figures == registry.clean_figures(sidecar["metrics"])
    modified = datetime.fromtimestamp((models_dir / "foreign.keras").stat().st_mtime, timezone.utc)
    assert rows()["foreign"].created == registry.utc_seconds(modified)
    table = models_table(store.list_models(), me="session-1")
    assert list(table["owner"]) == ["shipped with the lab", "-", "-"]


def test_renaming_moves_the_row_with_its_owner_and_time(database: str, models_dir: Path) -> None:
    saved = store.save_model(FakeModel(), "first", {"metrics": {"lake_accuracy": 0.5}}, owner="session-1")
    renamed = store.rename_model("first", "second")
    assert "first" not in rows() and rows()["second"].owner == "session-1"
    assert rows()["second"].created == saved.created == renamed.created and renamed.owner == "session-1"
    assert store.find_model("second").owner == "session-1"


def test_renaming_replaces_a_row_another_server_made_for_the_new_name(database: str, models_dir: Path) -> None:
    saved = store.save_model(FakeModel(), "first", {}, owner="session-1")
    registry.record(registry.Entry("second", None, datetime(2020, 1, 1, tzinfo=timezone.utc), {}))  # a stale row
    store.rename_model("first", "second")
    assert rows()["second"].owner == "session-1" and rows()["second"].created == saved.created


def test_deleting_removes_the_row(database: str, models_dir: Path) -> None:
    store.save_model(FakeModel(), "gone", {}, owner="session-1")
    store.delete_model("gone")
    assert "gone" not in rows() and not (models_dir / "gone.keras").exists()
    with pytest.raises(ModelNotFoundError):
        store.find_model("gone")


def test_a_row_of_an_earlier_model_of_that_name_is_replaced(database: str, models_dir: Path) -> None:
    """A model deleted by hand and another stored under its name: the old row's owner must not stick to it."""
    registry.record(registry.Entry("alpha", "old-session", datetime(2020, 1, 1, tzinfo=timezone.utc), {"x": 1}))
    store.save_model(FakeModel(), "alpha", {}, owner="session-2")
    (models_dir / "alpha.keras").unlink()  # by hand: no row change
    store.save_model(FakeModel(), "alpha", {}, owner="session-3")
    metadata = json.loads((models_dir / "alpha.json").read_text())
    metadata["saved_at"] = "2021-06-01T12:00:00+00:00"  # as if copied in from another machine
    (models_dir / "alpha.json").write_text(json.dumps(metadata))
    assert store.find_model("alpha").owner == "session-3"  # rebuilt from the sidecar's copy
    assert rows()["alpha"].created == datetime(2021, 6, 1, 12, tzinfo=timezone.utc)


def test_the_table_owner_wins_over_the_sidecar(database: str, models_dir: Path) -> None:
    store.save_model(FakeModel(), "alpha", {}, owner="session-1")
    with engine().begin() as connection:
        connection.execute(models_table_schema.update().values(owner="session-9"))
    assert store.find_model("alpha").owner == "session-9"


def test_the_owner_column_in_words(database: str, models_dir: Path) -> None:
    store.save_model(FakeModel(), "mine", {"trained_by": "Ada"}, owner="session-1")
    store.save_model(FakeModel(), "theirs", {}, owner="session-2")
    store.save_model(FakeModel(), "scripted", {})
    owners = models_table(store.list_models(), me="session-1")["owner"].to_dict()
    assert owners == {"default": "shipped with the lab", "mine": "you (this session) (Ada)",
                      "scripted": "command line", "theirs": "another session"}


def test_concurrent_listings_create_each_row_once(database: str, models_dir: Path) -> None:
    models_dir.mkdir()
    for name in ("a", "b", "c"):
        (models_dir / f"{name}.keras").write_bytes(b"weights")
    errors: list[BaseException] = []

    def lister() -> None:
        try:
            for _ in range(5):
                store.list_models()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=lister) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and set(rows()) == {"default", "a", "b", "c"}


def test_an_unreachable_database_costs_the_owner_never_a_model(models_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    forget_engines()
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://nobody:wrong@127.0.0.1:1/none?connect_timeout=2")
    try:
        info = store.save_model(FakeModel(), "offline", {}, owner="session-1")
        assert (models_dir / "offline.keras").is_file() and info.owner == "session-1"
        assert store.find_model("offline").owner == "session-1", "from the sidecar's copy"
        store.rename_model("offline", "still-offline")
    finally:
        forget_engines()
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'back.sqlite'}")
    try:
        assert store.find_model("still-offline").owner == "session-1"
        assert registry.entries()["still-offline"].owner == "session-1", "the row was rebuilt once it was reachable"
    finally:
        forget_engines()


def test_times_compare_across_backends() -> None:
    aware = datetime(2024, 5, 1, 12, 0, 0, 999_000, tzinfo=timezone.utc)
    assert registry.utc_seconds(aware) == registry.utc_seconds(datetime(2024, 5, 1, 12, 0, 0))
