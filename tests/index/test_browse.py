"""Browsing by date: the catalog's counts per year, month and day, a day's articles a page at a
time, and the checks on what a URL may ask for (no model, no vectors: the catalog alone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.catalog import Catalog
from index.records import Article, Passage
from qa import browse


def _put(catalog: Catalog, n: int, date: str, page: str) -> None:
    aid = f"{date or 'undated'}_{page}_{n:03d}"
    article = Article(aid, f"{aid}.md", title_zh=f"标题{n}", date=date, page=page)
    passage = Passage(f"{aid}#p1", aid, 1, "", f"正文{n}", date=date, page=page)
    catalog.put(f"{aid}.md", "sha", article, [passage])


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    c = Catalog(tmp_path / "catalog.sqlite3")
    for n in range(70):  # 70 articles on one day, over pages 1-12 of the paper
        _put(c, n, "1946-05-15", str(12 - n % 12))
    _put(c, 0, "1946-06-01", "1")
    _put(c, 0, "1966-01-11", "1")
    _put(c, 0, "", "")
    return c


def test_counts_per_year_month_and_day(catalog: Catalog) -> None:
    years = browse.within(catalog)
    assert [(p.key, p.articles) for p in years] == [
        ("1946", 71),
        ("1966", 1),
        ("undated", 1),
    ]
    assert [(p.key, p.articles) for p in browse.within(catalog, "1946")] == [
        ("1946-05", 70),
        ("1946-06", 1),
    ]
    assert [(p.key, p.articles) for p in browse.within(catalog, "1946-05")] == [("1946-05-15", 70)]
    assert browse.within(catalog, "1950") == []


def test_a_day_comes_a_screenful_at_a_time_in_page_order(catalog: Catalog) -> None:
    first = browse.day(catalog, "1946-05-15")
    assert (first.total, first.page, first.pages) == (70, 1, 3)
    assert len(first.articles) == browse.PAGE_SIZE
    pages = [int(a.page) for a in first.articles]
    assert pages == sorted(pages) and pages[0] == 1  # as printed: page 1 first, not "10"
    last = browse.day(catalog, "1946-05-15", 99)  # beyond the end: the last page
    assert last.page == 3 and len(last.articles) == 10
    seen = {a.id for p in (1, 2, 3) for a in browse.day(catalog, "1946-05-15", p).articles}
    assert len(seen) == 70
    assert browse.day(catalog, "undated").articles[0].date == ""
    assert browse.day(catalog, "1946-05-16").total == 0


def test_the_years_are_counted_again_when_the_index_changes(catalog: Catalog) -> None:
    assert browse.within(catalog)[0].articles == 71
    _put(catalog, 1, "1946-06-02", "1")
    assert browse.within(catalog)[0].articles == 71  # kept until the index changes
    catalog.bump()
    assert browse.within(catalog)[0].articles == 72


@pytest.mark.parametrize("text", ["1946-13", "1946-5", "19460", "xyz", "1946-05-32", "", "<b>"])
def test_what_is_not_a_period_is_refused_with_what_is(text: str) -> None:
    with pytest.raises(browse.PeriodError, match="use YYYY, YYYY-MM or YYYY-MM-DD"):
        browse.check_period(text)
    assert browse.check_period("1946-05-15") == "1946-05-15"
