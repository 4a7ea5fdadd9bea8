"""When the archive speaks of what a question asks: matching passages counted per year, month
or day, with the cited ones marked (the chat draws it under each answer; a bar asks again for
its period).

"Matching" is a wider lexical count than the answer's few passages: every passage whose BM25
score for the question's words (on the side in the asker's language) or for their dictionary
translation (on the other side, qa/crosslang.py) is at least :data:`SHARE` of what a passage
holding each of those words once would score, up to :data:`MAX_MATCHES` per side: roughly,
passages holding half of what the question asks, its rare words weighing most. It counts over
the whole archive, whatever date filter the question was asked with, so that another period
can be chosen.
"""

from __future__ import annotations

import calendar
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from index.lexical import SIDES, LexicalIndex, tokenize
from index.records import PassageFacts
from qa.crosslang import QUESTION_WORDS, Translation

# A passage matches when it scores at least this share of what a passage holding each of the
# question's words once would score.
SHARE = 0.5
# At most this many passages are counted per side.
MAX_MATCHES = 1000


@dataclass(frozen=True)
class Bar:
    label: str  # "1946", "1946-05" or "1946-05-14"
    date_from: str  # YYYY-MM-DD, the first day the bar covers
    date_to: str  # YYYY-MM-DD, the last
    count: int  # matching passages in the period
    cited: int  # of them, passages the answer cites


@dataclass(frozen=True)
class Timeline:
    unit: str  # "year", "month" or "day"
    bars: tuple[Bar, ...]

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)


def matching(
    lexical: LexicalIndex,
    question: str,
    language: str,
    translation: Translation | None = None,
    *,
    share: float = SHARE,
    limit: int = MAX_MATCHES,
) -> set[str]:
    """Ids of the passages that hold at least ``share`` of what the question's words score in a
    passage holding each of them once: on the side in the asker's language with its own words,
    on the other side with its dictionary translation."""
    queries: list[tuple[str, dict[str, float]]] = []
    if language in SIDES:
        asking = _question_tokens()
        words = [t for t in tokenize(question, bigrams=False) if t not in asking]
        own = {t: float(w) for t, w in Counter(words).items()}
        if own:
            queries.append((language, own))
    fulls = [lexical.once_score(w, side) for side, w in queries]
    if translation and translation.side != language and translation.weights:
        queries.append((translation.side, translation.weights))
        fulls.append(_translated_full(lexical, translation))
    found: set[str] = set()
    for (side, weights), full in zip(queries, fulls, strict=True):
        if full <= 0:
            continue
        for pid, score in lexical.search_weighted(weights, side, limit):
            if score >= share * full:
                found.add(pid)
    return found


@functools.cache
def _question_tokens() -> frozenset[str]:
    """Index tokens of the words that ask ("how", "what", "怎么样"): not what is asked about."""
    return frozenset(tokenize(" ".join(sorted(QUESTION_WORDS)), bigrams=False))


def _translated_full(lexical: LexicalIndex, translation: Translation) -> float:
    """What a passage holding one translation of each of the question's terms scores (its
    best-scoring one): a term's other translations are alternatives, not further words."""
    total = 0.0
    for term in translation.terms:
        best = 0.0
        for target, w in term.targets:
            toks = set(tokenize(target))
            if toks:
                weights = {tok: w / len(toks) for tok in toks}
                best = max(best, lexical.once_score(weights, translation.side))
        total += best
    return total


def _unit(dates: list[str]) -> str:
    years = {d[:4] for d in dates}
    first, last = min(dates), max(dates)
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
    if len(years) > 2 or months > 24:
        return "year"
    return "month" if months > 2 else "day"


def _periods(first: str, last: str, unit: str) -> Iterable[tuple[str, str, str]]:
    """(label, first day, last day) of each period from ``first`` to ``last``, gaps included."""
    y, m, d = int(first[:4]), int(first[5:7]), int(first[8:10])
    while True:
        if unit == "year":
            label, start, end = f"{y:04d}", f"{y:04d}-01-01", f"{y:04d}-12-31"
            y += 1
        elif unit == "month":
            days = calendar.monthrange(y, m)[1]
            label, start, end = (
                f"{y:04d}-{m:02d}",
                f"{y:04d}-{m:02d}-01",
                f"{y:04d}-{m:02d}-{days:02d}",
            )
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        else:
            label = start = end = f"{y:04d}-{m:02d}-{d:02d}"
            if d < calendar.monthrange(y, m)[1]:
                d += 1
            else:
                y, m, d = (y + 1, 1, 1) if m == 12 else (y, m + 1, 1)
        yield label, start, end
        if end >= last:
            return


def _valid(date: str) -> bool:
    return len(date) == 10 and date[4] == "-" and date[7] == "-" and date.replace("-", "").isdigit()


def timeline(
    matched: Iterable[str], cited: Iterable[str], facts: Mapping[str, PassageFacts]
) -> Timeline | None:
    """Bars over the matched and cited passages' dates (cited ones count as matching): by year
    over more than two years, by month over more than two months, else by day. None when no
    passage has a date."""
    cited_ids = set(cited)
    dates: list[str] = []
    cited_dates: list[str] = []
    for pid in set(matched) | cited_ids:
        f = facts.get(pid)
        if f is None or not _valid(f.date):
            continue
        dates.append(f.date)
        if pid in cited_ids:
            cited_dates.append(f.date)
    if not dates:
        return None
    unit = _unit(dates)
    width = {"year": 4, "month": 7, "day": 10}[unit]
    counts = Counter(d[:width] for d in dates)
    cites = Counter(d[:width] for d in cited_dates)
    bars = tuple(
        Bar(label, start, end, counts[label], cites[label])
        for label, start, end in _periods(min(dates), max(dates), unit)
    )
    return Timeline(unit, bars)
