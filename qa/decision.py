"""Answer or abstain: a logistic model fitted on evidence features, not hand-set thresholds.

``qa/calibration.json`` holds two logistic regressions (scikit-learn's, fitted by
``bench/calibrate.py`` on the dev splits of XQuAD, the seeds, the May 1946 month and the
near-miss set; reported on the test splits in docs/benchmarks.md): one for a best passage in
the asker's language, one for a passage only in the other language. Each gives the probability
that the best passage is the right one; the assistant answers when it reaches the model's
threshold (the operating point chosen on the dev splits). Only NumPy-free arithmetic runs at
ask time: a dot product and a sigmoid.

A question whose years, dates or numbers the passage does not meet is never answered
(``constraints`` is a hard rule as well as a feature): "The archive gives figures for 1965,
not 2020 [1]." Nor is a question about an office's holder over a passage that does not name
the office (``missing_office``: "济宁日报的社长是谁？"), nor a yes/no question about a later
outcome over a passage that does not report it (``missing_outcome``: "…后来挖通了吗？"), nor a
question for the name of a role's holder over a passage that speaks of the role and names no
one in it (``missing_name``: "…的是哪位工人？")."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qa.evidence import FEATURES, Evidence

CALIBRATION = Path(__file__).with_name("calibration.json")
# "The archive does not say: it gives 1965, not 2020" needs this share of the threshold.
UNMET_SHARE = 0.5


def ruled_out(evidence: Evidence, constraints: bool = True) -> bool:
    """The hard rules, before any model: an office the passage does not name, a later outcome
    it does not report, a role whose holder it does not name, a kind of place it names none
    of, a thing asked how many of that it gives no number of, and (with ``constraints``) a
    year or number it does not meet."""
    return (
        bool(evidence.missing_office)
        or bool(evidence.missing_outcome)
        or bool(evidence.missing_name)
        or bool(evidence.missing_place)
        or bool(evidence.missing_count)
        or (constraints and not evidence.constraints)
    )


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def probability(self, evidence: Evidence) -> float:
        values = dict(zip(FEATURES, evidence.vector(), strict=True))
        z = self.intercept
        for name, c, m, s in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            z += c * (values[name] - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(
            tuple(data["features"]),
            tuple(float(c) for c in data["coef"]),
            float(data["intercept"]),
            tuple(float(m) for m in data["mean"]),
            tuple(float(s) for s in data["scale"]),
            float(data["threshold"]),
        )


@dataclass(frozen=True)
class Calibration:
    own: Model
    cross: Model

    def model(self, evidence: Evidence) -> Model:
        return self.own if evidence.own_language else self.cross

    def probability(self, evidence: Evidence) -> float:
        return self.model(evidence).probability(evidence)

    def supports(self, evidence: Evidence, constraints: bool = True) -> bool:
        """``constraints=False``: would it answer were the question's years and numbers met
        (the model weighs them too)?"""
        if ruled_out(evidence, constraints):
            return False
        threshold = self.model(evidence).threshold
        if not constraints:
            # Naming a year the passage lacks also lowers its other evidence (the year is a
            # rare word it does not hold): half the threshold, with the year counted as met.
            evidence = replace(evidence, constraints=True)
            threshold *= UNMET_SHARE
        return self.probability(evidence) >= threshold


@functools.cache
def load(path: Path = CALIBRATION) -> Calibration | None:
    """The fitted calibration, or ``None`` when there is none (before the first fit)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Calibration(Model.from_dict(data["own"]), Model.from_dict(data["cross"]))
    except (OSError, ValueError, KeyError):
        return None


# Before any fit: the thresholds the previous releases used (docs/benchmarks.md, "Abstention").
MIN_DENSE = 0.82
MIN_COVERAGE = 0.30
SURE_DENSE_Z = 4.0
CROSS_DENSE_Z = 2.5
CROSS_MIN_DENSE = 0.75


def supports(
    evidence: Evidence, calibration: Calibration | None = None, *, constraints: bool = True
) -> bool:
    """Answer from this evidence? The calibrated model when there is one, else the old rule.
    ``constraints=False``: would it, were the question's years and numbers met?"""
    calibration = calibration or load()
    if calibration is not None:
        return calibration.supports(evidence, constraints)
    if ruled_out(evidence, constraints):
        return False
    if not evidence.own_language:
        return evidence.dense_z >= CROSS_DENSE_Z and evidence.dense >= CROSS_MIN_DENSE
    if evidence.dense_z >= SURE_DENSE_Z:
        return True
    return evidence.dense >= MIN_DENSE and evidence.coverage >= MIN_COVERAGE
