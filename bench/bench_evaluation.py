"""Speed of the evaluation lab with a stored model (default: the shipped one), on this machine's CPU.

Measures the budgets of the evaluation issue and the costs behind each page:
  * embedding all 13,180 evaluation drawings (budget 20 s), first call and warm;
  * a ROC threshold slider move (budget 100 ms of server time): the fragment's work alone, and a whole
    rerun of the page's script (an upper bound: the real server reruns only the fragment);
  * a new quiz task (budget 200 ms): sampling and scoring alone, and the whole rerun after "Next task";
  * the other page computations (10,000 pair scores with ROC, 1,000 tasks x 5 values of N, Lake's runs,
    the modified Hausdorff baseline, nearest-template classification, a t-SNE map).

    OMNIGLOT_DIR=../shared/data/omniglot .venv/bin/python -m bench.bench_evaluation [--model default] [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.harness.server import REPO


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, max) seconds over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def row(what: str, seconds: tuple[float, float] | float, budget: str = "") -> None:
    if isinstance(seconds, tuple):
        text = f"{seconds[0] * 1000:9.1f} ms median, {seconds[1] * 1000:8.1f} ms max"
    else:
        text = f"{seconds * 1000:9.1f} ms"
    print(f"| {what} | {text} | {budget} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="default")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import numpy as np

    from lab.data.lake_runs import load_runs, runs_path
    from lab.data.omniglot import load_set
    from lab.evaluation.projection import project_2d
    from lab.evaluation.roc import operating_point, roc_curve
    from lab.evaluation.tasks import quiz_task, task_scores
    from lab.figures.omniglot import roc_figure, score_histograms
    from lab.siamese.store import load_model
    from lab.workflows.coded_set import CodedSet, set_codes
    from lab.workflows.nearest import nearest_neighbour
    from lab.workflows.nway import lake_evaluation, nway_accuracy
    from lab.workflows.pairs import pair_roc, scored_pairs

    data = load_set("evaluation")
    model, info = load_model(args.model)
    print(f"model {info.name}: {info.metadata.get('architecture')} / {info.metadata.get('loss')}\n")
    print("| what | time | budget |\n|---|---|---|")
    started = time.perf_counter()
    codes = set_codes(model, data)
    row("embed all 13,180 evaluation drawings, first call (graph tracing included)", time.perf_counter() - started,
        "20 s")
    row("embed all 13,180 evaluation drawings, warm", timed(lambda: set_codes(model, data), 3), "20 s")

    evaluation = CodedSet(model, info, data, codes)
    scored = scored_pairs(model, data, codes)
    row("score 10,000 pairs and compute the ROC, AUC and EER", timed(lambda: pair_roc(evaluation), 3))
    drawn = roc_curve(scored.scores, scored.same, drop_intermediate=True)
    counts = np.histogram(scored.scores, bins=50, range=(0, 1))

    def slider_work() -> None:
        threshold = float(np.random.default_rng().random())
        point = operating_point(scored.scores, scored.same, threshold)
        roc_figure(drawn.false_positive_rate, drawn.true_positive_rate, drawn.auc, point, (0.03, 0.5)).to_json()
        score_histograms(counts[0], counts[0], counts[1], threshold).to_json()

    row("threshold slider: operating point and both figures serialised", timed(slider_work, args.repeat), "100 ms")

    alphabet_of = data.alphabet_index()
    numbers = iter(range(10**6))
    row("new 16-way quiz task: sample and score",
        timed(lambda: task_scores(codes, quiz_task(alphabet_of, 16, 0, next(numbers), True), model.head()), args.repeat),
        "200 ms")
    row("1,000 tasks for each N in 2, 5, 10, 16, 20 (batch mode)",
        timed(lambda: nway_accuracy(evaluation, [2, 5, 10, 16, 20]), 3))
    runs = load_runs(runs_path())
    row("Lake's 20 runs with the model (runs already read)", timed(lambda: lake_evaluation(model, info.name, runs), 3))
    from lab.evaluation.hausdorff import evaluate_hausdorff

    row("modified Hausdorff baseline on Lake's 20 runs", timed(lambda: evaluate_hausdorff(runs), 1))
    features = set_codes(model, data, "features")
    row("nearest-template classification, 6,590 drawings x 6,590 templates",
        timed(lambda: nearest_neighbour(features, data), 3))
    start, _ = data.alphabets["Angelic"]
    row("t-SNE map of 10 characters x 20 drawings", timed(lambda: project_2d(codes[start:start + 10].reshape(200, -1),
                                                                            "t-SNE"), 3))
    app_reruns(args.repeat)


def app_reruns(repeat: int) -> None:
    """Server time of whole-page reruns: the script's own run time, measured inside Streamlit's script thread.

    AppTest drives the page (it polls for the end of a run every few tens of milliseconds, so its wall time
    would measure its polling); the timer wraps ScriptRunner._run_script. A whole rerun is an upper bound:
    in the real server a slider move reruns only the threshold fragment of the ROC page.
    """
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.testing.v1 import AppTest

    durations: list[float] = []
    original = ScriptRunner._run_script

    def timed_run(self, rerun_data):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(self, rerun_data)
        finally:
            durations.append(time.perf_counter() - started)

    ScriptRunner._run_script = timed_run  # type: ignore[method-assign]
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600).run()
    app.switch_page("views/roc.py").run()
    durations.clear()
    for value in [0.3, 0.7] * (repeat // 2):
        app.slider(key="roc_threshold").set_value(value).run()
    row("ROC page: whole-script rerun after a slider move (server time)",
        (statistics.median(durations), max(durations)), "100 ms")

    app.switch_page("views/quiz.py").run()
    app.button(key="quiz_pick_0").click().run()
    durations.clear()
    for _ in range(repeat):
        app.button(key="quiz_next").click().run()  # the new task's run
        app.button(key="quiz_pick_0").click().run()
    new_task = durations[0::2]
    row("quiz page: whole-script rerun that draws a new 16-way task (server time)",
        (statistics.median(new_task), max(new_task)), "200 ms")
    ScriptRunner._run_script = original  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
