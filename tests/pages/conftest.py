"""Every page test runs the real app on the real data: the full Omniglot set, the face photos and DeepFace's
weights (the whole folder is marked `data`)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def shared_data(omniglot_dir: Path, face_environment: Path) -> None:
    """The pages read $OMNIGLOT_DIR and $FACES_DIR and need DeepFace's weights installed."""
