"""The training child of :mod:`lab.workflows.training_jobs`, on the miniature Omniglot.

A spawned child starts a fresh interpreter, so a test's monkeypatch of ``lab.data.omniglot.SPECS`` does not reach
it: this wrapper (importable by the child, since spawn passes the parent's ``sys.path``) sets the miniature counts
and then runs the real child function.
"""

from __future__ import annotations

from typing import Any


def train_in_miniature_child(*args: Any) -> None:
    from lab.data import omniglot
    from lab.workflows import training_jobs as jobs
    from tests.support.synthetic import MINIATURE_SPECS

    omniglot.SPECS.update(MINIATURE_SPECS)
    jobs._train_in_child(*args)
