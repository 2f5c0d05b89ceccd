"""Training speed and accuracy per architecture x loss, side by side in one run.

For each combination: steps/s and pairs/s (a "pair" = two images through the tower), the first step whose
validation 20-way accuracy (held-out background alphabets) reaches --target, and the accuracy on Lake's 20
runs at the end. Koch's 105x105 network (the course's seed: batch 32, Adam 6e-5) is far too slow to train
on a CPU, so by default it runs only --koch-steps steps to time one step.

    .venv/bin/python bench/bench_training.py [--steps 1500] [--koch-steps 10] [--target 0.9]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lab.data.lake_runs import load_runs, runs_path  # noqa: E402
from lab.data.omniglot import load_set  # noqa: E402
from lab.evaluation.lake import evaluate_lake  # noqa: E402
from lab.siamese.losses import LOSSES  # noqa: E402
from lab.siamese.training import TrainConfig, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--koch-steps", type=int, default=10)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--eval-every", type=int, default=250)
    args = parser.parse_args()
    data = load_set("background")
    runs = load_runs(runs_path())
    print(f"{os.cpu_count()} CPUs; compact: {args.steps} steps of 64 pairs; koch: {args.koch_steps} steps of 32 pairs")
    header = f"{'architecture':<12} {'loss':<12} {'steps/s':>8} {'pairs/s':>8} {'s/step':>7} {'reach ' + format(args.target, '.0%'):>16} {'val 20-way':>10} {'Lake 20-way':>11}"
    print(header)
    for architecture, steps, batch in (("compact", args.steps, 64), ("koch", args.koch_steps, 32)):
        for loss in LOSSES:
            config = TrainConfig(architecture=architecture, loss=loss, steps=steps, batch_size=batch,
                                 eval_every=args.eval_every if architecture == "compact" else 10**9, seed=0)
            result = train(config, data)
            # Time per step without validation: the last log interval's pace.
            history = [h for h in result.history]
            reached = next((f"step {h['step']} ({h['elapsed_s']:.0f} s)" for h in history
                            if h.get("val_nway_accuracy", 0) >= args.target), "not reached")
            rate = result.steps_done / result.seconds
            lake = evaluate_lake(result.model, runs).accuracy if architecture == "compact" else float("nan")
            best = result.best_val_nway_accuracy
            print(f"{architecture:<12} {loss:<12} {rate:>8.2f} {rate * batch:>8.0f} {1 / rate:>7.2f} {reached:>16} "
                  f"{(best if best is not None else float('nan')):>10.1%} {lake:>11.1%}", flush=True)


if __name__ == "__main__":
    main()
