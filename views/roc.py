"""Verification and ROC page: is a pair of drawings the same character? Move the threshold and watch.

The model, the pairs and the threshold are kept in the URL (``?model=default&threshold=0.3&within=true``), so that
a lecturer can send the very operating point they discuss.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lab.data.omniglot import display_character
from lab.figures.omniglot import roc_figure, score_histograms
from lab.formatting import format_decimal, format_message, format_percent
from lab.images import side_by_side, to_display
from lab.i18n import N_, _
from lab.limits import FAR_PERCENT, SEED, SIMILARITY_THRESHOLD
from lab.workflows.coded_set import CodedSet
from lab.workflows.pairs import PairRoc, pair_roc
from ui.model_chooser import BY_MODEL, evaluation_or_explain, model_setting
from ui.projector import projected
from ui.settings import Setting, check_link

SLIDER = "threshold"  # the slider's key, and its parameter in the URL
DIGITS = 3  # the slider's step is 0.001
PAIR_COUNTS = [1_000, 2_000, 5_000, 10_000, 20_000]
PAIRS = Setting("pairs", "select_slider", N_("Pairs to score (half same, half different)"), options=PAIR_COUNTS,
                default=10_000)
SEED_SETTING = Setting("seed", "number_input", N_("Random seed of the pairs"), bounds=SEED, default=0)
WITHIN = Setting("within", "checkbox", N_("Different pairs from the same alphabet (harder)"), help=N_(
    "The two characters of a different pair then come from one alphabet, so they look alike."))
FAR = Setting("far", "number_input", N_("Target false accept rate (%)"), bounds=FAR_PERCENT, default=1.0,
              extra={"step": 0.1})
# The model's threshold is the slider's default: a link names a threshold only when it is another one.
THRESHOLD = Setting(SLIDER, "slider", N_("Threshold: a pair is called *same* when its similarity is above it"),
                    bounds=SIMILARITY_THRESHOLD, extra={"step": 0.001, "format": "%.3f"})
ZOOM = Setting("zoom", "toggle", N_("Zoom the ROC curve on its top-left corner"), default=True,
               help=N_("Good models differ only there: 0-20% false accepts, 80-100% true accepts."))


def on_slider_step(threshold: float, up: bool = False) -> float:
    """``threshold`` on the slider's 0.001 grid within 0..1: to the nearest step, or up (``up``), since a higher
    threshold can only lower the false accept rate."""
    scale = 10**DIGITS
    stepped = math.ceil(threshold * scale - 1e-9) / scale if up else round(threshold, DIGITS)
    return min(max(stepped, 0.0), 1.0)


def model_threshold(evaluation: CodedSet) -> float:
    """The model's threshold rounded once to the slider's step: the slider starts there and the metric, its help
    and the caption all use this one value, so "the model's threshold" is one number on the page."""
    return on_slider_step(evaluation.threshold)


# No spinner text on the cache (shared by sessions in different languages): the page shows a translated one.
@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=BY_MODEL)
def cached_pair_roc(evaluation: CodedSet, n_pairs: int, seed: int, within: bool) -> PairRoc:
    return pair_roc(evaluation, n_pairs, seed, within)


def settings_ui() -> tuple[int, int, bool]:
    n_pairs, seed, within = (setting.draw(column) for setting, column in zip((PAIRS, SEED_SETTING, WITHIN),
                                                                               st.columns(3)))
    return int(n_pairs), int(seed), bool(within)


def jump_ui(result: PairRoc) -> None:
    """Buttons that move the slider (through its session state, before it is drawn)."""
    left, middle, right = st.columns([1, 1, 1])
    left.button(format_message(_("Jump to the EER point ({threshold:.3f})"), threshold=result.eer_threshold),
                key="roc_to_eer", on_click=lambda: st.session_state.update({SLIDER: on_slider_step(result.eer_threshold)}))
    target = FAR.draw(middle)
    on_step = on_slider_step(result.threshold_for_far(target / 100), up=True)
    right.button(format_message(_("Jump to FAR {target:g}% ({threshold:.3f})"), target=target, threshold=on_step),
                 key="roc_to_far", on_click=lambda: st.session_state.update({SLIDER: on_step}))


@st.fragment
def threshold_view(evaluation: CodedSet, result: PairRoc) -> None:
    """Reruns alone when the slider moves: NumPy on cached scores, then the figures."""
    jump_ui(result)
    threshold = THRESHOLD.draw(value=model_threshold(evaluation))
    # The slider writes its value with a decimal point in every language (Streamlit's printf-style format has no
    # decimal comma); the caption under the ROC curve writes the same threshold in the session's locale.
    point = result.at(threshold)
    cells = st.columns(4)
    cells[0].metric(_("Accuracy at this threshold"), format_percent(point.accuracy, 2))
    cells[1].metric(_("False accept rate (FAR)"), format_percent(point.false_accept_rate, 2),
                    help=_("Different pairs called same, as a share of all different pairs."))
    cells[2].metric(_("False reject rate (FRR)"), format_percent(point.false_reject_rate, 2),
                    help=_("Same pairs called different, as a share of all same pairs."))
    cells[3].metric(_("Pairs decided wrongly"), format_message(
        _("{wrong:,} of {total:,}"), wrong=point.false_accepts + point.false_rejects, total=point.total))
    left, right = st.columns([3, 2])
    zoom = ZOOM.draw(right)
    left.plotly_chart(projected(roc_figure(result.drawn.false_positive_rate, result.drawn.true_positive_rate,
                                           result.curve.auc, point, (result.eer, result.eer_threshold), zoom)),
                      key="roc_plot")
    confusion_view(right, point.confusion_matrix())
    right.caption(format_message(_(
        "Threshold {threshold:.3f}. The model's own threshold is {model:.3f} (calibrated on validation pairs of "
        "background alphabets); the course used 0.5."), threshold=threshold, model=model_threshold(evaluation)))
    st.plotly_chart(projected(score_histograms(result.same_counts, result.different_counts, result.edges, threshold)),
                    key="histogram_plot")
    worst_errors_view(evaluation, result, threshold)


def confusion_view(column, matrix) -> None:  # type: ignore[no-untyped-def]
    column.markdown(_("**Confusion matrix** (number of pairs)"))
    column.table(pd.DataFrame(matrix, index=[_("truly same"), _("truly different")],
                              columns=[_("called same"), _("called different")]))


def worst_errors_view(evaluation: CodedSet, result: PairRoc, threshold: float) -> None:
    st.subheader(_("The worst errors at this threshold"))
    images = evaluation.data.images
    names = [display_character(n) for n in evaluation.data.character_names]
    false_accepts, false_rejects, accepted, rejected = result.worst_errors(threshold)
    for title, errors, count in (
        (_("False accepts: different characters with the highest scores"), false_accepts, accepted),
        (_("False rejects: the same character with the lowest scores"), false_rejects, rejected),
    ):
        st.markdown(format_message(_("**{title}** ({count:,} at this threshold)"), title=title, count=count))
        if not errors:
            st.caption(_("None."))
            continue
        pictures = [side_by_side(to_display(images[e.left]), to_display(images[e.right])) for e in errors]
        captions = [format_message(_("similarity {score:.3f}: {left} / {right}"), score=e.score,
                                   left=names[e.left[0]], right=names[e.right[0]]) for e in errors]
        st.image(pictures, caption=captions, width=216, output_format="PNG")


def summary_view(evaluation: CodedSet, result: PairRoc) -> None:
    """The figures that do not depend on the slider: AUC, EER and the accuracy at two fixed thresholds."""
    cells = st.columns(4)
    cells[0].metric(_("Area under the ROC curve (AUC)"), format_decimal(result.curve.auc, 4),
                    help=_("1 = perfect ranking, 0.5 = chance."))
    cells[1].metric(_("Equal error rate (EER)"), format_percent(result.eer, 2),
                    help=format_message(_(
                        "Where FAR = FRR, at threshold {threshold:.3f} (interpolated between ROC points)."),
                        threshold=result.eer_threshold))
    cells[2].metric(_("Accuracy at the course's threshold 0.5"), format_percent(result.accuracy_at(0.5), 2))
    threshold = model_threshold(evaluation)
    cells[3].metric(_("Accuracy at the model's threshold"), format_percent(result.accuracy_at(threshold), 2),
                    help=format_message(_(
                        "Threshold {threshold:.3f} (calibrated on validation pairs when the model was trained, rounded "
                        "to the slider's step of 0.001)."), threshold=threshold))


def main() -> None:
    st.title(_("Verification and ROC"))
    st.markdown(_(
        "Random pairs of drawings from the 20 **evaluation** alphabets (never seen in training). The model gives "
        "each pair a similarity score; a **threshold** turns scores into decisions. Raising it rejects more "
        "pairs: fewer false accepts, more false rejects. The ROC curve shows every trade-off at once."
    ))
    check_link([model_setting(), PAIRS, SEED_SETTING, WITHIN, FAR, THRESHOLD, ZOOM])
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    n_pairs, seed, within = settings_ui()
    with st.spinner(_("Scoring the pairs...")):
        result = cached_pair_roc(evaluation, n_pairs, seed, within)
    summary_view(evaluation, result)
    threshold_view(evaluation, result)
    # A callable: the CSV of up to 20,000 points is written only when someone clicks, not on every rerun.
    st.download_button(_("Download every operating point of the ROC (CSV)"), result.as_csv, mime="text/csv",
                       file_name=f"roc-operating-points-{evaluation.info.name}.csv", key="roc_download", on_click="ignore",
                       help=_("One row per distinct score used as threshold: threshold, TPR, FAR (= FPR), FRR, "
                              "accuracy."))


main()
