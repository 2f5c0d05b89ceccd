"""Apply the end-of-training choice of a test-time shift to a model trained before ``python -m lab train`` made it.

The choice is lab.siamese.validation.choose_test_time_shift, on the model's own validation alphabets (the same
split and seed as its training: never the evaluation set); the threshold is calibrated again on its validation
pairs with the chosen codes, and both are written into the model's metadata. Then it reports Lake's 20 runs and
the 10,000 evaluation pairs, as `train` does at its end.

    OMNIGLOT_DIR=../shared/data/omniglot .venv/bin/python -m bench.choose_test_time_shift NAME --models-dir DIR
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lab.data.omniglot import load_set  # noqa: E402
from lab.siamese.store import load_model_file  # noqa: E402
from lab.siamese.towers import SPECS  # noqa: E402
from lab.siamese.validation import (calibrate_threshold, choose_test_time_shift, split_alphabets,  # noqa: E402
                                    validation_set)
from lab.workflows.training import test_figures  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--models-dir", type=Path, required=True)
    args = parser.parse_args()
    path = args.models_dir / f"{args.name}.keras"
    metadata_path = path.with_suffix(".json")
    metadata = json.loads(metadata_path.read_text())
    config = metadata["config"]
    model = load_model_file(path, metadata)
    model.test_time_shift = 0
    background = load_set("background")
    _, val_chars, _ = split_alphabets(background, config["val_alphabets"], config["seed"])
    validation = validation_set(background, val_chars, SPECS[model.architecture].downsample, config["seed"],
                                config.get("val_way", 20), config.get("val_tasks", 400))
    shift, accuracy = choose_test_time_shift(model, validation, config["seed"])
    model.test_time_shift = shift
    threshold, val_pairs = calibrate_threshold(model, validation.inputs, validation.alphabet, config["seed"])
    figures = test_figures(model, threshold)
    metadata.update({"test_time_shift": shift, "test_time_shift_validation": {str(k): v for k, v in accuracy.items()},
                     "threshold": threshold, "val_pair_accuracy": val_pairs})
    metadata["metrics"] = figures
    metadata_path.write_text(json.dumps(metadata, indent=2))
    print(f"{args.name}: validation 20-way per shift {accuracy} -> shift {shift}; threshold {threshold:.3f} "
          f"(validation pairs {val_pairs:.2%}); Lake {figures['lake_accuracy']:.2%}; 10,000 evaluation pairs "
          f"{figures['pair_accuracy']:.2%} at that threshold, {figures['pair_accuracy_at_0.5']:.2%} at 0.5, "
          f"AUC {figures['auc']:.4f}, EER {figures['eer']:.2%}")


if __name__ == "__main__":
    main()
