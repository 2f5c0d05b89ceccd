"""Distances between face codes, thresholds and slider ranges; DeepFace embeddings of real faces."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from lab.faces.detection import detect
from lab.faces.embedding import cosine_to_euclidean_l2, distances, embed, slider_range, verdict
from lab.faces.photos import load_photo


def test_cosine_and_euclidean_l2_make_the_same_decisions_at_matched_thresholds() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 128)) * rng.uniform(0.5, 3, size=(40, 1))  # lengths differ on purpose
    for cosine_threshold in (0.2, 0.4, 0.6):
        for query in vectors[:5]:
            cosine = distances(vectors, query, "cosine") <= cosine_threshold
            l2 = distances(vectors, query, "euclidean_l2") <= cosine_to_euclidean_l2(cosine_threshold) + 1e-12
            assert np.array_equal(cosine, l2)


def test_slider_range_covers_the_threshold_and_the_distance_on_the_metrics_scale() -> None:
    assert slider_range("Facenet", "cosine") == (0.0, 1.0)
    assert slider_range("Facenet", "euclidean", 31.0)[1] == pytest.approx(34.1)
    assert slider_range("Dlib", "angular", 5.0)[1] == 1.0  # an angle fraction never exceeds 1


def test_embed_keeps_the_order_and_one_row_per_face(faces_dir: Path) -> None:
    crops = [detect(load_photo(faces_dir / p), "yunet").faces[0].aligned
             for p in ("train/obama/obama.jpg", "train/biden/biden.jpg")]
    both = embed(crops, "Dlib")
    assert both.shape == (2, 128)
    assert np.allclose(embed([crops[1]], "Dlib")[0], both[1], atol=1e-5)


def _bench_pairs() -> list[tuple[str, str, bool]]:
    """The 9 pairs that bench/bench_faces.py times (one list, so the test checks the pairs the figures are about)."""
    from bench.bench_faces import PAIRS

    return PAIRS


def _represented(face: np.ndarray, model: str) -> np.ndarray:
    """DeepFace.represent's vector of an aligned crop: the call lab.faces.embedding.embed made before its own path."""
    from deepface import DeepFace

    found = DeepFace.represent(np.ascontiguousarray(face[:, :, ::-1]), model_name=model, detector_backend="skip",
                               enforce_detection=False)
    return np.asarray(found[0]["embedding"], dtype=np.float32)


@pytest.fixture(scope="module")
def bench_crops(faces_dir: Path) -> dict[str, np.ndarray]:
    """The largest face of each photo of the bench's pairs, as the pipeline chooses it."""
    from lab.faces.pipeline import choose_face

    crops = {}
    for name in sorted({name for pair in _bench_pairs() for name in pair[:2]}):
        found = detect(load_photo(faces_dir / name), "yunet")
        crops[name] = found.faces[choose_face(found, name)].aligned
    return crops


@pytest.mark.parametrize("model", ["Facenet", "Dlib"])
def test_embed_gives_deepface_represents_vectors_and_verdicts(bench_crops: dict[str, np.ndarray], model: str) -> None:
    ours = dict(zip(bench_crops, embed(list(bench_crops.values()), model)))  # one batch
    alone = {name: embed([crop], model)[0] for name, crop in bench_crops.items()}  # one face at a time
    theirs = {name: _represented(crop, model) for name, crop in bench_crops.items()}
    for name in bench_crops:
        scale = float(np.linalg.norm(theirs[name]))
        assert np.abs(ours[name] - theirs[name]).max() <= 1e-5 * scale
        assert np.abs(alone[name] - theirs[name]).max() <= 1e-5 * scale
    for first, second, _same in _bench_pairs():
        new = verdict(alone[first], alone[second], model, "cosine")
        old = verdict(theirs[first], theirs[second], model, "cosine")
        assert new.verified == old.verified and new.distance == pytest.approx(old.distance, abs=1e-5)


CONCURRENT_BUILDS = """
import sys, threading
from lab.faces import embedding
if sys.argv[1] == "unguarded":
    import contextlib
    embedding._BUILD_GUARD = contextlib.nullcontext()
built, failed = [], []
def build():
    try:
        built.append(embedding.build_model("Facenet"))
    except Exception as exc:
        failed.append(repr(exc))
threads = [threading.Thread(target=build) for _ in range(6)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(len(built), len({id(b) for b in built}), failed)
"""


def test_sessions_building_facenet_at_once_get_one_model(face_environment: Path) -> None:
    """A fresh process, as a server is when a class opens /verify together: six threads ask for Facenet at once."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run([sys.executable, "-c", CONCURRENT_BUILDS, "guarded"], cwd=REPO, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "6 1 []"


def test_a_build_whose_layer_names_collided_is_built_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Streamlit clears Keras's session after each script run; a build it overlapped fails with a name collision."""
    from deepface.modules import modeling

    from lab.faces import embedding

    built = object()
    answers = [ValueError('The name "lambda" is used 3 times in the model. All operation names should be unique.'),
               built]

    def build(task: str, model_name: str) -> object:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(modeling, "build_model", build)
    monkeypatch.setattr(embedding, "_forward", lambda client: None)
    assert embedding.build_model("Facenet") is built and answers == []


def test_other_build_errors_are_explained_at_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from deepface.modules import modeling

    from lab.faces import embedding

    calls = []

    def build(task: str, model_name: str) -> object:
        calls.append(model_name)
        raise OSError("weights file is truncated")

    monkeypatch.setattr(modeling, "build_model", build)
    with pytest.raises(embedding.EmbeddingError, match="could not be loaded: weights file is truncated"):
        embedding.build_model("Facenet")
    assert calls == ["Facenet"]


def test_warm_up_needs_the_weights_here_and_can_be_turned_off(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from lab.faces import embedding

    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path))  # no weights there: nothing to build, nothing downloaded
    assert embedding.warm_up("Facenet") is None
    monkeypatch.setenv("ONESHOT_WARM_FACES", "0")
    assert embedding.warm_up("Facenet") is None


def test_warm_up_builds_the_model_in_the_background(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from lab.faces import catalog, embedding

    built, release = [], threading.Event()

    def slow_build(model_name: str) -> None:
        release.wait(10)
        built.append(model_name)

    monkeypatch.delenv("ONESHOT_WARM_FACES", raising=False)
    monkeypatch.setattr(catalog, "readiness", lambda kind, name: type("Ready", (), {"ready": True})())
    monkeypatch.setattr(embedding, "build_model", slow_build)
    monkeypatch.setattr(embedding, "_BUILT", set())
    monkeypatch.setattr(embedding, "_WARMING", {})
    thread = embedding.warm_up("Facenet")
    # While the build runs, pages know it (they draw without the model); another model is not warming up.
    assert embedding.is_warming_up("Facenet") and not embedding.is_warming_up("Dlib")
    release.set()
    thread.join(10)
    assert built == ["Facenet"] and thread.daemon and not embedding.is_warming_up("Facenet")
