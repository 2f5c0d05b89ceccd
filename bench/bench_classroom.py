"""A class of N students on one server: N concurrent sessions driven at the protocol level, a few real browsers.

Each simulated student is one WebSocket session of :mod:`bench.st_client` (asyncio, one process: a rerun costs the
client a few milliseconds of CPU, where a headless Chromium context costs seconds), and does what a student does in
a lesson, with a human pause (``--think``) between actions:

1. **join** the class: open ``/class?class=CODE``, type a nickname (``nickname``) and click Join (``class_join``);
   timed from the click until the page shows the student in the class, its component (``class_live``, an
   ``st.components.v2`` component) mounted with the student's token in its data;
2. **answer** ``--rounds`` questions as the component does in the browser, with no script run per round: long-poll
   ``GET /api/class/CODE/stage?seen=VERSION`` (the server holds it until the stage changes, about 25 s at most); on
   a change wait up to 0.5 s, then ``GET /api/class/CODE/round?have=N`` (``X-Player-Token``) for the round and its
   images (``round_visible``: from the teacher's start of the round until the student has them); think, then
   ``POST /api/class/CODE/answer`` (``answer``: timed until the server's answer); after a failed request wait 1 s,
   doubling up to 15 s. The teacher (this script, through ``lab.classroom`` on the same database) starts the first
   round once every student (and browser) is in, and reveals each round once every student answered (or after
   ``--round-timeout``); when the stage says the class ended, the component asks for one rerun of the page
   (``class_end``). The projector's page is open too, its component long-polling with ``live=1`` and rerunning the
   page when the stage's version changes;
3. **slider**: on ``/roc``, moves the threshold slider (``threshold``, views/roc.py) ``--slider-moves``
   times, each timed until the page's caption shows the new threshold;
4. **verify**: on ``/verify``, switches both photos to Upload and uploads a pair of photos of ``$FACES_DIR`` (each
   student another pair), timed from the second upload until the verdict is shown (``verify``) and from the first
   upload (``verify_pair``).

Alongside, ``--browsers`` real headless Chromium sessions (Playwright, the e2e tests' Chromium and flags) check that
the pages still render for a browser under that load: each joins the class and sees every round drawn by the
component ("Round N: which candidate ...", seconds from the round's start), then ``/roc`` shows its figure and
``/verify`` its verdict.

``--idle-poll S``: before the first round, with every student in and long-polling, the server's CPU for S seconds
(``idle_class_page``: cores, % of a core per student, stage requests answered meanwhile). Each round prints how
many students had it within 2 s and 3 s, p95 ``round_visible`` and ``answer`` and the server's CPU (``rounds``);
``script_runs_per_student_round`` shows the script runs of the students' sessions while the rounds ran.

Without ``--url`` the script starts its own ``streamlit run app.py`` with a fresh SQLite database
(``ONESHOT_DATABASE_URL``, also used here for the teacher's side) and an empty model store, and samples the server's
process tree (CPU seconds, peak RSS; psutil if installed, else /proc). With ``--url`` it drives that server; set
``ONESHOT_DATABASE_URL`` to the server's database for the class part, and ``--server-pid`` (else the process
listening on the URL's port is looked up in /proc) for the server's figures. The client's own CPU seconds are
reported beside the server's, so a reader sees which side was the limit.

    .venv/bin/python bench/bench_classroom.py --sessions 30 [--url URL] [--json FILE]
    .venv/bin/python bench/bench_classroom.py --sessions 30 --cold [--json FILE]

``--cold``: a fresh server, the shipped model's stored codes removed; all N sessions open ``--cold-page`` (``/roc``)
at once, then N new sessions again on the now warm server: each session's time to the first render, the server's
CPU seconds per wave, and how many code files were written (one per kind of codes: computed once, not N times).

Targets (one server, 30 sessions): no errors; p95 at most 1 s for an answer and a slider move, 3 s for a verify.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.st_client import LONG_POLL_TIMEOUT_S, HttpResponse, ProtocolError, StreamlitSession  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

INTERACTIONS = ("join", "answer", "slider", "verify", "verify_pair")
# st.error boxes that are the page's content, not a failure: the class page's wrong answer.
CONTENT_ALERTS = ("Not this time:",)
TARGETS_S = {"answer": 1.0, "slider": 1.0, "verify": 3.0}
# Photos with one clear face each (the sample's train/ and test/): students upload pairs of these.
PHOTOS = ["train/obama/obama.jpg", "test/obama1.jpg", "train/biden/biden.jpg", "train/biden/biden2.jpg",
          "train/kit_harington/john1.jpeg", "train/kit_harington/john2.jpeg", "test/johnsnow_test1.jpg",
          "train/alex_lacamoire/img1.jpg", "train/obama/obama2.jpg"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"count": 0, "p50_s": None, "p95_s": None, "max_s": None}
    return {"count": len(values), "p50_s": round(percentile(values, 50), 3), "p95_s": round(percentile(values, 95), 3),
            "max_s": round(max(values), 3)}


# ------------------------------------------------------------------------------------------------ processes


class ProcessTree:
    """CPU seconds and resident memory of a process and its descendants: psutil when installed, else /proc."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        try:
            import psutil  # noqa: F401

            self.source = "psutil"
        except ImportError:
            self.source = "/proc"
        self._ticks = os.sysconf("SC_CLK_TCK")
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _proc_table(self) -> dict[int, tuple[int, float, int]]:
        """pid -> (parent, CPU seconds of it and of its ended children it waited for, RSS bytes)."""
        table = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            table[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / self._ticks,
                                            int(fields[21]) * self._page)
        return table

    def sample(self) -> tuple[float, int, int]:
        """(CPU seconds, RSS bytes, number of processes) of the trees now."""
        if self.source == "psutil":
            import psutil

            cpu, rss, count = 0.0, 0, 0
            for root in self.roots:
                try:
                    processes = [psutil.Process(root)]
                    processes += processes[0].children(recursive=True)
                except psutil.Error:
                    continue
                for process in processes:
                    try:
                        times = process.cpu_times()
                        cpu += times.user + times.system + times.children_user + times.children_system
                        rss += process.memory_info().rss
                        count += 1
                    except psutil.Error:
                        continue
            return cpu, rss, count
        table = self._proc_table()
        children = defaultdict(list)
        for pid, (parent, _, _) in table.items():
            children[parent].append(pid)
        cpu, rss, count, stack = 0.0, 0, 0, list(self.roots)
        while stack:
            pid = stack.pop()
            if pid in table:
                cpu += table[pid][1]
                rss += table[pid][2]
                count += 1
            stack.extend(children.get(pid, ()))
        return cpu, rss, count


class Sampler:
    """Samples a :class:`ProcessTree` every ``interval`` seconds in a thread: peak RSS, CPU seconds, peak cores."""

    def __init__(self, tree: ProcessTree, interval: float = 0.5) -> None:
        self.tree, self.interval = tree, interval
        self.samples: list[tuple[float, float, int]] = []  # (time, CPU s, RSS bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            cpu, rss, _ = self.tree.sample()
            self.samples.append((time.perf_counter(), cpu, rss))
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        cpu, rss, _ = self.tree.sample()
        self.samples.append((time.perf_counter(), cpu, rss))

    def figures(self) -> dict[str, float | None]:
        if len(self.samples) < 2:
            return {"cpu_s": None, "wall_s": None, "mean_cores": None, "peak_cores_1s": None, "peak_rss_mb": None}
        (t0, c0, _), (t1, c1, _) = self.samples[0], self.samples[-1]
        peak = 0.0
        for index, (t, c, _) in enumerate(self.samples):  # CPU over windows of at least a second
            for later in self.samples[index + 1:]:
                if later[0] - t >= 1.0:
                    peak = max(peak, (later[1] - c) / (later[0] - t))
                    break
        return {"cpu_s": round(c1 - c0, 2), "wall_s": round(t1 - t0, 2), "mean_cores": round((c1 - c0) / (t1 - t0), 2),
                "peak_cores_1s": round(peak, 2), "peak_rss_mb": round(max(s[2] for s in self.samples) / 2**20, 1)}


class CodeWatcher:
    """Every version of the shipped model's stored code files seen while it runs (polled every 0.1 s): each
    computation of the codes writes its file once (atomically, a new inode), so N computations would show N
    versions."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.versions: set[tuple[str, int, int]] = set()
        self._before = self._now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _now(self) -> set[tuple[str, int, int]]:
        found = set()
        for path in self.folder.glob("[!.]*.codes.npz"):  # not atomic_write's temporary files
            try:
                stat = path.stat()
            except OSError:
                continue
            found.add((path.name, stat.st_ino, stat.st_mtime_ns))
        return found

    def _run(self) -> None:
        while not self._stop.is_set():
            self.versions |= self._now() - self._before
            self._stop.wait(0.1)

    def __enter__(self) -> CodeWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.versions |= self._now() - self._before


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def listening_pids(port: int) -> list[int]:
    """The processes with a listening TCP socket on ``port`` (from /proc/net/tcp and each process's fds)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    pids = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            pids.add(int(fd.parts[2]))
    return sorted(pids)


# ------------------------------------------------------------------------------------------------ the server


def shared_environment() -> None:
    """The shared data, as ./run.sh finds it beside the checkout, unless already set."""
    for variable, folder in (("OMNIGLOT_DIR", "omniglot"), ("FACES_DIR", "faces")):
        shared = REPO.parent / "shared" / "data" / folder
        if not os.environ.get(variable) and shared.is_dir():
            os.environ[variable] = str(shared.resolve())


def start_server(workdir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """A fresh ``streamlit run app.py``: its own SQLite database (also this process's, for the teacher's side) and
    an empty model store (only the shipped model), on a free port."""
    os.environ["ONESHOT_DATABASE_URL"] = f"sqlite:///{workdir / 'class.sqlite'}"
    os.environ["ONESHOT_DATA_DIR"] = str(workdir / "data")
    os.environ["ONESHOT_MODELS_DIR"] = str(workdir / "models")
    os.environ.setdefault("ONESHOT_TRAINING_STANDBY", "0")
    (workdir / "models").mkdir(exist_ok=True)
    port = free_port()
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO, stdout=output, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).close()
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"streamlit did not start; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# ------------------------------------------------------------------------------------------------ the teacher


class Teacher:
    """The lecturer's side, straight through the lab's workflow API (``lab.workflows.classroom``) on the shared
    database, as the projector's page calls it. The model's evaluation set and codes are loaded once, before the
    lesson, in this process (the page keeps them in the server's cache the same way)."""

    def __init__(self, ways: int, model_name: str) -> None:
        from lab.roles import Role  # noqa: PLC0415 - only when the class part runs
        from lab.workflows import classroom  # noqa: PLC0415
        from lab.workflows.coded_set import load_coded_set  # noqa: PLC0415

        self.api, self.role = classroom, Role.TEACHER
        self.ways = ways
        self.evaluation = load_coded_set(model_name)
        self.code = ""

    async def call(self, name: str, *args: object, **kwargs: object) -> object:
        return await asyncio.to_thread(getattr(self.api, name), *args, role=self.role, **kwargs)

    async def start_class(self, title: str) -> str:
        info = await self.call("start_class", title)
        self.code = info.code  # type: ignore[attr-defined]
        return self.code

    async def start_round(self) -> object:
        return await self.call("start_round", self.code, self.ways, evaluation=self.evaluation)

    async def reveal_round(self) -> object:
        return await self.call("reveal", self.code)

    async def end_class(self) -> object:
        return await self.call("end", self.code)


def class_unavailable() -> str | None:
    """Why the class part cannot run on this checkout, or None."""
    if not (REPO / "views" / "class.py").is_file():
        return "views/class.py is not in this checkout (the class page has not landed)"
    try:
        import lab.workflows.classroom  # noqa: F401, PLC0415
    except ImportError as exc:
        return f"lab.workflows.classroom cannot be imported: {exc}"
    return None


# ------------------------------------------------------------------------------------------------ the class component

COMPONENT_KEY = "class_live"  # the st.components.v2 component of the class page (student's and projector's)
JITTER_S = 0.5  # after a change of the stage, the component waits up to this long before fetching the round
BACKOFF_FIRST_S, BACKOFF_MOST_S = 1.0, 15.0  # its waits after a failed request: 1 s, doubling, at most 15 s

Fetch = Callable[[str, "dict[str, str] | None", float], Awaitable[HttpResponse]]


class RouteError(RuntimeError):
    """A class route answered with an error status, or with a body the component cannot use."""

    def __init__(self, message: str, response: HttpResponse | None = None) -> None:
        super().__init__(message)
        self.status = response.status if response is not None else None


class Backoff:
    """The component's waits after failed requests: ``first`` seconds, doubling up to ``most``; a success resets."""

    def __init__(self, first: float = BACKOFF_FIRST_S, most: float = BACKOFF_MOST_S) -> None:
        self.first, self.most = first, most
        self.current = first

    def next(self) -> float:
        wait = self.current
        self.current = min(self.current * 2, self.most)
        return wait

    def reset(self) -> None:
        self.current = self.first


def stage_path(api: str, code: str, seen: str, live: bool = False) -> str:
    query = urlencode({"seen": seen, **({"live": 1} if live else {})})
    return f"{api}/{quote(code)}/stage?{query}"


def round_path(api: str, code: str, have: int | None) -> str:
    """The round route, ``have``: the round whose drawings the page has (empty when none, as ui/class_live.js)."""
    return f"{api}/{quote(code)}/round?have={'' if have is None else have}"


STAGE_KEYS = {"version", "live", "round", "revealed", "ended", "players", "answered"}
ROUND_KEYS = {"version", "round", "ways", "revealed", "ended", "choice", "answer", "model_answer", "correct",
              "answered", "nickname", "images"}


def stage_problem(stage: object) -> str | None:
    """What is wrong with a stage route's answer for the component, or None."""
    if not isinstance(stage, dict):
        return f"not a JSON object: {stage!r:.200}"
    missing = STAGE_KEYS - stage.keys()
    return f"keys missing: {sorted(missing)}" if missing else None


def round_view_problem(view: object, have: int | None) -> str | None:
    """What is wrong with a round route's answer for a page that has the images of round ``have``, or None: the
    keys of the contract; the images of the round when it is not ``have`` (a query and ``ways`` candidates, PNG
    data URLs); the answers only once revealed."""
    if not isinstance(view, dict):
        return f"not a JSON object: {view!r:.200}"
    missing = ROUND_KEYS - view.keys()
    if missing:
        return f"keys missing: {sorted(missing)}"
    number, images = view["round"], view["images"]
    if not view["revealed"] and (view["answer"] is not None or view["model_answer"] is not None):
        return f"round {number}: the answer is given before the reveal"
    if number is None or number == have:
        return None
    if not images:
        return f"round {number}: no images (the page has round {have}'s)"
    if images.get("round") != number:
        return f"round {number}: the images are round {images.get('round')}'s"
    pictures = [images.get("query"), *images.get("candidates", [])]
    if len(pictures) != view["ways"] + 1 or not all(str(p).startswith("data:image/png;base64,") for p in pictures):
        return f"round {number}: {len(pictures) - 1} candidates for {view['ways']} ways, or not PNG data URLs"
    return None


class StageWatcher:
    """What the class page's component (ui/class_live.js, ``watch``) does in the browser, less the drawing:
    long-poll the stage route (``GET {api}/{code}/stage?seen=S``; with ``live`` the projector's ``&live=1``, where
    ``S`` is the ``live`` key) starting from ``seen=""``, and call ``on_change(stage)`` each time the stage's version
    differs from the last one handled (the first answer too, unless ``version`` says what the page was drawn with).
    Any other status than 200 (a 503 too: the component does not read ``Retry-After``), a network error or a failed
    ``on_change`` is followed by a wait (:class:`Backoff`, reset once a stage was handled), and ``on_change`` is tried
    again with the next answer. A 404 (no such class) or a :class:`RouteError` of ``on_change`` with a 403 or 404
    ends the watch (raised); so does a stage that says the class ended (returned).

    ``fetch(path, headers, timeout)`` is the page's GET (:meth:`bench.st_client.StreamlitSession.get_json`)."""

    def __init__(self, fetch: Fetch, api: str, code: str, *, on_change: Callable[[dict], Awaitable[None]],
                 live: bool = False, version: str | None = None, on_error: Callable[[str], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.fetch, self.api, self.code, self.live = fetch, api, code, live
        self.on_change, self.on_error, self.sleep = on_change, on_error, sleep
        self.version = version  # the stage the page shows
        self.seen = ""  # what the next poll says the page has (the live key with ``live``)
        self.backoff = Backoff()
        self.stage: dict | None = None
        self.polls = self.failures = self.refused = 0

    def _failed(self, what: str) -> None:
        self.failures += 1
        if self.on_error is not None:
            self.on_error(what)

    async def watch(self) -> dict:
        """Poll until the class ended; the last stage."""
        while True:
            self.polls += 1
            try:
                response = await self.fetch(stage_path(self.api, self.code, self.seen, self.live), None,
                                            LONG_POLL_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                self._failed(f"stage: {type(exc).__name__}: {exc}")
                await self.sleep(self.backoff.next())
                continue
            if response.status == 404:
                raise RouteError(f"stage: HTTP 404 {response.body[:200]!r}", response)
            if response.status == 503:  # too many waiting, or the database: the component waits as after an error
                self.refused += 1
                await self.sleep(self.backoff.next())
                continue
            stage = response.json()
            problem = f"HTTP {response.status} {response.body[:200]!r}" if response.status != 200 else \
                stage_problem(stage)
            if problem:
                self._failed(f"stage: {problem}")
                await self.sleep(self.backoff.next())
                continue
            self.stage = stage
            if stage["version"] != self.version:
                try:
                    await self.on_change(stage)
                except RouteError as exc:
                    if exc.status in (403, 404):
                        raise
                    self._failed(str(exc))
                    await self.sleep(self.backoff.next())
                    continue
                except (OSError, TimeoutError, ValueError, KeyError, TypeError, IndexError) as exc:
                    self._failed(f"after a change: {type(exc).__name__}: {exc}")
                    await self.sleep(self.backoff.next())
                    continue
                self.version = stage["version"]
            self.seen = str(stage["live"] if self.live else stage["version"])
            self.backoff.reset()
            if stage["ended"]:
                return stage


# ------------------------------------------------------------------------------------------------ students


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answered: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    settled: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # answered, or gave up
    left: set[int] = field(default_factory=set)  # students out of the class (could not join, lost connection)
    joined: set[int] = field(default_factory=set)
    watching: set[int] = field(default_factory=set)  # students whose component long-polls the stage
    live: list[StreamlitSession] = field(default_factory=list)  # every session, for counts while they run
    tree: ProcessTree | None = None  # the server's processes
    idle_poll: dict = field(default_factory=dict)
    # Per round (index from 0): the seconds of each student's round_visible and answer, as the teacher reports them.
    per_round: dict[int, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    rounds: list[dict] = field(default_factory=list)
    # The class routes' answers: "stage 200", "stage 503", "round 200", "answer 409", "stage network error", ...
    http: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    http_bytes: int = 0
    # Script runs of each student's session: until joined, while the rounds ran, for the end of the class.
    class_runs: list[tuple[int, int, int]] = field(default_factory=list)
    projector_runs: int = 0
    auto_reruns: int = 0
    runs: int = 0
    bytes_received: int = 0

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")


@dataclass
class Lesson:
    """What the students share: the class code, one event per round the teacher started, and the real browsers'
    joining (the teacher starts the first round when every student and browser is in, or gave up)."""

    code: str = ""
    rounds: int = 0
    started: list[asyncio.Event] = field(default_factory=list)
    start_times: list[float] = field(default_factory=list)  # when the teacher's start_round returned
    over: asyncio.Event = field(default_factory=asyncio.Event)
    browsers: int = 0
    browsers_settled: int = 0  # joined or failed to
    browsers_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def browser_settled(self) -> None:
        self.browsers_settled += 1
        if self.browsers_settled >= self.browsers:
            self.browsers_ready.set()


def joined(session: StreamlitSession) -> bool:
    """The page shows the student in the class: the join form is gone and the round's component is mounted with
    the student's token."""
    data = session.component_data(COMPONENT_KEY)
    return not session.has_widget("class_join") and isinstance(data, dict) and bool(data.get("token"))


def class_ended(session: StreamlitSession) -> bool:
    """A student's page after the class: "The class has ended: thank you! Your score: ..."."""
    return session.has_text("The class has ended")


def class_over(session: StreamlitSession) -> bool:
    """The projector's page after the class: "This class has ended."."""
    return session.has_text("This class has ended.")


def verdict_shown(session: StreamlitSession) -> bool:
    return any(text.startswith("verdict: ") for text in session.texts())


def threshold_shown(value: float) -> object:
    def shown(session: StreamlitSession) -> bool:
        return session.has_text(f"Threshold {value:.3f}.")
    return shown


async def think(args: argparse.Namespace, rng: random.Random) -> None:
    if args.think > 0:
        await asyncio.sleep(rng.uniform(0.2, args.think))


async def timed(results: Results, who: str, kind: str, action: object) -> bool:
    """Await ``action`` (a coroutine returning seconds) and keep its time under ``kind``; an error is counted and
    the student goes on with the next step."""
    try:
        results.times[kind].append(await action)  # type: ignore[misc]
        return True
    except ProtocolError as exc:
        results.error(who, f"{kind}: {exc}")
    except Exception as exc:  # noqa: BLE001 - counted, never fatal for the other students
        results.error(who, f"{kind}: {type(exc).__name__}: {exc}")
    return False


def counted_get(session: StreamlitSession, results: Results, route: str) -> Fetch:
    """The session's GET for a :class:`StageWatcher`, its answers counted by ``route`` and status (and bytes)."""
    async def fetch(path: str, headers: dict[str, str] | None, timeout: float) -> HttpResponse:
        try:
            response = await session.get_json(path, headers, timeout)
        except Exception:
            results.http[f"{route} network error"] += 1
            raise
        results.http[http_key(route, response)] += 1
        results.http_bytes += len(response.body)
        return response
    return fetch


def http_key(route: str, response: HttpResponse) -> str:
    """``stage 200``, ``stage 503 busy``: the route, the status and, for an error, the route's reason word."""
    body = response.json() if response.status != 200 else None
    reason = body.get("error") if isinstance(body, dict) else None
    return f"{route} {response.status}" + (f" {reason}" if isinstance(reason, str) else "")


class StudentRound:
    """A student's component after the stage changed: fetch the round (``have``: the round whose images it has),
    note when the round's images arrived (``round_visible``), then think and answer it, once per round."""

    def __init__(self, session: StreamlitSession, number: int, code: str, lesson: Lesson, api: str, token: str,
                 args: argparse.Namespace, results: Results, rng: random.Random) -> None:
        self.session, self.number, self.code, self.lesson = session, number, code, lesson
        self.api, self.token = api, token
        self.args, self.results, self.rng = args, results, rng
        self.have: int | None = None  # the round whose images the page has
        self.handled: set[int] = set()  # rounds answered or being answered
        self.tasks: set[asyncio.Task] = set()
        self.fetch = counted_get(session, results, "round")

    @property
    def who(self) -> str:
        return self.session.name

    async def changed(self, stage: dict) -> None:
        """What the component does when the stage's version changed: nothing more once the class ended (the page
        reruns, see :func:`class_part`); else a pause of up to 0.5 s, then the round."""
        if stage["ended"]:
            return
        await asyncio.sleep(self.rng.uniform(0, JITTER_S))
        await self.fetch_round()

    async def fetch_round(self) -> None:
        """``GET .../round?have=N``: the student's view of the round, with its drawings when new to the page; the
        answer to it, once the drawings are here (after :func:`think`)."""
        response = await self.fetch(round_path(self.api, self.code, self.have),
                                    {"X-Player-Token": self.token}, self.session.timeout)
        if response.status != 200:
            raise RouteError(f"round: HTTP {response.status} {response.body[:200]!r}", response)
        view = response.json()
        problem = round_view_problem(view, self.have)
        if problem:
            raise RouteError(f"round: {problem}", response)
        images = view.get("images")
        if images:
            self.have = images["round"]
            await self.visible(images["round"], time.perf_counter())
        number = view["round"]
        if number is None or number > self.lesson.rounds:
            return
        if view["ended"] or view["revealed"] or view["choice"] is not None:
            self.results.settled[number - 1].add(self.number)
            return
        if self.have == number and number not in self.handled:
            self.handled.add(number)
            task = asyncio.get_running_loop().create_task(self.answer(number, view["ways"]))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def visible(self, number: int, seen: float) -> None:
        if not 1 <= number <= self.lesson.rounds:
            return
        started = self.lesson.started[number - 1]
        if not started.is_set():  # seen between the database's commit and the teacher's call returning
            await started.wait()
        if number > len(self.lesson.start_times):  # the teacher failed
            return
        seconds = max(0.0, seen - self.lesson.start_times[number - 1])
        self.results.times["round_visible"].append(seconds)
        self.results.per_round[number - 1]["round_visible"].append(seconds)

    async def answer(self, number: int, ways: int) -> None:
        """Think, click a candidate: ``POST .../answer``, timed until the server's answer ("answer"); then, as the
        component does, fetch the round again to show the answer that stands."""
        try:
            await think(self.args, self.rng)
            choice = self.rng.randrange(ways)
            started = time.perf_counter()
            response = await self.session.post_json(f"{self.api}/{quote(self.code)}/answer",
                                                    {"round": number, "choice": choice},
                                                    {"X-Player-Token": self.token})
            seconds = time.perf_counter() - started
            self.results.http[http_key("answer", response)] += 1
            body = response.json()
            if response.status == 200 and isinstance(body, dict) and body.get("choice") == choice:
                self.results.times["answer"].append(seconds)
                self.results.per_round[number - 1]["answer"].append(seconds)
                self.results.answered[number - 1].add(self.number)
                await self.fetch_round()
            elif response.status == 409:  # the component then shows "closed" and fetches the round again
                self.results.error(self.who, f"answer: round {number} closed before the answer (409 {body})")
                await self.fetch_round()
            else:
                self.results.error(self.who, f"answer: HTTP {response.status} {response.body[:200]!r}")
        except Exception as exc:  # noqa: BLE001
            self.results.http["answer network error"] += 1
            self.results.error(self.who, f"answer: {type(exc).__name__}: {exc}")
        finally:
            self.results.settled[number - 1].add(self.number)


async def until_over(task: asyncio.Task, lesson: Lesson, grace: float) -> bool:
    """Wait for ``task`` (a watcher), at most ``grace`` seconds after the lesson is over; False (and the task
    cancelled) when it was still running then."""
    async def over_and_grace() -> None:
        await lesson.over.wait()
        await asyncio.sleep(grace)

    timer = asyncio.get_running_loop().create_task(over_and_grace())
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def class_part(session: StreamlitSession, number: int, lesson: Lesson, args: argparse.Namespace,
                     results: Results, rng: random.Random) -> None:
    """Join through the form (a script run, timed as "join"), then what the page's component does in the browser:
    long-poll the stage, fetch each new round, answer it (no script run per round), and when the class ended ask
    for one rerun of the page."""
    who = session.name
    await session.open("/class", f"class={lesson.code}")
    await think(args, rng)
    # A form: the browser sends its widgets' values with the submit button's trigger, in one rerun.
    form = {"class_code": WidgetState(string_value=lesson.code),
            "nickname": WidgetState(string_value=f"student{number:02d}")}
    if not await timed(results, who, "join", session.submit("class_join", form, until=joined)):
        results.left.add(number)
        return
    results.joined.add(number)
    runs_to_join = session.stats.runs
    data = session.component_data(COMPONENT_KEY)
    api, code = str(data.get("api") or "/api/class"), str(data.get("code") or lesson.code)
    rounds = StudentRound(session, number, code, lesson, api, str(data["token"]), args, results, rng)
    watcher = StageWatcher(counted_get(session, results, "stage"), api, code, on_change=rounds.changed,
                           on_error=lambda what: results.error(who, what))
    results.watching.add(number)
    task = asyncio.get_running_loop().create_task(watcher.watch())
    ended, gave_up = False, False
    try:
        ended = await until_over(task, lesson, LONG_POLL_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - the watcher gave up (the class is gone, the token refused)
        results.error(who, f"class: {type(exc).__name__}: {exc}")
        gave_up = True
    finally:
        results.watching.discard(number)
        for pending in list(rounds.tasks):
            pending.cancel()
        for index in range(lesson.rounds):
            results.settled[index].add(number)
    runs_in_rounds = session.stats.runs - runs_to_join
    if ended and data.get("drawn") != "ended":
        # The component asks for one rerun when the class ended (setTriggerValue("stage", "ended")): the page shows
        # the student's score.
        await timed(results, who, "class_end", session.trigger(COMPONENT_KEY, "stage", "ended", until=class_ended))
    elif not ended and not gave_up:
        results.error(who, f"class: the end of the class not seen {LONG_POLL_TIMEOUT_S:.0f} s after it")
    results.class_runs.append((runs_to_join, runs_in_rounds, session.stats.runs - runs_to_join - runs_in_rounds))


async def roc_part(session: StreamlitSession, args: argparse.Namespace, results: Results,
                   rng: random.Random, first_page: bool) -> None:
    who = session.name
    if first_page:
        await session.open("/roc")
    else:
        await session.goto("/roc")
    for _ in range(args.slider_moves):
        await think(args, rng)
        value = round(rng.uniform(0.2, 0.9), 3)
        await timed(results, who, "slider", session.set_slider("threshold", value, until=threshold_shown(value)))


async def verify_part(session: StreamlitSession, number: int, args: argparse.Namespace, results: Results,
                      rng: random.Random) -> None:
    who = session.name
    await session.goto("/verify")
    folder = Path(os.environ.get("FACES_DIR", REPO.parent / "shared" / "data" / "faces"))
    pairs = [(a, b) for i, a in enumerate(PHOTOS) for b in PHOTOS[i + 1:]]
    first, second = pairs[number % len(pairs)]
    if args.verify == "sample":
        await think(args, rng)
        await timed(results, who, "verify", session.choose("second", second, until=verdict_shown))
        return
    for key in ("first_source", "second_source"):
        await think(args, rng)
        await session.choose(key, "Upload")
    await think(args, rng)
    started = time.perf_counter()
    photo = [(Path(name).name, (folder / name).read_bytes(), "image/jpeg") for name in (first, second)]
    try:
        await session.upload("first_upload", [photo[0]])
        results.times["verify"].append(await session.upload("second_upload", [photo[1]], until=verdict_shown))
        results.times["verify_pair"].append(time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001
        results.error(who, f"verify: {type(exc).__name__}: {exc}")


async def student(number: int, url: str, lesson: Lesson | None, args: argparse.Namespace, results: Results) -> None:
    rng = random.Random(args.seed * 1000 + number)
    session = StreamlitSession(url, name=f"student{number:02d}", timeout=args.timeout, fetch_media=not args.no_media)
    results.live.append(session)
    await asyncio.sleep(rng.uniform(0, args.stagger))
    try:
        if lesson is not None:
            await class_part(session, number, lesson, args, results, rng)
        if lesson is not None:
            await lesson.over.wait()  # the class ends before the students move on (as in a lecture)
        await roc_part(session, args, results, rng, first_page=lesson is None)
        await verify_part(session, number, args, results, rng)
    except Exception as exc:  # noqa: BLE001
        results.error(session.name, f"{type(exc).__name__}: {exc}")
        if args.verbose:
            traceback.print_exc()
    finally:
        results.left.add(number)
        results.errors.extend(f"{session.name}: {e}" for e in session.stats.errors)
        for alert in session.stats.error_alerts:  # the class page's wrong answer is content; any other is an error
            if alert.startswith(CONTENT_ALERTS):
                results.error_alerts.append(f"{session.name}: {alert}")
            else:
                results.error(session.name, f"error box: {alert}")
        results.auto_reruns += session.stats.auto_reruns_sent
        results.runs += session.stats.runs
        results.bytes_received += session.stats.bytes_received
        await session.close()


class Remounted(Exception):  # noqa: N818 - not an error: the page's rerun gave the component new data
    """The projector's rerun drew the component again with new data: the browser mounts it afresh (a new watch)."""


async def projector(url: str, lesson: Lesson, args: argparse.Namespace, results: Results) -> None:
    """The projector's page (``/class?class=CODE&host=1``) open for the whole lesson, as in a lecture: its component
    long-polls the stage with ``live=1`` (the counts) and, when the stage's version differs from the one the page
    was drawn with (``drawn``), asks for one rerun (a round, a reveal, the end); the rerun mounts the component again
    with the new ``drawn``, which starts a new watch. It needs a teacher session, which every session is while no
    lecturer password is set (the bench's own server); with a password it only shows a note, and is left out."""
    session = StreamlitSession(url, name="projector", timeout=args.timeout, fetch_media=not args.no_media)
    try:
        await session.open("/class", f"class={lesson.code}&host=1")
        if not session.has_widget("round_start"):
            results.notes.append("projector page not shown (a lecturer password is set): left out")
            return
        runs = session.stats.runs

        async def watch() -> None:
            mounted = False
            while True:
                data = session.component_data(COMPONENT_KEY)
                if not isinstance(data, dict):
                    if mounted and class_over(session):  # the ended class's page has no live counts: no watch
                        return
                    raise ProtocolError(f"no {COMPONENT_KEY!r} component on the projector's page "
                                        f"(texts {[t[:40] for t in session.texts()[-3:]]})")
                mounted = True

                async def rerun(stage: dict, data: dict = data) -> None:
                    results.times["projector_rerun"].append(
                        await session.trigger(COMPONENT_KEY, "stage", stage["version"]))
                    if session.component_data(COMPONENT_KEY) != data:
                        raise Remounted

                watcher = StageWatcher(counted_get(session, results, "projector stage"),
                                       str(data.get("api") or "/api/class"), str(data.get("code") or lesson.code),
                                       live=True,
                                       version=data.get("drawn"), on_change=rerun,
                                       on_error=lambda what: results.error("projector", what))
                try:
                    await watcher.watch()
                    return
                except Remounted:
                    continue

        task = asyncio.get_running_loop().create_task(watch())
        if not await until_over(task, lesson, LONG_POLL_TIMEOUT_S):
            results.error("projector", f"the end of the class not seen {LONG_POLL_TIMEOUT_S:.0f} s after it")
        results.projector_runs = session.stats.runs - runs
    except Exception as exc:  # noqa: BLE001
        results.error("projector", f"{type(exc).__name__}: {exc}")
    finally:
        results.errors.extend(f"projector: {e}" for e in session.stats.errors)
        results.auto_reruns += session.stats.auto_reruns_sent
        await session.close()


def stage_answers(results: Results) -> int:
    """Stage requests the server answered (200), the students' and the projector's."""
    return results.http["stage 200"] + results.http["projector stage 200"]


async def everyone_in(sessions: int, lesson: Lesson, args: argparse.Namespace, results: Results) -> None:
    """Wait (at most ``--timeout`` s) until every student joined and watches the stage, or gave up, and every real
    browser joined, or failed to."""
    deadline = time.perf_counter() + args.timeout
    while time.perf_counter() < deadline and (
            len(results.joined | results.left) < sessions or not results.joined - results.left <= results.watching):
        await asyncio.sleep(0.2)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(lesson.browsers_ready.wait(), max(deadline - time.perf_counter(), 0.1))


async def measure_idle_polls(sessions: int, args: argparse.Namespace, results: Results) -> None:
    """Before the first round, with every student in and each one's component long-polling the stage: the server's
    CPU while nothing changes (its cores, and % of a core per student) and the stage requests it answered then
    (none expected but the holds that ran out)."""
    await asyncio.sleep(2)
    if results.tree is None:
        return
    settled = await server_settled(results.tree)
    polls_before, cpu_before, started = stage_answers(results), results.tree.sample()[0], time.perf_counter()
    await asyncio.sleep(args.idle_poll)
    cpu = results.tree.sample()[0] - cpu_before
    seconds = time.perf_counter() - started
    polls = stage_answers(results) - polls_before
    students = len(results.watching)
    results.idle_poll = {
        "students": len(results.joined), "watching": students, "seconds": round(seconds, 1), "polls": polls,
        "polls_per_s": round(polls / seconds, 2), "server_cpu_s": round(cpu, 2),
        "server_cores": round(cpu / seconds, 3),
        "server_cpu_pct_per_student": round(100 * cpu / seconds / students, 3) if students else None,
        "server_cpu_ms_per_poll": round(1000 * cpu / polls, 1) if polls else None,
        "waited_for_start_up_s": settled}
    print(f"  idle class page: {results.idle_poll}", flush=True)


async def server_settled(tree: ProcessTree, quiet_cores: float = 0.05, window_s: float = 2.0,
                         limit_s: float = 90.0) -> float:
    """Wait until the server's start-up work is over (it builds the face model in the background after it starts,
    ~10 CPU s): its CPU over ``window_s`` below ``quiet_cores``, for at most ``limit_s``; the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = tree.sample()[0]
        await asyncio.sleep(window_s)
        if (tree.sample()[0] - before) / window_s < quiet_cores:
            break
    return round(time.perf_counter() - started, 1)


def round_report(number: int, sessions: int, results: Results, seconds: float, cpu: float | None,
                 start_round_s: float, cpu_window_s: float) -> dict:
    """One round's figures: how many students had its images within 2 s and 3 s of its start, p95 round_visible
    and answer, the server's CPU (seconds, and cores over ``cpu_window_s``: from the teacher's call to start the
    round to the reveal)."""
    times = results.per_round[number - 1]
    visible, answers = times["round_visible"], times["answer"]
    return {"round": number, "answered": len(results.answered[number - 1]), "students": sessions,
            "seconds": round(seconds, 2), "start_round_s": round(start_round_s, 3), "saw": len(visible),
            "saw_within_2s": sum(v <= 2.0 for v in visible), "saw_within_3s": sum(v <= 3.0 for v in visible),
            "p95_round_visible_s": round(percentile(visible, 95), 3) if visible else None,
            "p95_answer_s": round(percentile(answers, 95), 3) if answers else None,
            "server_cpu_s": None if cpu is None else round(cpu, 2),
            "server_cores": None if cpu is None else round(cpu / cpu_window_s, 2)}


async def teach(teacher: Teacher, lesson: Lesson, sessions: int, args: argparse.Namespace, results: Results) -> None:
    """When everyone is in: start each round, wait until every student answered (or the round's timeout), reveal,
    go on; then end the class."""
    try:
        await everyone_in(sessions, lesson, args, results)
        if args.idle_poll > 0:
            await measure_idle_polls(sessions, args, results)
        for round_number in range(lesson.rounds):
            cpu_before = results.tree.sample()[0] if results.tree else None
            called = time.perf_counter()
            await teacher.start_round()
            lesson.start_times.append(time.perf_counter())
            lesson.started[round_number].set()
            deadline = time.perf_counter() + args.round_timeout
            while (len(results.settled[round_number] | results.left) < sessions
                   and time.perf_counter() < deadline):
                await asyncio.sleep(0.2)
            await teacher.reveal_round()
            cpu = results.tree.sample()[0] - cpu_before if results.tree and cpu_before is not None else None
            seconds = time.perf_counter() - lesson.start_times[-1]
            report = round_report(round_number + 1, sessions, results, seconds, cpu, lesson.start_times[-1] - called,
                                  time.perf_counter() - called)
            results.rounds.append(report)
            print(f"  round {round_number + 1}: {report['answered']} of {sessions} answered {seconds:.1f} s after its "
                  f"start; had it within 2 s {report['saw_within_2s']}, within 3 s {report['saw_within_3s']} (of "
                  f"{report['saw']}); p95 round_visible {report['p95_round_visible_s']} s, p95 answer "
                  f"{report['p95_answer_s']} s; server CPU {report['server_cpu_s']} s ({report['server_cores']} "
                  f"cores); {load_line()}", flush=True)
            if len(results.answered[round_number]) < sessions:
                results.notes.append(f"round {round_number + 1}: {len(results.answered[round_number])} of {sessions} "
                                     f"answered within {args.round_timeout:.0f} s")
            await asyncio.sleep(args.reveal_pause)
        await teacher.end_class()
    except Exception as exc:  # noqa: BLE001
        results.error("teacher", f"{type(exc).__name__}: {exc}")
        for event in lesson.started:
            event.set()
    finally:
        lesson.over.set()


# ------------------------------------------------------------------------------------------------ browsers

IDLE = """() => !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
  && !document.querySelector("[data-testid='stSpinner']")"""
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
ROUND_TITLE = "Round {number}: which candidate is the same character as the query?"  # drawn by the component


async def browser_checks(url: str, count: int, lesson: Lesson | None, args: argparse.Namespace,
                         results: Results) -> list[dict]:
    """``count`` real Chromium sessions, during the load: each joins the class and sees every round drawn by the
    page's component, then /roc shows its figure and /verify its verdict. Each check: seconds, or the error."""
    checks: list[dict] = []
    if count <= 0:
        return checks

    async def failed(name: str, started: float, where: str, exc: Exception, context: str = "",
                     page: object = None) -> None:
        """A check that raised: its time until then and the exception's first line, in the checks and the errors;
        a screenshot of the page then, in the temporary folder (its path in the check)."""
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        checks.append({"check": name, "ok": False, "seconds": round(time.perf_counter() - started, 2),
                       "error": message})
        results.error(where, context + message)
        if page is not None:
            shot = Path(tempfile.gettempdir()) / f"bench-classroom-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"
            with contextlib.suppress(Exception):
                await page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
                checks[-1]["screenshot"] = str(shot)

    async def check(context: object, name: str, path: str, selector: str, text: str | None = None) -> None:
        page = await context.new_page()  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            await page.goto(url + path, wait_until="commit", timeout=args.timeout * 1000)
            locator = page.locator(selector)
            if text:
                locator = locator.filter(has_text=text)
            await locator.first.wait_for(state="visible", timeout=args.timeout * 1000)
            await page.wait_for_function(IDLE, timeout=args.timeout * 1000)
            shown_errors = await page.locator(ERRORS).count()
            checks.append({"check": name, "ok": shown_errors == 0, "seconds": round(time.perf_counter() - started, 2),
                           **({"error": f"{shown_errors} error elements"} if shown_errors else {})})
            if shown_errors:
                results.error(f"browser {name}", f"{shown_errors} error elements on {path}")
        except Exception as exc:  # noqa: BLE001
            await failed(name, started, f"browser {name}", exc, page=page)
        finally:
            await page.close()

    async def join_class(context: object, number: int) -> None:
        """Join as a student would in a browser, then see each round drawn by the page's component: its title
        "Round N: which candidate ..." within ``--round-timeout`` of the round's start (seconds from the start)."""
        assert lesson is not None
        page = await context.new_page()  # type: ignore[attr-defined]
        started = time.perf_counter()
        name = "class page shows each round"
        rounds_seen: list[float] = []
        settled = False
        try:
            await page.goto(f"{url}/class?class={lesson.code}", wait_until="commit")
            nickname = page.get_by_label("Nickname (shown on the projector)")
            await nickname.fill(f"browser{number}", timeout=args.timeout * 1000)
            await page.get_by_role("button", name="Join the class").click(timeout=args.timeout * 1000)
            await nickname.wait_for(state="detached", timeout=args.timeout * 1000)
            joined_s = time.perf_counter() - started
            lesson.browser_settled()
            settled = True
            for index in range(lesson.rounds):
                await asyncio.wait_for(lesson.started[index].wait(), args.timeout + args.round_timeout * 3)
                if index >= len(lesson.start_times):
                    raise RuntimeError(f"round {index + 1} was not started (the teacher failed)")
                await page.get_by_text(ROUND_TITLE.format(number=index + 1)).first.wait_for(
                    state="visible", timeout=args.round_timeout * 1000)
                rounds_seen.append(round(time.perf_counter() - lesson.start_times[index], 2))
            shown_errors = await page.locator(ERRORS).count()
            ok = shown_errors == 0
            checks.append({"check": name, "ok": ok, "seconds": round(time.perf_counter() - started, 2),
                           "join_s": round(joined_s, 2), "round_visible_s": rounds_seen,
                           **({} if ok else {"error": f"{shown_errors} error elements"})})
            if not ok:
                results.error(f"browser {number}", f"class page: {shown_errors} error elements")
        except Exception as exc:  # noqa: BLE001
            await failed(name, started, f"browser {number}", exc,
                         f"class page (rounds seen {len(rounds_seen)} of {lesson.rounds}): ", page)
            checks[-1]["round_visible_s"] = rounds_seen
        finally:
            if not settled:
                lesson.browser_settled()
            await page.close()

    async def one(browser: object, number: int) -> None:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        try:
            if lesson is not None and lesson.rounds:
                await join_class(context, number)
            else:
                await asyncio.sleep(args.stagger + 2)  # while the students are busy
            await check(context, "/roc shows its figure", "/roc", "[data-testid='stPlotlyChart']")
            await check(context, "/verify shows a verdict", "/verify", "[data-testid='stMetric']", "verdict")
        finally:
            await context.close()

    try:
        from playwright.async_api import async_playwright

        from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                       args=CHROMIUM_FLAGS)
            try:
                await asyncio.gather(*(one(browser, n) for n in range(count)))
            finally:
                await browser.close()
    finally:
        if lesson is not None:
            lesson.browsers_ready.set()  # whatever happened, the teacher waits no longer
    return checks


# ------------------------------------------------------------------------------------------------ runs


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


async def lesson_run(url: str, args: argparse.Namespace, tree: ProcessTree | None) -> dict:
    results = Results(tree=tree)
    lesson: Lesson | None = None
    why_not = None if args.no_class else class_unavailable()
    if why_not is None and args.url and not os.environ.get("ONESHOT_DATABASE_URL"):
        why_not = "--url without ONESHOT_DATABASE_URL: the teacher's side must use the server's database"
    if args.no_class:
        why_not = "--no-class"
    teacher_task = None
    if why_not is None:
        teacher = Teacher(args.ways, args.model)
        lesson = Lesson(code=await teacher.start_class(f"bench {args.sessions} sessions"), rounds=args.rounds)
        lesson.started = [asyncio.Event() for _ in range(args.rounds)]
        lesson.browsers = max(args.browsers, 0) if args.rounds else 0
        if lesson.browsers == 0:
            lesson.browsers_ready.set()
        print(f"class {lesson.code}: {args.rounds} rounds of {args.ways} ways", flush=True)
    else:
        results.notes.append(f"class part skipped: {why_not}")
        print(f"class part skipped: {why_not}", flush=True)
    started = time.perf_counter()
    browsers = asyncio.create_task(browser_checks(url, args.browsers, lesson, args, results))
    projector_task = None
    if lesson is not None:
        if not args.no_projector:
            projector_task = asyncio.create_task(projector(url, lesson, args, results))
        teacher_task = asyncio.create_task(teach(teacher, lesson, args.sessions, args, results))
    await asyncio.gather(*(student(n, url, lesson, args, results) for n in range(args.sessions)))
    if teacher_task is not None:
        await teacher_task
    if projector_task is not None:
        await projector_task
    checks = await browsers
    return {"results": results, "checks": checks, "wall_s": time.perf_counter() - started, "class_skipped": why_not}


async def cold_wave(url: str, args: argparse.Namespace, wave: str) -> dict:
    """N new sessions open ``--cold-page`` at once; each one's seconds to its first completed run."""
    results = Results()

    async def visit(number: int) -> None:
        session = StreamlitSession(url, name=f"{wave}{number:02d}", timeout=args.timeout, fetch_media=not args.no_media)
        try:
            results.times["first_render"].append(await session.open(args.cold_page))
        except Exception as exc:  # noqa: BLE001
            results.error(session.name, f"{type(exc).__name__}: {exc}")
        finally:
            results.errors.extend(f"{session.name}: {e}" for e in session.stats.errors)
            await session.close()

    await asyncio.gather(*(visit(n) for n in range(args.sessions)))
    return {"results": results}


def class_figures(results: Results, args: argparse.Namespace) -> dict:
    """The class part's own figures: script runs of the students' sessions (to join; while the rounds ran, which
    the component's routes should make none; for the end of the class) and the projector's, the class routes'
    answers by status, and each round's line."""
    to_join, in_rounds, at_end = (sum(runs[i] for runs in results.class_runs) for i in range(3))
    student_rounds = len(results.class_runs) * args.rounds
    return {
        "script_runs_per_student_round": round(in_rounds / student_rounds, 3) if student_rounds else None,
        "class_script_runs": {"students": len(results.class_runs), "to_join": to_join, "during_rounds": in_rounds,
                              "at_end": at_end, "projector": results.projector_runs},
        "class_http": dict(sorted(results.http.items())) | {"kb_received": round(results.http_bytes / 1024, 1)},
        "rounds": results.rounds,
    }


def report_times(times: dict[str, list[float]], kinds: tuple[str, ...]) -> dict[str, dict]:
    return {kind: summary(times.get(kind, [])) for kind in kinds}


def print_times(table: dict[str, dict]) -> None:
    print("\n| interaction | count | p50 (s) | p95 (s) | max (s) | target p95 (s) |")
    print("|---|---|---|---|---|---|")
    for kind, row in table.items():
        cells = " | ".join("-" if row[k] is None else f"{row[k]:.3f}" for k in ("p50_s", "p95_s", "max_s"))
        print(f"| {kind} | {row['count']} | {cells} | {TARGETS_S.get(kind, '')} |")


def error_kinds(errors: list[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for error in errors:
        what = error.split(": ", 1)[1] if ": " in error else error
        counts[what.split(":")[0][:60]] += 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5, help="simulated students (WebSocket sessions)")
    parser.add_argument("--url", help="drive this server instead of starting one (http://127.0.0.1:8501)")
    parser.add_argument("--server-pid", type=int, nargs="*", help="with --url: the server processes to sample")
    parser.add_argument("--server-ports", type=int, nargs="*",
                        help="with --url: sample the processes listening on these ports (a cluster's replicas and "
                             "balancer), instead of the URL's")
    parser.add_argument("--json", type=Path, help="write the figures there")
    parser.add_argument("--cold", action="store_true", help="first visits of N sessions at once on a fresh server")
    parser.add_argument("--cold-page", default="/roc", help="the page of --cold")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--ways", type=int, default=20, help="candidates per round (the page offers 5, 10, 20)")
    parser.add_argument("--model", default="default", help="the model that plays the rounds")
    parser.add_argument("--slider-moves", type=int, default=5)
    parser.add_argument("--verify", choices=("upload", "sample"), default="upload")
    parser.add_argument("--browsers", type=int, default=1, help="real Chromium sessions checking the pages (0-3)")
    parser.add_argument("--think", type=float, default=2.0, help="a student's pause between actions: up to S seconds")
    parser.add_argument("--stagger", type=float, default=3.0, help="students arrive within S seconds")
    parser.add_argument("--round-timeout", type=float, default=180.0,
                        help="the teacher reveals a round when every student answered, or after S seconds")
    parser.add_argument("--reveal-pause", type=float, default=2.0, help="seconds between a reveal and the next round")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds allowed for one page run")
    parser.add_argument("--no-class", action="store_true", help="leave out the class part")
    parser.add_argument("--idle-poll", type=float, default=0.0,
                        help="before the first round, with every student long-polling the class's stage, measure "
                             "the server's CPU for S seconds")
    parser.add_argument("--no-projector", action="store_true", help="no session on the projector's page")
    parser.add_argument("--no-media", action="store_true", help="do not fetch the images a page shows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    shared_environment()
    if args.cold and args.url:
        parser.error("--cold starts its own fresh server; leave out --url")

    print(f"{args.sessions} sessions; {load_line()} at the start; uptime: "
          f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", flush=True)
    load_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    server = None
    if args.url:
        url = args.url.rstrip("/")
        ports = args.server_ports or [urlsplit(url).port or 80]
        pids = args.server_pid or sorted({pid for port in ports for pid in listening_pids(port)})
        note = (f"server processes {pids} (listening on {ports})" if pids else
                "server not sampled (no pid found)")
        print(note)
    else:
        if args.cold:
            from lab.siamese.code_store import remove_stored_codes  # noqa: PLC0415

            removed = remove_stored_codes(REPO / "models" / "default.keras")
            print(f"cold: removed {len(removed)} stored code files of the shipped model")
        log = workdir / "streamlit.log"
        started = time.perf_counter()
        server, url = start_server(workdir, log)
        pids = [server.pid]
        print(f"server {url} healthy after {time.perf_counter() - started:.1f} s (log {log}; database "
              f"{os.environ['ONESHOT_DATABASE_URL']})", flush=True)
    tree = ProcessTree(pids) if pids else None
    client_cpu_start = own_cpu_seconds()
    own_tree = ProcessTree([os.getpid()])
    children_start = own_tree.sample()[0] - client_cpu_start - (tree.sample()[0] if server is not None else 0.0)
    try:
        out: dict = {"sessions": args.sessions, "url": url if args.url else "own server", "cpus": os.cpu_count(),
                     "load_average_start": [round(x, 2) for x in load_start], "process_sampling": tree and tree.source}
        if args.cold:
            waves = {}
            for wave in ("cold", "warm"):
                with Sampler(tree) as sampler, CodeWatcher(REPO / "models") as watcher:  # type: ignore[arg-type]
                    client_before = own_cpu_seconds()
                    wave_result = asyncio.run(cold_wave(url, args, wave))
                    client_cpu = own_cpu_seconds() - client_before
                figures = sampler.figures()
                res = wave_result["results"]
                waves[wave] = {"first_render": summary(res.times["first_render"]), "errors": len(res.errors),
                               "error_kinds": error_kinds(res.errors), "server": figures,
                               "client_cpu_s": round(client_cpu, 2),
                               "code_files_written": sorted(name for name, _, _ in watcher.versions)}
                print(f"{wave}: {args.sessions} first visits of {args.cold_page} at once: "
                      f"{waves[wave]['first_render']}; server {figures}; client CPU {client_cpu:.2f} s; "
                      f"errors {len(res.errors)}; code files written {len(watcher.versions)} "
                      f"{sorted(name for name, _, _ in watcher.versions)}", flush=True)
                for error in res.errors[:10]:
                    print(f"  {error}")
            out |= {"mode": "cold", "page": args.cold_page, "waves": waves,
                    "errors": sum(w["errors"] for w in waves.values()),
                    "code_computations": len(waves["cold"]["code_files_written"]),
                    "server_cpu_s_cold_minus_warm": round(waves["cold"]["server"]["cpu_s"]
                                                          - waves["warm"]["server"]["cpu_s"], 2)}
            print(f"server CPU: cold wave {waves['cold']['server']['cpu_s']} s, warm wave "
                  f"{waves['warm']['server']['cpu_s']} s")
        else:
            sampler = Sampler(tree) if tree else None
            if sampler:
                sampler.__enter__()
            try:
                run = asyncio.run(lesson_run(url, args, tree))
            finally:
                if sampler:
                    sampler.__exit__(None, None, None)
            results: Results = run["results"]
            client_cpu = own_cpu_seconds() - client_cpu_start
            table = report_times(results.times, (*INTERACTIONS, "round_visible", "class_end", "projector_rerun"))
            out |= {
                "mode": "lesson", "errors": len(results.errors), "error_kinds": error_kinds(results.errors),
                "error_examples": results.errors[:20],
                "error_alerts": len(results.error_alerts), "error_alert_examples": results.error_alerts[:5],
                "p95_s": {k: table[k]["p95_s"] for k in ("join", "answer", "slider", "verify", "verify_pair")},
                "interactions": table, "targets_p95_s": TARGETS_S, "class_skipped": run["class_skipped"],
                "notes": results.notes, "browser_checks": run["checks"], "wall_s": round(run["wall_s"], 1),
                "idle_class_page": results.idle_poll, **class_figures(results, args),
                "server": sampler.figures() if sampler else None,
                "client": {"cpu_s": round(client_cpu, 2), "mean_cores": round(client_cpu / run["wall_s"], 2),
                           "runs_seen": results.runs, "auto_reruns_sent": results.auto_reruns,
                           "mb_received": round(results.bytes_received / 2**20, 1)},
                "settings": {k: getattr(args, k) for k in ("rounds", "ways", "slider_moves", "verify", "browsers",
                                                           "think", "stagger", "seed", "no_projector", "no_media")},
            }
            # Chromium and Playwright's driver: this process's children other than the server.
            children = own_tree.sample()[0] - own_cpu_seconds() - (tree.sample()[0] if server is not None else 0.0)
            browser_cpu = round(max(children - children_start, 0.0), 2)
            out["browser_cpu_s"] = browser_cpu
            print_times(table)
            print(f"\nerrors: {len(results.errors)} {out['error_kinds']}; wrong answers' error boxes (content, not "
                  f"counted): {len(results.error_alerts)}")
            for error in results.errors[:10]:
                print(f"  {error}")
            for note in results.notes:
                print(f"note: {note}")
            print(f"class: script runs per student and round {out['script_runs_per_student_round']} "
                  f"({out['class_script_runs']}); class routes {out['class_http']}")
            for check in run["checks"]:
                print(f"browser: {check}")
            print(f"server: {out['server']}")
            print(f"client: {out['client']}; browsers' CPU (Chromium, Playwright's driver) {browser_cpu} s")
        out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        print(f"{load_line()} at the end", flush=True)
        if args.json:
            args.json.write_text(json.dumps(out, indent=2))
    finally:
        if server is not None:
            stop_server(server)


if __name__ == "__main__":
    main()
