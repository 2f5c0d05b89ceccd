"""The project as pip installs it (pyproject.toml): the `oneshot-lab` command is `python -m lab`'s, every package
of the checkout is in it, and its dependencies are the pinned requirements.txt that ./run.sh installs."""

from __future__ import annotations

import importlib
import tomllib

from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_the_command_is_python_m_lab() -> None:
    module, _, function = PROJECT["project"]["scripts"]["oneshot-lab"].partition(":")
    main = getattr(importlib.import_module(module), function)
    assert "from lab.cli import main" in (REPO / "lab" / "__main__.py").read_text() and module == "lab.cli"
    assert main(["--help"]) == 0


def test_every_package_of_the_checkout_is_installed() -> None:
    packages = sorted(p.parent.name for p in REPO.glob("*/__init__.py") if p.parent.name != "tests")
    included = PROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    assert packages == ["api", "bench", "lab", "ui"]
    assert all(name in included and f"{name}.*" in included for name in packages)


def test_the_dependencies_are_the_pinned_requirements() -> None:
    assert "dependencies" in PROJECT["project"]["dynamic"]
    assert PROJECT["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}
    assert not [line for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("-")]
