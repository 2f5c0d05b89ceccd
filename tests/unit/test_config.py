"""Where the lab keeps its files: environment variables first, then the XDG defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab import config


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("OMNIGLOT_DIR", "ONESHOT_CACHE_DIR", "FACE_DB_DIR", "FACES_DIR", "FACES_LFW_DIR", "XDG_CACHE_HOME",
                 "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_defaults_follow_xdg_under_home(clean_environment: Path) -> None:
    home = clean_environment
    assert config.user_cache_root() == home / ".cache" / "oneshot-lab"
    assert config.omniglot_dir() == home / ".cache" / "oneshot-lab" / "omniglot"
    assert config.array_cache_dir() == home / ".cache" / "oneshot-lab" / "arrays"
    assert config.face_db_dir() == home / ".local" / "share" / "oneshot-lab" / "faces"
    assert config.faces_dir() is None and config.faces_lfw_dir() is None


def test_xdg_variables_move_the_defaults(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert config.omniglot_dir() == tmp_path / "cache" / "oneshot-lab" / "omniglot"
    assert config.array_cache_dir() == tmp_path / "cache" / "oneshot-lab" / "arrays"
    assert config.face_db_dir() == tmp_path / "data" / "oneshot-lab" / "faces"


def test_environment_variables_override_the_defaults(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv(config.OMNIGLOT_DIR_ENV, str(tmp_path / "omniglot"))
    monkeypatch.setenv(config.CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(config.FACE_DB_DIR_ENV, str(tmp_path / "db"))
    assert config.omniglot_dir() == tmp_path / "omniglot"
    assert config.array_cache_dir() == tmp_path / "cache" / "arrays"  # the cache variable names the root
    assert config.face_db_dir() == tmp_path / "db"
    monkeypatch.setenv(config.OMNIGLOT_DIR_ENV, "~/omniglot")
    assert config.omniglot_dir() == clean_environment / "omniglot"  # ~ is expanded


def test_explicit_folders_win_over_environment_variables(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv(config.OMNIGLOT_DIR_ENV, str(tmp_path / "env"))
    monkeypatch.setenv(config.FACE_DB_DIR_ENV, str(tmp_path / "env-db"))
    assert config.omniglot_dir(tmp_path / "flag") == tmp_path / "flag"
    assert config.omniglot_dir("~/flag") == clean_environment / "flag"
    assert config.face_db_dir(str(tmp_path / "flag-db")) == tmp_path / "flag-db"
    assert config.omniglot_dir("") == tmp_path / "env"  # an empty override is no override


def test_faces_dir_only_when_the_folder_exists(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv(config.FACES_DIR_ENV, str(tmp_path / "missing"))
    assert config.faces_dir() is None
    (tmp_path / "faces").mkdir()
    monkeypatch.setenv(config.FACES_DIR_ENV, str(tmp_path / "faces"))
    assert config.faces_dir() == tmp_path / "faces"
    monkeypatch.setenv(config.FACES_DIR_ENV, "")
    assert config.faces_dir() is None
    monkeypatch.setenv(config.FACES_LFW_DIR_ENV, str(tmp_path / "missing"))
    assert config.faces_lfw_dir() is None
    monkeypatch.setenv(config.FACES_LFW_DIR_ENV, str(tmp_path / "faces" / ".." / "faces"))
    assert config.faces_lfw_dir() == tmp_path / "faces"  # resolved, like every folder


def test_every_folder_comes_back_resolved(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    """run.sh sets ../shared/...: the pages and commands show the folder itself, never '/x/../shared'."""
    (tmp_path / "faces").mkdir()
    (tmp_path / "app").mkdir()
    detour = tmp_path / "app" / ".."
    monkeypatch.setenv(config.OMNIGLOT_DIR_ENV, str(detour / "omniglot"))
    monkeypatch.setenv(config.CACHE_DIR_ENV, str(detour / "cache"))
    monkeypatch.setenv(config.FACE_DB_DIR_ENV, str(detour / "db"))
    monkeypatch.setenv(config.FACES_DIR_ENV, str(detour / "faces"))
    assert config.omniglot_dir() == tmp_path / "omniglot"
    assert config.array_cache_dir() == tmp_path / "cache" / "arrays"
    assert config.face_db_dir() == tmp_path / "db"
    assert config.faces_dir() == tmp_path / "faces"
    assert config.omniglot_dir(detour / "flag") == tmp_path / "flag"
    assert config.face_db_dir(str(detour / "flag-db")) == tmp_path / "flag-db"
    monkeypatch.chdir(tmp_path)
    assert config.omniglot_dir("relative") == tmp_path / "relative"  # absolute, too
    monkeypatch.setenv("XDG_CACHE_HOME", str(detour / "xdg"))
    assert config.user_cache_root() == tmp_path / "xdg" / "oneshot-lab"
