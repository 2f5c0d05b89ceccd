"""N-way one-shot page: a quiz (you against the model), the model on 1,000 tasks, and Lake's 20 runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lab.config import omniglot_dir
from lab.data.lake_runs import LakeRun, load_runs, runs_path
from lab.data.omniglot import display_character, source_fingerprint
from lab.evaluation.lake import PUBLISHED, LakeResult
from lab.figures.omniglot import accuracy_vs_way, candidate_similarities, lake_runs
from lab.formatting import format_integer, format_message, format_percent
from lab.i18n import N_, _, ngettext
from lab.images import to_display
from lab.limits import SEED, WAY
from lab.workflows.coded_set import CodedSet
from lab.workflows.nway import LakeEvaluation, NWayAccuracy, hausdorff_baseline, lake_evaluation, nway_accuracy
from lab.workflows.quiz import AnsweredTask, QuizSettings, QuizState, quiz_for
from ui.model_chooser import BY_MODEL, evaluation_or_explain
from ui.projector import projected
from ui.settings import Setting, check_link, in_language

MODES = (N_("Quiz: you against the model"), N_("Batch: the model on many tasks"), N_("Lake's 20 official runs"))
TASK_CHOICES = [100, 500, 1000, 2000, 5000]
PER_ROW = 8
QUIZ_SETTINGS = (
    Setting("way", "slider", N_("N: candidates per task"), bounds=WAY, default=16,
            help=N_("The lecture's exercise is 16-way.")),
    Setting("within", "checkbox", N_("All candidates from the query's alphabet (harder)"), default=True),
    Setting("seed", "number_input", N_("Quiz seed (the same seed gives the same tasks)"), bounds=SEED, default=0),
)
BATCH_SETTINGS = (
    Setting("ways", "multiselect", N_("N values"), bounds=WAY, default=[2, 5, 10, 16, 20]),
    Setting("tasks", "select_slider", N_("Tasks per N"), options=TASK_CHOICES, default=1000),
    Setting("batch_seed", "number_input", N_("Random seed"), bounds=SEED, default=0),
)
BATCH_WITHIN = Setting("batch_within", "checkbox", N_("All candidates from the query's alphabet (harder)"),
                       default=True)


def mode_setting() -> Setting:
    # The labels are translated in the page's run: a format_func may also be called outside it (AppTest).
    return Setting("mode", "radio", N_("Mode"), options=MODES, shown=in_language(), translated=True,
                   extra={"horizontal": True, "label_visibility": "collapsed"})


def explain_link() -> None:
    """The link's refused values, on the page's first run: later the widgets hold the values, and a parameter a
    widget is about to reset (it depends on another one) is not the link's fault."""
    check_link([mode_setting(), *QUIZ_SETTINGS, *BATCH_SETTINGS, BATCH_WITHIN])


def quiz_settings_ui() -> tuple[int, bool, int]:
    n_way, within, seed = (setting.draw(column) for setting, column in zip(QUIZ_SETTINGS, st.columns(3)))
    return int(n_way), bool(within), int(seed)


def quiz_state(settings: QuizSettings) -> QuizState:
    """The quiz of this session; new settings start a new quiz with a fresh score. The answers stay out of the
    URL: a link must not give them away."""
    st.session_state.quiz = quiz_for(settings, st.session_state.get("quiz"))
    return st.session_state.quiz


def pick(candidate: int, task: AnsweredTask) -> None:
    st.session_state.quiz = st.session_state.quiz.picked(candidate, task)


def next_task() -> None:
    st.session_state.quiz = st.session_state.quiz.next_task()


def revealed_caption(i: int, similarity: float, answer: int, model_choice: int, picked: int) -> str:
    """Candidate ``i`` once the task is answered: its similarity and what it was; the answer leads with a tick, so
    it is the first thing read under its drawing."""
    marks = [m for m, on in ((_("model's pick"), i == model_choice), (_("your pick"), i == picked)) if on]
    caption = format_message(_("{number}: similarity {similarity:.3f}"), number=i + 1, similarity=similarity)
    caption += f" ({', '.join(marks)})" if marks else ""
    return _("✓ right answer, {caption}").format(caption=caption) if i == answer else caption


def badge(column: DeltaGenerator, i: int, answer: int, picked: int) -> None:
    """A coloured label under the right answer (green) and under a wrong pick (red): a caption alone is too
    faint to find on a projector among 20 drawings."""
    if i == answer:
        column.markdown(_(":green-background[**✓ correct**]"))
    elif i == picked:
        column.markdown(_(":red-background[**✗ your pick**]"))


def score_ui(state: QuizState) -> None:
    def right(count: int) -> str:
        shown = ngettext("{count} right", "{count} right", count).format(count=count)
        return shown + (f" ({format_percent(count / state.answered, 0)})" if state.answered else "")

    score = st.columns(3)
    score[0].metric(_("Tasks answered"), state.answered)
    score[1].metric(_("You"), right(state.you_right))
    score[2].metric(_("The model"), right(state.model_right))


def verdict_ui(state: QuizState, answer: int, model_choice: int) -> None:
    """Who was right, first on the page, so that a projected page shows it without scrolling."""
    you_right = state.pick == answer
    you = _("You were right.") if you_right else _("You were wrong (the answer is candidate {answer}).").format(
        answer=answer + 1)
    model = (_("The model was right.") if model_choice == answer
             else _("The model was wrong: it picked candidate {choice}.").format(choice=model_choice + 1))
    (st.success if you_right else st.error)(f"{you} {model}")
    st.button(_("Next task"), key="quiz_next", type="primary", on_click=next_task)


def quiz(evaluation: CodedSet) -> None:
    settings = quiz_settings_ui()
    n_way, within, seed = settings
    state = quiz_state(QuizSettings(*settings))
    task = state.task(evaluation)
    answer, model_choice, similarities = task.answer, task.model_answer, task.similarities
    images = evaluation.data.images
    query_character, query_drawer = task.query

    score_ui(state)
    st.subheader(_("Task {number}: which candidate is the same character as the query?").format(
        number=state.number + 1))
    if state.revealed:
        verdict_ui(state, answer, model_choice)
    st.image(to_display(images[query_character, query_drawer]), caption=_("query"), width=140, output_format="PNG")
    for row_start in range(0, n_way, PER_ROW):
        columns = st.columns(PER_ROW)
        for i, column in enumerate(columns, start=row_start):
            if i >= n_way:
                break
            character, drawer = task.candidates[i]
            caption = f"{i + 1}"
            if state.revealed:
                caption = revealed_caption(i, similarities[i], answer, model_choice, state.pick)
            column.image(to_display(images[character, drawer]), caption=caption, width=105, output_format="PNG")
            if state.revealed:
                badge(column, i, answer, state.pick)
            column.button(_("Pick {number}").format(number=i + 1), key=f"quiz_pick_{i}", disabled=state.revealed,
                          on_click=pick, args=(i, task))
    if state.revealed:
        st.caption(_("Query: {character}, drawer {drawer}.").format(
            character=display_character(evaluation.data.character_names[query_character]), drawer=query_drawer + 1))
        st.plotly_chart(projected(candidate_similarities(similarities, answer, model_choice)), key="quiz_similarities")
    else:
        st.caption(_("Pick a candidate; then the model's choice, its similarity to every candidate and the truth "
                     "are shown."))


# A page script runs again on every interaction, so _() here is in the language of the run that shows the spinner.
@st.cache_resource(show_spinner=_("Running the model on the tasks..."), max_entries=32, hash_funcs=BY_MODEL)
def cached_nway(evaluation: CodedSet, ways: tuple[int, ...], tasks: int, seed: int, within: bool) -> NWayAccuracy:
    return nway_accuracy(evaluation, list(ways), tasks, seed, within)


def batch_table(rows: list[dict]) -> pd.DataFrame:
    # "(95%)" rather than "95% confidence": pybabel reads "% c" as a printf placeholder and refuses the translation.
    way = _("N (candidates)")
    return pd.DataFrame([{
        way: row["way"], _("tasks"): format_integer(row["tasks"]), _("right"): format_integer(row["correct"]),
        _("accuracy"): format_percent(row["accuracy"]),
        _("confidence interval (95%)"): format_message(_("{low:.1%} to {high:.1%}"), low=row["ci95_low"],
                                                       high=row["ci95_high"]),
        _("chance"): format_percent(1 / row["way"]),
    } for row in rows]).set_index(way)


def batch(evaluation: CodedSet) -> None:
    ways, tasks, seed = (setting.draw(column) for setting, column in zip(BATCH_SETTINGS, st.columns(3)))
    within = BATCH_WITHIN.draw()
    if not ways:
        st.info(_("Choose at least one N."))
        return
    result = cached_nway(evaluation, tuple(sorted(ways)), int(tasks), int(seed), bool(within))
    rows = result.as_dict()["results"]
    st.plotly_chart(projected(accuracy_vs_way(rows, evaluation.info.name)), key="batch_plot")
    st.table(batch_table(rows))
    st.caption(_("Each task: one query drawing and N candidates by other drawers, exactly one of the query's "
                 "character. The interval is Wilson's score interval (95%) for the share of tasks answered right."))
    st.download_button(_("Download this table (CSV)"), result.as_csv(),
                       file_name=f"nway-accuracy-{evaluation.info.name}.csv", mime="text/csv", key="batch_download",
                       on_click="ignore",
                       help=_("One row per N: tasks, right answers, accuracy and its interval (95%), as fractions."))


@st.cache_resource(show_spinner=_("Reading Lake's 20 runs..."))
def lake_runs_of(data_dir: str) -> list[LakeRun]:
    return load_runs(runs_path(omniglot_dir(data_dir)))


@st.cache_resource(show_spinner=False)
def runs_version(data_dir: str) -> str:
    """The runs file's fingerprint: what the baseline's answers and the model's codes of the runs are stored under."""
    return source_fingerprint(runs_path(omniglot_dir(data_dir)))


@st.cache_resource(show_spinner=_("Running the modified Hausdorff baseline on the 20 runs (a few seconds, once)..."))
def cached_baseline(data_dir: str) -> LakeResult:
    return hausdorff_baseline(lake_runs_of(data_dir), runs_version(data_dir))


@st.cache_resource(show_spinner=_("Running the model on Lake's runs..."), max_entries=8, hash_funcs=BY_MODEL)
def cached_lake(evaluation: CodedSet, data_dir: str) -> LakeEvaluation:
    runs = lake_runs_of(data_dir)
    return lake_evaluation(evaluation.model, evaluation.info.name, runs, cached_baseline(data_dir),
                           stored=(evaluation.info.path, runs_version(data_dir)))


def lake_table(figures: dict, model_name: str) -> pd.DataFrame:
    """Published accuracies beside the two measured here, best first (the lab's method names, translated)."""
    rows = [(_(name), value, _("published")) for name, value in PUBLISHED.items()]
    rows.append((_("Siamese network, model {name}").format(name=model_name), figures["lake_accuracy"],
                 _("measured here")))
    rows.append((_("Modified Hausdorff distance"), figures["hausdorff_accuracy"], _("measured here (our code)")))
    rows.sort(key=lambda row: -row[1])
    method = _("method")
    return pd.DataFrame([{method: m, _("accuracy"): format_percent(a), _("source"): s}
                         for m, a, s in rows]).set_index(method)


def lake_view(evaluation: CodedSet) -> None:
    from lab.errors import LabError

    st.markdown(_("Lake et al.'s 20 runs: in each, 20 drawings of 20 characters of one alphabet, and 20 test "
                  "drawings by other people to match to them (20-way, within alphabet). The published figures "
                  "use exactly these files."))
    try:
        result = cached_lake(evaluation, str(omniglot_dir()))
    except LabError as exc:
        st.error(str(exc))
        return
    figures = result.as_dict()
    ours = np.array(figures["lake_run_accuracy"])
    theirs = np.array(figures["hausdorff_run_accuracy"])
    cells = st.columns(3)
    cells[0].metric(_("Model {name}: mean accuracy").format(name=evaluation.info.name),
                    format_percent(figures["lake_accuracy"]))
    cells[1].metric(_("Modified Hausdorff distance, computed here"), format_percent(figures["hausdorff_accuracy"]),
                    help=_("Published: 61.2%. Matching it checks that we read and score the runs as Lake did."))
    cells[2].metric(_("Runs without a single error"), _("{count} of 20").format(count=int(np.sum(ours == 1.0))))
    st.plotly_chart(projected(lake_runs(ours, theirs, evaluation.info.name)), key="lake_plot")
    st.table(lake_table(figures, evaluation.info.name))
    st.caption(_("Published figures: Lake, Salakhutdinov & Tenenbaum (2015), Science; Koch, Zemel & Salakhutdinov "
                 "(2015)."))
    st.download_button(_("Download the 20 runs (CSV)"), result.as_csv(), file_name=f"lake-runs-{evaluation.info.name}.csv",
                       mime="text/csv", key="lake_download", on_click="ignore",
                       help=_("One row per run: accuracy and errors (of 20) of the model and of the Hausdorff "
                              "baseline."))


def main() -> None:
    st.title(_("N-way one-shot learning"))
    st.markdown(_("One drawing of each of N characters is all there is to learn from. Given a new drawing (the "
                  "*query*), which of the N is it? The model answers with the candidate of highest similarity."))
    evaluation = evaluation_or_explain()
    if evaluation is None:
        return
    explain_link()
    mode = mode_setting().draw()
    if mode == MODES[0]:
        quiz(evaluation)
    elif mode == MODES[1]:
        batch(evaluation)
    else:
        lake_view(evaluation)


main()
