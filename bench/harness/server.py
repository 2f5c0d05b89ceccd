"""The app as the benches run it: ``streamlit run app.py`` from this checkout on a free localhost port, and the
shared data beside the checkout, found as ./run.sh finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.harness.ports import free_port

REPO = Path(__file__).resolve().parents[2]  # the checkout: app.py, views/, models/
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_environment() -> None:
    """The shared data, as ./run.sh finds it beside the checkout, unless already set."""
    for variable, folder in (("OMNIGLOT_DIR", "omniglot"), ("FACES_DIR", "faces")):
        shared = SHARED_DATA / folder
        if not os.environ.get(variable) and shared.is_dir():
            os.environ[variable] = str(shared.resolve())


@dataclass
class Server:
    process: subprocess.Popen
    url: str

    @property
    def pid(self) -> int:
        return self.process.pid


def start_server(log: Path | None, *, poll_s: float = 0.1, limit_s: float = 120) -> Server:
    """A fresh ``streamlit run app.py`` with this process's environment, on a free port, once it answers its health
    check (every ``poll_s``); its output goes to ``log`` (nowhere when None). Raises when it does not start."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
               "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with open(log if log is not None else os.devnull, "w") as output:
        process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).close()
            return Server(process, url)
        except OSError:
            time.sleep(poll_s)
    process.kill()
    raise RuntimeError(f"streamlit did not start; see {log}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
