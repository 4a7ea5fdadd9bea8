"""Pair English paragraphs with their Chinese originals (Gale-Church style when counts differ)."""

from __future__ import annotations

import math
from collections.abc import Sequence

# (English paragraphs, Chinese paragraphs) consumed by one step, and its prior probability
# (Gale & Church 1993, widened to 3-1 / 1-3 because translators merge and split paragraphs).
_STEPS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.005,
    (0, 1): 0.005,
    (2, 1): 0.04,
    (1, 2): 0.04,
    (2, 2): 0.011,
    (3, 1): 0.005,
    (1, 3): 0.005,
}
_VARIANCE = 6.8  # Gale & Church's s^2, per character of the English side


def _norm_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal beyond |z|."""
    return math.erfc(abs(z) / math.sqrt(2))


def _match_cost(len_en: int, len_zh: int, ratio: float) -> float:
    if len_en == 0 and len_zh == 0:
        return 0.0
    mean = (len_en + len_zh / ratio) / 2  # in English characters
    delta = (len_zh / ratio - len_en) / math.sqrt(max(mean, 1.0) * _VARIANCE)
    return -math.log(max(_norm_sf(delta), 1e-300))


def align(en: Sequence[str], zh: Sequence[str]) -> list[tuple[list[int], list[int]]]:
    """Groups of (English indices, Chinese indices) in order; every paragraph is used once.

    Equal counts pair one to one. Otherwise a dynamic programme over length ratios picks
    1-1, 2-1, 1-2, 2-2, 3-1, 1-3 merges (and, rarely, a paragraph with no counterpart).
    """
    n, m = len(en), len(zh)
    if n == m:
        return [([i], [i]) for i in range(n)]
    if n == 0 or m == 0:
        return [([i], []) for i in range(n)] + [([], [j]) for j in range(m)]
    len_en = [len(p) for p in en]
    len_zh = [len(p) for p in zh]
    ratio = max(sum(len_zh), 1) / max(sum(len_en), 1)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), prior in _STEPS.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                c = (
                    cost[i][j]
                    - math.log(prior)
                    + _match_cost(sum(len_en[i:ni]), sum(len_zh[j:nj]), ratio)
                )
                if c < cost[ni][nj]:
                    cost[ni][nj] = c
                    back[ni][nj] = (di, dj)
    groups: list[tuple[list[int], list[int]]] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        groups.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    groups.reverse()
    return groups
