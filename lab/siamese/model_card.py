"""A model card: what a stored model is, how it was trained and how well it does, as Markdown to download."""

from __future__ import annotations

from lab.data.omniglot import display_name
from lab.siamese.store import ModelInfo


def _percent(value: object, digits: int = 1) -> str:
    return f"{value:.{digits}%}" if isinstance(value, (int, float)) else "not measured"


def _training_lines(metadata: dict) -> list[str]:
    config = metadata.get("config", {})
    seconds = metadata.get("training_seconds")
    validation = metadata.get("validation_alphabets")
    return [
        f"- Tower (architecture): {metadata.get('architecture', config.get('architecture', 'unknown'))}",
        f"- Loss: {metadata.get('loss', config.get('loss', 'unknown'))}",
        f"- Training steps: {metadata.get('steps_done', config.get('steps', 'unknown'))}"
        + (f" (best weights at step {metadata['best_step']})" if "best_step" in metadata else ""),
        f"- Batch: {config.get('batch_size', 'unknown')} pairs per step",
        f"- Learning rate: {config['learning_rate'] if config.get('learning_rate') else 'the tower default'}",
        f"- Affine distortions: {config.get('augment', 'unknown')}; hard negatives: {config.get('hard_negatives', 'unknown')}",
        f"- Training time: {seconds:.0f} s" if isinstance(seconds, (int, float)) else "- Training time: unknown",
        "- Validation alphabets (held out of the background set): "
        + (", ".join(display_name(a) for a in validation) if validation else "none recorded"),
    ]


def model_card(info: ModelInfo) -> str:
    """Markdown: data, architecture, loss, steps, batch, training time, Lake and pair figures, threshold."""
    metadata, metrics = info.metadata, info.metadata.get("metrics", {})
    pairs = metrics.get("pairs")
    lines = [
        f"# Model card: {info.name}",
        "",
        f"Saved {metadata.get('saved_at', 'at an unknown date')} (UTC); "
        + ("shipped with the lab." if info.shipped else "in the user's model store."),
        *([f"Source: {metadata['source']}"] if "source" in metadata else []),
        "",
        "## Data",
        "",
        "Omniglot (Lake et al. 2015): trained on the 30 background alphabets (964 characters), tested on the 20 "
        "evaluation alphabets (659 characters), which training never sees."
        + (f" Data fingerprint: {metadata['data_fingerprint']}." if metadata.get("data_fingerprint") else ""),
        "",
        "## Training",
        "",
        *_training_lines(metadata),
        "",
        "## Figures",
        "",
        f"- Lake's 20 one-shot runs (20-way, within alphabet): {_percent(metrics.get('lake_accuracy'))} accuracy",
        f"- Evaluation pairs{f' ({pairs:,} pairs)' if isinstance(pairs, int) else ''}: "
        f"{_percent(metrics.get('pair_accuracy'), 2)} decided right at the model's threshold, "
        f"{_percent(metrics.get('pair_accuracy_at_0.5'), 2)} at the course's 0.5",
        f"- Best validation N-way accuracy: {_percent(metadata.get('best_val_nway_accuracy'))}; "
        f"validation pairs: {_percent(metadata.get('val_pair_accuracy'), 2)}",
        f"- Threshold: a pair is called same when its similarity is above {info.threshold:.3f}",
        "",
    ]
    return "\n".join(lines)
