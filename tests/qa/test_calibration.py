"""bench/calibrate.py's weight of following a conversation, against its closed form."""

from __future__ import annotations

import importlib.util
import math
from types import ModuleType

import numpy as np

from tests.conftest import ROOT


def _calibrate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "bench" / "calibrate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_follow_up_offset_is_the_log_odds_shift_the_outcomes_need() -> None:
    offset = _calibrate()._offset
    # A model that says 50% where 80% of follow-ups are right: the shift is logit(0.8),
    # nearly, with the L2 penalty pulling it a little towards 0 (less so with more data).
    y = np.array([1] * 800 + [0] * 200)
    b = offset(np.zeros(len(y)), y, 1.0)
    assert math.log(4) - 0.01 < b < math.log(4)
    # The maximum of the penalised likelihood: its derivative is zero there.
    p = 1 / (1 + math.exp(-b))
    assert abs((y - p).sum() - b) < 1e-6
    # A model already right on them needs none; one too sure needs a negative shift.
    assert abs(offset(np.full(10, math.log(4)), np.array([1] * 8 + [0] * 2), 1.0)) < 0.01
    assert offset(np.full(20, 3.0), np.array([1] * 10 + [0] * 10), 1.0) < -2
    assert offset(np.zeros(0), np.zeros(0), 1.0) == 0.0
