"""Cold and warm times of the threshold lab and the experiment on LFW's 40 people (budget: 2 minutes each, cold).

Every run is a fresh process. "Cold": a fresh array cache, so all 1,667 photos are detected and embedded; "warm":
the cache the cold run left, so the embedded photos are read back (a fresh server or command, nothing in memory).

  * command line: `python -m lab faces roc FOLDER --json` and `python -m lab faces experiment FOLDER --json`;
  * pages: the Threshold lab and the Experiment driven by Streamlit's AppTest (the page script's own time in a fresh
    process, imports included; a browser adds about a second to draw it), with ``FACES_LFW_DIR`` set, as run.sh sets it;

and the figures they print (AUC, EER, threshold for 1% false matches, errors per fold).

    FACES_LFW_DIR=../shared/data/faces-lfw .venv/bin/python -m bench.bench_faces_lfw [--only roc|experiment]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness.server import REPO, SHARED_DATA

PAGE = """
import sys, time
from streamlit.testing.v1 import AppTest
started = time.perf_counter()
app = AppTest.from_file("app.py", default_timeout=600).run()
app.switch_page(sys.argv[1]).run()
if sys.argv[1].endswith("experiment.py"):
    app.toggle(key="experiment_run").set_value(True).run()
assert not app.exception and not app.error, (app.exception, [e.value for e in app.error])
print({m.label: m.value for m in app.metric})
print(f"SECONDS {time.perf_counter() - started:.1f}")
"""


def timed(command: list[str], cache: Path) -> tuple[str, str]:
    """("W s wall, C s CPU", stdout): on a shared machine the wall time depends on the others; the CPU time (of the
    process and its children, such as the experiment's own process) much less. On 2 idle cores, wall ~ CPU / 2 at best."""
    environment = {**os.environ, "ONESHOT_CACHE_DIR": str(cache), "TF_CPP_MIN_LOG_LEVEL": "2"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{wall:.1f} s wall, {cpu:.1f} s CPU", done.stdout


def load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def roc_runs(folder: Path) -> None:
    command = [sys.executable, "-m", "lab", "faces", "roc", str(folder), "--json"]
    page = [sys.executable, "-c", PAGE, "views/threshold.py"]
    with tempfile.TemporaryDirectory() as cli_cache, tempfile.TemporaryDirectory() as page_cache:
        for kind in ("cold", "warm"):
            seconds, out = timed(command, Path(cli_cache))
            cosine = json.loads(out)["reports"][0]
            print(f"faces roc, {kind}: {seconds} ({load()}); cosine AUC {cosine['auc']:.4f} "
                  f"{cosine['auc_ci95']}, EER {cosine['eer']:.2%} {cosine['eer_ci95']}, threshold for 1% false matches "
                  f"{cosine['at_target']['threshold']:.4f} (same-person pairs accepted "
                  f"{1 - cosine['at_target']['false_non_match_rate']:.1%} {cosine['at_target']['true_match_rate_ci95']})")
        for kind in ("cold", "warm"):
            seconds, out = timed(page, Path(page_cache))
            print(f"Threshold lab page, {kind}: {seconds} ({load()}); {out.splitlines()[-2]}")


def experiment_runs(folder: Path) -> None:
    command = [sys.executable, "-m", "lab", "faces", "experiment", str(folder), "--json"]
    page = [sys.executable, "-c", PAGE, "views/experiment.py"]
    with tempfile.TemporaryDirectory() as cli_cache, tempfile.TemporaryDirectory() as page_cache:
        for kind in ("cold", "warm"):
            seconds, out = timed(command, Path(cli_cache))
            result = json.loads(out)
            folds = ", ".join(f"fold {f['fold']}: CNN {f['cnn_error']:.1%}, embedding {f['embedding_error']:.1%}"
                              for f in result["folds"])
            print(f"faces experiment, {kind}: {seconds} ({load()}); {folds}; chance {result['chance_error']:.1%}")
        for kind in ("cold", "warm"):
            seconds, out = timed(page, Path(page_cache))
            print(f"Experiment page, {kind}: {seconds} ({load()}); {out.splitlines()[-2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("roc", "experiment"), default=None)
    args = parser.parse_args()
    folder = Path(os.environ.get("FACES_LFW_DIR") or SHARED_DATA / "faces-lfw").resolve()
    os.environ["FACES_LFW_DIR"] = str(folder)
    print(f"{folder}: {os.cpu_count()} CPU cores, {load()} at the start")
    if args.only in (None, "roc"):
        roc_runs(folder)
    if args.only in (None, "experiment"):
        experiment_runs(folder)


if __name__ == "__main__":
    main()
