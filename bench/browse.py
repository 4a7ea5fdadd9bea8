"""Server time of /browse and /handout on a large catalog (issue I: p95 <= 150 ms at 100k).

    .venv/bin/python bench/browse.py --source data [--passages 100000] [--requests 200]

Builds (once, under data/bench/browse-<N>/) a catalog of about ``--passages`` passages by
copying the real articles of ``--source`` (an index of seeds/: the month of May 1946 and the
two seeds) again and again under new ids, 30 articles a day on pages 1-8 from 1946-05-15 on, as
the archive has them. No vectors: /browse reads the catalog only. Then times, in this process,
what each route's handler does (the catalog queries and the page's HTML; the HTTP layer is
not in it): the years page (first call, then cached), a year's months, a month's days, a random
day's articles (a random page of it), a random article's page with its word cards, and the
handout page of 20 random passages (its link decoded, the passages looked up by key, the page
with the gloss of each Chinese-only passage).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from _common import BENCH_DATA, load_note, machine, peak_rss_mb, percentile, setup

setup()

from dataclasses import replace  # noqa: E402

from index.catalog import Catalog  # noqa: E402
from index.settings import Settings  # noqa: E402
from qa import browse, handout  # noqa: E402
from qa.dictionary import open_dictionary  # noqa: E402
from ui import browse as pages  # noqa: E402
from ui import handout as pages_handout  # noqa: E402
from ui.render import passage_page  # noqa: E402

PER_DAY = 30


def build(source: Path, target: Path, passages: int) -> Catalog:
    if target.exists():
        catalog = Catalog(target)
        if catalog.counts()[1] >= passages:
            return catalog
        catalog.close()
        for f in target.parent.glob(target.name + "*"):
            f.unlink()  # an interrupted build: start again
    catalog = Catalog(target)
    real = Catalog(source / "catalog.sqlite3")
    originals = [(a, real.passages_of(a.id)) for a in real.iter_articles()]
    if not originals:
        sys.exit(f"error: {source}: no articles (index seeds/ into it first)")
    start = date(1946, 5, 15)
    n = made = 0
    t0 = time.perf_counter()
    while made < passages:
        article, parts = originals[n % len(originals)]
        day = (start + timedelta(days=n // PER_DAY)).isoformat()
        page = str(1 + (n % PER_DAY) % 8)
        aid = f"{day}_{n:07d}"
        copy = replace(article, id=aid, path=f"{aid}.md", date=day, page=page)
        copies = [
            replace(p, id=f"{aid}#p{p.order}", article_id=aid, date=day, page=page) for p in parts
        ]
        catalog.put(copy.path, "bench", copy, copies)
        made += len(copies)
        n += 1
        if n % 5000 == 0:
            print(f"  {made:,} passages, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    catalog.bump()
    return catalog


def timed(fn: object, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, required=True, help="an index of seeds/ (data dir)")
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    target = BENCH_DATA / f"browse-{args.passages}" / "catalog.sqlite3"
    catalog = build(args.source, target, args.passages)
    articles, passages = catalog.counts()
    years = browse.within(catalog)
    rng = random.Random(7)
    months = [
        m.key for y in years if y.key != browse.UNDATED for m in browse.within(catalog, y.key)
    ]
    days = [d.key for m in months[:24] for d in browse.within(catalog, m)]
    ids = [a.id for a in browse.day(catalog, days[len(days) // 2]).articles]
    dictionary = open_dictionary(Settings().model_cache)

    def first_years() -> None:
        catalog.bump()  # the years are counted again after a change
        pages.periods_page("", browse.within(catalog))

    def a_year() -> None:
        y = rng.choice([y.key for y in years if y.key != browse.UNDATED])
        pages.periods_page(y, browse.within(catalog, y))

    def a_month() -> None:
        m = rng.choice(months)
        pages.periods_page(m, browse.within(catalog, m))

    def a_day() -> None:
        d = rng.choice(days)
        pages.day_page(browse.day(catalog, d, rng.randint(1, 2)))

    def an_article() -> None:
        aid = rng.choice(ids)
        a = catalog.article(aid)
        assert a is not None
        passage_page(a, catalog.passages_of(aid), None, dictionary, pages.article_nav(a))

    every = [
        pid
        for d in days[:40]
        for a in browse.day(catalog, d).articles[:1]
        for pid in [f"{a.id}#p1"]
    ]

    def a_handout() -> None:
        ids = tuple(rng.sample(every, 20))
        token = handout.encode(
            handout.Handout("Week 3 / 第三周", "Read before class.", ids, ("Q?",))
        )
        pages_handout.handout_page(handout.resolve(catalog, token), token, dictionary)

    rows = [
        ("years, counted (after a change)", timed(first_years, 10)),
        (
            "years, kept",
            timed(lambda: pages.periods_page("", browse.within(catalog)), args.requests),
        ),
        ("a year's months", timed(a_year, args.requests)),
        ("a month's days", timed(a_month, args.requests)),
        ("a day's articles (page 1-2)", timed(a_day, args.requests)),
        ("an article with its word cards", timed(an_article, args.requests)),
        ("a handout of 20 passages (decode, look up, page)", timed(a_handout, args.requests)),
    ]
    print(f"\n{machine()}")
    print(f"catalog {target}: {articles:,} articles, {passages:,} passages, {len(years)} years")
    print("| page | n | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, ts in rows:
        print(
            f"| {name} | {len(ts)} | {percentile(ts, 0.5):.1f} | {percentile(ts, 0.95):.1f} "
            f"| {max(ts):.1f} |"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB; {load_note()}")


if __name__ == "__main__":
    main()
