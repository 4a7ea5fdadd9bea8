"""HTML for citation cards and passage pages. Every piece of archive text is escaped: articles
and questions are shown as text, never as HTML or script.

Word cards: each Chinese word of a passage's Chinese text is a focusable ``<span class="aqa-w"
tabindex="0" data-p="pinyin · HSK level" data-g="sense; sense">``; CSS alone shows the card
(``::after`` with the two attributes) while the word is hovered (mouse) or focused (Tab, or a tap
on a phone, which focuses it). No script: it works the same in Gradio's ``gr.HTML`` and on the
passage pages. The card spans the text column under the word's line, so it never runs past the
screen's edge.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

from index.records import Article, Passage
from qa.answer import GLOSS_LABEL, Answer, Citation
from qa.dictionary import Dictionary
from qa.gloss import Word, words

NEWSPAPER = "People's Daily (人民日报)"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

CSS = """
.aqa-card{border:1px solid #ccc;border-radius:8px;padding:10px;margin:8px 0}
.aqa-cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:700px){.aqa-cols{grid-template-columns:1fr}}
.aqa-cols>:only-child{grid-column:1/-1}
.aqa-cols p{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
mark{background:#ffe58a}
.aqa-cols p{position:relative}
.aqa-w{cursor:help;border-radius:2px}
.aqa-w:hover,.aqa-w:focus{background:#cfe3ff;color:#000}
.aqa-w:focus{outline:2px solid #1a56c4;outline-offset:0}
.aqa-w:hover::after,.aqa-w:focus::after{content:attr(data-p) "\\A" attr(data-g);position:absolute;
left:0;right:auto;width:max-content;max-width:min(100%,26em);box-sizing:border-box;margin-top:1.6em;
z-index:50;padding:6px 9px;border-radius:6px;background:#1f2937;color:#fff;font-size:0.95rem;
line-height:1.4;font-weight:normal;white-space:pre-line;overflow-wrap:anywhere;text-align:left;
pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.3)}
body:has(.aqa-w:hover) .aqa-w:focus:not(:hover)::after{content:none}
.aqa-gloss{margin-top:6px;font-size:0.9em;color:#333;overflow-wrap:anywhere}
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


# Senses shown on a word card.
MAX_SENSES = 4
NOT_IN_DICTIONARY = "(not in the dictionary)"


def word_card(w: Word) -> tuple[str, str]:
    """What a word's card shows: its pinyin (and HSK level), and up to MAX_SENSES senses (a
    name's or number's English first: "He Siyuan", "1946")."""
    head = " · ".join(x for x in (w.pinyin, w.hsk) if x)
    senses = list(w.senses)
    if w.kind in ("name", "number") and w.gloss:
        senses.insert(0, w.gloss)
    unique = list(dict.fromkeys(s.strip() for s in senses if s.strip()))[:MAX_SENSES]
    return head, "; ".join(unique) or NOT_IN_DICTIONARY


def word_span(w: Word) -> str:
    head, senses = word_card(w)
    return (
        f'<span class="aqa-w" tabindex="0" data-p="{esc(head)}" data-g="{esc(senses)}">'
        f"{esc(w.text)}</span>"
    )


def annotate(text: str, dictionary: Dictionary | None) -> str:
    """``text`` escaped, each Chinese word wrapped in its word card (just escaped without a
    dictionary)."""
    if dictionary is None or not _CJK.search(text):
        return esc(text)
    out: list[str] = []
    pos = 0
    for w in words(text, dictionary):
        at = text.find(w.text, pos)
        if at < 0 or not w.chinese:
            continue  # left as text, with what surrounds it
        out += [esc(text[pos:at]), word_span(w)]
        pos = at + len(w.text)
    out.append(esc(text[pos:]))
    return "".join(out)


def _highlight(text: str, quote_text: str, dictionary: Dictionary | None = None) -> str:
    if quote_text and quote_text in text:
        a, b = text.split(quote_text, 1)
        return (
            f"{annotate(a, dictionary)}<mark>{annotate(quote_text, dictionary)}</mark>"
            f"{annotate(b, dictionary)}"
        )
    return annotate(text, dictionary)


def gloss_html(c: Citation) -> str:
    if not c.gloss:
        return ""
    return f'<div class="aqa-gloss"><b>{esc(GLOSS_LABEL["en"])}:</b> {esc(c.gloss)}</div>'


def card(c: Citation, label: str, dictionary: Dictionary | None = None) -> str:
    """One citation's card; with the dictionary, its Chinese words carry word cards."""
    title = c.title["en"] or c.title["zh"]
    cite = citation_text(title, c.date, c.page, c.passage_id)
    cols = ""
    if c.text["en"]:
        cols += f"<div><b>English</b><p>{_highlight(c.text['en'], c.quote['en'])}</p></div>"
    if c.text["zh"]:
        zh = _highlight(c.text["zh"], c.quote["zh"], dictionary)
        cols += f'<div><b>中文</b><p lang="zh">{zh}</p>{gloss_html(c)}</div>'
    return (
        f'<div class="aqa-card"><div><b>{esc(label)}</b> {esc(c.title["en"])}'
        f"<br>{esc(c.title['zh'])}</div>"
        f"<div>{esc(c.date)} · page / 版 {esc(c.page)}</div>"
        f'<div class="aqa-cols">{cols}</div>'
        f'<div><a href="{esc(passage_link(c.passage_id))}" target="_blank">'
        f"Passage link / 段落链接</a></div>"
        f'<div class="aqa-cite">Cite / 引用: {esc(cite)}</div></div>'
    )


def cards(answer: Answer, dictionary: Dictionary | None = None) -> str:
    parts = [card(c, f"[{c.n}]", dictionary) for c in answer.citations]
    if answer.related:
        parts.append("<div><b>Related passages / 相关段落</b></div>")
        parts.extend(card(c, "·", dictionary) for c in answer.related)
    return f"<style>{CSS}</style>" + "".join(parts)


def passage_page(
    article: Article, passages: list[Passage], pid: str, dictionary: Dictionary | None = None
) -> str:
    title = article.title_en or article.title_zh
    target = next(p for p in passages if p.id == pid)
    rows = []
    for p in passages:
        cls = ' class="aqa-hl"' if p.id == pid else ""
        cols = f"<p>{esc(p.text_en)}</p>" if p.text_en else ""
        if p.text_zh:
            cols += f'<p lang="zh">{annotate(p.text_zh, dictionary)}</p>'
        rows.append(
            f'<div id="{esc(p.id)}"{cls}><div class="aqa-cols">{cols}</div>'
            f'<div class="aqa-cite">{esc(p.id)}</div></div><hr>'
        )
    cite = citation_text(title, target.date, target.page, pid)
    js_pid = json.dumps(pid).replace("<", "\\u003c")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        f"{f'<h2>{esc(article.title_zh)}</h2>' if article.title_en else ''}"
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
