"""Long names in narrow select boxes: Streamlit's select box is a one-line text field that cuts a long value off at
its right edge, where model names differ ("...-bce-5000" vs "...-triplet-5000"). Shown shortened in the middle,
so that both ends stay readable; the full name is in the box's help and in the caption under it."""

from __future__ import annotations

FITS = 26  # characters that fit the sidebar select box (checked on a 1280x720 screenshot)


def short_name(name: str, fits: int = FITS) -> str:
    """``name`` itself if it fits; else its start and end around an ellipsis, ``fits`` characters in all."""
    if len(name) <= fits:
        return name
    head = (fits - 1) // 2 + 1
    return f"{name[:head]}…{name[len(name) - (fits - 1 - head):]}"


def short_names(names: list[str], fits: int = FITS) -> dict[str, str]:
    """The label of each name for a select box: :func:`short_name`, or the full name where two would look alike."""
    shown = {name: short_name(name, fits) for name in names}
    taken = list(shown.values())
    return {name: label if taken.count(label) == 1 else name for name, label in shown.items()}
