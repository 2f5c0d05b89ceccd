"""``python -m lab data fetch|check|info|extract``: the Omniglot files."""

from __future__ import annotations

import argparse
import sys
import time

from lab.cli.common import DownloadProgress, data_dir_option, print_json
from lab.errors import LabError


def add_parser(groups: argparse._SubParsersAction) -> None:
    data = groups.add_parser("data", help="get, check and describe the Omniglot files")
    data.set_defaults(run=run)
    data_commands = data.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = data_dir_option()

    fetch = data_commands.add_parser(
        "fetch",
        parents=[common],
        help="download the official archives (skips valid files already there)",
        description="Download images_background.zip, images_evaluation.zip and all_runs.zip from "
        "github.com/brendenlake/omniglot into the data folder. Interrupted downloads resume; each file is "
        "checked by size, md5 and content before it gets its final name.",
    )
    fetch.add_argument("--set", choices=("all", "background", "evaluation", "runs"), default="all")

    data_commands.add_parser(
        "check",
        parents=[common],
        help="decode and verify every file (also builds the fast array cache)",
        description="Decode every drawing of both sets and read Lake's 20 runs, checking the official counts "
        "(30 + 20 alphabets, 964 + 659 characters, 20 drawings of 105x105 each). Exits 1 if anything is wrong.",
    )

    info = data_commands.add_parser(
        "info",
        parents=[common],
        help="show the folders in use, which files are there, and characters per alphabet",
    )
    info.add_argument("--json", action="store_true", help="print a JSON object instead of text")

    extract = data_commands.add_parser(
        "extract",
        parents=[common],
        help="unzip the image sets into folders beside the zips (safely and atomically)",
    )
    extract.add_argument("--set", choices=("all", "background", "evaluation"), default="all")


def run(args: argparse.Namespace) -> int:
    return {"fetch": _fetch, "check": _check, "info": _info, "extract": _extract}[args.command](args)


def _fetch(args: argparse.Namespace) -> int:
    from lab.data.fetch import FILE_KEYS, fetch

    keys = FILE_KEYS if args.set == "all" else (args.set,)
    failures = 0
    for key in keys:
        try:
            path, summary = fetch(key, args.data_dir, progress=DownloadProgress(key))
            print(f"{key}: {path} ({summary})")
        except LabError as exc:
            print(f"{key}: FAILED: {exc}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def _check(args: argparse.Namespace) -> int:
    from lab.config import omniglot_dir
    from lab.data.fetch import FILE_KEYS, check_file
    from lab.data.lake_runs import runs_path
    from lab.data.omniglot import SPECS, load_set

    failures = 0
    folder = omniglot_dir(args.data_dir)
    for key in FILE_KEYS:
        started = time.perf_counter()
        try:
            if key in SPECS:
                data = load_set(key, args.data_dir)  # decodes every drawing (and fills the array cache)
                summary = (
                    f"{len(data.alphabets)} alphabets, {data.n_characters} characters, "
                    f"{data.images.shape[0] * data.images.shape[1]} drawings of {data.images.shape[2]}x"
                    f"{data.images.shape[3]} pixels"
                )
            else:
                summary = check_file(key, runs_path(args.data_dir))
            print(f"OK     {key}: {summary} ({folder}, {time.perf_counter() - started:.1f} s)")
        except LabError as exc:
            print(f"FAILED {key}: {exc}")
            failures += 1
    return 1 if failures else 0


def _info(args: argparse.Namespace) -> int:
    from lab.config import array_cache_dir, omniglot_dir
    from lab.data.fetch import status
    from lab.data.omniglot import SPECS, load_set

    info: dict[str, object] = {
        "data_dir": str(omniglot_dir(args.data_dir)),
        "cache_dir": str(array_cache_dir()),
        "files": {},
    }
    for state in status(args.data_dir):
        entry: dict[str, object] = {"path": str(state.path), "present": state.present, "extracted": state.extracted}
        if state.present:
            entry["bytes"] = state.path.stat().st_size
        if state.available and state.key in SPECS:
            try:
                data = load_set(state.key, args.data_dir)
                entry["characters_per_alphabet"] = data.characters_per_alphabet()
            except LabError as exc:
                entry["error"] = str(exc)
        info["files"][state.key] = entry  # type: ignore[index]
    if args.json:
        print_json(info)
        return 0
    print(f"Data folder:  {info['data_dir']}  (set OMNIGLOT_DIR or --data-dir to change it)")
    print(f"Array cache:  {info['cache_dir']}  (set ONESHOT_CACHE_DIR to change it)")
    for key, entry in info["files"].items():  # type: ignore[union-attr]
        where = "zip" if entry["present"] else ("folder" if entry["extracted"] else "MISSING")
        size = f", {entry['bytes'] / 1e6:.1f} MB" if "bytes" in entry else ""
        print(f"\n{key}: {where}{size}")
        if "error" in entry:
            print(f"  ERROR: {entry['error']}")
        for alphabet, count in entry.get("characters_per_alphabet", {}).items():
            print(f"  {alphabet:<45} {count:>3} characters")
    return 0


def _extract(args: argparse.Namespace) -> int:
    from lab.data.fetch import extract

    keys = ("background", "evaluation") if args.set == "all" else (args.set,)
    for key in keys:
        print(f"{key}: extracted to {extract(key, args.data_dir)}")
    return 0
