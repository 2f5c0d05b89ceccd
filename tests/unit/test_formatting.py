"""Deltas that round to zero are no deltas."""

from __future__ import annotations

from lab.formatting import signed_change


def test_a_difference_that_rounds_to_zero_is_none() -> None:
    assert signed_change(0.0) is None
    assert signed_change(0.00004) is None and signed_change(-0.00004) is None
    assert signed_change(0.004, digits=2, suffix="from DeepFace's") is None


def test_a_real_difference_is_signed_with_its_suffix() -> None:
    assert signed_change(0.05, suffix="from DeepFace's") == "+0.0500 from DeepFace's"
    assert signed_change(-0.00006) == "-0.0001"
    assert signed_change(1.5, digits=1) == "+1.5"
