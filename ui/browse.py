"""The pages of /browse: the archive by year, month and day, then the articles of a day.

Every title is escaped text (an article's title is the archive's, not HTML); links carry ids
percent-encoded. A breadcrumb leads back up, and every page links to the chat.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from index.records import Article
from qa.browse import PAGE_SIZE, UNDATED, Day, Period, PeriodError, check_period, day, within
from qa.service import Assistant
from ui.render import CSS, esc, passage_page

BROWSE_CSS = """
.aqa-nav{font-size:.95em;margin:4px 0 10px;overflow-wrap:anywhere}
.aqa-nav a{margin-right:2px}
.aqa-periods{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5em,1fr));gap:6px;
padding:0;list-style:none}
.aqa-periods a{display:block;padding:8px 10px;border:1px solid #ccc;border-radius:6px;
text-decoration:none;color:#0b3d91}
.aqa-periods a:hover,.aqa-periods a:focus{background:#eef3ff}
.aqa-periods small{display:block;color:#444}
.aqa-articles{padding:0;list-style:none}
.aqa-articles li{border-bottom:1px solid #ddd;padding:8px 0;overflow-wrap:anywhere}
.aqa-articles .aqa-zh{display:block}
.aqa-pg{font-size:1.05em;margin:14px 0 2px}
.aqa-pages{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin:12px 0}
a:focus-visible{outline:2px solid #1a56c4;outline-offset:2px}
"""

_MONTHS = "January February March April May June July August September October November December"


def browse_link(period: str = "") -> str:
    return "/browse" + (f"/{quote(period, safe='')}" if period else "")


def article_link(article_id: str) -> str:
    return "/browse/article/" + quote(article_id, safe="")


def _label(key: str) -> str:
    """ "1946" -> "1946"; "1946-05" -> "May 1946 / 1946年5月"; a day -> "15 May / 5月15日"."""
    if key == UNDATED:
        return "Undated / 无日期"
    parts = key.split("-")
    if len(parts) == 2:
        month = int(parts[1])
        return f"{_MONTHS.split()[month - 1]} {parts[0]} / {parts[0]}年{month}月"
    if len(parts) == 3:
        month, day = int(parts[1]), int(parts[2])
        return f"{day} {_MONTHS.split()[month - 1][:3]} / {month}月{day}日"
    return key


def crumbs(period: str = "", last: str = "") -> str:
    """Archive › 1946 › May 1946 › 15 May, each a link but the page's own."""
    steps = [("", "Archive / 档案")]
    if period and period != UNDATED:
        parts = period.split("-")
        steps += [
            ("-".join(parts[: i + 1]), _label("-".join(parts[: i + 1]))) for i in range(len(parts))
        ]
    elif period:
        steps.append((UNDATED, _label(UNDATED)))
    links = [f'<a href="{esc(browse_link(k))}">{esc(label)}</a>' for k, label in steps]
    if not last:
        links[-1] = f'<span aria-current="page">{esc(steps[-1][1])}</span>'
    else:
        links.append(f'<span aria-current="page">{esc(last)}</span>')
    chat = '<a href="/">Chat / 问答</a>'
    return f'<nav class="aqa-nav" aria-label="Breadcrumb / 导航">{chat} · {" › ".join(links)}</nav>'


def _page(title: str, nav: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} — archive-qa</title><style>{CSS}{BROWSE_CSS}</style></head>"
        f"<body>{nav}<main><h1>{esc(title)}</h1>{body}</main></body></html>"
    )


def periods_page(period: str, periods: list[Period]) -> str:
    """The years of the archive, the months of a year or the days of a month."""
    title = _label(period) if period else "Browse the archive / 浏览档案"
    if not periods:
        body = "<p>Nothing in the archive for this period / 此时期档案中没有文章。</p>"
    else:
        items = "".join(
            f'<li><a href="{esc(browse_link(p.key))}">{esc(_label(p.key))}'
            f"<small>{p.articles:,} article{'s' if p.articles != 1 else ''} / 篇</small></a></li>"
            for p in periods
        )
        body = f'<ul class="aqa-periods">{items}</ul>'
    return _page(title, crumbs(period), body)


def _article_item(a: Article) -> str:
    titles = ""
    if a.title_en:
        titles += f"<span>{esc(a.title_en)}</span>"
    if a.title_zh:
        titles += f'<span class="aqa-zh" lang="zh">{esc(a.title_zh)}</span>'
    titles = titles or esc(a.id)
    byline = " · ".join(esc(x) for x in (a.column, a.author) if x)
    extra = f'<div class="aqa-cite">{byline}</div>' if byline else ""
    return f'<li><a href="{esc(article_link(a.id))}">{titles}</a>{extra}</li>'


def day_page(d: Day) -> str:
    """The articles of a day, a page at a time, with links to the pages before and after."""
    key = d.date or UNDATED
    title = _label(key) + (f" {key[:4]}" if d.date else "")
    if not d.articles:
        body = "<p>No articles on this day / 这一天没有文章。</p>"
    else:
        body = f"<p>{d.total:,} articles / 篇</p>"
        first = (d.page - 1) * PAGE_SIZE + 1
        for page, group in itertools.groupby(d.articles, key=lambda a: a.page):
            items = list(group)
            heading = f"Page / 版 {esc(page)}" if page else "Page unknown / 版次不详"
            body += (
                f'<h2 class="aqa-pg">{heading}</h2><ol class="aqa-articles" start="{first}">'
                f"{''.join(_article_item(a) for a in items)}</ol>"
            )
            first += len(items)
    if d.pages > 1:
        here = browse_link(key)
        prev = (
            f'<a href="{esc(here)}?page={d.page - 1}" rel="prev">‹ Previous / 上一页</a>'
            if d.page > 1
            else ""
        )
        nxt = (
            f'<a href="{esc(here)}?page={d.page + 1}" rel="next">Next / 下一页 ›</a>'
            if d.page < d.pages
            else ""
        )
        body += (
            f'<nav class="aqa-pages" aria-label="Pages / 分页">{prev}'
            f"<span>Page / 页 {d.page} / {d.pages}</span>{nxt}</nav>"
        )
    return _page(title, crumbs(key), body)


def article_nav(article: Article) -> str:
    """The breadcrumb above an article opened from /browse."""
    title = article.title_en or article.title_zh or article.id
    return crumbs(article.date or UNDATED, title[:60])


def bad_period_page(message: str) -> str:
    body = f'<p>{esc(message)}</p><p><a href="/browse">Browse the archive / 浏览档案</a></p>'
    return _page("Not a period / 不是有效的时期", crumbs(), body)


def missing_article_page(article_id: str) -> str:
    body = (
        f"<p>No article {esc(article_id)} in the archive / 档案中没有这篇文章。</p>"
        '<p><a href="/browse">Browse the archive / 浏览档案</a></p>'
    )
    return _page("Article not found / 未找到文章", crumbs(), body)


def mount(app: FastAPI, assistant: Assistant) -> None:
    """/browse, /browse/{YYYY[-MM[-DD]] or undated}?page=N and /browse/article/{id}."""

    @app.get("/browse", response_class=HTMLResponse)
    def years() -> HTMLResponse:
        return HTMLResponse(periods_page("", within(assistant.index.catalog)))

    @app.get("/browse/article/{aid:path}", response_class=HTMLResponse)
    def article(aid: str) -> HTMLResponse:
        catalog = assistant.index.catalog
        found = catalog.article(aid)
        if found is None:
            return HTMLResponse(missing_article_page(aid), status_code=404)
        passages = catalog.passages_of(aid)
        page = passage_page(found, passages, None, assistant.dictionary, article_nav(found))
        return HTMLResponse(page)

    @app.get("/browse/{period}", response_class=HTMLResponse)
    def period(period: str, page: str = "1") -> HTMLResponse:
        try:
            key = check_period(period)
        except PeriodError as exc:
            return HTMLResponse(bad_period_page(str(exc)), status_code=404)
        catalog = assistant.index.catalog
        if len(key) == 10 or key == UNDATED:
            number = int(page) if page.isdigit() and len(page) < 9 else 1
            return HTMLResponse(day_page(day(catalog, key, number)))
        return HTMLResponse(periods_page(key, within(catalog, key)))
