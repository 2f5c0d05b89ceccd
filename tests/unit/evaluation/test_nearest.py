"""Nearest-template classification on hand-made codes."""

from __future__ import annotations

import numpy as np
import pytest

from lab.evaluation.nearest import nearest_template
from tests.support.codes import perfect_codes


def test_nearest_template_right_and_confused() -> None:
    codes = perfect_codes(10, 10)
    result = nearest_template(codes)
    assert result.accuracy == 1.0 and result.predictions.shape == (10, 10) and result.confusions() == []
    # Character 1's queries (drawers 10-19) drawn like character 0: all taken for 0.
    codes[1, 10:] = codes[0, 0]
    confused = nearest_template(codes)
    assert confused.accuracy == pytest.approx(0.9)
    assert confused.confusions() == [(1, 0, 10)]
    assert confused.accuracy_by_group(np.array([0, 0] + [1] * 8)) == {0: 0.5, 1: 1.0}
    one_shot = nearest_template(perfect_codes(10, 10), template_drawers=(0,))
    assert one_shot.accuracy == 1.0 and one_shot.template_drawers == (0,)
    with pytest.raises(ValueError):
        nearest_template(codes, template_drawers=(0, 10))
