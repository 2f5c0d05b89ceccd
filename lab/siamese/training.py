"""Training a Siamese network on the background alphabets, with validation on held-out alphabets.

The loop is a plain ``tf.function`` step over batches sampled with NumPy from an in-memory array (no Python loop
per pair). Whole background alphabets are held out for validation (never the evaluation set, which is kept for the
reported figures), and the weights with the best validation N-way accuracy are kept when training ends or stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from lab.data.omniglot import OmniglotSet
from lab.errors import OutOfRangeError
from lab.i18n import _
from lab.limits import BATCH_SIZE, EVAL_EVERY, LEARNING_RATE, MARGIN, SEED, STEPS, VAL_ALPHABETS, WEIGHT_AVERAGE
from lab.siamese.batches import training_arrays
from lab.siamese.losses import DEFAULT_MARGINS, LOSSES
from lab.siamese.model import SiameseModel, build_pair_model
from lab.siamese.steps import optimisation_step
from lab.siamese.towers import ARCHITECTURES, SPECS, build_tower
from lab.siamese.validation import ValidationSet, finish_validation, split_alphabets, validation_set

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
    # > 0: the weights validated and kept are an exponential moving average of the weights after each step (batch
    # norm statistics included) with this decay, not the last step's (Polyak averaging); 0: the last step's.
    weight_average: float = 0.0

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        for bounds, value in ((STEPS, self.steps), (BATCH_SIZE, self.batch_size), (SEED, self.seed),
                              (VAL_ALPHABETS, self.val_alphabets), (EVAL_EVERY, self.eval_every),
                              (LEARNING_RATE, self.learning_rate), (MARGIN, self.margin),
                              (WEIGHT_AVERAGE, self.weight_average)):
            if value is not None:  # None: the architecture's or the loss's default
                bounds.check(value)
        if self.batch_size % 2:
            raise OutOfRangeError(_("the batch size must be even (half same, half different pairs); got {size}").format(
                size=self.batch_size))

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
    shift_validation: dict[int, float] = field(default_factory=dict)  # validation N-way accuracy per test-time shift

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
            "test_time_shift": self.model.test_time_shift, "test_time_shift_validation": self.shift_validation,
            "history": self.history,
        }


@dataclass
class _Bookkeeping:
    """What the loop carries from step to step: the result so far, the clock, the best weights yet."""

    result: TrainResult
    started: float = field(default_factory=time.perf_counter)
    paused: float = 0.0  # seconds spent validating, kept out of the training pace
    best_weights: list | None = None
    running: list[float] = field(default_factory=list)  # losses since the last report
    averaged: list[np.ndarray] | None = None  # the weights' moving average, with TrainConfig.weight_average
    averaged_steps: int = 0

    def average(self, weights: list[np.ndarray], decay: float) -> None:
        """One step of the weights' exponential moving average.

        The decay starts low and grows to ``decay`` ((1 + n) / (10 + n) after n steps, as TensorFlow's
        ExponentialMovingAverage with num_updates): a plain 0.999 from the first step still gave the random
        initial weights 37% of the average after 1,000 steps, and validation fell from 82% to 57%.
        """
        self.averaged_steps += 1
        if self.averaged is None:
            self.averaged = [np.array(w, dtype=np.float64) for w in weights]
            return
        rate = min(decay, (1.0 + self.averaged_steps) / (10.0 + self.averaged_steps))
        for mean, w in zip(self.averaged, weights):
            mean *= rate
            mean += (1.0 - rate) * w

    def averaged_weights(self, like: list[np.ndarray]) -> list[np.ndarray]:
        """The average in the dtypes of ``like`` (the model's weights)."""
        return [mean.astype(w.dtype) for mean, w in zip(self.averaged or [], like)]


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

    keras.utils.set_random_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    factor = SPECS[config.architecture].downsample
    train_chars, val_chars, val_names = split_alphabets(data, config.val_alphabets, config.seed)
    images, alphabet_of = training_arrays(data, train_chars, factor, config.rotations)
    model = _starting_model(config, initial)
    train_step = optimisation_step(config, model, images, alphabet_of, rng)
    validation = validation_set(data, val_chars, factor, config.seed, config.val_way, config.val_tasks)
    book = _Bookkeeping(TrainResult(model=model, config=config, validation_alphabets=val_names))
    for step in range(1, config.steps + 1):
        book.running.append(train_step())
        if config.weight_average:
            book.average(model.pair_model.get_weights(), config.weight_average)
        validating = validation is not None and (step % config.eval_every == 0 or step == config.steps)
        # Step 1 too: the curve's first point as soon as the step is compiled, not log_every steps later.
        if step % log_every == 0 or step == 1 or validating or step == config.steps:
            _report_progress(book, step, config.steps, validation if validating else None, on_validation, on_progress)
        book.result.steps_done = step
        if should_stop is not None and should_stop():
            book.result.stopped_early = step < config.steps
            break
    return _finish(book, validation, config.seed)


def _starting_model(config: TrainConfig, initial: SiameseModel | None) -> SiameseModel:
    """``initial`` to continue training, else a fresh pair model of the configured architecture and loss."""
    if initial is not None:
        if (initial.architecture, initial.loss) != (config.architecture, config.loss):
            raise ValueError("a resumed model must keep its architecture and loss")
        pair_model = initial.pair_model
    else:
        metric = config.loss != "bce"
        tower = build_tower(config.architecture, config.embedding_dim if metric else None, normalize=metric)
        pair_model = build_pair_model(tower, config.loss)
    return SiameseModel(pair_model, config.architecture, config.loss)


def _report_progress(
    book: _Bookkeeping, step: int, steps: int, validation: ValidationSet | None,
    on_validation: Callable[[int, SiameseModel], None] | None, on_progress: Callable[[Progress], None] | None,
) -> None:
    """The mean loss since the last report, validated when ``validation`` is given, into the history."""
    progress = Progress(step, steps, time.perf_counter() - book.started - book.paused, float(np.mean(book.running)))
    book.running = []
    if validation is not None:
        _validate(book, step, progress, validation, on_validation)
    book.result.history.append({k: v for k, v in asdict(progress).items() if v is not None})
    if on_progress:
        on_progress(progress)


def _validate(
    book: _Bookkeeping, step: int, progress: Progress, validation: ValidationSet,
    on_validation: Callable[[int, SiameseModel], None] | None,
) -> None:
    """Validation figures into ``progress``; the weights are kept when their N-way accuracy is the best yet."""
    model, result = book.result.model, book.result
    pause_started = time.perf_counter()
    trained = None
    if book.averaged is not None:  # the average is what is validated and kept; training goes on from the last step
        trained = model.pair_model.get_weights()
        model.pair_model.set_weights(book.averaged_weights(trained))
    progress.val_pair_accuracy, progress.val_nway_accuracy = validation.accuracies(model)
    if on_validation is not None:
        on_validation(step, model)
    if result.best_val_nway_accuracy is None or progress.val_nway_accuracy > result.best_val_nway_accuracy:
        result.best_val_nway_accuracy, result.best_step = progress.val_nway_accuracy, step
        book.best_weights = model.pair_model.get_weights()
    if trained is not None:
        model.pair_model.set_weights(trained)
    book.paused += time.perf_counter() - pause_started


def _finish(book: _Bookkeeping, validation: ValidationSet | None, seed: int) -> TrainResult:
    """Back to the best validated weights, the threshold calibrated on them, and the clock stopped."""
    result, model = book.result, book.result.model
    if book.best_weights is not None:
        model.pair_model.set_weights(book.best_weights)
    else:  # nothing validated (no validation set, or stopped before the first validation)
        if book.averaged is not None:
            model.pair_model.set_weights(book.averaged_weights(model.pair_model.get_weights()))
        if validation is None:
            result.best_step = result.steps_done
    if validation is not None:
        result.shift_validation, result.threshold, result.val_pair_accuracy = finish_validation(
            model, validation, seed, result.config.val_way)
    result.seconds = time.perf_counter() - book.started
    result.training_seconds = result.seconds - book.paused
    return result
