"""HTML for citation cards and passage pages. Every piece of archive text is escaped: articles
and questions are shown as text, never as HTML or script."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from index.records import Article, Passage
from qa.answer import Answer, Citation

NEWSPAPER = "People's Daily (人民日报)"

CSS = """
.aqa-card{border:1px solid #ccc;border-radius:8px;padding:10px;margin:8px 0}
.aqa-cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:700px){.aqa-cols{grid-template-columns:1fr}}
.aqa-cols p{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
mark{background:#ffe58a}
.aqa-hl{background:#fff6cc;border-left:4px solid #e0b000;padding-left:6px}
.aqa-cite{font-size:0.85em;color:#555;overflow-wrap:anywhere}
body{font-family:sans-serif;max-width:1100px;margin:auto;padding:8px}
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def passage_link(pid: str) -> str:
    return "/passage/" + quote(pid, safe="")


def citation_text(title: str, date: str, page: str, pid: str) -> str:
    """A standard citation: newspaper, date, page, title, passage id."""
    title = title.strip()
    end = "" if title.endswith((".", "?", "!", "。", "？", "！")) else "."
    return f"{NEWSPAPER}, {date}, p. {page or '?'}. \u201c{title}{end}\u201d Passage {pid}."


def _highlight(text: str, quote_text: str) -> str:
    if quote_text and quote_text in text:
        a, b = text.split(quote_text, 1)
        return f"{esc(a)}<mark>{esc(quote_text)}</mark>{esc(b)}"
    return esc(text)


def card(c: Citation, label: str) -> str:
    title = c.title["en"] or c.title["zh"]
    cite = citation_text(title, c.date, c.page, c.passage_id)
    cols = "".join(
        f"<div><b>{name}</b><p>{_highlight(c.text[side], c.quote[side])}</p></div>"
        for side, name in (("en", "English"), ("zh", "中文"))
        if c.text[side]
    )
    return (
        f'<div class="aqa-card"><div><b>{esc(label)}</b> {esc(c.title["en"])}'
        f"<br>{esc(c.title['zh'])}</div>"
        f"<div>{esc(c.date)} · page / 版 {esc(c.page)}</div>"
        f'<div class="aqa-cols">{cols}</div>'
        f'<div><a href="{esc(passage_link(c.passage_id))}" target="_blank">'
        f"Passage link / 段落链接</a></div>"
        f'<div class="aqa-cite">Cite / 引用: {esc(cite)}</div></div>'
    )


def cards(answer: Answer) -> str:
    parts = [card(c, f"[{c.n}]") for c in answer.citations]
    if answer.related:
        parts.append("<div><b>Related passages / 相关段落</b></div>")
        parts.extend(card(c, "·") for c in answer.related)
    return f"<style>{CSS}</style>" + "".join(parts)


def passage_page(article: Article, passages: list[Passage], pid: str) -> str:
    title = article.title_en or article.title_zh
    target = next(p for p in passages if p.id == pid)
    rows = []
    for p in passages:
        cls = ' class="aqa-hl"' if p.id == pid else ""
        rows.append(
            f'<div id="{esc(p.id)}"{cls}><div class="aqa-cols">'
            f"<p>{esc(p.text_en)}</p><p>{esc(p.text_zh)}</p></div>"
            f'<div class="aqa-cite">{esc(p.id)}</div></div><hr>'
        )
    cite = citation_text(title, target.date, target.page, pid)
    js_pid = json.dumps(pid).replace("<", "\\u003c")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(article.title_en)}</h1><h2>{esc(article.title_zh)}</h2>"
        f"<p>{esc(article.date)} · page / 版 {esc(article.page)}</p>"
        f'<p class="aqa-cite">Cite / 引用: {esc(cite)}</p>'
        f"{''.join(rows)}"
        f"<script>document.getElementById({js_pid})"
        f".scrollIntoView({{block:'center'}})</script></body></html>"
    )


def not_found_page(pid: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Not found</title></head>'
        f"<body><h1>Passage not found / 未找到段落</h1><p>{esc(pid)}</p>"
        '<p><a href="/">Back to the chat / 返回</a></p></body></html>'
    )
