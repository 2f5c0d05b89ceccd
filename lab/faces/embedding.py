"""Stages 3 and 4: a face as a vector (DeepFace's models), and the decision by distance against a threshold."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lab.errors import LabError
from lab.formatting import format_message
from lab.i18n import N_, _
from lab.limits import FACE_THRESHOLDS, face_threshold

# The models that run offline once `python -m lab faces weights` has run (Facenet is the lecture's model).
OFFLINE_MODELS = ("Facenet", "Dlib")
METRICS = ("cosine", "euclidean", "euclidean_l2", "angular")
# English marked with N_ (built once per server): pages show _(METRIC_NOTES[metric]).
METRIC_NOTES = {
    "cosine": N_("1 - cos(angle between the vectors): 0 = same direction, up to 2"),
    "euclidean": N_("straight-line distance between the raw vectors: its scale depends on the model"),
    "euclidean_l2": N_("straight-line distance after scaling both vectors to length 1: from 0 to 2"),
    "angular": N_("the angle between the vectors as a fraction of 180 degrees: from 0 to 1"),
}


class EmbeddingError(LabError):
    """A face model could not be built (weights missing offline) or could not embed a face."""


# DeepFace keeps each built model in a plain dict, and Keras names layers from process-wide counters: two sessions
# building Facenet at once (30 students opening /verify together) both build it, and Keras refused one with
# 'The name "lambda" is used 5 times in the model'. Built under this lock, it is built once.
_BUILD_GUARD = threading.Lock()
BUILD_ATTEMPTS = 3
_BUILT: set[str] = set()  # models built (and compiled) in this process
_WARMING: dict[str, threading.Thread] = {}  # the server's background builds, by model
WARM_ENV = "ONESHOT_WARM_FACES"  # 0: do not build the face model when the server starts


def _layer_names_collided(exc: Exception) -> bool:
    """Keras's 'The name "lambda" is used 3 times in the model': Streamlit clears Keras's session (its layer-name
    counters) after every script run, and a run of another session ending while this thread builds the model makes
    two layers take one name. Building again is enough."""
    return isinstance(exc, ValueError) and "times in the model" in str(exc)


def build_model(model_name: str) -> object:
    """DeepFace's model, built once per process (DeepFace keeps it; the app also caches it per server)."""
    from deepface.modules import modeling

    for attempt in range(BUILD_ATTEMPTS):
        try:
            with _BUILD_GUARD:
                client = modeling.build_model(task="facial_recognition", model_name=model_name)
            break
        except (ValueError, OSError, ImportError) as exc:
            if _layer_names_collided(exc) and attempt < BUILD_ATTEMPTS - 1:
                continue  # DeepFace caches a model only once built: nothing half-built is kept
            raise EmbeddingError(_("the {model} model could not be loaded: {reason}").format(
                model=model_name, reason=exc)) from exc
    _forward(client)  # compiled here, once, so that building is the slow step and not the first face
    _BUILT.add(model_name)
    return client


def is_built(model_name: str) -> bool:
    """Whether ``model_name`` is built in this process: using it now costs no wait."""
    return model_name in _BUILT


def is_warming_up(model_name: str) -> bool:
    """Whether the server's background build of ``model_name`` (:func:`warm_up`) is still under way: a page can be
    drawn without the model meanwhile, rather than wait for the build (several seconds after the server starts)."""
    thread = _WARMING.get(model_name)
    return thread is not None and thread.is_alive() and not is_built(model_name)


def warm_up(model_name: str = "Facenet") -> threading.Thread | None:
    """Build ``model_name`` in a background thread (once per server, when it starts), so that the first student who
    verifies a photo does not wait for it; only when its weights are already here (nothing is downloaded) and
    ``$ONESHOT_WARM_FACES`` is not 0. A failure is left for the page that needs the model to explain."""
    from lab.faces.catalog import readiness

    if os.environ.get(WARM_ENV, "1") == "0" or not readiness("model", model_name).ready:
        return None

    def build() -> None:
        with contextlib.suppress(LabError):
            build_model(model_name)

    thread = threading.Thread(target=build, name=f"warm {model_name}", daemon=True)
    _WARMING[model_name] = thread
    thread.start()
    return thread


def embed(faces: list[np.ndarray], model_name: str = "Facenet") -> np.ndarray:
    """(n, d) float32 embeddings of aligned face crops (RGB uint8), in one batch through DeepFace's model.

    DeepFace.represent's own steps for an image that is already the face (``detector_backend="skip"``): resize
    and pad to the model's input, then its forward pass, but the pass through a Keras model runs as one compiled
    graph: DeepFace calls a Keras model eagerly for a single face, layer by layer in Python, which took 0.51 s
    for Facenet's 447 layers where the graph took 0.077 s (same process, loaded 2-core machine), with the same
    numbers (tests check both; docs/PERFORMANCE.md).
    """
    from deepface.modules.preprocessing import resize_image

    if not faces:
        raise ValueError("no face to embed")
    client = build_model(model_name)
    width, height = client.input_shape  # DeepFace's order (DeepID's input is not square); resize_image takes (h, w)
    try:
        # DeepFace's models take BGR, as uint8 here: resize_image scales to [0, 1] as represent's does.
        batch = np.concatenate([resize_image(np.ascontiguousarray(face[:, :, ::-1]), (height, width))
                                for face in faces])
        vectors = _forward(client)(batch)
    except (ValueError, OSError, RuntimeError) as exc:
        raise EmbeddingError(_("{model} could not embed the face: {reason}").format(model=model_name, reason=exc)) from exc
    return np.asarray(vectors, dtype=np.float32).reshape(len(faces), -1)


_FORWARDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # DeepFace's model -> its forward pass
_FORWARDS_GUARD = threading.Lock()


def _forward(client: object) -> Callable[[np.ndarray], np.ndarray]:
    """The model's forward pass on a (n, h, w, 3) batch; a Keras model's compiled once per process (and model)."""
    from deepface.models.FacialRecognition import FacialRecognition

    if type(client).forward is not FacialRecognition.forward:  # Dlib, ONNX: their own forward, no Python per layer
        return lambda batch: np.asarray(client.forward(batch))
    with _FORWARDS_GUARD:  # one trace per model, even when two sessions embed their first face at once
        if client not in _FORWARDS:
            _FORWARDS[client] = _compiled(client.model)
        return _FORWARDS[client]


def _compiled(keras_model: object) -> Callable[[np.ndarray], np.ndarray]:
    import tensorflow as tf

    # Any batch size; one input signature, so a batch of another size never traces again.
    @tf.function(input_signature=[tf.TensorSpec((None, *keras_model.inputs[0].shape[1:]), tf.float32)])
    def forward(batch: tf.Tensor) -> tf.Tensor:
        return keras_model(batch, training=False)

    def run(batch: np.ndarray) -> np.ndarray:
        return forward(tf.convert_to_tensor(batch, tf.float32)).numpy()

    run(np.zeros((1, *keras_model.inputs[0].shape[1:]), np.float32))  # traces the graph (about a second)
    return run


def distances(gallery: np.ndarray, query: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """Distances from one query vector (d,) to each row of ``gallery`` (n, d), DeepFace's formulas."""
    from deepface.modules.verification import find_distance

    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    gallery = np.atleast_2d(np.asarray(gallery, dtype=np.float64))
    query = np.atleast_2d(np.asarray(query, dtype=np.float64))
    return np.asarray(find_distance(gallery, query, metric), dtype=np.float64)[0]


def distance_table(vectors: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """(n, n) distances between every two rows of ``vectors``, as :func:`distances` gives them (to 1e-6).

    Cosine and angular are DeepFace's own batch formulas. For the euclidean ones DeepFace's batch formula builds an
    (n, n, d) array of differences (2.8 GB and 25 s for 1,652 faces), so they are computed here from the dot
    products, |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, and rounded to 6 decimals as DeepFace rounds.
    """
    from deepface.modules.verification import find_distance, l2_normalize

    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    if metric in ("cosine", "angular"):
        return np.asarray(find_distance(vectors, vectors, metric), dtype=np.float64)
    if metric == "euclidean_l2":
        vectors = l2_normalize(vectors, axis=1)
    squares = np.sum(vectors * vectors, axis=1)
    table = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2.0 * (vectors @ vectors.T), 0.0))
    np.fill_diagonal(table, 0.0)
    return np.round(table, 6)


def default_threshold(model_name: str, metric: str) -> float:
    """DeepFace's pre-tuned threshold for this model and metric (same face when distance <= threshold)."""
    from deepface.config.threshold import thresholds

    try:
        return float(thresholds[model_name][metric])
    except KeyError as exc:
        raise ValueError(_("DeepFace has no threshold for {model} with {metric}").format(
            model=model_name, metric=metric)) from exc


def threshold_table(models: tuple[str, ...] | None = None) -> dict[str, dict[str, float]]:
    """DeepFace's threshold table, ``{model: {metric: threshold}}``."""
    from deepface.config.threshold import thresholds

    return {name: dict(row) for name, row in thresholds.items() if models is None or name in models}


def checked_threshold(model_name: str, metric: str, threshold: float | None) -> float:
    """DeepFace's threshold when ``threshold`` is None, else ``threshold`` checked against the metric's scale."""
    return default_threshold(model_name, metric) if threshold is None else face_threshold(metric, threshold)


def threshold_note(model_name: str, metric: str, threshold: float) -> str | None:
    """A warning for a threshold at which the decision says little: everyone the same person, or no one."""
    standard = default_threshold(model_name, metric)
    if metric != "euclidean" and threshold >= FACE_THRESHOLDS[metric].high:
        return format_message(_(
            "{threshold:g} is the largest {metric} distance there is: every pair of faces is called the same person."),
            threshold=threshold, metric=metric)
    if threshold > 2 * standard:
        return format_message(_(
            "the threshold {threshold:g} is over twice DeepFace's {standard:g} for {model} with {metric}: expect "
            "different people to be called the same person."),
            threshold=threshold, standard=standard, model=model_name, metric=metric)
    if threshold == 0:
        return _("a threshold of 0 calls only identical faces the same person.")
    return None


def slider_range(model_name: str, metric: str, *observed: float) -> tuple[float, float]:
    """A threshold slider's (low, high) on the right scale: up to 2.5 x DeepFace's threshold or the distances seen."""
    bounded = {"cosine": 2.0, "euclidean_l2": 2.0, "angular": 1.0}
    high = max([2.5 * default_threshold(model_name, metric), *(1.1 * d for d in observed)])
    high = min(high, bounded.get(metric, high))
    return 0.0, float(f"{high:.3g}")


def cosine_to_euclidean_l2(cosine_threshold: float) -> float:
    """The euclidean_l2 threshold that makes exactly the decisions of a cosine threshold.

    For vectors of length 1, |a - b|^2 = 2 - 2 cos(a, b) = 2 x cosine distance: euclidean_l2 = sqrt(2 x cosine),
    which grows with it, so both order every pair the same way.
    """
    return math.sqrt(2.0 * max(cosine_threshold, 0.0))


@dataclass(frozen=True)
class Verdict:
    model: str
    metric: str
    distance: float
    threshold: float
    default_threshold: float

    @property
    def verified(self) -> bool:
        """DeepFace's rule: the same person when the distance is at most the threshold."""
        return self.distance <= self.threshold

    def at(self, threshold: float) -> Verdict:
        """The same pair judged against another threshold (the distance does not change)."""
        return dataclasses.replace(self, threshold=face_threshold(self.metric, threshold))

    def as_dict(self) -> dict:
        return {"verified": self.verified, "distance": self.distance, "threshold": self.threshold,
                "default_threshold": self.default_threshold, "model": self.model, "distance_metric": self.metric}


def verdict(a: np.ndarray, b: np.ndarray, model_name: str, metric: str, threshold: float | None = None) -> Verdict:
    standard = default_threshold(model_name, metric)
    distance = float(distances(a[None, :], b, metric)[0])
    return Verdict(model_name, metric, distance, checked_threshold(model_name, metric, threshold), standard)

