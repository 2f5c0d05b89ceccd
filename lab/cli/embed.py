"""``python -m lab embed IMAGE... --out FILE.npy``: one row of codes per drawing, in the order given."""

from __future__ import annotations

import argparse
from pathlib import Path

from lab.errors import StorageError
from lab.workflows.coded_set import FEATURE_LAYERS


def add_parser(groups: argparse._SubParsersAction) -> None:
    embed = groups.add_parser(
        "embed", help="write the embeddings of drawings to a .npy file",
        description="Each image (PNG, JPEG, ...; resized to 105x105, dark strokes are ink) becomes one row of "
        "the output array, in the order given.",
    )
    embed.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    embed.add_argument("--out", type=Path, required=True, metavar="FILE.npy")
    embed.add_argument("--model", default="default")
    embed.add_argument("--layer", choices=FEATURE_LAYERS, default="embedding")
    embed.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from lab.files import atomic_write
    from lab.images import read_drawing, read_upload_file
    from lab.siamese.store import load_model
    from lab.workflows.coded_set import codes_of

    out = args.out if args.out.suffix == ".npy" else args.out.with_name(args.out.name + ".npy")
    for target in {args.out, out}:
        if target.is_dir():
            raise StorageError(f"--out {target} is a folder; give the file to write, e.g. {target / 'embeddings.npy'}")
    if not out.parent.is_dir():
        raise StorageError(f"the folder {out.parent} does not exist")
    drawings = [read_drawing(read_upload_file(path, "drawing"), str(path)).ink for path in args.images]
    model, info = load_model(args.model)
    codes = codes_of(model, np.stack(drawings), args.layer)
    try:
        atomic_write(out, lambda temporary: np.save(temporary, codes))
    except OSError as exc:
        raise StorageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"Wrote {out}: {codes.shape[0]} rows (one per image, in the order given) of {codes.shape[1]} values "
          f"({args.layer} of model {info.name}).")
    return 0
