"""A class of N students on one server: N concurrent sessions driven at the protocol level, a few real browsers.

Each simulated student is one WebSocket session of :mod:`bench.st_client` (asyncio, one process: a rerun costs the
client a few milliseconds of CPU, where a headless Chromium context costs seconds), and does what a student does in
a lesson, with a human pause (``--think``) between actions:

1. **join** the class: open ``/class?class=CODE``, type a nickname (``nickname``) and click Join (``class_join``);
   timed from the click until the page shows the student in the class;
2. **answer** ``--rounds`` questions: the teacher (this script, through ``lab.classroom`` on the same database) starts
   a round; the student waits until the round's buttons (``answer_0`` ... ``answer_{N-1}``, in a fragment that
   reruns every second) are on the page, clicks one and is timed until the page confirms the answer; the teacher
   reveals the round once every student has answered (or after ``--round-timeout``);
3. **slider**: on ``/roc``, moves the threshold slider (``threshold``, views/verification.py) ``--slider-moves``
   times, each timed until the page's caption shows the new threshold;
4. **verify**: on ``/verify``, switches both photos to Upload and uploads a pair of photos of ``$FACES_DIR`` (each
   student another pair), timed from the second upload until the verdict is shown (``verify``) and from the first
   upload (``verify_pair``).

Alongside, ``--browsers`` real headless Chromium sessions (Playwright, the e2e tests' Chromium and flags) check that
the pages still render for a browser under that load: the class page shows the round's answer buttons, ``/roc`` its
figure, ``/verify`` its verdict.

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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.st_client import ProtocolError, StreamlitSession  # noqa: E402
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
        from lab.workflows.evaluation import load_evaluation  # noqa: PLC0415

        self.api, self.role = classroom, Role.TEACHER
        self.ways = ways
        self.evaluation = load_evaluation(model_name)
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
    if not (REPO / "views" / "classroom.py").is_file():
        return "views/classroom.py is not in this checkout (the class page has not landed)"
    try:
        import lab.workflows.classroom  # noqa: F401, PLC0415
    except ImportError as exc:
        return f"lab.workflows.classroom cannot be imported: {exc}"
    return None


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
    live: list[StreamlitSession] = field(default_factory=list)  # every session, for counts while they run
    tree: ProcessTree | None = None  # the server's processes
    idle_poll: dict = field(default_factory=dict)
    auto_reruns: int = 0
    runs: int = 0
    bytes_received: int = 0

    def error(self, who: str, what: str) -> None:
        self.errors.append(f"{who}: {what}")


@dataclass
class Lesson:
    """What the students share: the class code, and one event per round the teacher started."""

    code: str = ""
    rounds: int = 0
    started: list[asyncio.Event] = field(default_factory=list)
    start_times: list[float] = field(default_factory=list)
    over: asyncio.Event = field(default_factory=asyncio.Event)


def answer_buttons(session: StreamlitSession) -> list[str]:
    """The keys of the answer buttons on the page that can be clicked."""
    keys = []
    for widget in session.widgets():
        if widget.kind == "button" and "-answer_" in widget.id and not widget.proto.disabled:  # type: ignore
            keys.append(widget.id.rsplit("-", 1)[1])
    return sorted(keys)


def joined(session: StreamlitSession) -> bool:
    """The page shows the student in the class (the join form is gone, "You are NICKNAME in class CODE")."""
    return not session.has_widget("class_join") and session.has_text("You are **")


def round_open(number: int) -> object:
    """Round ``number`` (from 1) is on the page with its answer buttons."""
    def shown(session: StreamlitSession) -> bool:
        return session.has_text(f"Round {number}:") and bool(answer_buttons(session))
    return shown


def buttons_gone(session: StreamlitSession) -> bool:
    return not answer_buttons(session)


def answer_recorded(session: StreamlitSession) -> bool:
    """The page names the student's choice: waiting for the reveal, or already revealed ("Right!", "you picked")."""
    return any(session.has_text(text) for text in ("Your answer: candidate", "Right! Candidate", "you picked"))


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


async def class_part(session: StreamlitSession, number: int, lesson: Lesson, args: argparse.Namespace,
                     results: Results, rng: random.Random) -> None:
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
    for round_number in range(1, lesson.rounds + 1):
        if session.closed is not None:
            results.left.add(number)
            break
        try:
            await asyncio.wait_for(lesson.started[round_number - 1].wait(), args.round_timeout * 3)
            await session.wait_for(round_open(round_number), args.round_timeout)
        except (ProtocolError, TimeoutError) as exc:
            results.error(who, f"round {round_number}: the answer buttons never came: {exc}")
            results.settled[round_number - 1].add(number)
            if session.closed is not None:
                break
            continue
        results.times["round_visible"].append(time.perf_counter() - lesson.start_times[round_number - 1])
        await think(args, rng)
        buttons = answer_buttons(session)
        if not buttons:
            results.error(who, f"round {round_number}: the answer buttons went away before a click")
            results.settled[round_number - 1].add(number)
            continue
        try:
            seconds = await session.click(rng.choice(buttons), until=buttons_gone)
            if answer_recorded(session):
                results.times["answer"].append(seconds)
                results.answered[round_number - 1].add(number)
            else:
                results.error(who, f"answer: not recorded (the page shows {session.texts()[-3:]})")
        except Exception as exc:  # noqa: BLE001
            results.error(who, f"answer: {type(exc).__name__}: {exc}")
        finally:
            results.settled[round_number - 1].add(number)


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


async def projector(url: str, lesson: Lesson, args: argparse.Namespace, results: Results) -> None:
    """The projector's page (``/class?class=CODE&host=1``) open for the whole lesson, as in a lecture: it polls the
    database every second like the students' pages. It needs a teacher session, which every session is while no
    lecturer password is set (the bench's own server); with a password it only shows a note, and is left out."""
    session = StreamlitSession(url, name="projector", timeout=args.timeout, fetch_media=not args.no_media)
    try:
        await session.open("/class", f"class={lesson.code}&host=1")
        if not session.has_widget("round_start"):
            results.notes.append("projector page not shown (a lecturer password is set): left out")
            return
        await lesson.over.wait()
    except Exception as exc:  # noqa: BLE001
        results.error("projector", f"{type(exc).__name__}: {exc}")
    finally:
        results.errors.extend(f"projector: {e}" for e in session.stats.errors)
        results.auto_reruns += session.stats.auto_reruns_sent
        await session.close()


async def measure_idle_polls(sessions: int, args: argparse.Namespace, results: Results) -> None:
    """Before the first round, with every student in: the server's CPU seconds per poll of the class page (each
    student's fragment reruns every second, and nothing changes)."""
    deadline = time.perf_counter() + args.timeout
    while len(results.joined | results.left) < sessions and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    if results.tree is None:
        return
    polls_before = sum(s.stats.auto_reruns_sent for s in results.live)
    cpu_before, started = results.tree.sample()[0], time.perf_counter()
    await asyncio.sleep(args.idle_poll)
    cpu = results.tree.sample()[0] - cpu_before
    seconds = time.perf_counter() - started
    polls = sum(s.stats.auto_reruns_sent for s in results.live) - polls_before
    results.idle_poll = {"students": len(results.joined), "seconds": round(seconds, 1), "polls": polls,
                         "polls_per_s": round(polls / seconds, 1), "server_cpu_s": round(cpu, 2),
                         "server_cores": round(cpu / seconds, 2),
                         "server_cpu_ms_per_poll": round(1000 * cpu / polls, 1) if polls else None}
    print(f"  idle class page: {results.idle_poll}", flush=True)


async def teach(teacher: Teacher, lesson: Lesson, sessions: int, args: argparse.Namespace, results: Results) -> None:
    """Start each round, wait until every student answered (or the round's timeout), reveal, go on."""
    try:
        if args.idle_poll > 0:
            await measure_idle_polls(sessions, args, results)
        for round_number in range(lesson.rounds):
            await teacher.start_round()
            lesson.start_times.append(time.perf_counter())
            lesson.started[round_number].set()
            deadline = time.perf_counter() + args.round_timeout
            while (len(results.settled[round_number] | results.left) < sessions
                   and time.perf_counter() < deadline):
                await asyncio.sleep(0.2)
            print(f"  round {round_number + 1}: {len(results.answered[round_number])} of {sessions} answered "
                  f"{time.perf_counter() - lesson.start_times[-1]:.1f} s after its start; {load_line()}", flush=True)
            if len(results.answered[round_number]) < sessions:
                results.notes.append(f"round {round_number + 1}: {len(results.answered[round_number])} of {sessions} "
                                     f"answered within {args.round_timeout:.0f} s")
            await teacher.reveal_round()
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


async def browser_checks(url: str, count: int, lesson: Lesson | None, args: argparse.Namespace,
                         results: Results) -> list[dict]:
    """``count`` real Chromium sessions, during the load: the class page shows the round's answer buttons, /roc its
    figure, /verify its verdict. Each check: seconds to render, or the error."""
    if count <= 0:
        return []
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path

    checks: list[dict] = []

    def failed(name: str, started: float, where: str, exc: Exception, context: str = "") -> None:
        """A check that raised: its time until then and the exception's first line, in the checks and the errors."""
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        checks.append({"check": name, "ok": False, "seconds": round(time.perf_counter() - started, 2),
                       "error": message})
        results.error(where, context + message)

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
            failed(name, started, f"browser {name}", exc)
        finally:
            await page.close()

    async def join_class(context: object, number: int) -> None:
        """Join as a student would in a browser, then wait for a round's drawings and answer buttons."""
        page = await context.new_page()  # type: ignore[attr-defined]
        started = time.perf_counter()
        name = "class page shows the round"
        try:
            await page.goto(f"{url}/class?class={lesson.code}", wait_until="commit")  # type: ignore[union-attr]
            nickname = page.get_by_label("Nickname (shown on the projector)")
            await nickname.fill(f"browser{number}", timeout=args.timeout * 1000)
            await page.get_by_role("button", name="Join the class").click(timeout=args.timeout * 1000)
            await page.get_by_text(re.compile(r"Round \d+: which candidate")).first.wait_for(
                state="visible", timeout=args.round_timeout * 3000)
            await page.locator("[data-testid='stImage']").nth(1).wait_for(state="visible", timeout=args.timeout * 1000)
            images = await page.locator("[data-testid='stImage']").count()
            shown_errors = await page.locator(ERRORS).count()
            ok = images >= 2 and shown_errors == 0
            checks.append({"check": name, "ok": ok, "seconds": round(time.perf_counter() - started, 2),
                           "images": images, **({} if ok else {"error": f"{images} images, {shown_errors} errors"})})
            if not ok:
                results.error(f"browser {number}", f"class page: {images} images, {shown_errors} error elements")
        except Exception as exc:  # noqa: BLE001
            failed(name, started, f"browser {number}", exc, "class page: ")
        finally:
            await page.close()

    async def one(browser: object, number: int) -> None:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        try:
            if lesson is not None and lesson.rounds:
                await asyncio.wait_for(lesson.started[0].wait(), args.round_timeout * 3)
                await join_class(context, number)
            await check(context, "/roc shows its figure", "/roc", "[data-testid='stPlotlyChart']")
            await check(context, "/verify shows a verdict", "/verify", "[data-testid='stMetric']", "verdict")
        finally:
            await context.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        try:
            await asyncio.sleep(args.stagger + 2)  # while the students are busy
            await asyncio.gather(*(one(browser, n) for n in range(count)))
        finally:
            await browser.close()
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
                        help="before the first round, measure the server's CPU per poll for S seconds")
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
            table = report_times(results.times, (*INTERACTIONS, "round_visible"))
            out |= {
                "mode": "lesson", "errors": len(results.errors), "error_kinds": error_kinds(results.errors),
                "error_examples": results.errors[:20],
                "error_alerts": len(results.error_alerts), "error_alert_examples": results.error_alerts[:5],
                "p95_s": {k: table[k]["p95_s"] for k in ("join", "answer", "slider", "verify", "verify_pair")},
                "interactions": table, "targets_p95_s": TARGETS_S, "class_skipped": run["class_skipped"],
                "notes": results.notes, "browser_checks": run["checks"], "wall_s": round(run["wall_s"], 1),
                "idle_class_page": results.idle_poll,
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
