"""Verification and ROC page: is a pair of drawings the same character? Move the threshold and watch."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lab.data.omniglot import display_character
from lab.images import side_by_side, to_display
from lab.limits import FAR_PERCENT, SEED
from lab.plots import roc_figure, score_histograms
from lab.workflows.evaluation import Evaluation
from lab.workflows.pairs import PairRoc, pair_roc
from ui.model_chooser import BY_MODEL, evaluation_or_explain

SLIDER = "roc_threshold"
DIGITS = 3  # the slider's step is 0.001


def on_slider_step(threshold: float, up: bool = False) -> float:
    """``threshold`` on the slider's 0.001 grid within 0..1: to the nearest step, or up (``up``), since a higher
    threshold can only lower the false accept rate."""
    scale = 10**DIGITS
    stepped = math.ceil(threshold * scale - 1e-9) / scale if up else round(threshold, DIGITS)
    return min(max(stepped, 0.0), 1.0)


def model_threshold(evaluation: Evaluation) -> float:
    """The model's threshold rounded once to the slider's step: the slider starts there and the metric, its help
    and the caption all use this one value, so "the model's threshold" is one number on the page."""
    return on_slider_step(evaluation.threshold)


@st.cache_resource(show_spinner="Scoring the pairs...", max_entries=16, hash_funcs=BY_MODEL)
def cached_pair_roc(evaluation: Evaluation, n_pairs: int, seed: int, within: bool) -> PairRoc:
    return pair_roc(evaluation, n_pairs, seed, within)


def settings_ui() -> tuple[int, int, bool]:
    left, middle, right = st.columns(3)
    n_pairs = left.select_slider("Pairs to score (half same, half different)", [1_000, 2_000, 5_000, 10_000, 20_000],
                                 10_000, key="roc_pairs")
    seed = middle.number_input("Random seed of the pairs", SEED.low, SEED.high, 0, key="roc_seed")
    within = right.checkbox("Different pairs from the same alphabet (harder)", key="roc_within",
                            help="The two characters of a different pair then come from one alphabet, so they look alike.")
    return int(n_pairs), int(seed), bool(within)


def jump_ui(result: PairRoc) -> None:
    """Buttons that move the slider (through its session state, before it is drawn)."""
    left, middle, right = st.columns([1, 1, 1])
    left.button(f"Jump to the EER point ({result.eer_threshold:.3f})", key="roc_to_eer",
                on_click=lambda: st.session_state.update({SLIDER: on_slider_step(result.eer_threshold)}))
    target = middle.number_input("Target false accept rate (%)", float(FAR_PERCENT.low), float(FAR_PERCENT.high), 1.0, step=0.1,
                                  key="roc_target_far")
    on_step = on_slider_step(result.threshold_for_far(target / 100), up=True)
    right.button(f"Jump to FAR {target:g}% ({on_step:.3f})", key="roc_to_far",
                 on_click=lambda: st.session_state.update({SLIDER: on_step}))


@st.fragment
def threshold_view(evaluation: Evaluation, result: PairRoc) -> None:
    """Reruns alone when the slider moves: NumPy on cached scores, then the figures."""
    jump_ui(result)
    threshold = st.slider("Threshold: a pair is called *same* when its similarity is above it", 0.0, 1.0,
                          key=SLIDER, step=0.001, format="%.3f")
    point = result.at(threshold)
    cells = st.columns(4)
    cells[0].metric("Accuracy at this threshold", f"{point.accuracy:.2%}")
    cells[1].metric("False accept rate (FAR)", f"{point.false_accept_rate:.2%}",
                    help="Different pairs called same, as a share of all different pairs.")
    cells[2].metric("False reject rate (FRR)", f"{point.false_reject_rate:.2%}",
                    help="Same pairs called different, as a share of all same pairs.")
    cells[3].metric("Pairs decided wrongly", f"{point.false_accepts + point.false_rejects:,} of {point.total:,}")
    left, right = st.columns([3, 2])
    zoom = right.toggle("Zoom the ROC curve on its top-left corner", True, key="roc_zoom",
                        help="Good models differ only there: 0-20% false accepts, 80-100% true accepts.")
    left.plotly_chart(roc_figure(result.drawn.false_positive_rate, result.drawn.true_positive_rate, result.curve.auc,
                                 point, (result.eer, result.eer_threshold), zoom), key="roc_plot")
    right.markdown("**Confusion matrix** (number of pairs)")
    right.table(pd.DataFrame(point.confusion_matrix(), index=["truly same", "truly different"],
                             columns=["called same", "called different"]))
    right.caption(f"Threshold {threshold:.3f}. The model's own threshold is {model_threshold(evaluation):.3f} "
                  "(calibrated on validation pairs of background alphabets); the course used 0.5.")
    st.plotly_chart(score_histograms(result.same_counts, result.different_counts, result.edges, threshold),
                    key="histogram_plot")
    worst_errors_view(evaluation, result, threshold)


def worst_errors_view(evaluation: Evaluation, result: PairRoc, threshold: float) -> None:
    st.subheader("The worst errors at this threshold")
    images = evaluation.data.images
    names = [display_character(n) for n in evaluation.data.character_names]
    false_accepts, false_rejects, accepted, rejected = result.worst_errors(threshold)
    for title, errors, count in (
        ("False accepts: different characters with the highest scores", false_accepts, accepted),
        ("False rejects: the same character with the lowest scores", false_rejects, rejected),
    ):
        st.markdown(f"**{title}** ({count:,} at this threshold)")
        if not errors:
            st.caption("None.")
            continue
        pictures = [side_by_side(to_display(images[e.left]), to_display(images[e.right])) for e in errors]
        captions = [f"similarity {e.score:.3f}: {names[e.left[0]]} / {names[e.right[0]]}" for e in errors]
        st.image(pictures, caption=captions, width=216, output_format="PNG")


def main() -> None:
    st.title("Verification and ROC")
    st.markdown(
        "Random pairs of drawings from the 20 **evaluation** alphabets (never seen in training). The model gives "
        "each pair a similarity score; a **threshold** turns scores into decisions. Raising it rejects more "
        "pairs: fewer false accepts, more false rejects. The ROC curve shows every trade-off at once."
    )
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    n_pairs, seed, within = settings_ui()
    result = cached_pair_roc(evaluation, n_pairs, seed, within)
    cells = st.columns(4)
    cells[0].metric("Area under the ROC curve (AUC)", f"{result.curve.auc:.4f}", help="1 = perfect ranking, 0.5 = chance.")
    cells[1].metric("Equal error rate (EER)", f"{result.eer:.2%}",
                    help=f"Where FAR = FRR, at threshold {result.eer_threshold:.3f} (interpolated between ROC points).")
    cells[2].metric("Accuracy at the course's threshold 0.5", f"{result.accuracy_at(0.5):.2%}")
    threshold = model_threshold(evaluation)
    cells[3].metric("Accuracy at the model's threshold", f"{result.accuracy_at(threshold):.2%}",
                    help=f"Threshold {threshold:.3f} (calibrated on validation pairs when the model was trained, "
                         "rounded to the slider's step of 0.001).")
    if SLIDER not in st.session_state:
        st.session_state[SLIDER] = threshold
    threshold_view(evaluation, result)
    # A callable: the CSV of up to 20,000 points is written only when someone clicks, not on every rerun.
    st.download_button("Download every operating point of the ROC (CSV)", result.as_csv, mime="text/csv",
                       file_name=f"roc-operating-points-{evaluation.info.name}.csv", key="roc_download", on_click="ignore",
                       help="One row per distinct score used as threshold: threshold, TPR, FAR (= FPR), FRR, accuracy.")


main()
