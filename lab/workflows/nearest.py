"""The lecture's nearest-neighbour exercise: drawings classified by their nearest template, no training."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.data.omniglot import OmniglotSet
from lab.evaluation.nearest import QUERY_DRAWERS, TEMPLATE_DRAWERS, NearestResult, nearest_template


@dataclass(frozen=True)
class NearestNeighbour:
    result: NearestResult
    alphabet_accuracy: dict[str, float]
    confusions: tuple[tuple[int, int, int], ...]  # (true character, chosen character, drawings), most first
    character_names: tuple[str, ...]  # of the set, by character index
    hardest: str  # the character whose drawings were classified right least often
    hardest_accuracy: float

    def as_dict(self) -> dict:
        return {
            "templates_per_character": len(self.result.template_drawers), "queries": int(self.result.predictions.size),
            "accuracy": self.result.accuracy, "alphabet_accuracy": self.alphabet_accuracy,
            "confusions": [{"true": self.character_names[t], "chosen": self.character_names[c], "count": n}
                           for t, c, n in self.confusions],
        }


def nearest_neighbour(features: np.ndarray, data: OmniglotSet, one_shot: bool = False,
                      confusions: int = 10) -> NearestNeighbour:
    """Drawers 11-20 of every character classified by drawers 1-10 (or drawer 1 only, one-shot)."""
    templates = TEMPLATE_DRAWERS[:1] if one_shot else TEMPLATE_DRAWERS
    result = nearest_template(features, templates, QUERY_DRAWERS)
    by_alphabet = result.accuracy_by_group(data.alphabet_index())
    per_character = result.correct.mean(axis=1)
    hardest = int(np.argsort(per_character, kind="stable")[0])
    return NearestNeighbour(
        result, {data.alphabet_names[a]: value for a, value in by_alphabet.items()},
        tuple(result.confusions(confusions)), data.character_names, data.character_names[hardest],
        float(per_character[hardest]),
    )
