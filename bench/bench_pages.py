"""First visit to every page of the app, in headless Chromium, on a server that has already served the home page.

Each page is opened in a fresh browser context (nothing cached in the browser) of the same server and timed from
navigation until its script has finished: Streamlit's script state ``notRunning``, no spinner, and both still so
half a second later (a rerun right after the first run would otherwise stop the clock early). Beside the wall
time, the CPU seconds that the server, and everything this script started (server, Chromium, Playwright's driver),
spent meanwhile: on a machine shared with other work these say what the wall time would be on an idle one.

    OMNIGLOT_DIR=../shared/data/omniglot .venv/bin/python bench/bench_pages.py [--json FILE] [--phase both]

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
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_app_start import free_port, heavy_modules_loaded  # noqa: E402
from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path  # noqa: E402

PAGES = ["/omniglot", "/train", "/roc", "/quiz", "/nearest", "/map", "/distance", "/detect", "/verify", "/database",
         "/threshold", "/experiment", "/face-models"]
STATE = """() => ({idle: !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']"),
  spinner: !!document.querySelector("[data-testid='stSpinner']"),
  error: !!document.querySelector("[data-testid='stException'], [data-testid='stAlertContentError']")})"""
SETTLE_S = 0.5


def start_server(port: int, log: Path) -> subprocess.Popen:
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, stdout=output, stderr=subprocess.STDOUT, env=os.environ.copy(),
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"streamlit did not start; see {log}")


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its descendants (from /proc): the living ones', and those of
    ended ones their parent has waited for (a closed browser context's renderer)."""
    parents, times = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid], times[pid] = int(fields[1]), sum(int(f) for f in fields[11:15])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total / os.sysconf("SC_CLK_TCK")


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


def one_server(browser, pages: list[str], timeout_s: float, log: Path) -> dict:  # type: ignore[no-untyped-def]
    """Start a server, serve the home page, then first-visit every page; the times and what the server loaded."""
    port = free_port()
    server = start_server(port, log)
    url = f"http://127.0.0.1:{port}"
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
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


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
    for variable, folder in (("OMNIGLOT_DIR", "omniglot"), ("FACES_DIR", "faces")):  # as ./run.sh does
        shared = REPO.parent / "shared" / "data" / folder
        if not os.environ.get(variable) and shared.is_dir():
            os.environ[variable] = str(shared.resolve())
    print(f"OMNIGLOT_DIR={os.environ.get('OMNIGLOT_DIR', '(default)')}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at the start")
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    wanted = {"both": ("cold", "after restart"), "cold": ("cold",), "restart": ("after restart",)}[args.phase]
    phases = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
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
