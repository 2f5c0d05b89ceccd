"""Codes computed by a stored model, kept on disk beside the model, so that they are computed once per model and
data version instead of once per server start (13,180 drawings through the network: seconds for the compact
tower, minutes for Koch's).

``NAME.KIND.VERSION.codes.npz`` sits beside ``NAME.keras``; where that folder is not writable (the shipped
``models/`` of a read-only checkout) the file goes to ``<array cache>/codes/`` instead. Its key is the model file's
stamp (name, modification time, size), the version of the drawings it was computed from (the Omniglot source's
fingerprint; ``VERSION`` is a digest of it, so that two data folders, such as the tests' miniature one, do not
overwrite each other's codes) and what was computed (``KIND``: the set and the layer), so a retrained model or a
changed data file is never served stale codes (:mod:`lab.disk_cache`).
"""

from __future__ import annotations

import glob
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lab.disk_cache import stored_array
from lab.config import array_cache_dir
from lab.files import file_stamp

CODES_FORMAT = 1
SUFFIX = ".codes.npz"
_KIND = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _places(model_path: Path) -> list[tuple[Path, str]]:
    """(folder, file-name prefix) of each place: beside the model, then the user's cache, where the prefix names
    the model's folder too (the shipped and the user's store may both hold a model of the same name)."""
    model_path = Path(model_path).resolve()
    folder = hashlib.sha256(str(model_path.parent).encode()).hexdigest()[:12]
    return [(model_path.parent, model_path.stem), (array_cache_dir() / "codes", f"{model_path.stem}-{folder}")]


def code_paths(model_path: Path, kind: str, data_version: str) -> list[Path]:
    """Where the codes of ``kind`` for ``data_version`` may be, in the order they are looked for."""
    if not _KIND.match(kind):
        raise ValueError(f"{kind!r} is not a valid code kind (lower-case letters, digits, '-' and '_')")
    version = hashlib.sha256(data_version.encode()).hexdigest()[:8]
    return [folder / f"{prefix}.{kind}.{version}{SUFFIX}" for folder, prefix in _places(model_path)]


def code_key(model_path: Path, kind: str, data_version: str) -> str:
    """Everything the codes depend on; a stored file with another key is recomputed. The metadata file counts too:
    it holds the model's test-time shift, which changes every code (lab.siamese.model.SiameseModel)."""
    modified, size = file_stamp(model_path)
    metadata = Path(model_path).with_suffix(".json")
    meta_modified, meta_size = file_stamp(metadata) if metadata.is_file() else (0, 0)
    return f"format={CODES_FORMAT};model={Path(model_path).name};mtime_ns={modified};size={size};kind={kind};" \
           f"data={data_version};metadata={meta_modified}/{meta_size}"


def stored_codes(model_path: Path, kind: str, data_version: str, compute: Callable[[], np.ndarray],
                 rows: tuple[int, ...] | None = None) -> np.ndarray:
    """The model's codes of ``kind`` for data ``data_version``: read from disk when stored under the same key,
    else ``compute()`` and stored. ``rows``: the shape the codes must have before their last axis (a stored file of
    another shape, or with values that are not finite, counts as damaged)."""

    def plausible(codes: np.ndarray) -> bool:
        return (codes.dtype.kind == "f" and codes.ndim >= 1 and (rows is None or codes.shape[:-1] == rows)
                and bool(np.isfinite(codes).all()))

    key = code_key(model_path, kind, data_version)
    return stored_array(code_paths(model_path, kind, data_version), key, compute, plausible)


def remove_stored_codes(model_path: Path) -> list[Path]:
    """Delete every stored code file of the model (when it is deleted or renamed, or to start cold)."""
    removed = []
    for folder, prefix in _places(model_path):
        for path in folder.glob(f"{glob.escape(prefix)}.*{SUFFIX}"):
            # Kinds and versions have no dot, so this is the model's own file, not model "a.b"'s when it is "a".
            if path.name[: -len(SUFFIX)].rsplit(".", 2)[0] == prefix:
                try:
                    path.unlink()
                    removed.append(path)
                except OSError:
                    pass  # a read-only folder: its files stay, and their key matches no model file any more
    return removed
