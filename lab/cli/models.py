"""``python -m lab models import FILE``: put a model file into the store from a terminal.

The app's upload box takes files up to the server's upload limit (20 MB: ``server.maxUploadSize``, so that no
visitor can fill the server's memory); the course's ``oneshot.h5`` (156 MB) comes in here instead. Whoever runs
the command line owns the model files anyway, so it acts as the teacher.
"""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

from lab.cli.common import print_json
from lab.errors import ModelFormatError
from lab.i18n import _

MAX_MODEL_BYTES = 512 * 1024 * 1024  # Koch's tower with its 4096-unit layer is 156 MB; a larger file is no model here


def add_parser(groups: argparse._SubParsersAction) -> None:
    group = groups.add_parser("models", help="the model store: import a model file")
    commands = group.add_subparsers(dest="command", required=True, metavar="COMMAND")
    imported = commands.add_parser("import", help="check a .keras model of this lab or the course's oneshot.h5 and "
                                   "store it (the app's upload box takes up to 20 MB)")
    imported.add_argument("file", type=Path)
    imported.add_argument("--name", help="store it under this name (default: the file's name)")
    imported.add_argument("--json", action="store_true")
    imported.set_defaults(run=import_model)


def read_model_file(path: Path) -> bytes:
    try:
        info = path.stat()
    except OSError as exc:
        raise ModelFormatError(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise ModelFormatError(_("{path} is not a regular file; give a .keras or .h5 model file.").format(path=path))
    if info.st_size > MAX_MODEL_BYTES:
        raise ModelFormatError(_("{path} is over {limit} MB, larger than any model of this lab.").format(
            path=path, limit=MAX_MODEL_BYTES // (1024 * 1024)))
    return path.read_bytes()


def import_model(args: argparse.Namespace) -> int:
    from lab.roles import Role
    from lab.siamese.registry import OWNER_CLI
    from lab.workflows.model_store import upload_model

    name = args.name or args.file.stem
    info = upload_model(read_model_file(args.file), args.file.name, name, Role.TEACHER, OWNER_CLI)
    if args.json:
        print_json({"name": info.name, "path": str(info.path)})
    else:
        print(f"Stored {args.file.name} as the model {info.name} ({info.path}).")
    return 0
