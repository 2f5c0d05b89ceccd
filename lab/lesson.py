"""The lecture as a path of steps, from Omniglot to the class's face round: what each step shows, its exercise, and
the page (with its settings) that it opens.

A step is data: a stable id (in the URL, ``/lesson?step=roc``, and in a live class's ``lesson_step`` column), texts
marked with :func:`N_` in English and translated where shown, and the page's URL path with the query parameters that
set its widgets (the keys and values its URL checks accept: tests/pages/test_lesson_links.py opens each one). A
parameter whose widget shows a translated label (a tab, a mode) is written in the session's language by
:meth:`LessonStep.query_params`.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from lab.errors import LabError
from lab.i18n import N_, _

ID_MAX = 40  # the classes table's lesson_step column (String 40)


class UnknownStepError(LabError):
    """A step id that the lesson does not have (a forged or outdated link)."""


@dataclass(frozen=True)
class LessonStep:
    id: str
    title: str  # English, marked N_: translate with _() where shown
    text: str  # what to look at, 2-4 sentences
    page: str  # the URL path of the page the step opens ("roc", "quiz", ...)
    exercise: str | None = None  # the lecture's exercise, where the step has one
    params: tuple[tuple[str, str], ...] = ()  # the page's settings: (widget key, value as its URL takes it)
    labels: frozenset[str] = frozenset()  # keys whose value is a shown label, translated like the widget's

    def query_params(self) -> dict[str, str]:
        """The page's settings for a link, in the session's language."""
        return {key: _(value) if key in self.labels else value for key, value in self.params}


STEPS: tuple[LessonStep, ...] = (
    LessonStep("omniglot", N_("Omniglot: 1,623 characters, 20 drawers each"), N_(
        "Omniglot holds 1,623 handwritten characters from 50 alphabets, each drawn once by 20 different people. Look "
        "at how much one character changes from one drawer to the next, and how alike the characters of one alphabet "
        "are. That is the task: tell characters apart after one example."),
        "omniglot", params=(("set", "Background"), ("tab", "Random characters")), labels=frozenset({"set", "tab"})),
    LessonStep("pairs", N_("Training pairs"), N_(
        "A Siamese network learns from pairs: two drawings of one character (same) or of two characters (different). "
        "Different pairs from one alphabet are the hard ones: compare a batch with and without them."),
        "omniglot", params=(("tab", "Pairs"), ("within", "true")), labels=frozenset({"tab"})),
    LessonStep("siamese", N_("The Siamese network"), N_(
        "Two copies of one convolutional tower turn each drawing into a vector; Koch's head scores how alike the two "
        "vectors are. The network trains on the 30 background alphabets only: watch its accuracy on pairs of "
        "alphabets it never saw."),
        "train", params=(("architecture", "koch"), ("loss", "bce"))),
    LessonStep("roc", N_("ROC and EER"), N_(
        "Every pair gets a similarity; a threshold turns it into same or different. Moving the threshold trades false "
        "accepts for false rejects, and the ROC curve draws every trade at once."),
        "roc", N_(
            "Find the threshold at the equal error rate (EER) and read the EER. Then move the threshold until the "
            "false reject rate is about 1%: how many of the 5,000 different pairs are falsely accepted there? Look at "
            "the worst errors: would you have made them too?"),
        params=(("pairs", "10000"), ("far", "1"))),
    LessonStep("nway", N_("16-way one-shot"), N_(
        "One drawing of a character you have never seen, and 16 candidates: which one is the same character? The "
        "model answers by the highest similarity."),
        "quiz", N_(
            "Play 10 rounds against the model, all 16 candidates from the query's alphabet. Count your right answers "
            "and the model's: who wins? In the rounds the model lost, what fooled it?"),
        params=(("mode", "Quiz: you against the model"), ("way", "16"), ("within", "true")),
        labels=frozenset({"mode"})),
    LessonStep("nearest", N_("Nearest-template classification"), N_(
        "No training at all: every drawing of drawers 11-20 gets the character of its nearest template, compared by "
        "the encoder's codes."),
        "nearest", N_(
            "Read the accuracy with drawers 1-10 as templates, then with one template per character (one-shot): how "
            "much does it fall? Which alphabet is the hardest, and which characters are most often confused?"),
        params=(("layer", "features"), ("templates", "10"))),
    LessonStep("distance", N_("Two drawings, one distance"), N_(
        "Two drawings, two codes, one similarity, and the model's decision at its threshold. Upload a drawing of your "
        "own to see how the model treats a character from outside Omniglot."),
        "distance", N_(
            "Find two different characters that the model calls the same, and two drawings of one character that it "
            "calls different. Start within one alphabet."),
        params=(("source1", "From the evaluation set"), ("source2", "From the evaluation set")),
        labels=frozenset({"source1", "source2"})),
    LessonStep("face-stages", N_("The four stages of face recognition"), N_(
        "Face recognition runs four stages: detect the face, align it, embed it as a vector, and match the vector "
        "against others. This page shows the first two: move Viola-Jones's scaleFactor and minNeighbors and watch "
        "faces appear and vanish, then compare the other detectors."),
        "detect", params=(("detector", "Viola-Jones"),)),
    LessonStep("verify", N_("Verify two photos"), N_(
        "Two photos, two embeddings, one distance: below the threshold, the same person. Try a photo of yourself "
        "against a sample, and move the threshold until the verdict changes."),
        "verify", params=(("model", "Facenet"), ("metric", "cosine"))),
    LessonStep("face-database", N_("A face database"), N_(
        "One-shot learning at work: a person is enrolled from one photo without retraining anything, and a new photo "
        "is identified as the nearest enrolled person, or as unknown when nobody is close enough."),
        "database", params=(("tab", "Identify"),), labels=frozenset({"tab"})),
    LessonStep("threshold-lab", N_("Threshold lab"), N_(
        "Every pair of 40 people's photos (LFW) is scored: the ROC, the EER, and the threshold for a chosen false "
        "match rate. Compare the thresholds for one false match in a thousand and one in a hundred: which would a "
        "bank choose, and which a photo album?"),
        "threshold", params=(("target", "1.0%"),)),
    LessonStep("cnn-or-embedding", N_("CNN or embedding?"), N_(
        "A small CNN trained from scratch on a few photos per person, against DeepFace's embeddings with a nearest "
        "neighbour, which learn nothing from these photos. Compare each fold with the chance level: why does the "
        "embedding win?"),
        "experiment"),
    LessonStep("face-round", N_("The face round"), N_(
        "The lecture's last exercise with the class's own faces: the teacher opens the face round on the Class page, "
        "and everyone who agrees gives 3 photos of themself from their own device. Only embeddings and small "
        "thumbnails are kept, until the class ends."),
        "class", N_(
            "For each of your photos: is the nearest face in the class one of your own, and below the threshold? On "
            "the projector: how often was it so for the class, and where does the threshold slider put the EER?")),
)
_BY_ID = {step.id: step for step in STEPS}


def step_ids() -> list[str]:
    return [step.id for step in STEPS]


def find_step(step_id: str) -> LessonStep:
    """The step ``step_id``; :class:`UnknownStepError` for an id the lesson does not have."""
    step = _BY_ID.get(str(step_id))
    if step is None:
        shown = re.sub(r"[^\w -]|_", "", str(step_id))[:ID_MAX]  # no Markdown or HTML of a forged id is shown
        raise UnknownStepError(_("The lesson has no step {step!r}.").format(step=shown))
    return step


def step_number(step_id: str) -> int:
    """The step's number on screen, from 1."""
    return step_ids().index(find_step(step_id).id) + 1


def neighbour(step_id: str, offset: int) -> LessonStep | None:
    """The step ``offset`` places after ``step_id`` (before it when negative), or None past either end."""
    index = step_number(step_id) - 1 + offset
    return STEPS[index] if 0 <= index < len(STEPS) else None
