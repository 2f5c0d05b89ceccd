"""The shipped model's recipe, seed by seed: wall time of `python -m lab train` and what each seed's model scores.

Each seed is one run of the documented command (docs/MODELS.md) in a fresh process, timed by this process's clock
from launch to exit (data loading, training, validation, the test-time shift's choice, Lake's runs and the 10,000
evaluation pairs included), with the load average before and after: a run that shared the CPU says so. The figures
of each model come from its stored metadata: the best validation step, the validation 20-way accuracy with the
chosen test-time shift, Lake's 20 runs, the pairs at the validation threshold, AUC and EER.

    OMNIGLOT_DIR=../shared/data/omniglot .venv/bin/python -m bench.bench_seeds --models-dir DIR [--seeds 0 1 2]
        [--steps 7000] [--weight-average 0.999] [--prefix ema7k-seed] [--existing] [--json FILE]

``--existing`` runs nothing: it reads the models already in DIR (named PREFIX + seed) and prints their table, with
the wall times their metadata records (``training_seconds``: the command's training, without the final tests).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RECIPE = ["--architecture", "compact", "--loss", "triplet", "--batch-size", "64", "--val-alphabets", "5",
          "--eval-every", "1000", "--rotations"]


def train_seed(seed: int, name: str, models_dir: Path, steps: int, weight_average: float) -> dict:
    """One run of the recipe in a fresh process: its wall time and the load around it."""
    command = [sys.executable, "-m", "lab", "train", *RECIPE, "--steps", str(steps), "--seed", str(seed),
               "--weight-average", str(weight_average), "--name", name, "--models-dir", str(models_dir), "--overwrite"]
    load_before = os.getloadavg()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return {"wall_s": time.perf_counter() - started, "load_average_before": load_before,
            "load_average_after": os.getloadavg()}


def model_figures(models_dir: Path, name: str) -> dict:
    metadata = json.loads((models_dir / f"{name}.json").read_text())
    metrics, shift = metadata["metrics"], metadata.get("test_time_shift", 0)
    return {"training_seconds": metadata["training_seconds"], "best_step": metadata["best_step"],
            "test_time_shift": shift,
            "validation_nway": metadata.get("test_time_shift_validation", {}).get(str(shift),
                                                                                metadata["best_val_nway_accuracy"]),
            "lake": metrics["lake_accuracy"], "pairs": metrics["pair_accuracy"], "threshold": metrics["threshold"],
            "auc": metrics["auc"], "eer": metrics["eer"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=7000)
    parser.add_argument("--weight-average", type=float, default=0.999)
    parser.add_argument("--prefix", default="recipe-seed")
    parser.add_argument("--existing", action="store_true", help="read the models already trained, run nothing")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    options.models_dir.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the start")
    print(f"{'seed':>4} {'wall (s)':>9} {'load before/after':>18} {'best step':>9} {'val 20-way':>10} {'shift':>5} "
          f"{'Lake':>7} {'pairs':>7} {'AUC':>7} {'EER':>6}", flush=True)
    rows = {}
    for seed in options.seeds:
        name = f"{options.prefix}{seed}"
        run = {} if options.existing else train_seed(seed, name, options.models_dir, options.steps,
                                                      options.weight_average)
        row = {**run, **model_figures(options.models_dir, name)}
        rows[seed] = row
        wall = row.get("wall_s", row["training_seconds"])
        load = (f"{row['load_average_before'][0]:.2f}/{row['load_average_after'][0]:.2f}" if run else "-")
        print(f"{seed:>4} {wall:>9.0f} {load:>18} {row['best_step']:>9} {row['validation_nway']:>10.2%} "
              f"{row['test_time_shift']:>5} {row['lake']:>7.2%} {row['pairs']:>7.2%} {row['auc']:>7.4f} "
              f"{row['eer']:>6.2%}", flush=True)
    lake = [row["lake"] for row in rows.values()]
    print(f"Lake: mean {statistics.mean(lake):.2%}, lowest {min(lake):.2%} (published: BPL 96.7%, humans 95.5%)")
    if options.json:
        options.json.write_text(json.dumps({"seeds": rows, "lake_mean": statistics.mean(lake),
                                            "load_average_end": os.getloadavg()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
