"""Browsing the archive by date: years, then months, then days, then the articles of a day.

Every level is read off the catalog's date index (index/catalog.py), never by loading the
articles, and no page lists more than a screenful: a year has 12 months, a month 31 days, and a
day's articles come :data:`PAGE_SIZE` at a time (ordered by page, as printed). The list of years
counts the whole archive, so it is kept until the index changes.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from index.catalog import Catalog
from index.records import Article

PAGE_SIZE = 30
UNDATED = "undated"
_PERIOD = re.compile(r"\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")


class PeriodError(ValueError):
    """Not a period of the archive; the message says what is."""


@dataclass(frozen=True)
class Period:
    key: str  # "1946", "1946-05", "1946-05-15" or "undated"
    articles: int


@dataclass(frozen=True)
class Day:
    date: str  # YYYY-MM-DD, or "" for undated articles
    articles: list[Article]
    total: int
    page: int  # from 1
    pages: int


def check_period(text: str) -> str:
    """``text`` if it is a year, a month or a day (YYYY, YYYY-MM, YYYY-MM-DD) or "undated"."""
    if text == UNDATED or _PERIOD.fullmatch(text):
        return text
    raise PeriodError(
        f"{text[:40]!r} is not a period of the archive: use YYYY, YYYY-MM or YYYY-MM-DD"
    )


_years: dict[tuple[str, str], list[Period]] = {}
_lock = threading.Lock()


def within(catalog: Catalog, period: str = "") -> list[Period]:
    """The years of the archive (``period`` ""), the months of a year or the days of a month,
    each with its number of articles; undated articles are one more entry, "undated"."""
    if period:
        return [Period(k, n) for k, n in catalog.periods(period) if k]
    key = (str(catalog.path), catalog.stamp())
    with _lock:
        cached = _years.get(key)
    if cached is None:
        cached = [Period(k or UNDATED, n) for k, n in catalog.periods("")]
        cached.sort(key=lambda p: (p.key == UNDATED, p.key))
        with _lock:
            _years.clear()  # one index per process: the newest counts only
            _years[key] = cached
    return cached


def day(catalog: Catalog, date: str, page: int = 1) -> Day:
    """The articles of ``date`` (or of "undated"), page ``page`` (kept within the pages)."""
    on = "" if date == UNDATED else date
    total = catalog.count_on(on)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    articles = catalog.articles_on(on, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return Day(on, articles, total, page, pages)
