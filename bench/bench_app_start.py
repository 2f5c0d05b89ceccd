"""Time from `streamlit run app.py` to the home page rendered in headless Chromium, and whether the server
process imported TensorFlow or DeepFace to get there.

    .venv/bin/python bench/bench_app_start.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def heavy_modules_loaded(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in ("tensorflow", "deepface") if f"/site-packages/{name}/" in maps]


def one_start(browser) -> tuple[float, float, list[str]]:  # type: ignore[no-untyped-def]
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        healthy = time.perf_counter() - started
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        page.get_by_text("All Omniglot files are in place.").wait_for(timeout=60_000)
        rendered = time.perf_counter() - started
        page.close()
        return healthy, rendered, heavy_modules_loaded(server.pid)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"OMNIGLOT_DIR={os.environ.get('OMNIGLOT_DIR', '(default)')}, {os.cpu_count()} CPUs")
    print(f"{'run':<5} {'server healthy (s)':>19} {'home page rendered (s)':>23}  heavy modules in server")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        for run in range(1, args.repeat + 1):
            healthy, rendered, heavy = one_start(browser)
            print(f"{run:<5} {healthy:>19.2f} {rendered:>23.2f}  {', '.join(heavy) or 'none'}")
        browser.close()


if __name__ == "__main__":
    main()
