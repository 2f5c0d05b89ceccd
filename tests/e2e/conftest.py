"""A real `streamlit run app.py` on a free localhost port, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.harness.browser import CHROMIUM_FLAGS, ChromiumMissing, find_chromium
from bench.harness.ports import free_port
from tests.conftest import REPO, _real_lfw_dir

ARTIFACTS = REPO / "test-artifacts"


def chromium_path() -> str:
    try:
        return find_chromium()
    except ChromiumMissing as missing:
        raise pytest.UsageError(f"End-to-end tests {missing}.") from None


@contextlib.contextmanager
def running_app(log_name: str = "streamlit.log", **extra_environment: str) -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port, with the environment plus ``extra_environment``; yields its
    URL once it answers its health check (:func:`server_process` gives its process)."""
    port = free_port()
    log = (ARTIFACTS / log_name)
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    environment = os.environ.copy()
    if _real_lfw_dir().is_dir():  # as run.sh sets it: the threshold lab and the experiment start on LFW
        environment["FACES_LFW_DIR"] = str(_real_lfw_dir())
    environment.update(extra_environment)
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, stdout=output, stderr=subprocess.STDOUT, env=environment,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log}:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        print(f"\nstreamlit healthy after {time.perf_counter() - started:.1f} s")
        _processes[url] = process
        yield url
    finally:
        _processes.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


_processes: dict[str, subprocess.Popen] = {}


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Until the script run that the last action started has finished. Read from the app's own run state: Streamlit's
    status widget appears only after a run has lasted 500 ms, so on a loaded machine its absence does not mean that
    no run is going on (a click made while the page's first run still draws it can be lost with that run)."""
    page.wait_for_timeout(300)  # the run that the action asked for has started
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached",
                                                                                        timeout=120_000)


def server_process(url: str) -> subprocess.Popen:
    """The process of a server that :func:`running_app` started (to measure its memory)."""
    return _processes[url]


def warm_up(browser: object, url: str) -> None:
    """A new server's first view of a page with the model imports TensorFlow and loads the model and its codes: a
    minute and more on a loaded machine. Spent here, as part of starting the server, and not inside the first test's
    waits, which are sized for the step they wait for (a Start click's run missed its 90 s that way under load)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(f"{url}/class?projector=1&host=1")
        page.get_by_test_id("stAlert").first.wait_for(timeout=300_000)  # no class: the model loaded, then refused
        wait_idle(page)
    finally:
        context.close()


@pytest.fixture(scope="session")
def server_url(session_cache: Path, face_environment: Path, browser: object) -> Iterator[str]:
    """The app shared by the tests that need no server of their own (own environment, own database, restarts)."""
    with running_app() as url:
        warm_up(browser, url)
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def cluster_url(session_cache: Path, face_environment: Path, postgres_url: str) -> Iterator[object]:
    """Two replicas of the app behind HAProxy (deploy/cluster.sh, as ``./run.sh cluster 2`` runs them), on free
    ports, sharing a fresh PostgreSQL database made for this session (dropped after). Yields a
    :class:`tests.support.cluster.Cluster`: ``.url`` (or ``str(cluster_url)``) is the balancer, ``.replicas``
    maps ``app1``/``app2`` to each replica's own URL (``.replica_url(1)``), ``.database_url`` the shared database;
    ``.pin(context, "app2")`` sends a browser context to that replica through the balancer and
    ``.replica_of(context)`` says where it is stuck. Logs: test-artifacts/cluster-*.log. Skips without PostgreSQL
    or HAProxy (fails instead under ONESHOT_REQUIRE_POSTGRES=1, which ./run.sh test sets)."""
    from tests.support.cluster import haproxy_or_skip, start_cluster
    from tests.support.postgres import fresh_database

    haproxy_or_skip()
    environment = {"FACES_LFW_DIR": str(_real_lfw_dir())} if _real_lfw_dir().is_dir() else {}  # as run.sh sets it
    with fresh_database(postgres_url) as database, start_cluster(database, replicas=2, logs=ARTIFACTS,
                                                                 environment=environment) as cluster:
        yield cluster
