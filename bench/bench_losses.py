"""Training speed and accuracy per architecture x loss, side by side in one run.

For each combination: the training pace (steps/s and pairs/s, validation time excluded; a "pair" is two
images through the tower), the training time until Lake's 20-way accuracy first reaches --target (Lake's
runs are measured at every validation point, never used to choose anything), and the validation and Lake
accuracy at the end. Koch's 105x105 network, the course's seed (batch 32, Adam 6e-5), is far too slow to
train on a CPU, so by default it runs --koch-steps steps to time them, with no validation.

    .venv/bin/python -m bench.bench_losses [--steps 1500] [--koch-steps 10] [--target 0.9]

(The app against the command line, for the same settings, is bench/bench_training.py.)
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

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
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; compact: {args.steps} steps of "
          f"64 pairs; koch: {args.koch_steps} steps of 32 pairs")
    print(f"{'architecture':<12} {'loss':<12} {'steps/s':>8} {'pairs/s':>8} {'s/step':>7} "
          f"{'Lake ' + format(args.target, '.0%') + ' after':>16} {'val 20-way':>10} {'Lake 20-way':>11}")
    for architecture, steps, batch in (("compact", args.steps, 64), ("koch", args.koch_steps, 32)):
        for loss in LOSSES:
            compact = architecture == "compact"
            config = TrainConfig(architecture=architecture, loss=loss, steps=steps, batch_size=batch,
                                 eval_every=args.eval_every, val_alphabets=5 if compact else 0, seed=0)
            lake_curve: list[tuple[int, float]] = []
            result = train(config, data, on_validation=lambda step, model: lake_curve.append(
                (step, evaluate_lake(model.embed, model.head(), runs).accuracy)))
            elapsed = {h["step"]: h["elapsed_s"] for h in result.history}
            reached = next((f"{elapsed[s]:.0f} s (step {s})" for s, a in lake_curve if a >= args.target), "not reached")
            rate = result.steps_done / result.training_seconds
            best = result.best_val_nway_accuracy if result.best_val_nway_accuracy is not None else float("nan")
            lake = lake_curve[-1][1] if lake_curve else float("nan")
            print(f"{architecture:<12} {loss:<12} {rate:>8.2f} {rate * batch:>8.0f} {1 / rate:>7.2f} {reached:>16} "
                  f"{best:>10.1%} {lake:>11.1%}", flush=True)


if __name__ == "__main__":
    main()
