"""``python -m lab class start|round|reveal|end|show``: run a live class from a terminal (the Class page's workflow).

Whoever runs the command line can reach the database and the model files anyway, so it acts as the teacher. The
students still join on the Class page (``/class?class=CODE``) of a server on the same database.
"""

from __future__ import annotations

import argparse

from lab.cli.common import print_json


def add_parser(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("class", help="run a live class: start it, run N-way rounds, reveal, end",
                              description="Students join on the Class page (/class?class=CODE) of a server that "
                              "shares this database ($ONESHOT_DATABASE_URL, default the SQLite file).")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser("start", help="start a class and print its join code")
    start.add_argument("--title", default="One-shot class")
    start.add_argument("--json", action="store_true")
    start.set_defaults(run=start_class)
    round_ = commands.add_parser("round", help="start the next round (the model answers it too)")
    round_.add_argument("code")
    round_.add_argument("--ways", type=int, default=20, choices=(5, 10, 20))
    round_.add_argument("--model", default="default")
    round_.add_argument("--json", action="store_true")
    round_.set_defaults(run=start_round)
    for name, run, text in (("reveal", reveal, "close the current round and show its answers"),
                            ("end", end, "end the class"), ("show", show, "the class's state and leaderboard")):
        command = commands.add_parser(name, help=text)
        command.add_argument("code")
        command.add_argument("--json", action="store_true")
        command.set_defaults(run=run)


def start_class(args: argparse.Namespace) -> int:
    from lab.roles import Role
    from lab.workflows.classroom import start_class as start

    info = start(args.title, role=Role.TEACHER)
    if args.json:
        print_json({"code": info.code, "title": info.title})
    else:
        print(f"Class {info.code} started: students open /class?class={info.code} on the lab's server.")
    return 0


def start_round(args: argparse.Namespace) -> int:
    from lab.roles import Role
    from lab.workflows.classroom import start_round as start

    task = start(args.code, args.ways, role=Role.TEACHER, model_name=args.model)
    if args.json:
        print_json({"round": task.number, "ways": task.ways, "answer": task.answer + 1,
                    "model_answer": task.model_answer + 1})
    else:
        print(f"Round {task.number} ({task.ways} candidates) is open. The model ({task.model_name}) picked "
              f"candidate {task.model_answer + 1}.")
    return 0


def reveal(args: argparse.Namespace) -> int:
    from lab.roles import Role
    from lab.workflows.classroom import reveal as close

    task = close(args.code, role=Role.TEACHER)
    print("No round yet." if task is None else f"Round {task.number}: the answer was candidate {task.answer + 1}.")
    return 0


def end(args: argparse.Namespace) -> int:
    from lab.roles import Role
    from lab.workflows.classroom import end as finish

    finish(args.code, role=Role.TEACHER)
    return show(args)


def show(args: argparse.Namespace) -> int:
    from lab.workflows.classroom import HUMANS_PUBLISHED, class_state, class_summary

    state, summary = class_state(args.code), class_summary(args.code)
    board = [{"name": row.name, "model": row.is_model, "right": row.correct, "answered": row.answered,
              "mean_seconds": row.mean_seconds} for row in state.leaderboard]
    figures = {"code": state.info.code, "title": state.info.title, "ended": state.info.ended, "players": state.players,
               "rounds": summary.rounds, "answers": summary.answers, "class_accuracy": summary.class_accuracy,
               "model_accuracy": summary.model_accuracy, "humans_published": HUMANS_PUBLISHED, "leaderboard": board}
    if args.json:
        print_json(figures)
        return 0
    print(f"Class {state.info.code} ({state.info.title}){' - ended' if state.info.ended else ''}: "
          f"{state.players} students, {summary.rounds} rounds, {summary.answers} answers.")
    if summary.class_accuracy is not None:
        print(f"  class {summary.class_accuracy:.1%} right; the model {summary.model_accuracy:.1%}; "
              f"Lake's humans {HUMANS_PUBLISHED:.1%}")
    for rank, row in enumerate(board, start=1):
        mean = f"{row['mean_seconds']:.2f} s" if row["mean_seconds"] is not None else "-"
        print(f"  {rank:>2}. {row['name']}: {row['right']} of {row['answered']} right, mean time {mean}")
    return 0
