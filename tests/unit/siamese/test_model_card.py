"""The model card: a stored model's data, training and figures as Markdown."""

from __future__ import annotations

from pathlib import Path

from lab.siamese.model_card import model_card
from lab.siamese.store import ModelInfo, find_model


def test_card_of_the_shipped_model_names_its_training_and_figures() -> None:
    info = find_model("default")
    card = model_card(info)
    assert card.startswith("# Model card: default\n")
    for heading in ("## Data", "## Training", "## Figures"):
        assert f"\n{heading}\n" in card
    metadata, metrics = info.metadata, info.metadata["metrics"]
    for text in ("Tower (architecture): compact", "Loss: triplet", f"Training steps: {metadata['steps_done']}",
                 f"Batch: {metadata['config']['batch_size']} pairs per step",
                 f"Training time: {metadata['training_seconds']:.0f} s",
                 f"Lake's 20 one-shot runs (20-way, within alphabet): {metrics['lake_accuracy']:.1%} accuracy",
                 f"Evaluation pairs (10,000 pairs): {metrics['pair_accuracy']:.2%} decided right",
                 f"above {info.threshold:.3f}", "background alphabets", "Canadian Aboriginal Syllabics",
                 "Weights kept: their moving average over the last steps (decay 0.999 per step)"):
        assert text in card, text
    assert "_" not in card.split("## Training")[1].split("## Figures")[0]  # alphabet names with spaces


def test_card_of_a_model_without_figures_says_so() -> None:
    card = model_card(ModelInfo("uploaded", Path("uploaded.keras"), {"source": "uploaded oneshot.h5"}, False))
    assert "Source: uploaded oneshot.h5" in card and "in the user's model store" in card
    assert "Lake's 20 one-shot runs (20-way, within alphabet): not measured" in card
    assert "Training time: unknown" in card and "above 0.500" in card
