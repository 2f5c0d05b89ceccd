"""Time from `streamlit run app.py` to the home page rendered in headless Chromium, and whether the server
process imported TensorFlow or DeepFace to get there.

    .venv/bin/python -m bench.bench_app_start [--repeat 3]

The home page counts as rendered when it shows that every Omniglot file is in place (its success box).
"""

from __future__ import annotations

import argparse
import os
import time

from bench.harness.browser import CHROMIUM_FLAGS, find_chromium
from bench.harness.processes import heavy_modules_loaded
from bench.harness.server import start_server, stop_server

DATA_IN_PLACE = "[data-testid='stAlertContentSuccess']"  # the home page's "All Omniglot files are in place."


def one_start(browser) -> tuple[float, float, list[str]]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    server = start_server(None, poll_s=0.05)
    try:
        healthy = time.perf_counter() - started
        page = browser.new_page()
        page.goto(server.url)
        page.locator(DATA_IN_PLACE).first.wait_for(timeout=60_000)
        rendered = time.perf_counter() - started
        page.close()
        return healthy, rendered, heavy_modules_loaded(server.pid)
    finally:
        stop_server(server)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"OMNIGLOT_DIR={os.environ.get('OMNIGLOT_DIR', '(default)')}, {os.cpu_count()} CPUs")
    print(f"{'run':<5} {'server healthy (s)':>19} {'home page rendered (s)':>23}  heavy modules in server")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS)
        for run in range(1, args.repeat + 1):
            healthy, rendered, heavy = one_start(browser)
            print(f"{run:<5} {healthy:>19.2f} {rendered:>23.2f}  {', '.join(heavy) or 'none'}")
        browser.close()


if __name__ == "__main__":
    main()
