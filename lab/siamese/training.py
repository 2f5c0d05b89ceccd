"""Training a Siamese network on the background alphabets, with validation on held-out alphabets.

The loop is a plain ``tf.function`` step over batches sampled with NumPy from an in-memory array (no
Python loop per pair). Whole background alphabets are held out for validation (never the evaluation set,
which is kept for the reported figures), and the weights with the best validation N-way accuracy are the
ones kept when training ends or is stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from lab.data.omniglot import DRAWINGS_PER_CHARACTER, OmniglotSet
from lab.data.pairs import sample_pair_indices
from lab.errors import OutOfRangeError
from lab.evaluation.tasks import sample_tasks, task_accuracy
from lab.evaluation.verification import best_threshold, evaluation_pair_scores
from lab.limits import BATCH_SIZE, EVAL_EVERY, LEARNING_RATE, MARGIN, SEED, STEPS, VAL_ALPHABETS
from lab.siamese.losses import DEFAULT_MARGINS, LOSSES
from lab.siamese.model import SiameseModel, build_pair_model, tower_codes
from lab.siamese.preprocess import downsample
from lab.siamese.towers import ARCHITECTURES, SPECS, build_tower

DEFAULT_LEARNING_RATES = {"koch": 6e-5, "compact": 1e-3}


@dataclass(frozen=True)
class TrainConfig:
    architecture: str = "compact"
    loss: str = "bce"
    steps: int = 2000
    batch_size: int = 64  # pairs per step (triplet: batch_size / 2 characters x 4 drawings)
    learning_rate: float | None = None  # None: 6e-5 for koch (the paper), 1e-3 for compact
    augment: bool = True
    seed: int = 0
    hard_negatives: bool = False  # different pairs / negatives from the same alphabet (harder; slower start)
    rotations: bool = False  # rotated characters (90, 180, 270 degrees) as extra training classes
    margin: float | None = None  # None: 1.0 contrastive, 0.5 triplet
    embedding_dim: int = 128  # projection size for the metric losses
    val_alphabets: int = 5  # background alphabets held out for validation (0: none)
    eval_every: int = 250
    val_tasks: int = 400
    val_way: int = 20

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        for bounds, value in ((STEPS, self.steps), (BATCH_SIZE, self.batch_size), (SEED, self.seed),
                              (VAL_ALPHABETS, self.val_alphabets), (EVAL_EVERY, self.eval_every),
                              (LEARNING_RATE, self.learning_rate), (MARGIN, self.margin)):
            if value is not None:  # None: the architecture's or the loss's default
                bounds.check(value)
        if self.batch_size % 2:
            raise OutOfRangeError(f"the batch size must be even (half same, half different pairs); got {self.batch_size}")

    @property
    def lr(self) -> float:
        return self.learning_rate if self.learning_rate is not None else DEFAULT_LEARNING_RATES[self.architecture]

    @property
    def loss_margin(self) -> float | None:
        return self.margin if self.margin is not None else DEFAULT_MARGINS.get(self.loss)


@dataclass
class Progress:
    step: int
    steps: int
    elapsed_s: float
    loss: float
    val_pair_accuracy: float | None = None
    val_nway_accuracy: float | None = None

    @property
    def eta_s(self) -> float:
        return self.elapsed_s / max(self.step, 1) * (self.steps - self.step)


@dataclass
class TrainResult:
    model: SiameseModel
    config: TrainConfig
    history: list[dict] = field(default_factory=list)
    best_step: int = 0
    best_val_nway_accuracy: float | None = None
    steps_done: int = 0
    seconds: float = 0.0
    stopped_early: bool = False
    validation_alphabets: list[str] = field(default_factory=list)
    threshold: float = 0.5  # similarity above which a pair is "same"; calibrated at the end when there is validation
    val_pair_accuracy: float | None = None  # at that threshold, on 10,000 validation pairs
    training_seconds: float = 0.0  # ``seconds`` less the time spent validating

    def metadata(self) -> dict:
        return {
            "config": asdict(self.config),
            "steps_done": self.steps_done,
            "best_step": self.best_step,
            "best_val_nway_accuracy": self.best_val_nway_accuracy,
            "training_seconds": round(self.seconds, 1),
            "stopped_early": self.stopped_early,
            "validation_alphabets": self.validation_alphabets,
            "threshold": self.threshold,
            "val_pair_accuracy": self.val_pair_accuracy,
            "history": self.history,
        }


def split_alphabets(data: OmniglotSet, val_alphabets: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(training characters, validation characters, validation alphabet names): whole alphabets held out."""
    names = data.alphabet_names
    held = sorted(np.random.default_rng(seed).choice(len(names), size=val_alphabets, replace=False).tolist())
    alphabet = data.alphabet_index()
    val_mask = np.isin(alphabet, held)
    return np.flatnonzero(~val_mask), np.flatnonzero(val_mask), [names[i] for i in held]


def _training_arrays(data: OmniglotSet, characters: np.ndarray, factor: int, rotations: bool):
    """Downsampled images (classes, 20, s, s) float32 and the alphabet number of each class."""
    images = downsample(data.images[characters], factor)
    alphabet = data.alphabet_index()[characters]
    if not rotations:
        return images, alphabet
    turned = [np.rot90(images, k, axes=(-2, -1)) for k in range(4)]
    # A rotated alphabet is its own alphabet: its characters are hard negatives for each other.
    return np.concatenate(turned), np.concatenate([alphabet * 4 + k for k in range(4)])


def train(
    config: TrainConfig,
    data: OmniglotSet,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    initial: SiameseModel | None = None,
    log_every: int = 25,
    on_validation: Callable[[int, SiameseModel], None] | None = None,
) -> TrainResult:
    """Train (or, with ``initial``, continue training) a Siamese network on ``data`` (the background set).

    ``on_validation(step, model)`` is called at each validation point, e.g. by a benchmark that measures
    more than the validation figures; it must not change the model.
    """
    import keras
    import tensorflow as tf

    from lab.siamese.augment import apply_affine, random_affine_matrices
    from lab.siamese.losses import bce, contrastive, triplet_batch_hard

    keras.utils.set_random_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    factor = SPECS[config.architecture].downsample
    train_chars, val_chars, val_names = split_alphabets(data, config.val_alphabets, config.seed)
    images, alphabet_of = _training_arrays(data, train_chars, factor, config.rotations)
    size = images.shape[-1]

    if initial is not None:
        if (initial.architecture, initial.loss) != (config.architecture, config.loss):
            raise ValueError("a resumed model must keep its architecture and loss")
        pair_model = initial.pair_model
    else:
        metric = config.loss != "bce"
        tower = build_tower(config.architecture, config.embedding_dim if metric else None, normalize=metric)
        pair_model = build_pair_model(tower, config.loss)
    model = SiameseModel(pair_model, config.architecture, config.loss)
    tower = model.tower
    schedule = keras.optimizers.schedules.CosineDecay(config.lr, decay_steps=config.steps, alpha=0.05)
    optimizer = keras.optimizers.Adam(schedule)
    margin = config.loss_margin

    @tf.function(reduce_retracing=True)
    def pair_step(left, right, targets, left_warp, right_warp):
        if config.augment:
            left, right = apply_affine(left, left_warp), apply_affine(right, right_warp)
        with tf.GradientTape() as tape:
            similarity = pair_model([left, right], training=True)[:, 0]
            if config.loss == "bce":
                loss = bce(targets, similarity)
            else:
                loss = contrastive(targets, 2.0 * (1.0 - similarity), margin)
            total = loss + tf.add_n(pair_model.losses) if pair_model.losses else loss
        variables = pair_model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return loss

    @tf.function(reduce_retracing=True)
    def triplet_step(batch, labels, warp):
        if config.augment:
            batch = apply_affine(batch, warp)
        with tf.GradientTape() as tape:
            loss = triplet_batch_hard(tower(batch, training=True), labels, margin)
            total = loss + tf.add_n(tower.losses) if tower.losses else loss
        variables = tower.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return loss

    val_codes_input = downsample(data.images[val_chars], factor) if val_chars.size else None
    val_alphabet = data.alphabet_index()[val_chars]
    val_rng = np.random.default_rng(config.seed + 1)
    val_tasks = (
        sample_tasks(val_alphabet, config.val_way, config.val_tasks, val_rng, within_alphabet=True)
        if val_chars.size else None
    )
    val_pairs = sample_pair_indices(val_alphabet, 1000, val_rng) if val_chars.size else None

    def validate() -> tuple[float, float]:
        """(pair accuracy at its best threshold, N-way accuracy) on the validation alphabets."""
        codes, head = _set_codes(tower, val_codes_input, val_chars.size), model.head()
        _, pair_accuracy = best_threshold(evaluation_pair_scores(codes, val_pairs, head), val_pairs.targets == 1)
        return pair_accuracy, task_accuracy(codes, val_tasks, head)

    result = TrainResult(model=model, config=config, validation_alphabets=val_names)
    best_weights = None
    started = time.perf_counter()
    paused = 0.0  # seconds spent validating, kept out of the training pace
    running: list[float] = []
    for step in range(1, config.steps + 1):
        if config.loss == "triplet":
            batch, labels = _triplet_batch(images, alphabet_of, config.batch_size, config.hard_negatives, rng)
            warp = random_affine_matrices(len(batch), size, rng)
            loss = triplet_step(batch[..., None], labels, warp)
        else:
            pairs = sample_pair_indices(alphabet_of, config.batch_size, rng, within_alphabet=config.hard_negatives)
            left = images[pairs.left[:, 0], pairs.left[:, 1]][..., None]
            right = images[pairs.right[:, 0], pairs.right[:, 1]][..., None]
            loss = pair_step(left, right, pairs.targets,
                             random_affine_matrices(len(left), size, rng), random_affine_matrices(len(left), size, rng))
        running.append(float(loss))
        validating = val_tasks is not None and (step % config.eval_every == 0 or step == config.steps)
        if step % log_every == 0 or validating or step == config.steps:
            progress = Progress(step, config.steps, time.perf_counter() - started - paused, float(np.mean(running)))
            running = []
            if validating:
                pause_started = time.perf_counter()
                progress.val_pair_accuracy, progress.val_nway_accuracy = validate()
                if on_validation is not None:
                    on_validation(step, model)
                paused += time.perf_counter() - pause_started
                if result.best_val_nway_accuracy is None or progress.val_nway_accuracy > result.best_val_nway_accuracy:
                    result.best_val_nway_accuracy, result.best_step = progress.val_nway_accuracy, step
                    best_weights = pair_model.get_weights()
            result.history.append({k: v for k, v in asdict(progress).items() if v is not None})
            if on_progress:
                on_progress(progress)
        result.steps_done = step
        if should_stop is not None and should_stop():
            result.stopped_early = step < config.steps
            break
    if best_weights is not None:
        pair_model.set_weights(best_weights)
    elif val_tasks is None:
        result.best_step = result.steps_done
    if val_chars.size:
        result.threshold, result.val_pair_accuracy = calibrate_threshold(model, val_codes_input, val_alphabet, config.seed)
    result.seconds = time.perf_counter() - started
    result.training_seconds = result.seconds - paused
    return result


def calibrate_threshold(
    model: SiameseModel, val_inputs: np.ndarray, val_alphabet: np.ndarray, seed: int, pairs: int = 10_000
) -> tuple[float, float]:
    """(threshold, accuracy) that best separates ``pairs`` random validation pairs with the final weights.

    The validation alphabets are background alphabets held out of training, so the threshold is chosen
    without ever looking at the evaluation set it is then reported on.
    """
    codes = _set_codes(model.tower, val_inputs, val_alphabet.size)
    batch = sample_pair_indices(val_alphabet, pairs, np.random.default_rng(seed + 2))
    scores = evaluation_pair_scores(codes, batch, model.head())
    return best_threshold(scores, batch.targets == 1)


def _set_codes(tower, inputs: np.ndarray, characters: int) -> np.ndarray:
    """Codes (characters, 20, d) of downsampled drawings (characters, 20, s, s)."""
    size = inputs.shape[-1]
    return tower_codes(tower, inputs.reshape(-1, size, size, 1), 1024).reshape(characters, DRAWINGS_PER_CHARACTER, -1)


def _triplet_batch(images: np.ndarray, alphabet_of: np.ndarray, batch_size: int, hard: bool, rng: np.random.Generator):
    """P = batch_size / 2 characters x K = 4 drawings (distinct drawers); characters grouped by alphabet
    when ``hard``, so the nearest negatives are look-alikes."""
    per_class = 4
    classes = batch_size // 2
    if hard:
        alphabets = np.unique(alphabet_of)
        chosen_alphabets = rng.choice(alphabets, size=max(1, classes // 8), replace=False)
        candidates = np.flatnonzero(np.isin(alphabet_of, chosen_alphabets))
        if candidates.size < classes:
            candidates = np.arange(len(images))
    else:
        candidates = np.arange(len(images))
    chosen = rng.choice(candidates, size=classes, replace=False)
    drawers = np.argsort(rng.random((classes, DRAWINGS_PER_CHARACTER)), axis=1)[:, :per_class]
    batch = images[chosen[:, None], drawers].reshape(-1, images.shape[-2], images.shape[-1])
    labels = np.repeat(np.arange(classes), per_class).astype(np.int32)
    return batch, labels
