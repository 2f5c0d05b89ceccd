"""The Omniglot sets decoded in this process, shared by everything in it that reads drawings: the pages (through
ui/omniglot_data.py) and the class route (api/classroom.py). The evaluation set is 145 MB in memory: one copy per
server, never one per user of it."""

from __future__ import annotations

import threading
from pathlib import Path

from lab.config import omniglot_dir
from lab.data.omniglot import OmniglotSet, load_set

_loaded: dict[tuple[str, Path], OmniglotSet] = {}
_loaded_lock = threading.Lock()


def shared_set(set_name: str, data_dir: Path | None = None) -> OmniglotSet:
    """One decoded set per process and folder (read-only: nobody may change its arrays)."""
    folder = Path(omniglot_dir(data_dir))
    with _loaded_lock:  # a first visit and a first class request arriving together decode it once
        if (set_name, folder) not in _loaded:
            _loaded[set_name, folder] = load_set(set_name, folder)
        return _loaded[set_name, folder]


def forget_shared_sets() -> None:
    """After the data folder changed (an upload, a download): the next :func:`shared_set` loads the files again."""
    with _loaded_lock:
        _loaded.clear()
