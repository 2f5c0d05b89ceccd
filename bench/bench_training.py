"""Training in the app against `python -m lab train`, for the same settings, side by side in one run.

app: what the training page does when Start is clicked on a fresh server, `TrainingJobs.start`
(lab/workflows/training_jobs.py): a spawned child process imports TensorFlow, decodes the data, trains and sends
its progress through a queue, which a thread of this process (the server, in the app) copies into the job that
the page draws.
app_ready: the same once the page has been open long enough (while the form is filled in) for its standby child
(`TrainingJobs.prepare`) to have imported TensorFlow and decoded the data.
cli: `python -m lab train` with the same settings, in a fresh process; its progress lines are read as they come.
page (--page): once more through the real page, `streamlit run app.py` driven by headless Chromium: the
settings come from the page's URL, Start is clicked at once, and the page's own text is watched (the page polls
the job every 2 s, as a student's browser does); then the model store must list the new model without a reload.

Every time is taken by this process's clock from the launch (the click, the command):
  first point   the first progress report: the first point of the loss curve
  steps/s       steps / time to the last step's report (process start, imports, data, compiling, validation included)
  loop steps/s  steps between the first and the last report / time between them (the training loop alone)
  saved         until the model is tested and in the store (the command has exited)

The runs take turns (app, cli, app_ready; then the other way round), so that a machine busy with other work slows both alike.

    .venv/bin/python -m bench.bench_training [--steps 1000] [--eval-every 250] [--repeat 1] [--sides app cli app_ready] [--page]
                                           [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench.harness.server import REPO, start_server, stop_server
from lab.roles import Role
from lab.siamese.registry import OWNER_CLI
from lab.siamese.store import MODELS_DIR_ENV
from lab.siamese.training import TrainConfig
from lab.workflows.training_jobs import TrainingJobs

SIDES = ("app", "cli", "app_ready")
CLI_STEP = re.compile(r"^step (\d+)/(\d+)")
POLL_S = 0.1


@dataclass
class Timeline:
    """When each progress report arrived (seconds after the launch), and when the model was saved."""

    points: list[tuple[int, float]]
    saved_s: float

    def figures(self) -> dict:
        (first_step, first_s), (last_step, last_s) = self.points[0], self.points[-1]
        return {"steps": last_step, "first_point_s": round(first_s, 2), "first_point_step": first_step,
                "last_step_s": round(last_s, 2), "steps_per_s": round(last_step / last_s, 3),
                "loop_steps_per_s": round((last_step - first_step) / (last_s - first_s), 3),
                "saved_s": round(self.saved_s, 2)}


def cli_run(config: TrainConfig, name: str, models_dir: Path) -> Timeline:
    command = [sys.executable, "-m", "lab", "train", "--name", name, "--models-dir", str(models_dir),
               "--architecture", config.architecture, "--loss", config.loss, "--steps", str(config.steps),
               "--batch-size", str(config.batch_size), "--seed", str(config.seed),
               "--val-alphabets", str(config.val_alphabets), "--eval-every", str(config.eval_every)]
    points = []
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          env=dict(os.environ, PYTHONUNBUFFERED="1")) as process:
        for line in process.stdout:
            if match := CLI_STEP.match(line):
                points.append((int(match[1]), time.perf_counter() - started))
    if process.returncode:
        raise SystemExit(f"`python -m lab train` failed with exit code {process.returncode}")
    return Timeline(points, time.perf_counter() - started)


def app_run(config: TrainConfig, name: str, ready: bool) -> Timeline:
    """``ready``: the page was open long enough for its standby child to import TensorFlow and decode the data
    (the time a user takes to fill in the form); else Start comes at once on a fresh server."""
    slot = TrainingJobs()  # a fresh slot, as in a fresh server
    if ready:
        slot.prepare()
        while not slot.standby_ready():
            time.sleep(POLL_S)
    started = time.perf_counter()
    job = slot.start("bench", "bench", config, name, role=Role.TEACHER, model_owner=OWNER_CLI)
    points: list[tuple[int, float]] = []
    while not job.finished:
        time.sleep(POLL_S)
        now = time.perf_counter() - started
        points += [(progress.step, now) for progress in job.history[len(points):]]
    if job.state != "done":
        raise SystemExit(f"the app's training failed: {job.message}")
    return Timeline(points, time.perf_counter() - started)


def page_run(config: TrainConfig, name: str) -> Timeline:
    """Once through the real page; the page's progress text is read whenever the page changes."""
    from playwright.sync_api import sync_playwright

    from bench.harness.browser import CHROMIUM_FLAGS, find_chromium, key_selector

    server = start_server(None)
    query = (f"architecture={config.architecture}&loss={config.loss}&steps={config.steps}"
             f"&batch={config.batch_size}&seed={config.seed}&every={config.eval_every}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            _open_when_ready(page, f"{server.url}/train?{query}")
            page.locator(key_selector("model_name") + " input").fill(name)
            started = time.perf_counter()
            page.locator(key_selector("start_training") + " button").click()
            timeline = _watch_page(page, name, config.steps, started)
            browser.close()
        return timeline
    finally:
        stop_server(server)


def _open_when_ready(page, url: str) -> None:  # type: ignore[no-untyped-def]
    from bench.harness.browser import key_selector

    deadline = time.monotonic() + 120
    while True:
        try:
            page.goto(url)
            page.locator(key_selector("start_training") + " button").wait_for(timeout=60_000)
            return
        except Exception:  # the server is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


# The page's outcome is found by the kind of its box (a success box: saved; an error box: failed), and the step by
# the progress bar's text read as numbers ("step 120 of 300" in English, "passo 120 de 300" in Portuguese): never by
# the page's English words.
OUTCOME = """() => {
    const saved = document.querySelector('[data-testid="stAlertContentSuccess"]');
    const failed = document.querySelector('[data-testid="stAlertContentError"]');
    const bar = document.querySelector('[data-testid="stProgress"]');
    return {saved: saved !== null, failed: failed ? failed.innerText : null, progress: bar ? bar.innerText : ''};
}"""


def shown_step(progress: str, steps: int) -> int | None:
    """The step a progress text names before the total: 120 in "step 120 of 300", in any of the page's languages."""
    numbers = [int(number) for number in re.findall(r"\d+", progress.replace(",", "").replace(".", ""))]
    return numbers[numbers.index(steps) - 1] if steps in numbers[1:] else None


def _watch_page(page, name: str, steps: int, started: float) -> Timeline:  # type: ignore[no-untyped-def]
    """(step, time) whenever the progress bar shows a new step, until the page's success box says it was saved."""
    points: list[tuple[int, float]] = []
    shown = 0
    while True:
        page.wait_for_function(f"""() => {{
            const outcome = ({OUTCOME})();
            const numbers = (outcome.progress.replace(/[,.]/g, '').match(/\\d+/g) || []).map(Number);
            const at = numbers.indexOf({steps}, 1);
            return outcome.saved || outcome.failed !== null || (at > 0 && numbers[at - 1] > {shown});
        }}""", polling=200, timeout=3_600_000)
        now = time.perf_counter() - started
        outcome = page.evaluate(OUTCOME)
        if outcome["saved"]:
            # The model store below lists the new model without a reload (the page redraws itself once).
            page.locator("table").filter(has_text=name).wait_for(timeout=30_000)
            return Timeline(points, now)
        if outcome["failed"] is None and (step := shown_step(outcome["progress"], steps)) is not None:
            shown = step
            points.append((shown, now))
        else:
            raise SystemExit(f"the page's training failed:\n{outcome['failed'] or outcome['progress']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architecture", default="compact")
    parser.add_argument("--loss", default="triplet")
    parser.add_argument("--steps", type=int, default=1000, help="the page's default: 1000")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=1, help="app and cli runs each")
    parser.add_argument("--page", action="store_true", help="also once through the real page in Chromium")
    parser.add_argument("--sides", nargs="*", choices=SIDES, default=list(SIDES), help="default: all three")
    parser.add_argument("--json", type=Path, help="write the figures there")
    args = parser.parse_args()
    config = TrainConfig(architecture=args.architecture, loss=args.loss, steps=args.steps,
                         batch_size=args.batch_size, eval_every=args.eval_every, seed=0)
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {"app": [], "app_ready": [], "cli": [], "page": []}
    with tempfile.TemporaryDirectory() as folder:
        os.environ[MODELS_DIR_ENV] = folder  # the app's child and the page's server inherit it
        print(f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f}; {config.architecture} / {config.loss}, "
              f"{config.steps} steps of {config.batch_size}, validation every {config.eval_every} steps")
        print(f"{'run':<9} {'first point (s)':>15} {'steps/s':>8} {'loop steps/s':>12} {'saved (s)':>9}")
        for turn in range(args.repeat):
            for side in args.sides if turn % 2 == 0 else args.sides[::-1]:
                name = f"bench-{side.replace('_', '-')}-{turn}"
                timeline = (cli_run(config, name, Path(folder)) if side == "cli"
                            else app_run(config, name, ready=side == "app_ready"))
                _record(runs, side, timeline)
        if args.page:
            _record(runs, "page", page_run(config, "bench-page"))
    summary = _summary(config, runs, load_before)
    print("steps/s against the command line: " + ", ".join(
        f"{side} {summary[side + '_vs_cli']:.2f}" for side in ("app", "app_ready", "page") if side + "_vs_cli" in summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


def _record(runs: dict[str, list[dict]], side: str, timeline: Timeline) -> None:
    figures = timeline.figures()
    runs[side].append(figures)
    print(f"{side:<9} {figures['first_point_s']:>15.1f} {figures['steps_per_s']:>8.2f} "
          f"{figures['loop_steps_per_s']:>12.2f} {figures['saved_s']:>9.1f}", flush=True)


def _summary(config: TrainConfig, runs: dict[str, list[dict]], load_before: tuple[float, ...]) -> dict:
    """Medians of each side's runs, their ratio, and every run with the conditions it ran in."""
    summary: dict = {"settings": asdict(config), "cpus": os.cpu_count(),
                     "load_average_before": [round(v, 2) for v in load_before],
                     "load_average_after": [round(v, 2) for v in os.getloadavg()]}
    for side, figures in runs.items():
        for key in ("steps_per_s", "loop_steps_per_s", "first_point_s", "saved_s"):
            if figures:
                summary[f"{side}_{key}"] = round(statistics.median(f[key] for f in figures), 3)
    for side in ("app", "app_ready", "page"):
        if runs[side] and runs["cli"]:
            summary[f"{side}_vs_cli"] = round(summary[f"{side}_steps_per_s"] / summary["cli_steps_per_s"], 3)
    summary["runs"] = runs
    return summary


if __name__ == "__main__":
    main()
