"""The valid range of every number a user can give: one table for the CLI's parsers, the pages' widgets and
the lab's own checks, so that all three refuse the same values with the same words.

A value is checked before any work starts. Not-a-number and infinities are refused everywhere: NaN compares
false with everything, so a NaN threshold would silently call an exact match "unknown", and JSON cannot even
print it. The upper limits keep a typo (``--pairs 1000000000000``) from ending in an allocation of terabytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lab.errors import OutOfRangeError


@dataclass(frozen=True)
class Bounds:
    """A closed or half-open interval of valid values; ``what`` names the value in messages."""

    what: str
    low: float
    high: float
    integer: bool = False
    low_open: bool = False  # the low end itself is not valid (a learning rate of 0 learns nothing)
    high_open: bool = False

    def describe(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        low, high = _number(self.low), _number(self.high)
        above = f"greater than {low}" if self.low_open else f"at least {low}"
        below = f"less than {high}" if self.high_open else f"at most {high}"
        if not (self.low_open or self.high_open):
            return f"{kind} from {low} to {high}"
        return f"{kind} {above} and {below}"

    def contains(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def check(self, value: float) -> float:
        """``value`` itself when valid; an :class:`OutOfRangeError` with the valid range otherwise."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise OutOfRangeError(f"{self.what} must be {self.describe()}; got {value!r}")
        if self.integer and (isinstance(value, float) and not value.is_integer()):
            raise OutOfRangeError(f"{self.what} must be {self.describe()}; got {value!r}")
        if not self.contains(float(value)):
            raise OutOfRangeError(f"{self.what} must be {self.describe()}; got {_number(value)}")
        return int(value) if self.integer else float(value)

    def parse(self, text: str) -> float:
        """A value typed as text (a command-line option, a URL parameter), checked."""
        cleaned = str(text).strip().replace("_", "")
        try:
            value: float = int(cleaned) if self.integer else float(cleaned)
        except ValueError:
            raise OutOfRangeError(f"{self.what} must be {self.describe()}; {str(text)[:40]!r} is not one") from None
        return self.check(value)


def _number(value: float) -> str:
    """A bound as a reader writes it: 100,000 and 0.001, not 100000.0 and 1e-03."""
    if isinstance(value, int) or (math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    return f"{value:g}"


# Omniglot and the Siamese networks.
SEED = Bounds("the random seed", 0, 2**31 - 1, integer=True)
STEPS = Bounds("the number of training steps", 1, 100_000, integer=True)  # 100,000 steps: about 3 hours here
BATCH_SIZE = Bounds("the batch size (pairs per step)", 4, 512, integer=True)
LEARNING_RATE = Bounds("the learning rate", 0, 0.1, low_open=True)
MARGIN = Bounds("the margin of the loss", 0, 10, low_open=True)
VAL_ALPHABETS = Bounds("the number of validation alphabets", 0, 29, integer=True)  # of the 30 background ones
EVAL_EVERY = Bounds("the validation interval (steps)", 1, 100_000, integer=True)
PAIRS = Bounds("the number of pairs", 2, 200_000, integer=True)  # the 13,180 evaluation drawings
TASKS = Bounds("the number of tasks per N", 1, 100_000, integer=True)
WAY = Bounds("N (candidates per task)", 2, 20, integer=True)  # Lake's runs are 20-way
FAR_PERCENT = Bounds("the target false accept rate (%)", 0, 100)

# Faces.
EPOCHS = Bounds("the number of CNN epochs", 1, 300, integer=True)
TARGET_FMR = Bounds("the target false match rate", 0, 1)  # a fraction: 0.01 is 1%
SCALE_FACTOR = Bounds("the Viola-Jones scale factor (scaleFactor)", 1.01, 1.5)  # OpenCV needs > 1; 1.5 already skips most faces
MIN_NEIGHBORS = Bounds("the Viola-Jones minNeighbors", 0, 30, integer=True)
FACE_NUMBER = Bounds("the face number (1 = leftmost)", 1, 100, integer=True)

# A distance threshold lives on its metric's own scale: cosine distance 1 - cos runs from 0 to 2, the distance
# of two unit vectors too, the angle as a fraction of 180 degrees from 0 to 1. A raw euclidean distance has no
# upper end (its scale depends on the model); 10,000 is far beyond any model's.
FACE_THRESHOLDS = {
    "cosine": Bounds("a cosine threshold", 0, 2),
    "euclidean": Bounds("a euclidean threshold", 0, 10_000),
    "euclidean_l2": Bounds("a euclidean_l2 threshold", 0, 2),
    "angular": Bounds("an angular threshold", 0, 1),
}


def face_threshold(metric: str, value: float) -> float:
    """``value`` checked against the scale of ``metric``."""
    try:
        bounds = FACE_THRESHOLDS[metric]
    except KeyError:
        raise OutOfRangeError(f"unknown metric {metric!r}; choose one of {', '.join(FACE_THRESHOLDS)}") from None
    return bounds.check(value)


# The Detect page's third Viola-Jones parameter, OpenCV's minSize: smaller boxes are not looked at.
MIN_FACE_SIZE = Bounds("the Viola-Jones minimum face size (pixels)", 10, 200, integer=True)
