"""Omniglot: the image sets, Lake's one-shot runs, downloads and pair sampling."""

from lab.data.omniglot import SET_NAMES, SPECS, OmniglotSet, find_source, load_set
from lab.data.pairs import PairBatch, sample_pairs

__all__ = ["SET_NAMES", "SPECS", "OmniglotSet", "PairBatch", "find_source", "load_set", "sample_pairs"]
