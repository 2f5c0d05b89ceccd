"""First visit to every page of the app, in headless Chromium, on a server that has already served the home page.

Each page is opened in a fresh browser context (nothing cached in the browser) of the same server and timed from
navigation until its script has finished: Streamlit's script state ``notRunning``, no spinner, and both still so
half a second later (a rerun right after the first run would otherwise stop the clock early). Beside the wall
time, the CPU seconds that the server, and everything this script started (server, Chromium, Playwright's driver),
spent meanwhile: on a machine shared with other work these say what the wall time would be on an idle one.

    OMNIGLOT_DIR=../shared/data/omniglot .venv/bin/python -m bench.bench_pages [--json FILE] [--phase both]

Two servers in turn (``--phase both``, the default):

- ``cold``: the codes stored beside the models (lab.siamese.code_store) and the stored Hausdorff baseline are
  removed first, so the first Omniglot page runs the network over the evaluation set (the decoded Omniglot arrays
  stay cached: bench_data_load.py measures those);
- ``after restart``: a new server with those codes on disk, the situation of every later server start. The
  budget (5 s per page) is for this phase, which is what ``first_visit_s`` in the JSON holds.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench.harness.browser import CHROMIUM_FLAGS, ERRORS, find_chromium
from bench.harness.processes import ProcessTree, heavy_modules_loaded
from bench.harness.server import REPO, shared_environment, start_server, stop_server

PAGES = ["/omniglot", "/train", "/roc", "/quiz", "/nearest", "/map", "/distance", "/detect", "/verify", "/database",
         "/threshold", "/experiment", "/face-models"]
STATE = f"""() => ({{idle: !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']"),
  spinner: !!document.querySelector("[data-testid='stSpinner']"), error: !!document.querySelector("{ERRORS}")}})"""
SETTLE_S = 0.5


def first_visit(browser, url: str, timeout_s: float) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
    """Seconds from navigation until the page's script is done, and whether the page shows an error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        done_since, state = None, {}
        while time.perf_counter() - started < timeout_s:
            state = page.evaluate(STATE)
            now = time.perf_counter()
            if state["idle"] and not state["spinner"]:
                done_since = done_since or now
                if now - done_since >= SETTLE_S:
                    return done_since - started, state["error"]
            else:
                done_since = None
            page.wait_for_timeout(50)
        raise TimeoutError(f"{url} still running after {timeout_s:.0f} s")
    finally:
        context.close()


def clear_stored_results() -> list[Path]:
    """What the cold phase starts without: every model's stored codes and the stored Hausdorff baseline."""
    from lab.config import array_cache_dir
    from lab.siamese.code_store import remove_stored_codes
    from lab.siamese.store import list_models

    removed = [path for info in list_models() for path in remove_stored_codes(info.path)]
    baseline = array_cache_dir() / "lake-hausdorff.npz"
    if baseline.is_file():
        baseline.unlink()
        removed.append(baseline)
    return removed


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its descendants: the living ones', and those of ended ones
    their parent has waited for (a closed browser context's renderer)."""
    return ProcessTree([root]).sample()[0]


def one_server(browser, pages: list[str], timeout_s: float, log: Path) -> dict:  # type: ignore[no-untyped-def]
    """Start a server, serve the home page, then first-visit every page; the times and what the server loaded."""
    server = start_server(log)
    url = server.url
    try:
        home, _error = first_visit(browser, url + "/", timeout_s)
        times, server_cpu, all_cpu, errors, tensorflow = {}, {}, {}, [], {}
        for path in pages:
            before = cpu_seconds(server.pid), cpu_seconds(os.getpid())
            times[path], error = first_visit(browser, url + path, timeout_s)
            server_cpu[path] = cpu_seconds(server.pid) - before[0]
            all_cpu[path] = cpu_seconds(os.getpid()) - before[1]
            if error:
                errors.append(path)
            tensorflow[path] = "tensorflow" in heavy_modules_loaded(server.pid)
            print(f"  {path:<13} {times[path]:7.2f} s, server CPU {server_cpu[path]:6.2f} s, all CPU "
                  f"{all_cpu[path]:6.2f} s{'  (shows an error)' if error else ''}"
                  f"{'  TensorFlow loaded' if tensorflow[path] else ''}", flush=True)
        return {"home_s": home, "first_visit_s": times, "server_cpu_s": server_cpu, "all_cpu_s": all_cpu,
                "errors": errors, "tensorflow_loaded_after": tensorflow}
    finally:
        stop_server(server)


def print_table(phases: dict[str, dict], pages: list[str]) -> None:
    """Per phase: the first visit's wall time, and the server's CPU seconds for it."""
    names = list(phases)
    header = " | ".join(f"{name}: wall (s) | {name}: server CPU (s)" for name in names)
    print(f"\n| page | {header} | TensorFlow in the server after it |")
    print("|---|" + "---|---|" * len(names) + "---|")
    print("| home (before the pages) | " + " | ".join(f"{phases[n]['home_s']:.2f} | " for n in names) + " | |")
    for path in pages:
        cells = " | ".join(f"{phases[n]['first_visit_s'][path]:.2f} | {phases[n]['server_cpu_s'][path]:.2f}"
                           for n in names)
        loaded = " / ".join("yes" if phases[n]["tensorflow_loaded_after"][path] else "no" for n in names)
        print(f"| {path} | {cells} | {loaded} |")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures there")
    parser.add_argument("--phase", choices=("both", "cold", "restart"), default="both")
    parser.add_argument("--pages", nargs="+", default=PAGES, help="URL paths, in the order they are visited")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per page")
    args = parser.parse_args()
    shared_environment()
    print(f"OMNIGLOT_DIR={os.environ.get('OMNIGLOT_DIR', '(default)')}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at the start")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    wanted = {"both": ("cold", "after restart"), "cold": ("cold",), "restart": ("after restart",)}[args.phase]
    phases = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS)
        for phase in wanted:
            if phase == "cold":
                print(f"cold: removed {len(clear_stored_results())} stored files")
            print(f"{phase}: a new server", flush=True)
            log = REPO / "test-artifacts" / f"bench-pages-{phase.replace(' ', '-')}.log"
            phases[phase] = one_server(browser, args.pages, args.timeout, log)
        browser.close()
    print_table(phases, args.pages)
    load = os.getloadavg()[0]
    print(f"\nload average {load:.2f} at the end (on {os.cpu_count()} CPUs)")
    if args.json:
        last = phases[wanted[-1]]
        args.json.write_text(json.dumps({"first_visit_s": last["first_visit_s"], "phase": wanted[-1], "phases": phases,
                                         "cpus": os.cpu_count(), "load_average_end": load}, indent=2))


if __name__ == "__main__":
    main()
