"""The model store: trained Siamese networks with their metadata, in a folder.

Each model is ``NAME.keras`` (Keras 3 format, loaded in safe mode) beside ``NAME.json`` (architecture, loss,
hyper-parameters, data fingerprint, training time, metrics, date). Both are written to temporary files and
renamed into place, so a crash never leaves a half-written model. Codes computed with a model are kept beside it
(``NAME.KIND.codes.npz``, :mod:`lab.siamese.code_store`) and go with it when it is renamed or deleted. The shipped default model lives in the
repository's ``models/`` folder and is read-only; the user's models live in ``$ONESHOT_MODELS_DIR``
(default ``~/.cache/oneshot-lab/models``).

Each model also has a row in the shared database (:mod:`lab.siamese.registry`: owner, created time, figures), which
saving, renaming and deleting keep in step after their file operation; the files stay the truth for what exists and
for the weights and full metadata, the row for who made a model and when. A model copied into a folder by hand gets
its row the first time the models are listed. A database that cannot be reached costs the owner column, never a
model: the row is rebuilt from the sidecar later.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from lab.config import user_cache_root
from lab.db.engine import DatabaseError
from lab.errors import ModelFormatError, ModelNotFoundError, StorageError
from lab.files import atomic_write
from lab.i18n import _
from lab.siamese import registry
from lab.siamese.code_store import remove_stored_codes
from lab.siamese.losses import LOSSES
from lab.siamese.model import SiameseModel
from lab.siamese.registry import OWNER_CLI
from lab.siamese.towers import ARCHITECTURES, SPECS

MODELS_DIR_ENV = "ONESHOT_MODELS_DIR"
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
log = logging.getLogger(__name__)
T = TypeVar("T")


def user_models_dir() -> Path:
    env = os.environ.get(MODELS_DIR_ENV)
    return Path(env).expanduser() if env else user_cache_root() / "models"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    metadata: dict
    shipped: bool
    owner: str | None = None  # from the shared database (lab.siamese.registry); None: not known
    created: datetime | None = None  # UTC

    @property
    def threshold(self) -> float:
        """The model's own same/different threshold on its similarity (calibrated on validation pairs when trained
        here; the course's 0.5 for models from elsewhere)."""
        return float(self.metadata.get("threshold", 0.5))


def check_name(name: str) -> str:
    if not _NAME.match(name) or name.endswith(".keras") or name.endswith(".json"):
        raise ValueError(_("{name!r} is not a valid model name: use 1-64 letters, digits, '-', '_' or '.', starting "
                           "with a letter or digit").format(name=name))
    return name


def _read_metadata(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    try:
        return json.loads(sidecar.read_text()) if sidecar.is_file() else {}
    except (OSError, json.JSONDecodeError):
        return {}


def list_models() -> list[ModelInfo]:
    """The shipped models first, then the user's, each sorted by name, with their owner and created time from the
    shared database (rows made here for models that have none yet)."""
    found = []
    for folder, shipped in ((SHIPPED_DIR, True), (user_models_dir(), False)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.keras")):
                found.append(ModelInfo(path.stem, path, _read_metadata(path), shipped))
    # A user's model named like a shipped one is listed but never found (find_model takes the first): the row of
    # that name is the shipped model's.
    first: dict[str, ModelInfo] = {}
    for info in found:
        first.setdefault(info.name, info)
    files = [_entry_of(info) for info in first.values()]
    rows = _registry_call(lambda: registry.sync(files), {entry.name: entry for entry in files})
    return [_with_row(info, rows.get(info.name)) if first[info.name] is info else info for info in found]


def _entry_of(info: ModelInfo) -> registry.Entry:
    return registry.entry_from_files(info.name, info.path, info.metadata, info.shipped)


def _with_row(info: ModelInfo, row: registry.Entry | None) -> ModelInfo:
    if row is None:
        return info
    return ModelInfo(info.name, info.path, info.metadata, info.shipped, row.owner, row.created)


def _registry_call(call: Callable[[], T], fallback: T) -> T:
    """``call()``, or ``fallback`` when the shared database fails: the files are what counts (a model is never lost
    or refused for a row), and a missing row is rebuilt from the sidecar on a later listing."""
    try:
        return call()
    except (DatabaseError, SQLAlchemyError) as exc:
        log.warning("the model registry's row could not be read or written (the files are unchanged): %s", exc)
        return fallback


def find_model(name: str) -> ModelInfo:
    for info in list_models():
        if info.name == name:
            return info
    known = ", ".join(m.name for m in list_models()) or _("none")
    raise ModelNotFoundError(_("No model named {name!r}. Known models: {known}.").format(name=name, known=known))


def _write_metadata(model_path: Path, metadata: dict) -> None:
    atomic_write(model_path.with_suffix(".json"), lambda p: p.write_text(json.dumps(metadata, indent=2, default=float)))


def save_model(model: SiameseModel, name: str, metadata: dict, folder: Path | None = None, overwrite: bool = False,
               owner: str = OWNER_CLI) -> ModelInfo:
    """Store ``model`` as ``name`` with ``metadata`` (architecture, loss, date and ``owner`` are added), then its row
    in the shared database. ``owner``: the browser session that made it (ui.roles.session_owner), or ``"cli"``."""
    check_name(name)
    folder = folder or user_models_dir()
    path = folder / f"{name}.keras"
    if path.exists() and not overwrite:
        raise StorageError(_("A model named {name!r} already exists in {folder}; choose another name.").format(
            name=name, folder=folder))
    full = dict(metadata)
    full.update(
        name=name, architecture=model.architecture, loss=model.loss,
        saved_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), owner=owner,
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda p: model.pair_model.save(p))
        _write_metadata(path, full)
    except OSError as exc:
        raise StorageError(_("Could not save the model into {folder}: {reason}").format(
            folder=folder, reason=exc)) from exc
    info = ModelInfo(name, path, full, shipped=folder.resolve() == SHIPPED_DIR)
    entry = _entry_of(info)
    _registry_call(lambda: registry.record(entry), None)
    return ModelInfo(name, path, full, info.shipped, entry.owner, entry.created)


def load_model_file(path: Path, metadata: dict | None = None) -> SiameseModel:
    """Load a ``.keras`` Siamese model in safe mode; :class:`ModelFormatError` for anything else."""
    import keras

    import lab.siamese.layers  # noqa: F401 - registers the custom layers for deserialisation

    metadata = metadata if metadata is not None else _read_metadata(path)
    if not zipfile.is_zipfile(path):
        raise ModelFormatError(_("{file} is not a Keras 3 .keras file (a .keras file is a zip archive).").format(
            file=path.name))
    try:
        pair_model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:  # Keras raises many types for damaged or foreign files
        raise ModelFormatError(_("{file} could not be loaded as a Keras model: {reason}").format(
            file=path.name, reason=exc)) from exc
    architecture, loss = metadata.get("architecture"), metadata.get("loss")
    model = validate_pair_model(pair_model, architecture, loss, path.name)
    model.test_time_shift = shift_from_metadata(metadata)
    return model


def shift_from_metadata(metadata: dict) -> int:
    """The model's test-time shift (lab.siamese.model.SiameseModel) from its metadata: 0 when absent or not a
    small whole number (a hand-edited file must not make every code a blur)."""
    shift = metadata.get("test_time_shift", 0)
    return shift if isinstance(shift, int) and not isinstance(shift, bool) and 0 <= shift <= 4 else 0


def validate_pair_model(pair_model, architecture: str | None, loss: str | None, label: str) -> SiameseModel:
    """Check that a Keras model is a Siamese pair model of the lab, and infer what metadata lacks."""
    inputs = getattr(pair_model, "inputs", None) or []
    if len(inputs) != 2:
        raise ModelFormatError(_("{label} has {count} inputs; a Siamese model takes two images.").format(
            label=label, count=len(inputs)))
    shapes = [tuple(i.shape[1:]) for i in inputs]
    sizes = {105 // spec.downsample: name for name, spec in SPECS.items()}
    if shapes[0] != shapes[1] or len(shapes[0]) != 3 or shapes[0][2] != 1 or shapes[0][0] not in sizes:
        raise ModelFormatError(_("{label} takes images of shape {shape}; expected (35, 35, 1) or (105, 105, 1) grey "
                                 "drawings.").format(label=label, shape=shapes[0]))
    if tuple(pair_model.output.shape[1:]) != (1,):
        raise ModelFormatError(_("{label} outputs shape {shape}; expected one similarity.").format(
            label=label, shape=tuple(pair_model.output.shape[1:])))
    try:
        pair_model.get_layer("tower")
    except ValueError:
        raise ModelFormatError(_("{label} has no shared 'tower' sub-model; it is not a Siamese model of this "
                                 "lab.").format(label=label)) from None
    has_head = any(layer.name == "head" for layer in pair_model.layers)
    loss = loss if loss in LOSSES else ("bce" if has_head else "contrastive")
    architecture = architecture if architecture in ARCHITECTURES else sizes[shapes[0][0]]
    if (loss == "bce") != has_head:
        raise ModelFormatError(_("{label}: its metadata says loss {loss!r}, which does not match its layers.").format(
            label=label, loss=loss))
    return SiameseModel(pair_model, architecture, loss)


def load_model(name: str = DEFAULT_MODEL) -> tuple[SiameseModel, ModelInfo]:
    info = find_model(name)
    return load_model_file(info.path, info.metadata), info


def rename_model(name: str, new_name: str) -> ModelInfo:
    info = _user_model(name)
    check_name(new_name)
    target = info.path.with_name(f"{new_name}.keras")
    if target.exists() or any(m.name == new_name for m in list_models()):
        raise StorageError(_("A model named {name!r} already exists; choose another name.").format(name=new_name))
    metadata = dict(info.metadata, name=new_name)
    if info.owner is not None:
        metadata["owner"] = info.owner  # the table's owner wins; the sidecar's copy follows it
    try:
        _write_metadata(target, metadata)
        os.replace(info.path, target)
        info.path.with_suffix(".json").unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(_("Could not rename the model {name!r}: {reason}").format(name=name, reason=exc)) from exc
    remove_stored_codes(info.path)  # stored under the old name, they would only take space
    renamed = ModelInfo(new_name, target, metadata, shipped=False)
    fallback = _entry_of(renamed)
    row = _registry_call(lambda: registry.rename(name, new_name, fallback), fallback)
    return _with_row(renamed, row)


def delete_model(name: str) -> None:
    info = _user_model(name)
    try:
        info.path.unlink()
        info.path.with_suffix(".json").unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(_("Could not delete the model {name!r}: {reason}").format(name=name, reason=exc)) from exc
    remove_stored_codes(info.path)
    _registry_call(lambda: registry.forget(name), None)


def _user_model(name: str) -> ModelInfo:
    info = find_model(name)
    if info.shipped:
        raise StorageError(_("{name!r} is the model shipped with the lab; it cannot be renamed or deleted.").format(
            name=name))
    return info


def import_model_file(data: bytes, file_name: str, name: str, owner: str = OWNER_CLI) -> ModelInfo:
    """Store an uploaded model: a Keras 3 ``.keras`` Siamese model of this lab, or the course's Keras 2
    ``oneshot.h5`` (Koch's architecture). The bytes go to a private temporary file, are checked, and only
    a valid model reaches the store."""
    check_name(name)
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".keras", ".h5"):
        raise ModelFormatError(_("{file} is neither a .keras nor a .h5 model file.").format(file=file_name))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        if suffix == ".h5":
            from lab.siamese.pretrained import load_course_model

            model = load_course_model(path)
            metadata = {"source": f"uploaded {file_name} (Keras 2 HDF5, Koch's architecture)", "threshold": 0.5}
        else:
            model = load_model_file(path, metadata={})
            metadata = {"source": f"uploaded {file_name}", "threshold": 0.5}
    return save_model(model, name, metadata, owner=owner)
