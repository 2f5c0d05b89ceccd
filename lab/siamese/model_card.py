"""A model card: what a stored model is, how it was trained and how well it does, as Markdown to download.

The prose is in the language of whoever downloads it; numbers, names and the Markdown headings' levels are the
same in every language.
"""

from __future__ import annotations

from lab.data.omniglot import display_name
from lab.formatting import format_number
from lab.i18n import _
from lab.siamese.store import ModelInfo


def _percent(value: object, digits: int = 1) -> str:
    return f"{value:.{digits}%}" if isinstance(value, (int, float)) else _("not measured")


def _training_lines(metadata: dict) -> list[str]:
    config = metadata.get("config", {})
    seconds = metadata.get("training_seconds")
    validation = metadata.get("validation_alphabets")
    unknown = _("unknown")
    steps = _("- Training steps: {steps}").format(steps=metadata.get("steps_done", config.get("steps", unknown)))
    if "best_step" in metadata:
        steps += " " + _("(best weights at step {step})").format(step=metadata["best_step"])
    averaging = config.get("weight_average")  # models from before issue 24 have no such setting
    return [
        _("- Tower (architecture): {architecture}").format(
            architecture=metadata.get("architecture", config.get("architecture", unknown))),
        _("- Loss: {loss}").format(loss=metadata.get("loss", config.get("loss", unknown))),
        steps,
        _("- Batch: {size} pairs per step").format(size=config.get("batch_size", unknown)),
        _("- Learning rate: {rate}").format(
            rate=config["learning_rate"] if config.get("learning_rate") else _("the tower default")),
        _("- Affine distortions: {augment}; hard negatives: {hard}").format(
            augment=config.get("augment", unknown), hard=config.get("hard_negatives", unknown)),
        *([_("- Weights kept: their moving average over the last steps (decay {decay} per step)").format(
            decay=format_number(averaging, ".6g"))] if averaging else []),  # 0.9995 stays 0.9995
        _("- Training time: {seconds:.0f} s").format(seconds=seconds) if isinstance(seconds, (int, float))
        else _("- Training time: unknown"),
        _("- Validation alphabets (held out of the background set): {alphabets}").format(
            alphabets=", ".join(display_name(a) for a in validation) if validation else _("none recorded")),
    ]


def _figure_lines(info: ModelInfo) -> list[str]:
    metadata, metrics = info.metadata, info.metadata.get("metrics", {})
    pairs = metrics.get("pairs")
    evaluation_pairs = (_("Evaluation pairs ({pairs:,} pairs)").format(pairs=pairs) if isinstance(pairs, int)
                        else _("Evaluation pairs"))
    return [
        _("- Lake's 20 one-shot runs (20-way, within alphabet): {accuracy} accuracy").format(
            accuracy=_percent(metrics.get("lake_accuracy"))),
        _("- {pairs}: {accuracy} decided right at the model's threshold, {at_half} at the course's 0.5").format(
            pairs=evaluation_pairs, accuracy=_percent(metrics.get("pair_accuracy"), 2),
            at_half=_percent(metrics.get("pair_accuracy_at_0.5"), 2)),
        _("- Best validation N-way accuracy: {accuracy}; validation pairs: {pairs}").format(
            accuracy=_percent(metadata.get("best_val_nway_accuracy")),
            pairs=_percent(metadata.get("val_pair_accuracy"), 2)),
        _("- Threshold: a pair is called same when its similarity is above {threshold:.3f}").format(
            threshold=info.threshold),
    ]


def model_card(info: ModelInfo) -> str:
    """Markdown: data, architecture, loss, steps, batch, training time, Lake and pair figures, threshold."""
    metadata = info.metadata
    saved = _("Saved {date} (UTC);").format(date=metadata.get("saved_at", _("at an unknown date")))
    where = _("shipped with the lab.") if info.shipped else _("in the user's model store.")
    data = _("Omniglot (Lake et al. 2015): trained on the 30 background alphabets (964 characters), tested on the "
             "20 evaluation alphabets (659 characters), which training never sees.")
    if metadata.get("data_fingerprint"):
        data += " " + _("Data fingerprint: {fingerprint}.").format(fingerprint=metadata["data_fingerprint"])
    lines = [
        _("# Model card: {name}").format(name=info.name),
        "",
        f"{saved} {where}",
        *([_("Source: {source}").format(source=metadata["source"])] if "source" in metadata else []),
        "",
        _("## Data"),
        "",
        data,
        "",
        _("## Training"),
        "",
        *_training_lines(metadata),
        "",
        _("## Figures"),
        "",
        *_figure_lines(info),
        "",
    ]
    return "\n".join(lines)
