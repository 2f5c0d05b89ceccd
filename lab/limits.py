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
from lab.formatting import format_integer, format_number
from lab.i18n import N_, _


@dataclass(frozen=True)
class Bounds:
    """A closed or half-open interval of valid values; ``what`` names the value in messages.

    ``what`` is English marked with N_ (this table is built once per server); it is translated when a message
    is built, in the language of whoever gave the value.
    """

    what: str
    low: float
    high: float
    integer: bool = False
    low_open: bool = False  # the low end itself is not valid (a learning rate of 0 learns nothing)
    high_open: bool = False

    def describe(self) -> str:
        kind = _("a whole number") if self.integer else _("a number")
        low, high = _number(self.low), _number(self.high)
        if not (self.low_open or self.high_open):
            return _("{kind} from {low} to {high}").format(kind=kind, low=low, high=high)
        above = (_("greater than {low}") if self.low_open else _("at least {low}")).format(low=low)
        below = (_("less than {high}") if self.high_open else _("at most {high}")).format(high=high)
        return _("{kind} {above} and {below}").format(kind=kind, above=above, below=below)

    def contains(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def check(self, value: float) -> float:
        """``value`` itself when valid; an :class:`OutOfRangeError` with the valid range otherwise."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._refused(repr(value))
        if self.integer and (isinstance(value, float) and not value.is_integer()):
            raise self._refused(repr(value))
        if not self.contains(float(value)):
            raise self._refused(_number(value))
        return int(value) if self.integer else float(value)

    def parse(self, text: str) -> float:
        """A value typed as text (a command-line option, a URL parameter), checked."""
        cleaned = str(text).strip().replace("_", "")
        try:
            value: float = int(cleaned) if self.integer else float(cleaned)
        except ValueError:
            raise OutOfRangeError(_("{what} must be {range}; {text!r} is not one").format(
                what=_(self.what), range=self.describe(), text=str(text)[:40])) from None
        return self.check(value)

    def _refused(self, shown: str) -> OutOfRangeError:
        return OutOfRangeError(_("{what} must be {range}; got {value}").format(
            what=_(self.what), range=self.describe(), value=shown))


def _number(value: float) -> str:
    """A bound as a reader writes it: 100,000 and 0.001, not 100000.0 and 1e-03 (100.000 and 0,001 in Portuguese)."""
    if isinstance(value, int) or (math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15):
        return format_integer(int(value))
    return format_number(value, "g")


# Omniglot and the Siamese networks.
SEED = Bounds(N_("the random seed"), 0, 2**31 - 1, integer=True)
STEPS = Bounds(N_("the number of training steps"), 1, 100_000, integer=True)  # 100,000 steps: about 3 hours here
BATCH_SIZE = Bounds(N_("the batch size (pairs per step)"), 4, 512, integer=True)
LEARNING_RATE = Bounds(N_("the learning rate"), 0, 0.1, low_open=True)
MARGIN = Bounds(N_("the margin of the loss"), 0, 10, low_open=True)
# 0: off; 0.999 averages about the last 1,000 steps' weights. 1 would never move from the first weights.
WEIGHT_AVERAGE = Bounds(N_("the weight average's decay per step"), 0, 0.9999)
VAL_ALPHABETS = Bounds(N_("the number of validation alphabets"), 0, 29, integer=True)  # of the 30 background ones
EVAL_EVERY = Bounds(N_("the validation interval (steps)"), 1, 100_000, integer=True)
PAIRS = Bounds(N_("the number of pairs"), 2, 200_000, integer=True)  # the 13,180 evaluation drawings
TASKS = Bounds(N_("the number of tasks per N"), 1, 100_000, integer=True)
WAY = Bounds(N_("N (candidates per task)"), 2, 20, integer=True)  # Lake's runs are 20-way
DRAWER = Bounds(N_("the drawer (one of the 20 people who drew each character)"), 1, 20, integer=True)
# The high end is the size of the largest evaluation alphabet; a page narrows it to the alphabet shown.
MAP_CHARACTERS = Bounds(N_("the number of characters on the map"), 2, 47, integer=True)
FAR_PERCENT = Bounds(N_("the target false accept rate (%)"), 0, 100)

# Faces.
EPOCHS = Bounds(N_("the number of CNN epochs"), 1, 300, integer=True)
TARGET_FMR = Bounds(N_("the target false match rate"), 0, 1)  # a fraction: 0.01 is 1%
SCALE_FACTOR = Bounds(N_("the Viola-Jones scale factor (scaleFactor)"), 1.01, 1.5)  # OpenCV needs > 1; 1.5 already skips most faces
MIN_NEIGHBORS = Bounds(N_("the Viola-Jones minNeighbors"), 0, 30, integer=True)
FACE_NUMBER = Bounds(N_("the face number (1 = leftmost)"), 1, 100, integer=True)

# A distance threshold lives on its metric's own scale: cosine distance 1 - cos runs from 0 to 2, the distance
# of two unit vectors too, the angle as a fraction of 180 degrees from 0 to 1. A raw euclidean distance has no
# upper end (its scale depends on the model); 10,000 is far beyond any model's.
FACE_THRESHOLDS = {
    "cosine": Bounds(N_("a cosine threshold"), 0, 2),
    "euclidean": Bounds(N_("a euclidean threshold"), 0, 10_000),
    "euclidean_l2": Bounds(N_("a euclidean_l2 threshold"), 0, 2),
    "angular": Bounds(N_("an angular threshold"), 0, 1),
}


def face_threshold(metric: str, value: float) -> float:
    """``value`` checked against the scale of ``metric``."""
    try:
        bounds = FACE_THRESHOLDS[metric]
    except KeyError:
        raise OutOfRangeError(_("unknown metric {metric!r}; choose one of {metrics}").format(
            metric=metric, metrics=", ".join(FACE_THRESHOLDS))) from None
    return bounds.check(value)



# Settings that only a page of the lab takes; a link may give them (?count=12), so they are checked like the rest.
SHOWN_CHARACTERS = Bounds(N_("the number of characters shown"), 1, 20, integer=True)  # fewer in an alphabet of < 20
SHOWN_PAIRS = Bounds(N_("the number of pairs shown"), 2, 32, integer=True)  # half different, half same: even
SIMILARITY_THRESHOLD = Bounds(N_("the similarity threshold"), 0, 1)
# The training page takes 0 for "the architecture's default" (1e-3 compact, 6e-5 Koch).
LEARNING_RATE_OR_DEFAULT = Bounds(N_("the learning rate (0: the architecture's default)"), 0, LEARNING_RATE.high)
# The Detect page's third Viola-Jones parameter, OpenCV's minSize: smaller boxes are not looked at.
MIN_FACE_SIZE = Bounds(N_("the Viola-Jones minimum face size (pixels)"), 10, 200, integer=True)
