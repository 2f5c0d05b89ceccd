"""``python -m lab evaluate pairs|nway|lake|nn``: a stored model on the evaluation alphabets."""

from __future__ import annotations

import argparse

from lab import limits
from lab.cli.common import bounded, data_dir_option, print_json
from lab.workflows.coded_set import FEATURE_LAYERS


def add_parser(groups: argparse._SubParsersAction) -> None:
    evaluate = groups.add_parser(
        "evaluate", parents=[data_dir_option()], help="measure a stored model on the evaluation alphabets",
        description="pairs: verification accuracy, ROC AUC and equal error rate on random pairs. nway: accuracy "
        "on seeded N-way one-shot tasks with 95%% confidence intervals. lake: Lake's 20 official runs, with the "
        "modified Hausdorff baseline computed here. nn: nearest-template classification of drawers 10-19.",
    )
    evaluate.add_argument("what", choices=("pairs", "nway", "lake", "nn"))
    evaluate.add_argument("--model", default="default", help="name in the model store (default: the shipped model)")
    evaluate.add_argument("--pairs", type=bounded(limits.PAIRS), default=10_000, help="pairs: how many (half same, half different)")
    evaluate.add_argument("--way", type=bounded(limits.WAY), nargs="+", default=[20], help="nway: one or more N (2-20)")
    evaluate.add_argument("--tasks", type=bounded(limits.TASKS), default=1000, help="nway: tasks per N")
    evaluate.add_argument("--seed", type=bounded(limits.SEED), default=0)
    evaluate.add_argument("--within-alphabet", action="store_true",
                          help="pairs and nway: draw the other characters from the same alphabet (harder)")
    evaluate.add_argument("--layer", choices=FEATURE_LAYERS, default="features",
                          help="nn: the encoder without its last dense layer (the lecture's exercise), or the embedding")
    evaluate.add_argument("--one-shot", action="store_true", help="nn: one template per character (drawer 0)")
    evaluate.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    evaluate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.what == "lake":
        figures, name, threshold = _lake(args)
    else:
        from lab.workflows.coded_set import load_coded_set

        evaluation = load_coded_set(args.model, args.data_dir, args.layer if args.what == "nn" else "embedding")
        name, threshold = evaluation.info.name, evaluation.threshold
        if args.what == "nn":
            from lab.workflows.nearest import nearest_neighbour

            figures = {**nearest_neighbour(evaluation.codes, evaluation.data, args.one_shot).as_dict(), "layer": args.layer}
        elif args.what == "nway":
            from lab.workflows.nway import nway_accuracy

            figures = nway_accuracy(evaluation, args.way, args.tasks, args.seed, args.within_alphabet).as_dict()
        else:
            from lab.workflows.pairs import pair_roc

            figures = pair_roc(evaluation, args.pairs, args.seed, args.within_alphabet).as_dict()
    figures["model"] = name
    if args.json:
        print_json(figures)
    else:
        _print_figures(args, name, threshold, figures)
    return 0


def _lake(args: argparse.Namespace) -> tuple[dict, str, float]:
    """Lake's runs need the model, not the codes of the evaluation set."""
    from lab.data.lake_runs import load_runs, runs_path
    from lab.siamese.store import load_model
    from lab.workflows.nway import hausdorff_baseline, lake_evaluation

    model, info = load_model(args.model)
    runs = load_runs(runs_path(args.data_dir))
    result = lake_evaluation(model, info.name, runs, hausdorff_baseline(runs))
    return result.as_dict(), info.name, info.threshold


def _print_figures(args: argparse.Namespace, model: str, threshold: float, figures: dict) -> None:
    alphabets = "within one alphabet" if args.within_alphabet else "from any alphabet"
    if args.what == "lake":
        from lab.evaluation.lake import PUBLISHED

        print(f"Model {model} on Lake's 20 one-shot runs (20-way, within alphabet):")
        for run, (accuracy, baseline) in enumerate(
                zip(figures["lake_run_accuracy"], figures["hausdorff_run_accuracy"]), 1):
            errors = round((1 - accuracy) * 20)
            print(f"  run {run:02d}: {accuracy:.0%} correct ({errors} error{'' if errors == 1 else 's'} of 20); "
                  f"modified Hausdorff baseline {baseline:.0%}")
        print(f"  mean accuracy: {figures['lake_accuracy']:.1%}")
        print(f"  modified Hausdorff distance, computed here: {figures['hausdorff_accuracy']:.1%} "
              f"(published: {PUBLISHED['Modified Hausdorff distance']:.1%})")
        for name, value in PUBLISHED.items():
            print(f"  published, {name}: {value:.1%}")
    elif args.what == "pairs":
        print(f"Model {model} on {args.pairs:,} random evaluation pairs (seed {args.seed}, different pairs {alphabets}):")
        print(f"  accuracy at the model's threshold {threshold:.3f}: {figures['pair_accuracy']:.2%}")
        print(f"  accuracy at threshold 0.5: {figures['pair_accuracy_at_0.5']:.2%}")
        print(f"  ROC AUC: {figures['auc']:.4f}")
        print(f"  equal error rate: {figures['eer']:.2%} at threshold {figures['eer_threshold']:.3f}")
    elif args.what == "nway":
        print(f"Model {model} on N-way one-shot tasks of the evaluation set (seed {args.seed}, candidates {alphabets}):")
        for row in figures["results"]:
            print(f"  {row['way']:>2}-way: {row['accuracy']:.1%} of {row['tasks']:,} tasks "
                  f"(95% confidence interval {row['ci95_low']:.1%} to {row['ci95_high']:.1%})")
    else:
        shots = figures["templates_per_character"]
        print(f"Model {model}, nearest template ({args.layer}; {shots} template{'s' if shots > 1 else ''} per "
              f"character, drawers 10-19 classified, {figures['queries']:,} drawings):")
        print(f"  accuracy: {figures['accuracy']:.1%} (chance: {1 / 659:.2%})")
        for alphabet, accuracy in sorted(figures["alphabet_accuracy"].items(), key=lambda item: item[1]):
            print(f"  {alphabet:<45} {accuracy:.1%}")
        print("  most confused (true -> chosen, times):")
        for row in figures["confusions"]:
            print(f"    {row['true']} -> {row['chosen']}: {row['count']}")
