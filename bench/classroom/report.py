"""The class bench's report: each interaction's percentiles against its target, the errors by kind, the class's
own figures (script runs, the class routes' answers, each round's line), printed and as the JSON's keys."""

from __future__ import annotations

import argparse
from collections import defaultdict

from bench.classroom.lesson import Results
from bench.harness.statistics import summary

INTERACTIONS = ("join", "answer", "slider", "verify", "verify_pair")
TIMED = (*INTERACTIONS, "round_visible", "class_end", "projector_rerun")
TARGETS_S = {"answer": 1.0, "slider": 1.0, "verify": 3.0}


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


def lesson_figures(run: dict, args: argparse.Namespace, server: dict | None, client_cpu: float) -> dict:
    """The lesson's figures for the JSON: errors, each interaction's percentiles (``p95_s``, ``interactions``), the
    class's own figures (``idle_class_page``, script runs, routes, rounds), the server's and the client's CPU."""
    results: Results = run["results"]
    table = report_times(results.times, TIMED)
    return {
        "mode": "lesson", "errors": len(results.errors), "error_kinds": error_kinds(results.errors),
        "error_examples": results.errors[:20],
        "p95_s": {k: table[k]["p95_s"] for k in INTERACTIONS},
        "interactions": table, "targets_p95_s": TARGETS_S, "class_skipped": run["class_skipped"],
        "notes": results.notes, "browser_checks": run["checks"], "wall_s": round(run["wall_s"], 1),
        "idle_class_page": results.idle_poll, **class_figures(results, args),
        "server": server,
        "client": {"cpu_s": round(client_cpu, 2), "mean_cores": round(client_cpu / run["wall_s"], 2),
                   "runs_seen": results.runs, "auto_reruns_sent": results.auto_reruns,
                   "mb_received": round(results.bytes_received / 2**20, 1)},
        "settings": {k: getattr(args, k) for k in ("rounds", "ways", "slider_moves", "verify", "browsers",
                                                   "think", "stagger", "seed", "no_projector", "no_media")},
    }


def print_lesson(out: dict, run: dict) -> None:
    """The lesson's figures (:func:`lesson_figures`) as the bench prints them at its end."""
    results: Results = run["results"]
    print_times(out["interactions"])
    print(f"\nerrors: {len(results.errors)} {out['error_kinds']}")
    for error in results.errors[:10]:
        print(f"  {error}")
    for note in results.notes:
        print(f"note: {note}")
    print(f"class: script runs per student and round {out['script_runs_per_student_round']} "
          f"({out['class_script_runs']}); class routes {out['class_http']}")
    for check in run["checks"]:
        print(f"browser: {check}")
    print(f"server: {out['server']}")
    print(f"client: {out['client']}; browsers' CPU (Chromium, Playwright's driver) {out['browser_cpu_s']} s")
