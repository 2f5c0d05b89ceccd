"""The course's trained Koch model, ``oneshot.h5`` (Keras 2 HDF5), from Google Drive or from the user.

Keras 2 files of Siamese networks usually hold a Lambda layer (the L1 distance) whose Python bytecode
cannot be loaded safely, and often not at all across Python versions. So we never deserialise the file's
model: we read its weight arrays with h5py, match them by shape to Koch's architecture, and load them into
our own Keras 3 build of it. A file whose arrays do not fit that architecture is refused with a clear
message.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lab.errors import DownloadError, ModelFormatError
from lab.i18n import _
from lab.siamese.model import SiameseModel, build_pair_model
from lab.siamese.towers import build_tower

GOOGLE_DRIVE_ID = "1PAyiW-0_dyti5Fdp_qwgQRqGen4GwY7q"
FILE_NAME = "oneshot.h5"

# (layer in our Keras 3 build, kernel shape) in the order of Koch's network; each has a bias too.
KOCH_LAYOUT = [
    ("conv1", (10, 10, 1, 64)),
    ("conv2", (7, 7, 64, 128)),
    ("conv3", (4, 4, 128, 128)),
    ("conv4", (4, 4, 128, 256)),
    ("dense", (9216, 4096)),
    ("head", (4096, 1)),
]


def download_course_model(folder: Path) -> Path:
    """Fetch ``oneshot.h5`` with gdown into ``folder`` (temporary name, renamed once complete)."""
    import gdown

    folder.mkdir(parents=True, exist_ok=True)
    target, part = folder / FILE_NAME, folder / f"{FILE_NAME}.part"
    try:
        result = gdown.download(id=GOOGLE_DRIVE_ID, output=str(part), quiet=True)
    except Exception as exc:  # gdown raises requests' and its own errors
        part.unlink(missing_ok=True)
        raise DownloadError(_("Could not download {file} from Google Drive: {reason}").format(
            file=FILE_NAME, reason=exc)) from exc
    if result is None or not part.is_file():
        part.unlink(missing_ok=True)
        raise DownloadError(_("Google Drive did not send {file}; download it in a browser and upload it "
                              "instead.").format(file=FILE_NAME))
    os.replace(part, target)
    return target


def _weight_arrays(path: Path) -> list[np.ndarray]:
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise ModelFormatError(_("{file} is not an HDF5 (.h5) Keras file: {reason}").format(
            file=path.name, reason=exc)) from exc
    arrays: list[tuple[str, np.ndarray]] = []
    with handle:
        root = handle["model_weights"] if "model_weights" in handle else handle
        root.visititems(lambda name, item: arrays.append((name, item[()])) if isinstance(item, h5py.Dataset) else None)
    return [array for _name, array in arrays]


def load_course_model(path: Path) -> SiameseModel:
    """Koch's network with the weights of a Keras 2 ``.h5`` file of that architecture."""
    arrays = _weight_arrays(path)
    by_shape: dict[tuple, list[np.ndarray]] = {}
    for array in arrays:
        by_shape.setdefault(tuple(array.shape), []).append(array)
    tower = build_tower("koch")
    model = build_pair_model(tower, "bce")
    for layer_name, kernel_shape in KOCH_LAYOUT:
        kernels = by_shape.get(kernel_shape, [])
        biases = by_shape.get((kernel_shape[-1],), [])
        if len(kernels) != 1 or not biases:
            raise ModelFormatError(_(
                "{file} does not have Koch's architecture: expected one {layer} kernel of shape {shape} with its "
                "bias, found {count}. Is it the course's oneshot.h5?").format(
                    file=path.name, layer=layer_name, shape=kernel_shape, count=len(kernels)))
        layer = tower.get_layer(layer_name) if layer_name != "head" else model.get_layer("head")
        layer.set_weights([kernels[0], biases.pop(0)])
    return SiameseModel(model, "koch", "bce")
