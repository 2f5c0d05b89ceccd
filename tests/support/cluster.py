"""Several app servers behind HAProxy for the end-to-end tests: the same deploy/cluster.sh that ``./run.sh cluster``
runs, on free ports, with the replicas' logs in ``test-artifacts/cluster-*.log``.

``start_cluster`` starts it in its own process group and, however the block ends, stops that whole group (SIGTERM,
then SIGKILL), so that no replica or HAProxy outlives the tests. ``Cluster`` tells a test where everything is and
how to send a browser to one replica through the balancer (HAProxy's sticky cookie ``SERVERID``, whose value is
the replica's name: ``app1``, ``app2``, ...).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COOKIE = "SERVERID"          # HAProxy's sticky-session cookie (deploy/haproxy.cfg.template)
REPLICA_HEADER = "x-oneshot-replica"  # the replica that answered, set by HAProxy on every response
READY = "One-Shot Lab is ready on"


TEACHER_PASSWORD = "cluster-tests-lecturer"


@dataclass(frozen=True)
class Cluster:
    """A running cluster. ``str(cluster)`` is the balancer's URL, so ``f"{cluster_url}/verify"`` works."""

    url: str                      # the balancer: http://127.0.0.1:PORT
    replicas: dict[str, str]      # replica name (app1, app2) -> its own URL, bypassing the balancer
    database_url: str             # the ONESHOT_DATABASE_URL every replica was started with
    teacher_password: str         # the lecturer password (through a balancer nobody is the laptop's own browser)
    logs: Path                    # cluster-app1.log, ..., cluster-haproxy.log, cluster-haproxy.cfg, cluster.log

    def __str__(self) -> str:
        return self.url

    @property
    def names(self) -> list[str]:
        return list(self.replicas)

    def replica_url(self, index: int) -> str:
        """The direct URL of replica ``index`` (1-based: 1 is app1)."""
        return self.replicas[f"app{index}"]

    def replica_of(self, context) -> str | None:  # type: ignore[no-untyped-def]
        """The replica a Playwright browser context is stuck to through the balancer (its SERVERID cookie), or None
        before its first visit."""
        cookies = [c for c in context.cookies(self.url) if c["name"] == COOKIE]
        return cookies[0]["value"] if cookies else None

    def pin(self, context, name: str) -> None:  # type: ignore[no-untyped-def]
        """Make a browser context's requests through the balancer go to replica ``name`` (app1, app2, ...), as if it
        had been sent there on its first visit. Useful to put two students on different servers."""
        if name not in self.replicas:
            raise ValueError(f"no replica {name!r}; there are {', '.join(self.replicas)}")
        context.add_cookies([{"name": COOKIE, "value": name, "url": self.url}])


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports that nothing listens on now (deploy/cluster.sh checks them again)."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def haproxy_or_skip() -> str:
    """HAProxy's path; skips the test without it (fails under ONESHOT_REQUIRE_POSTGRES=1, which ./run.sh test
    sets)."""
    path = shutil.which("haproxy")
    if path is None:
        reason = "HAProxy is not installed (./run.sh test installs it with apt-get: apt-get install haproxy)"
        if os.environ.get("ONESHOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"the cluster tests must run here (ONESHOT_REQUIRE_POSTGRES=1): {reason}", pytrace=False)
        pytest.skip(reason)
    return path


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop_group(process: subprocess.Popen, grace: float = 30.0) -> None:
    """SIGTERM to the cluster's whole process group (deploy/cluster.sh, every replica, HAProxy), SIGKILL to whatever
    is still in it after ``grace`` seconds; returns when the group is empty."""
    group = process.pid  # start_new_session: the group's id is the leader's pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        process.poll()
        return
    deadline = time.monotonic() + grace
    killed = False
    while True:
        if process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            continue
        try:
            os.killpg(group, 0)  # anyone left in the group (a replica whose parent died first)?
        except ProcessLookupError:
            break
        if time.monotonic() >= deadline:
            if killed:
                raise RuntimeError(f"processes of group {group} survive SIGKILL (ps -g {group})")
            os.killpg(group, signal.SIGKILL)
            killed, deadline = True, time.monotonic() + 10
        time.sleep(0.2)
    process.wait(timeout=10)


@contextmanager
def start_cluster(database_url: str, *, replicas: int = 2, logs: Path | None = None,
                  environment: dict[str, str] | None = None, timeout: float = 300.0) -> Iterator[Cluster]:
    """Run ``deploy/cluster.sh`` with ``replicas`` Streamlit servers of app.py and HAProxy in front, all on free
    ports of 127.0.0.1, every replica with ``ONESHOT_DATABASE_URL=database_url`` and this process's environment
    (plus ``environment``). Waits until the balancer and every replica answer /_stcore/health; stops them all when
    the block ends, or when starting fails (with the log's tail in the error)."""
    haproxy_or_skip()
    logs = logs or REPO / "test-artifacts"
    logs.mkdir(parents=True, exist_ok=True)
    balancer_port, *replica_ports = free_ports(replicas + 1)
    env = os.environ.copy()
    env["ONESHOT_TEACHER_PASSWORD"] = TEACHER_PASSWORD
    env.update(environment or {})
    env.update({
        "ONESHOT_DATABASE_URL": database_url,
        "ONESHOT_CLUSTER_PORT": str(balancer_port),
        "ONESHOT_CLUSTER_ADDRESS": "127.0.0.1",
        "ONESHOT_REPLICA_ADDRESS": "127.0.0.1",
        "ONESHOT_REPLICA_PORTS": " ".join(map(str, replica_ports)),
        "ONESHOT_CLUSTER_BACKENDS": "",
        "ONESHOT_CLUSTER_BALANCER": "haproxy",
        "ONESHOT_CLUSTER_LOG_DIR": str(logs),
        "ONESHOT_CLUSTER_START_TIMEOUT": str(int(timeout)),
        "PYTHON": sys.executable,
    })
    log = logs / "cluster.log"
    with ExitStack() as stack:
        output = stack.enter_context(open(log, "w"))
        process = subprocess.Popen(["bash", str(REPO / "deploy" / "cluster.sh"), str(replicas)], cwd=REPO, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        stack.callback(_stop_group, process)
        cluster = Cluster(
            url=f"http://127.0.0.1:{balancer_port}",
            replicas={f"app{i + 1}": f"http://127.0.0.1:{port}" for i, port in enumerate(replica_ports)},
            database_url=database_url,
            teacher_password=env["ONESHOT_TEACHER_PASSWORD"],
            logs=logs,
        )
        started = time.monotonic()
        while READY not in log.read_text():
            if process.poll() is not None or time.monotonic() - started > timeout + 30:
                raise RuntimeError(f"the cluster did not start; {log}:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        down = [url for url in (cluster.url, *cluster.replicas.values()) if not _healthy(url)]
        if down:
            raise RuntimeError(f"the cluster started but {down} do not answer /_stcore/health; see {logs}/cluster-*.log")
        print(f"\ncluster of {replicas} healthy after {time.monotonic() - started:.1f} s: {cluster.url}")
        yield cluster
