"""Threshold lab: how a model's distances separate your own people, and which threshold to use for them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from lab.errors import LabError
from lab.evaluation.roc import score_histogram
from lab.faces.calibration import LabelledFaces, distance_point, embed_folder, pair_distances
from lab.faces.embedding import slider_range
from lab.faces.photos import PHOTO_SUFFIXES
from lab.files import folder_stamp
from lab.plots import roc_figure, score_histograms
from lab.workflows.faces import ThresholdAnalysis, threshold_analysis
from ui.face_cache import cached_face_model
from ui.face_widgets import labelled_folder_ui, settings_ui, threshold_slider_ui


@st.cache_data(show_spinner="Detecting and embedding every photo (once per folder, model and detector)...",
               max_entries=8)
def cached_folder(folder: str, stamp: tuple, model: str, detector: str) -> LabelledFaces:
    return embed_folder(Path(folder), model, detector)


@st.cache_data(show_spinner="Scoring every pair with each metric...", max_entries=16)
def cached_analysis(folder: str, stamp: tuple, model: str, detector: str, target: float) -> ThresholdAnalysis:
    return threshold_analysis(cached_folder(folder, stamp, model, detector), target)


def settings_and_folder_ui() -> tuple[Path, str, str, str] | None:
    folder = labelled_folder_ui("threshold_folder", "Folder of labelled photos")
    model, detector, metric = settings_ui("threshold")
    if not str(folder).strip() or str(folder) == ".":
        st.info("Enter a folder with one sub-folder of photos per person.")
        return None
    return folder, model, detector, metric


def figures_view(analysis: ThresholdAnalysis, metric: str, threshold: float, folder: Path,
                 found: np.ndarray, same: np.ndarray) -> None:
    report, faces = analysis.report(metric), analysis.faces
    point = distance_point(found, same, threshold)
    numbers = st.columns(4)
    numbers[0].metric("AUC (area under the ROC)", f"{report.curve.auc:.4f}")
    numbers[1].metric("EER (equal error rate)", f"{report.eer:.1%}", help=f"at distance {report.eer_threshold:.4f}")
    numbers[2].metric(f"threshold for ≤ {analysis.target_far:.1%} false matches", f"{report.threshold_at_target:.4f}")
    numbers[3].metric("accuracy at your threshold", f"{point.accuracy:.1%}",
                      help=f"false match rate {point.false_accept_rate:.1%}, false non-match rate {point.false_reject_rate:.1%}")
    curve = report.curve
    figures = st.columns(2)
    figures[0].plotly_chart(roc_figure(
        curve.false_positive_rate, curve.true_positive_rate, curve.auc, point, (report.eer, report.eer_threshold),
        title=f"ROC of {faces.model} on {folder.name}: every {metric} threshold",
    ), width="stretch")
    edges_high = max(slider_range(faces.model, metric, float(found.max()))[1], float(found.max()))  # the slider's scale
    same_counts, edges = score_histogram(found[same], bins=40, low=0.0, high=edges_high)
    different_counts, _ = score_histogram(found[~same], bins=40, low=0.0, high=edges_high)
    figures[1].plotly_chart(score_histograms(
        same_counts, different_counts, edges, threshold,
        title=f"{metric} distances (left of the line: called same)",
        xaxis_title=f"{metric} distance between the two faces (0 = identical)",
        names=("same person", "different people"),
    ), width="stretch")


def main() -> None:
    st.title("Threshold lab")
    st.markdown(
        "DeepFace's thresholds were tuned on public benchmarks. On *your* photos (a class, a webcam, a lighting) "
        "another threshold may be better. Give a folder with **one sub-folder of photos per person**: every pair of "
        "photos is scored; the ROC shows every possible threshold at once, the **equal error rate** (EER) is where "
        "false matches and false non-matches are equally frequent, and a target **false match rate** gives the "
        "threshold to use where letting a stranger in is worse than asking someone to try again."
    )
    chosen = settings_and_folder_ui()
    if chosen is None:
        return
    folder, model, detector, metric = chosen
    try:
        cached_face_model(model)
        faces = cached_folder(str(folder.resolve()), folder_stamp(folder, PHOTO_SUFFIXES), model, detector)
        target = st.select_slider("Target false match rate", [0.001, 0.005, 0.01, 0.02, 0.05, 0.1], value=0.01,
                                  format_func=lambda r: f"{r:.1%}", key="threshold_target")
        analysis = cached_analysis(str(folder.resolve()), folder_stamp(folder, PHOTO_SUFFIXES), model, detector, target)
    except (LabError, ValueError) as exc:
        st.error(str(exc))
        return
    same_pairs, different_pairs = analysis.pair_counts()
    st.caption(f"{len(faces.people)} faces of {len(set(faces.people))} people: {same_pairs} same-person pairs and "
               f"{different_pairs} different-person pairs ({model} + {detector}).")
    if faces.skipped:
        st.warning("Left out: " + "; ".join(faces.skipped))
    found, same, _ = pair_distances(faces, metric)
    threshold = threshold_slider_ui(model, metric, f"threshold_slider_{model}_{metric}", float(found.max()),
                                    prefix="Your threshold")
    figures_view(analysis, metric, threshold, folder, found, same)
    st.subheader(f"All metrics for {model}")
    st.dataframe(pd.DataFrame(analysis.table()), hide_index=True, width="stretch")
    exports = st.columns(2)
    exports[0].download_button("Download this table (CSV)", analysis.as_csv(), mime="text/csv", key="threshold_csv",
                               file_name=f"threshold-lab-{model}-{detector}-{folder.name}.csv")
    exports[1].download_button(f"Download your {metric} threshold and its report (JSON)",
                               analysis.as_json(metric, threshold), mime="application/json", key="threshold_json",
                               file_name=f"threshold-{model}-{metric}-{folder.name}.json")
    st.caption("With few photos these figures move a lot from one photo to the next: a threshold for real use "
               "needs dozens of people. cosine and euclidean_l2 always have the same AUC and EER (see the Verify page).")


main()
