"""The model store as a table (for st.table on the home and training pages): one row per model, its owner in words
and its figures as readable text, in the session's language and its numbers' format."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab.formatting import format_percent, format_seconds
from lab.i18n import _
from lab.siamese.registry import OWNER_CLI, OWNER_SHIPPED
from lab.siamese.store import ModelInfo

if TYPE_CHECKING:
    import pandas as pd


def owner_label(info: ModelInfo, me: str | None = None) -> str:
    """Who made a model, in words: a session's id means nothing to a class, so it is "you" or "another session"
    (with the name typed on the training page, when there is one)."""
    if info.owner == OWNER_SHIPPED or (info.owner is None and info.shipped):
        return _("shipped with the lab")
    if info.owner == OWNER_CLI:
        return _("command line")
    if info.owner is None:
        return "-"
    label = _("you (this session)") if me is not None and info.owner == me else _("another session")
    trained_by = info.metadata.get("trained_by")
    return f"{label} ({trained_by})" if isinstance(trained_by, str) and trained_by.strip() else label


def models_table(models: list[ModelInfo], me: str | None = None) -> pd.DataFrame:
    """One row per stored model, with its owner (``me``: this session's id, ui.roles.session_owner) and its figures
    as readable text (for st.table), in the session's language."""
    import pandas as pd  # here: the command line imports this module and never draws a table

    rows = []
    for info in models:
        metrics, config = info.metadata.get("metrics", {}), info.metadata.get("config", {})
        rows.append({
            _("model"): info.name, _("owner"): owner_label(info, me),
            _("tower"): info.metadata.get("architecture", "-"),
            _("loss"): info.metadata.get("loss", "-"),
            _("steps"): info.metadata.get("steps_done", config.get("steps", "-")),  # as run: fewer after a Stop
            _("batch (pairs)"): config.get("batch_size", "-"),
            _("Lake 20-way"): format_percent(metrics["lake_accuracy"]) if "lake_accuracy" in metrics else "-",
            _("evaluation pairs"): format_percent(metrics["pair_accuracy"], 2) if "pair_accuracy" in metrics else "-",
            _("training time"): (format_seconds(info.metadata["training_seconds"])
                                 if "training_seconds" in info.metadata else "-"),
            _("saved (UTC)"): info.metadata.get("saved_at", "-"),
            _("shipped with the lab"): _("yes") if info.shipped else _("no"),
        })
    return pd.DataFrame(rows).set_index(_("model"))
