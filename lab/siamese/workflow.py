"""Train, test and store a model in one call: what ``python -m lab train`` and the training page both do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.data.omniglot import find_source, load_set, source_fingerprint
from lab.errors import LabError
from lab.siamese.evaluate_stored import test_figures
from lab.siamese.store import ModelInfo, load_model, save_model
from lab.siamese.training import Progress, TrainConfig, TrainResult, train


@dataclass
class Outcome:
    info: ModelInfo
    result: TrainResult
    metrics: dict  # Lake's runs and 10,000 evaluation pairs; empty if the evaluation files are missing
    message: str  # why the metrics are missing, if they are


def train_test_and_save(
    config: TrainConfig,
    name: str,
    data_dir: Path | None = None,
    models_dir: Path | None = None,
    resume: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_testing: Callable[[], None] | None = None,
    trained_by: str | None = None,
    overwrite: bool = False,
) -> Outcome:
    """Train on the background set (from ``resume``'s weights if given), measure the test figures, and save
    the model with its metadata (config, history, data fingerprint, figures) in the store."""
    data = load_set("background", data_dir)
    initial = load_model(resume)[0] if resume else None
    result = train(config, data, on_progress=on_progress, should_stop=should_stop, initial=initial)
    if on_testing is not None:
        on_testing()
    metadata = result.metadata()
    metadata.update(data_fingerprint=source_fingerprint(find_source("background", data_dir)), resumed_from=resume)
    if trained_by:
        metadata["trained_by"] = trained_by
    message = ""
    try:
        metrics = test_figures(result.model, result.threshold, data_dir)
    except LabError as exc:
        metrics, message = {}, f"Test figures skipped: {exc}"
    metadata["metrics"] = metrics
    info = save_model(result.model, name, metadata, models_dir, overwrite=overwrite)
    return Outcome(info, result, metrics, message)
