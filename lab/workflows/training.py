"""A training run: train on the background set, test on the evaluation set, store the model with its figures.

What ``python -m lab train`` and the training page (through :mod:`lab.workflows.training_jobs`) both do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.data.lake_runs import load_runs, runs_path
from lab.data.omniglot import OmniglotSet, find_source, load_set, source_fingerprint
from lab.errors import LabError
from lab.siamese.model import SiameseModel
from lab.siamese.registry import OWNER_CLI
from lab.siamese.store import ModelInfo, load_model, save_model
from lab.siamese.training import Progress, TrainConfig, TrainResult, train
from lab.workflows.coded_set import set_codes
from lab.evaluation.lake import evaluate_lake
from lab.workflows.pairs import roc_of, scored_pairs


@dataclass(frozen=True)
class TrainingRun:
    info: ModelInfo
    result: TrainResult
    metrics: dict  # Lake's runs and 10,000 evaluation pairs (the model card's figures); empty if files are missing
    message: str  # why the metrics are missing, if they are

    def as_dict(self) -> dict:
        return {"model": self.info.name, "path": str(self.info.path), "steps_done": self.result.steps_done,
                "seconds": self.result.seconds, "best_step": self.result.best_step,
                "threshold": self.result.threshold, "metrics": self.metrics, "message": self.message}


def test_figures(model: SiameseModel, threshold: float, data_dir: Path | None = None) -> dict:
    """Lake's 20 runs and 10,000 random evaluation pairs (seed 0): the figures stored with every model."""
    data = load_set("evaluation", data_dir)
    lake = evaluate_lake(model.embed, model.head(), load_runs(runs_path(data_dir)))
    pairs = roc_of(scored_pairs(model, data, set_codes(model, data)), threshold).as_dict()
    return {"lake_accuracy": lake.accuracy, "lake_run_accuracy": [round(float(a), 4) for a in lake.run_accuracy],
            **pairs}


def training_run(
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
    data: OmniglotSet | None = None,
    owner: str = OWNER_CLI,
) -> TrainingRun:
    """Train on the background set (from ``resume``'s weights if given), measure the test figures, and save
    the model with its metadata (config, history, data fingerprint, figures) in the store.

    ``data``: the background set from ``data_dir``, when the caller has decoded it already. ``owner``: who the model
    is registered to (:mod:`lab.siamese.registry`): the training page's session, or ``"cli"``."""
    data = data if data is not None else load_set("background", data_dir)
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
    info = save_model(result.model, name, metadata, models_dir, overwrite=overwrite, owner=owner)
    return TrainingRun(info, result, metrics, message)
