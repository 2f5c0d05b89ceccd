"""``python -m bench.classroom``: the class bench's command line (see :mod:`bench.classroom`): its own server or
``--url``'s, the lesson (or ``--cold``'s two waves), the report and the JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import bench.classroom
from bench.classroom.browsers import browser_checks
from bench.classroom.cold import cold_figures, remove_stored_codes
from bench.classroom.lesson import Lesson, Results
from bench.classroom.projector import projector
from bench.classroom.report import lesson_figures, print_lesson
from bench.classroom.students import student
from bench.classroom.teacher import Teacher, class_unavailable, teach
from bench.harness.machine import load_line
from bench.harness.processes import ProcessTree, listening_pids, own_cpu_seconds
from bench.harness.sampling import Sampler
from bench.harness.server import Server, shared_environment, start_server, stop_server


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=bench.classroom.__doc__.splitlines()[0])
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
    if args.cold and args.url:
        parser.error("--cold starts its own fresh server; leave out --url")
    return args


def own_server(workdir: Path) -> Server:
    """A fresh ``streamlit run app.py``: its own SQLite database (also this process's, for the teacher's side) and
    an empty model store (only the shipped model), on a free port."""
    os.environ["ONESHOT_DATABASE_URL"] = f"sqlite:///{workdir / 'class.sqlite'}"
    os.environ["ONESHOT_DATA_DIR"] = str(workdir / "data")
    os.environ["ONESHOT_MODELS_DIR"] = str(workdir / "models")
    os.environ.setdefault("ONESHOT_TRAINING_STANDBY", "0")
    (workdir / "models").mkdir(exist_ok=True)
    log = workdir / "streamlit.log"
    started = time.perf_counter()
    server = start_server(log)
    print(f"server {server.url} healthy after {time.perf_counter() - started:.1f} s (log {log}; database "
          f"{os.environ['ONESHOT_DATABASE_URL']})", flush=True)
    return server


def sampled_pids(args: argparse.Namespace, url: str) -> list[int]:
    """With ``--url``: the server processes to sample (``--server-pid``, or those listening on the ports)."""
    ports = args.server_ports or [urlsplit(url).port or 80]
    pids = args.server_pid or sorted({pid for port in ports for pid in listening_pids(port)})
    print(f"server processes {pids} (listening on {ports})" if pids else "server not sampled (no pid found)")
    return pids


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


def lesson_figures_of_run(url: str, args: argparse.Namespace, tree: ProcessTree | None, own_server_tree: bool) -> dict:
    """The lesson, with the server sampled meanwhile; its figures, printed. The client's CPU is this process's own;
    the browsers' (Chromium, Playwright's driver) is what this process's children spent, the server aside."""
    own_tree = ProcessTree([os.getpid()])
    client_cpu_start = own_cpu_seconds()
    server_cpu = (lambda: tree.sample()[0]) if own_server_tree and tree else (lambda: 0.0)
    children_start = own_tree.sample()[0] - client_cpu_start - server_cpu()
    sampler = Sampler(tree) if tree else None
    if sampler:
        sampler.__enter__()
    try:
        run = asyncio.run(lesson_run(url, args, tree))
    finally:
        if sampler:
            sampler.__exit__(None, None, None)
    out = lesson_figures(run, args, sampler.figures() if sampler else None, own_cpu_seconds() - client_cpu_start)
    children = own_tree.sample()[0] - own_cpu_seconds() - server_cpu()
    out["browser_cpu_s"] = round(max(children - children_start, 0.0), 2)
    print_lesson(out, run)
    return out


def main() -> None:
    args = arguments()
    shared_environment()
    print(f"{args.sessions} sessions; {load_line()} at the start; uptime: "
          f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", flush=True)
    load_start = os.getloadavg()
    server = None
    if args.url:
        url = args.url.rstrip("/")
        pids = sampled_pids(args, url)
    else:
        if args.cold:
            print(f"cold: removed {remove_stored_codes()} stored code files of the shipped model")
        server = own_server(Path(tempfile.mkdtemp(prefix="bench-classroom-")))
        url, pids = server.url, [server.pid]
    tree = ProcessTree(pids) if pids else None
    try:
        out: dict = {"sessions": args.sessions, "url": url if args.url else "own server", "cpus": os.cpu_count(),
                     "load_average_start": [round(x, 2) for x in load_start], "process_sampling": tree and tree.source}
        if args.cold:
            out |= cold_figures(url, args, tree)  # type: ignore[arg-type]
        else:
            out |= lesson_figures_of_run(url, args, tree, own_server_tree=server is not None)
        out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        print(f"{load_line()} at the end", flush=True)
        if args.json:
            args.json.write_text(json.dumps(out, indent=2))
    finally:
        if server is not None:
            stop_server(server)
