"""The model store: trained Siamese networks with their metadata, in a folder.

Each model is ``NAME.keras`` (Keras 3 format, loaded in safe mode) beside ``NAME.json`` (architecture, loss,
hyper-parameters, data fingerprint, training time, metrics, date). Both are written to temporary files and
renamed into place, so a crash never leaves a half-written model. Codes computed with a model are kept beside it
(``NAME.KIND.codes.npz``, :mod:`lab.siamese.code_store`) and go with it when it is renamed or deleted. The shipped default model lives in the
repository's ``models/`` folder and is read-only; the user's models live in ``$ONESHOT_MODELS_DIR``
(default ``~/.cache/oneshot-lab/models``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from lab.config import user_cache_root
from lab.errors import ModelFormatError, ModelNotFoundError, StorageError
from lab.files import atomic_write
from lab.i18n import _
from lab.siamese.code_store import remove_stored_codes
from lab.siamese.losses import LOSSES
from lab.siamese.model import SiameseModel
from lab.siamese.towers import ARCHITECTURES, SPECS

if TYPE_CHECKING:
    import pandas as pd

MODELS_DIR_ENV = "ONESHOT_MODELS_DIR"
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def user_models_dir() -> Path:
    env = os.environ.get(MODELS_DIR_ENV)
    return Path(env).expanduser() if env else user_cache_root() / "models"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    metadata: dict
    shipped: bool

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
    """The shipped models first, then the user's, each sorted by name."""
    found = []
    for folder, shipped in ((SHIPPED_DIR, True), (user_models_dir(), False)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.keras")):
                found.append(ModelInfo(path.stem, path, _read_metadata(path), shipped))
    return found


def find_model(name: str) -> ModelInfo:
    for info in list_models():
        if info.name == name:
            return info
    known = ", ".join(m.name for m in list_models()) or _("none")
    raise ModelNotFoundError(_("No model named {name!r}. Known models: {known}.").format(name=name, known=known))


def _write_metadata(model_path: Path, metadata: dict) -> None:
    atomic_write(model_path.with_suffix(".json"), lambda p: p.write_text(json.dumps(metadata, indent=2, default=float)))


def save_model(model: SiameseModel, name: str, metadata: dict, folder: Path | None = None, overwrite: bool = False) -> ModelInfo:
    """Store ``model`` as ``name`` with ``metadata`` (architecture, loss and date are added)."""
    check_name(name)
    folder = folder or user_models_dir()
    path = folder / f"{name}.keras"
    if path.exists() and not overwrite:
        raise StorageError(_("A model named {name!r} already exists in {folder}; choose another name.").format(
            name=name, folder=folder))
    full = dict(metadata)
    full.update(
        name=name, architecture=model.architecture, loss=model.loss,
        saved_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda p: model.pair_model.save(p))
        _write_metadata(path, full)
    except OSError as exc:
        raise StorageError(_("Could not save the model into {folder}: {reason}").format(
            folder=folder, reason=exc)) from exc
    return ModelInfo(name, path, full, shipped=folder.resolve() == SHIPPED_DIR)


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
    _write_metadata(target, metadata)
    os.replace(info.path, target)
    info.path.with_suffix(".json").unlink(missing_ok=True)
    remove_stored_codes(info.path)  # stored under the old name, they would only take space
    return ModelInfo(new_name, target, metadata, shipped=False)


def delete_model(name: str) -> None:
    info = _user_model(name)
    info.path.unlink()
    info.path.with_suffix(".json").unlink(missing_ok=True)
    remove_stored_codes(info.path)


def _user_model(name: str) -> ModelInfo:
    info = find_model(name)
    if info.shipped:
        raise StorageError(_("{name!r} is the model shipped with the lab; it cannot be renamed or deleted.").format(
            name=name))
    return info


def import_model_file(data: bytes, file_name: str, name: str) -> ModelInfo:
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
    return save_model(model, name, metadata)


def models_table(models: list[ModelInfo]) -> pd.DataFrame:
    """One row per stored model, with its figures as readable text (for st.table), in the session's language."""
    import pandas as pd  # here: the command line imports this module and never draws a table

    rows = []
    for info in models:
        metrics, config = info.metadata.get("metrics", {}), info.metadata.get("config", {})
        rows.append({
            _("model"): info.name, _("tower"): info.metadata.get("architecture", "-"),
            _("loss"): info.metadata.get("loss", "-"),
            _("steps"): info.metadata.get("steps_done", config.get("steps", "-")),  # as run: fewer after a Stop _("batch (pairs)"): config.get("batch_size", "-"),
            _("Lake 20-way"): f"{metrics['lake_accuracy']:.1%}" if "lake_accuracy" in metrics else "-",
            _("evaluation pairs"): f"{metrics['pair_accuracy']:.2%}" if "pair_accuracy" in metrics else "-",
            _("training time"): (f"{info.metadata['training_seconds']:.0f} s" if "training_seconds" in info.metadata
                                 else "-"),
            _("saved (UTC)"): info.metadata.get("saved_at", "-"),
            _("shipped with the lab"): _("yes") if info.shipped else _("no"),
        })
    return pd.DataFrame(rows).set_index(_("model"))
