"""Threshold lab: how a model's distances separate your own people, and which threshold to use for them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.evaluation.roc import OperatingPoint
from lab.figures.faces import distance_histograms, face_roc
from lab.faces.calibration import LabelledFaces, MetricPairs, metric_pairs
from lab.faces.photos import PHOTO_SUFFIXES
from lab.files import folder_stamp
from lab.formatting import format_decimal, format_message, format_percent
from lab.i18n import N_, _
from lab.workflows.faces import ThresholdAnalysis, threshold_analysis
from ui.face_cache import embedded_folder_ui
from ui.face_widgets import labelled_folder_ui, lfw_credit_ui, settings_ui, threshold_slider_ui
from ui.projector import projected, projector_on
from ui.settings import Setting, check_link

TARGETS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1]
# The link holds the rate as shown, in the session's locale (1,0% in Portuguese), like a translated choice.
TARGET = Setting("target", "select_slider", N_("Target false match rate"), options=TARGETS, default=0.01,
                 shown=format_percent, translated=True)


# cache_resource, not cache_data: the analysis and the distances of 1.4 million pairs are read, never changed, and
# copying them out of a cache on every slider move would cost more than the figures.
@st.cache_resource(show_spinner=False, max_entries=8)  # the spinner is at the call, in the reader's language
def cached_analysis(folder: str, stamp: tuple, model: str, detector: str, target: float,
                    _faces: LabelledFaces) -> ThresholdAnalysis:
    return threshold_analysis(_faces, target)


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_pairs(folder: str, stamp: tuple, model: str, detector: str, metric: str,
                 _faces: LabelledFaces) -> MetricPairs:
    return metric_pairs(_faces, metric)


def settings_and_folder_ui() -> tuple[Path, str, str, str] | None:
    folder = labelled_folder_ui("threshold_folder", N_("Folder of labelled photos"))
    model, detector, metric = settings_ui()
    if not str(folder).strip() or str(folder) == ".":
        st.info(_("Enter a folder with one sub-folder of photos per person."))
        return None
    return folder.resolve(), model, detector, metric


def numbers_view(analysis: ThresholdAnalysis, metric: str) -> None:
    report, target = analysis.report(metric), analysis.target_far
    numbers = st.columns(3)
    numbers[0].metric(_("AUC (area under the ROC)"), format_decimal(report.curve.auc, 4))
    numbers[1].metric(_("EER (equal error rate)"), format_percent(report.eer),
                      help=format_message(_("at distance {distance:.4f}"), distance=report.eer_threshold))
    numbers[2].metric(format_message(_("threshold for ≤ {target:.1%} false matches"), target=target),
                      format_decimal(report.threshold_at_target, 4),
                      help=_("a {metric} distance: pairs at most this far apart are called the same person").format(
                          metric=metric))


def threshold_ui(model: str, metric: str, pairs: MetricPairs) -> tuple[float, OperatingPoint]:
    """The user's threshold, with what it does to these pairs beside it."""
    found = pairs.distances  # the slider reaches the largest
    slider, false_matches, accepted = st.columns([3, 1, 1])
    with slider:
        threshold = threshold_slider_ui(model, metric, f"threshold_slider_{model}_{metric}", float(found.max()),
                                        prefix=_("Your threshold"))
    point = pairs.at(threshold)
    false_matches.metric(_("false matches there"), format_percent(point.false_accept_rate, 2),
                         help=_("different-person pairs called the same person, at your threshold"))
    accepted.metric(_("same person accepted"), format_percent(1 - point.false_reject_rate),
                    help=format_message(_(
                        "same-person pairs called the same person, at your threshold (accuracy over all pairs "
                        "{accuracy:.1%}, which the many different-person pairs dominate)"), accuracy=point.accuracy))
    return threshold, point


def figures_view(analysis: ThresholdAnalysis, metric: str, threshold: float, point: OperatingPoint, folder: Path,
                 pairs: MetricPairs) -> None:
    report, faces = analysis.report(metric), analysis.faces
    # Side by side; on a projector one above the other, each as wide as the page, so that its large text fits.
    figures = [st.container(), st.container()] if projector_on() else st.columns(2)
    figures[0].plotly_chart(projected(face_roc(
        report.curve.true_positive_rate, report.band, report.curve.auc, (report.eer, report.eer_threshold),
        report.at_target, analysis.target_far, point, analysis.pair_counts(),
        title=_("ROC of {model} ({metric}) on {folder}").format(model=faces.model, metric=metric, folder=folder.name),
    )), width="stretch")
    same_counts, different_counts, edges = pairs.histograms(bins=60)
    figures[1].plotly_chart(projected(distance_histograms(
        same_counts, different_counts, edges, metric, threshold, report.eer_threshold, report.threshold_at_target,
        analysis.target_far, title=_("{metric} distances of every pair").format(metric=metric) + "<br><sup>"
        + _("left of a line: called the same person") + "</sup>",
    )), width="stretch")
    (auc_low, auc_high), (eer_low, eer_high) = report.band.auc_interval, report.band.eer_interval
    low, high = report.band.at(analysis.target_far)
    st.caption(format_message(_(
        "95% intervals (bootstrap over the {people} people): AUC {auc_low:.4f} to {auc_high:.4f}; EER {eer_low:.1%} "
        "to {eer_high:.1%}; same-person pairs accepted at ≤ {target:.1%} false matches {accepted:.1%} ({low:.1%} to "
        "{high:.1%}). The shaded band: {replicates:,} times, {people} people were drawn at random from the folder's "
        "people (with replacement) and the ROC computed again on their pairs; the band holds the middle 95% of those "
        "curves. People are drawn, not pairs: a photo is in hundreds of pairs and a person in thousands, so the pairs "
        "are not independent and counting each one would make the band far too narrow. Another class, with other "
        "people, would give a curve within this band 19 times in 20. The false-match axis is logarithmic: the rates "
        "that matter for a door or a phone (0.1%, 1%) would otherwise share one pixel."
    ), people=report.band.groups, auc_low=auc_low, auc_high=auc_high, eer_low=eer_low, eer_high=eer_high,
             target=analysis.target_far, accepted=1 - report.at_target.false_reject_rate, low=low, high=high,
             replicates=report.band.replicates))


def skipped_view(faces: LabelledFaces) -> None:
    if faces.skipped:
        with st.expander(_("{count} photos left out (no face found, or not readable)").format(count=len(faces.skipped))):
            st.markdown("\n".join(f"- {line}" for line in faces.skipped))


def exports_view(analysis: ThresholdAnalysis, metric: str, threshold: float, point: OperatingPoint,
                 folder: Path) -> None:
    model, detector = analysis.faces.model, analysis.faces.detector
    exports = st.columns(2)
    exports[0].download_button(_("Download this table (CSV)"), analysis.as_csv(), mime="text/csv", key="threshold_csv",
                               file_name=f"threshold-lab-{model}-{detector}-{folder.name}.csv")
    exports[1].download_button(_("Download your {metric} threshold and its report (JSON)").format(metric=metric),
                               analysis.as_json(metric, threshold, point), mime="application/json",
                               key="threshold_json", file_name=f"threshold-{model}-{metric}-{folder.name}.json")


def main() -> None:
    st.title(_("Threshold lab"))
    st.markdown(_(
        "DeepFace's thresholds were tuned on public benchmarks. On *your* photos (a class, a webcam, a lighting) "
        "another threshold may be better. Give a folder with **one sub-folder of photos per person**: every pair of "
        "photos is scored; the ROC shows every possible threshold at once, the **equal error rate** (EER) is where "
        "false matches and false non-matches are equally frequent, and a target **false match rate** gives the "
        "threshold to use where letting a stranger in is worse than asking someone to try again."
    ))
    chosen = settings_and_folder_ui()
    if chosen is None:
        return
    folder, model, detector, metric = chosen
    check_link([TARGET])
    target = TARGET.draw()
    try:
        faces = embedded_folder_ui(folder, model, detector)
        spinner = st.spinner(_("Scoring every pair with each metric: ROC, bootstrap band, EER (10-20 s for LFW)..."))
        stamp = folder_stamp(folder, PHOTO_SUFFIXES)
        with spinner:
            analysis = cached_analysis(str(folder), stamp, model, detector, target, faces)
        pairs = cached_pairs(str(folder), stamp, model, detector, metric, faces)
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return
    same_pairs, different_pairs = analysis.pair_counts()
    st.caption(format_message(_(
        "{faces:,} faces of {people} people: {same:,} same-person pairs and {different:,} different-person pairs "
        "({model} + {detector})."), faces=len(faces.people), people=len(set(faces.people)), same=same_pairs,
        different=different_pairs, model=model, detector=detector))
    skipped_view(faces)
    numbers_view(analysis, metric)
    threshold, point = threshold_ui(model, metric, pairs)
    figures_view(analysis, metric, threshold, point, folder, pairs)
    lfw_credit_ui(folder)
    st.subheader(_("All metrics for {model}").format(model=model))
    st.dataframe(pd.DataFrame(analysis.table()), hide_index=True, width="stretch")
    exports_view(analysis, metric, threshold, point, folder)
    st.caption(_("With few people these figures move a lot from one photo to the next (see the band): a threshold "
                 "for real use needs dozens of people. cosine and euclidean_l2 always have the same AUC and EER (see "
                 "the Verify page)."))


main()
