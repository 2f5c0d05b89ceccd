"""``python -m lab train``: train a Siamese network on the background alphabets, test it, store it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lab import limits
from lab.cli.common import bounded, data_dir_option


def add_parser(groups: argparse._SubParsersAction) -> None:
    from lab.siamese.losses import LOSSES
    from lab.siamese.towers import ARCHITECTURES

    training = groups.add_parser(
        "train", parents=[data_dir_option()], help="train a Siamese network on the background alphabets and store it",
        description="Train on the 30 background alphabets (minus --val-alphabets held out for validation), keep "
        "the weights with the best validation 20-way accuracy, then report Lake's 20 runs and 10,000 evaluation "
        "pairs and save the model with its metadata.",
    )
    training.add_argument("--architecture", choices=ARCHITECTURES, default="compact")
    training.add_argument("--loss", choices=LOSSES, default="triplet")
    training.add_argument("--steps", type=bounded(limits.STEPS), default=2000)
    training.add_argument("--batch-size", type=bounded(limits.BATCH_SIZE), default=64, help="pairs per step (triplet: as many images)")
    training.add_argument("--learning-rate", type=bounded(limits.LEARNING_RATE), default=None, help="default: 6e-5 koch, 1e-3 compact")
    training.add_argument("--no-augment", dest="augment", action="store_false", help="no affine distortions")
    training.add_argument("--hard-negatives", action="store_true", help="negatives from the same alphabet")
    training.add_argument("--rotations", action="store_true", help="rotated characters as extra classes")
    training.add_argument("--margin", type=bounded(limits.MARGIN), default=None)
    training.add_argument("--weight-average", type=bounded(limits.WEIGHT_AVERAGE), default=0.0, metavar="DECAY",
                          help="validate and keep a moving average of the weights (e.g. 0.999; default 0: off)")
    training.add_argument("--val-alphabets", type=bounded(limits.VAL_ALPHABETS), default=5)
    training.add_argument("--eval-every", type=bounded(limits.EVAL_EVERY), default=250)
    training.add_argument("--seed", type=bounded(limits.SEED), default=0)
    training.add_argument("--name", required=True, help="name in the model store")
    training.add_argument("--models-dir", type=Path, default=None, help="default: $ONESHOT_MODELS_DIR")
    training.add_argument("--resume", metavar="MODEL", default=None, help="continue from a stored model's weights")
    training.add_argument("--overwrite", action="store_true")
    training.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lab.siamese.store import check_name
    from lab.siamese.training import TrainConfig
    from lab.workflows.training import training_run

    check_name(args.name)
    config = TrainConfig(
        architecture=args.architecture, loss=args.loss, steps=args.steps, batch_size=args.batch_size,
        learning_rate=args.learning_rate, augment=args.augment, seed=args.seed, hard_negatives=args.hard_negatives,
        rotations=args.rotations, margin=args.margin, val_alphabets=args.val_alphabets, eval_every=args.eval_every,
        weight_average=args.weight_average,
    )

    def show(progress) -> None:
        text = (f"step {progress.step}/{progress.steps}  loss {progress.loss:.4f}  "
                f"{progress.elapsed_s:.0f} s elapsed, {progress.eta_s:.0f} s left")
        if progress.val_nway_accuracy is not None:
            text += (f"  | validation: pairs {progress.val_pair_accuracy:.1%}, "
                     f"{config.val_way}-way {progress.val_nway_accuracy:.1%}")
        print(text, flush=True)

    print(f"Training {config.architecture} / {config.loss} for {config.steps} steps of {config.batch_size} pairs", flush=True)
    outcome = training_run(config, args.name, args.data_dir, args.models_dir, args.resume, on_progress=show,
                                  overwrite=args.overwrite)
    result, metrics = outcome.result, outcome.metrics
    if outcome.message:
        print(f"({outcome.message})", file=sys.stderr)
    print(f"Saved {outcome.info.path} after {result.steps_done} steps in {result.seconds:.0f} s "
          f"(best validation step {result.best_step}).")
    if metrics:
        print(f"Lake's 20 runs (20-way, within alphabet): {metrics['lake_accuracy']:.1%}; "
              f"10,000 evaluation pairs: {metrics['pair_accuracy']:.2%} at threshold {result.threshold:.3f}")
    return 0
