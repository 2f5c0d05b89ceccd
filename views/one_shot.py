"""N-way one-shot page: a quiz (you against the model), the model on 1,000 tasks, and Lake's 20 runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lab.config import omniglot_dir
from lab.data.lake_runs import LakeRun, load_runs, runs_path
from lab.data.omniglot import display_character
from lab.evaluation.lake import PUBLISHED, LakeResult
from lab.evaluation.tasks import quiz_task, task_scores
from lab.images import to_display
from lab.limits import SEED, WAY
from lab.plots import accuracy_vs_way, candidate_similarities, lake_runs
from lab.workflows.evaluation import Evaluation
from lab.workflows.nway import LakeEvaluation, NWayAccuracy, hausdorff_baseline, lake_evaluation, nway_accuracy
from ui.model_chooser import BY_MODEL, evaluation_or_explain

MODES = ("Quiz: you against the model", "Batch: the model on many tasks", "Lake's 20 official runs")
PER_ROW = 8


def quiz_settings_ui() -> tuple[int, bool, int]:
    left, middle, right = st.columns(3)
    n_way = left.slider("N: candidates per task", WAY.low, WAY.high, 16, key="quiz_way", help="The lecture's exercise is 16-way.")
    within = middle.checkbox("All candidates from the query's alphabet (harder)", True, key="quiz_within")
    seed = right.number_input("Quiz seed (the same seed gives the same tasks)", SEED.low, SEED.high, 0, key="quiz_seed")
    return int(n_way), bool(within), int(seed)


def quiz_state(settings: tuple[int, bool, int]) -> dict:
    """The quiz of this session; new settings start a new quiz with a fresh score."""
    state = st.session_state.get("quiz")
    if state is None or state["settings"] != settings:
        state = {"settings": settings, "number": 0, "pick": None, "human": 0, "model": 0, "answered": 0}
        st.session_state.quiz = state
    return state


def pick(state: dict, candidate: int, right: bool, model_right: bool) -> None:
    if state["pick"] is None:  # a second click on the same task does not count twice
        state.update(pick=candidate, answered=state["answered"] + 1, human=state["human"] + right,
                     model=state["model"] + model_right)


def revealed_caption(i: int, similarity: float, answer: int, model_choice: int, picked: int) -> str:
    """Candidate ``i`` once the task is answered: its similarity and what it was; the answer leads with a tick, so
    it is the first thing read under its drawing."""
    marks = [m for m, on in (("model's pick", i == model_choice), ("your pick", i == picked)) if on]
    caption = f"{i + 1}: similarity {similarity:.3f}" + (f" ({', '.join(marks)})" if marks else "")
    return f"✓ right answer, {caption}" if i == answer else caption


def badge(column: DeltaGenerator, i: int, answer: int, picked: int) -> None:
    """A coloured label under the right answer (green) and under a wrong pick (red): a caption alone is too
    faint to find on a projector among 20 drawings."""
    if i == answer:
        column.markdown(":green-background[**✓ correct**]")
    elif i == picked:
        column.markdown(":red-background[**✗ your pick**]")


def quiz(evaluation: Evaluation) -> None:
    settings = quiz_settings_ui()
    n_way, within, seed = settings
    state = quiz_state(settings)
    task = quiz_task(evaluation.data.alphabet_index(), n_way, seed, state["number"], within)
    similarities = task_scores(evaluation.codes, task, evaluation.model.head())[0]
    answer, model_choice = int(task.answers[0]), int(np.argmax(similarities))
    images = evaluation.data.images
    query_character, query_drawer = task.queries[0]
    revealed = state["pick"] is not None

    def right(count: int) -> str:
        return f"{count} right" + (f" ({count / state['answered']:.0%})" if state["answered"] else "")

    score = st.columns(3)
    score[0].metric("Tasks answered", state["answered"])
    score[1].metric("You", right(state["human"]))
    score[2].metric("The model", right(state["model"]))

    st.subheader(f"Task {state['number'] + 1}: which candidate is the same character as the query?")
    if revealed:  # the verdict first, so that a projected page shows it without scrolling
        you = "right" if state["pick"] == answer else f"wrong (the answer is candidate {answer + 1})"
        model = "right" if model_choice == answer else f"wrong: it picked candidate {model_choice + 1}"
        (st.success if state["pick"] == answer else st.error)(f"You were {you}. The model was {model}.")
        st.button("Next task", key="quiz_next", type="primary",
                  on_click=lambda: state.update(number=state["number"] + 1, pick=None))
    st.image(to_display(images[query_character, query_drawer]), caption="query", width=140, output_format="PNG")
    for row_start in range(0, n_way, PER_ROW):
        columns = st.columns(PER_ROW)
        for offset, column in enumerate(columns):
            i = row_start + offset
            if i >= n_way:
                break
            character, drawer = task.candidates[0, i]
            caption = f"{i + 1}"
            if revealed:
                caption = revealed_caption(i, similarities[i], answer, model_choice, state["pick"])
            column.image(to_display(images[character, drawer]), caption=caption, width=105, output_format="PNG")
            if revealed:
                badge(column, i, answer, state["pick"])
            column.button(f"Pick {i + 1}", key=f"quiz_pick_{i}", disabled=revealed,
                          on_click=pick, args=(state, i, i == answer, model_choice == answer))
    if revealed:
        st.caption(f"Query: {display_character(evaluation.data.character_names[query_character])}, drawer {query_drawer + 1}.")
        st.plotly_chart(candidate_similarities(similarities, answer, model_choice), key="quiz_similarities")
    else:
        st.caption("Pick a candidate; then the model's choice, its similarity to every candidate and the truth are shown.")


@st.cache_resource(show_spinner="Running the model on the tasks...", max_entries=32, hash_funcs=BY_MODEL)
def cached_nway(evaluation: Evaluation, ways: tuple[int, ...], tasks: int, seed: int, within: bool) -> NWayAccuracy:
    return nway_accuracy(evaluation, list(ways), tasks, seed, within)


def batch(evaluation: Evaluation) -> None:
    left, middle, right = st.columns(3)
    ways = left.multiselect("N values", list(range(2, 21)), [2, 5, 10, 16, 20], key="batch_ways")
    tasks = middle.select_slider("Tasks per N", [100, 500, 1000, 2000, 5000], 1000, key="batch_tasks")
    seed = right.number_input("Random seed", SEED.low, SEED.high, 0, key="batch_seed")
    within = st.checkbox("All candidates from the query's alphabet (harder)", True, key="batch_within")
    if not ways:
        st.info("Choose at least one N.")
        return
    result = cached_nway(evaluation, tuple(sorted(ways)), int(tasks), int(seed), bool(within))
    rows = result.as_dict()["results"]
    st.plotly_chart(accuracy_vs_way(rows, evaluation.info.name), key="batch_plot")
    table = pd.DataFrame([{
        "N (candidates)": row["way"], "tasks": f"{row['tasks']:,}", "right": f"{row['correct']:,}",
        "accuracy": f"{row['accuracy']:.1%}", "95% confidence interval": f"{row['ci95_low']:.1%} to {row['ci95_high']:.1%}",
        "chance": f"{1 / row['way']:.1%}",
    } for row in rows]).set_index("N (candidates)")
    st.table(table)
    st.caption("Each task: one query drawing and N candidates by other drawers, exactly one of the query's character. "
               "The interval is Wilson's 95% score interval for the share of tasks answered right.")
    st.download_button("Download this table (CSV)", result.as_csv(), file_name=f"nway-accuracy-{evaluation.info.name}.csv",
                       mime="text/csv", key="batch_download", on_click="ignore",
                       help="One row per N: tasks, right answers, accuracy and its 95% interval, as fractions.")


@st.cache_resource(show_spinner="Reading Lake's 20 runs...")
def lake_runs_of(data_dir: str) -> list[LakeRun]:
    return load_runs(runs_path(omniglot_dir(data_dir)))


@st.cache_resource(show_spinner="Running the modified Hausdorff baseline on the 20 runs (a few seconds, once)...")
def cached_baseline(data_dir: str) -> LakeResult:
    return hausdorff_baseline(lake_runs_of(data_dir))


@st.cache_resource(show_spinner="Running the model on Lake's runs...", max_entries=8, hash_funcs=BY_MODEL)
def cached_lake(evaluation: Evaluation, data_dir: str) -> LakeEvaluation:
    runs = lake_runs_of(data_dir)
    return lake_evaluation(evaluation.model, evaluation.info.name, runs, cached_baseline(data_dir))


def lake_view(evaluation: Evaluation) -> None:
    from lab.errors import LabError

    st.markdown("Lake et al.'s 20 runs: in each, 20 drawings of 20 characters of one alphabet, and 20 test "
                "drawings by other people to match to them (20-way, within alphabet). The published figures "
                "use exactly these files.")
    try:
        result = cached_lake(evaluation, str(omniglot_dir()))
    except LabError as exc:
        st.error(str(exc))
        return
    figures = result.as_dict()
    ours = np.array(figures["lake_run_accuracy"])
    theirs = np.array(figures["hausdorff_run_accuracy"])
    cells = st.columns(3)
    cells[0].metric(f"Model {evaluation.info.name}: mean accuracy", f"{figures['lake_accuracy']:.1%}")
    cells[1].metric("Modified Hausdorff distance, computed here", f"{figures['hausdorff_accuracy']:.1%}",
                    help="Published: 61.2%. Matching it checks that we read and score the runs as Lake did.")
    cells[2].metric("Runs without a single error", f"{int(np.sum(ours == 1.0))} of 20")
    st.plotly_chart(lake_runs(ours, theirs, evaluation.info.name), key="lake_plot")
    rows = [(name, value, "published") for name, value in PUBLISHED.items()]
    rows.append((f"Siamese network, model {evaluation.info.name}", figures["lake_accuracy"], "measured here"))
    rows.append(("Modified Hausdorff distance", figures["hausdorff_accuracy"], "measured here (our code)"))
    rows.sort(key=lambda row: -row[1])
    st.table(pd.DataFrame([{"method": m, "accuracy": f"{a:.1%}", "source": s} for m, a, s in rows]).set_index("method"))
    st.caption("Published figures: Lake, Salakhutdinov & Tenenbaum (2015), Science; Koch, Zemel & Salakhutdinov (2015).")
    st.download_button("Download the 20 runs (CSV)", result.as_csv(), file_name=f"lake-runs-{evaluation.info.name}.csv",
                       mime="text/csv", key="lake_download", on_click="ignore",
                       help="One row per run: accuracy and errors (of 20) of the model and of the Hausdorff baseline.")


def main() -> None:
    st.title("N-way one-shot learning")
    st.markdown("One drawing of each of N characters is all there is to learn from. Given a new drawing (the "
                "*query*), which of the N is it? The model answers with the candidate of highest similarity.")
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    mode = st.radio("Mode", MODES, horizontal=True, key="one_shot_mode", label_visibility="collapsed")
    if mode == MODES[0]:
        quiz(evaluation)
    elif mode == MODES[1]:
        batch(evaluation)
    else:
        lake_view(evaluation)


main()
