"""Long names shortened in the middle for narrow select boxes, never two alike."""

from __future__ import annotations

from ui.names import FITS, short_name, short_names


def test_short_name_keeps_both_ends() -> None:
    assert short_name("default") == "default"
    long = "koch-hard-negatives-triplet-20000-steps-lecture-demo"
    shown = short_name(long)
    assert len(shown) == FITS and shown.startswith("koch-hard-neg") and shown.endswith("lecture-demo") and "…" in shown


def test_short_names_fall_back_to_the_full_name_when_two_look_alike() -> None:
    a, b = "model-of-lecture-" + "bce" + "-with-twenty-thousand-steps", "model-of-lecture-" + "triplet" + "-with-twenty-thousand-steps"
    labels = short_names([a, b, "default", "z" * 40])
    assert labels[a] == a and labels[b] == b and labels["default"] == "default"
    assert labels["z" * 40] == short_name("z" * 40)
