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

from index import sentences
from index.records import Article, Passage
from qa.answer import GLOSS_LABEL, Answer, Citation
from qa.dictionary import Dictionary
from qa.gloss import Word, words
from qa.timeline import Timeline
from ui.listjs import ADD_CSS, ADD_JS, add_button

NEWSPAPER = "People's Daily (人民日报)"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

CSS = (
    """
.aqa-card{border:1px solid #ccc;border-radius:8px;padding:10px;margin:8px 0}
.aqa-cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:700px){.aqa-cols{grid-template-columns:1fr}}
.aqa-cols>:only-child{grid-column:1/-1}
.aqa-cols p{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
mark{background:#ffe58a;color:#111}
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
    + ADD_CSS
)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def passage_link(pid: str) -> str:
    return "/passage/" + quote(pid, safe="")


def citation_text(title: str, date: str, page: str, pid: str, kind: str = "Passage") -> str:
    """A standard citation: newspaper, date, page, title, passage (or article) id."""
    title = title.strip()
    end = "" if title.endswith((".", "?", "!", "。", "？", "！")) else "."
    return f"{NEWSPAPER}, {date}, p. {page or '?'}. \u201c{title}{end}\u201d {kind} {pid}."


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


# A card shows the quoted sentences with this many sentences either side (the whole passage
# is one tap away); a passage with no quote shows its first CONTEXT_LEAD sentences.
CONTEXT = 1
CONTEXT_LEAD = 2


def _quoted_in(sentence: str, quoted: set[str]) -> str:
    """The quoted sentence ``sentence`` is or holds ("" when none)."""
    if sentence in quoted:
        return sentence
    return next((q for q in quoted if q and q in sentence), "")


def excerpt(
    text: str, quote_text: str, side: str, dictionary: Dictionary | None = None
) -> tuple[str, bool]:
    """The quoted sentences of ``text`` marked, with :data:`CONTEXT` sentences around them
    ("…" where the passage goes on), and whether that is the whole text."""
    parts = sentences.split(text, side)
    quoted = set(sentences.split(quote_text, side)) if quote_text else set()
    found = {i: _quoted_in(sent, quoted) for i, sent in enumerate(parts)}
    marked = [i for i, q in found.items() if q]
    if marked:
        first, last = max(marked[0] - CONTEXT, 0), min(marked[-1] + CONTEXT, len(parts) - 1)
    else:
        first, last = 0, min(CONTEXT_LEAD, len(parts)) - 1
    glue = " " if side == "en" else ""
    shown: list[str] = []  # runs of quoted sentences share one mark
    run: list[str] = []
    for i in range(first, last + 1):
        q = found[i]
        if q == parts[i]:
            run.append(annotate(parts[i], dictionary))
            continue
        if run:
            shown.append(f"<mark>{glue.join(run)}</mark>")
            run = []
        # a sentence holding a quote (the quote without a dateline or heading) or none
        shown.append(_highlight(parts[i], q or "", dictionary))
    if run:
        shown.append(f"<mark>{glue.join(run)}</mark>")
    whole = first == 0 and last >= len(parts) - 1
    return ("… " if first > 0 else "") + glue.join(shown) + ("" if whole else " …"), whole


def _side(c: Citation, side: str, dictionary: Dictionary | None) -> str:
    """One language side of a card: the excerpt, and the whole passage behind a disclosure
    when the excerpt leaves some of it out (Chinese words carry word cards with a dictionary)."""
    text = c.text[side]
    shown, complete = excerpt(text, c.quote[side], side, dictionary)
    lang = f' lang="{side}"'
    whole = ""
    if not complete:
        body = annotate(text, dictionary)
        whole = f"<details><summary>Whole passage / 全段</summary><p{lang}>{body}</p></details>"
    return f"<p{lang}>{shown}</p>{whole}"


def gloss_html(c: Citation) -> str:
    if not c.gloss:
        return ""
    return f'<div class="aqa-gloss"><b>{esc(GLOSS_LABEL["en"])}:</b> {esc(c.gloss)}</div>'


def card(c: Citation, label: str, dictionary: Dictionary | None = None, card_id: str = "") -> str:
    """One citation's card: the quoted sentences and the passage around them, English and
    Chinese side by side, the whole passage one tap away; with the dictionary, its Chinese words
    carry word cards. ``card_id``: the element id an answer's ``[n]`` links to."""
    title = c.title["en"] or c.title["zh"]
    cite = citation_text(title, c.date, c.page, c.passage_id)
    cols = ""
    if c.text["en"]:
        cols += f"<div><b>English</b>{_side(c, 'en', None)}</div>"
    if c.text["zh"]:
        cols += f"<div><b>中文</b>{_side(c, 'zh', dictionary)}{gloss_html(c)}</div>"
    anchor = f' id="{esc(card_id)}" tabindex="-1"' if card_id else ""
    return (
        f'<div class="aqa-card"{anchor}><div><b>{esc(label)}</b> {esc(c.title["en"])}'
        f"<br>{esc(c.title['zh'])}</div>"
        f"<div>{esc(c.date)} · page / 版 {esc(c.page)}</div>"
        f'<div class="aqa-cols">{cols}</div>'
        f'<div><a href="{esc(passage_link(c.passage_id))}" target="_blank">'
        f"Passage link / 段落链接</a></div>"
        f'<div class="aqa-cite">Cite / 引用: {esc(cite)}</div>'
        f"{add_button(c.passage_id, title, c.date)}</div>"
    )


def card_id(turn: int, n: int) -> str:
    """The element id of citation ``n`` of the conversation's ``turn``-th answer."""
    return f"aqa-t{turn}-c{n}"


def cards(answer: Answer, dictionary: Dictionary | None = None, turn: int = 0) -> str:
    """An answer's citation cards (ids for its ``[n]`` links when ``turn`` is given), then its
    related passages."""
    parts = [
        card(c, f"[{c.n}]", dictionary, card_id(turn, c.n) if turn else "")
        for c in answer.citations
    ]
    if answer.related:
        parts.append("<div><b>Related passages / 相关段落</b></div>")
        parts.extend(card(c, "·", dictionary) for c in answer.related)
    return f"<style>{CSS}</style>" + "".join(parts)


# The sources panel keeps the cards of this many answers (the latest open, the rest folded).
PANEL_ANSWERS = 5


def source_group(answer: Answer, dictionary: Dictionary | None, turn: int) -> str:
    """One answer's cards under the question they answer."""
    head = f'<h2 class="aqa-for">Sources for / 出处：{esc(answer.question)}</h2>'
    return f'<section class="aqa-group">{head}{cards(answer, dictionary, turn)}</section>'


def sources_panel(groups: list[str]) -> str:
    """The latest answer's sources, then the earlier answers' folded (an ``[n]`` link of an
    earlier answer unfolds them)."""
    if not groups:
        return ""
    latest, earlier = groups[-1], groups[-PANEL_ANSWERS:-1]
    if not earlier:
        return latest
    folded = "".join(reversed(earlier))
    return (
        f'{latest}<details class="aqa-earlier"><summary>Sources of earlier answers / '
        f"之前回答的出处 ({len(earlier)})</summary>{folded}</details>"
    )


def passage_page(
    article: Article,
    passages: list[Passage],
    pid: str | None,
    dictionary: Dictionary | None = None,
    nav: str = "",
) -> str:
    """An article with all its passages, each with its link; passage ``pid`` marked and
    scrolled to (none when the article is opened from /browse). ``nav``: a breadcrumb."""
    title = article.title_en or article.title_zh
    rows = []
    for p in passages:
        cls = ' class="aqa-hl"' if p.id == pid else ""
        cols = f"<p>{esc(p.text_en)}</p>" if p.text_en else ""
        if p.text_zh:
            cols += f'<p lang="zh">{annotate(p.text_zh, dictionary)}</p>'
        rows.append(
            f'<div id="{esc(p.id)}"{cls}><div class="aqa-cols">{cols}</div>'
            f'<div class="aqa-cite"><a href="{esc(passage_link(p.id))}">{esc(p.id)}</a></div>'
            f"{add_button(p.id, title, p.date)}</div><hr>"
        )
    target = next((p for p in passages if p.id == pid), None)
    if target:
        cite = citation_text(title, target.date, target.page, target.id)
    else:
        cite = citation_text(title, article.date, article.page, article.id, "Article")
    subtitle = f'<h2 lang="zh">{esc(article.title_zh)}</h2>' if article.title_en else ""
    scroll = ""
    if target:
        js_pid = json.dumps(target.id).replace("<", "\\u003c")
        scroll = (
            f"<script>document.getElementById({js_pid}).scrollIntoView({{block:'center'}})</script>"
        )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{nav}<main>"
        f"<h1>{esc(title)}</h1>"
        f"{subtitle}"
        f"<p>{esc(article.date)} · page / 版 {esc(article.page)}</p>"
        f'<p class="aqa-cite">Cite / 引用: {esc(cite)}</p>'
        f"{''.join(rows)}{scroll}{ADD_JS}</main></body></html>"
    )


def not_found_page(pid: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Not found / 未找到</title></head>"
        f"<body><main><h1>Passage not found / 未找到段落</h1><p>{esc(pid)}</p>"
        '<p><a href="/">Back to the chat / 返回</a></p></main></body></html>'
    )


TIMELINE_CSS = """
.aqa-tl{margin:4px 0 12px}
.aqa-tl-head{font-size:.9em;margin-bottom:4px;color:#111}
.aqa-tl-bars{display:flex;align-items:flex-end;gap:2px;height:80px;border-bottom:1px solid #555}
.aqa-bar,.aqa-gap{flex:1 1 0;min-width:3px;max-width:44px;height:100%}
.aqa-tl button.aqa-bar{display:flex;align-items:flex-end;padding:0;margin:0;border:0;
background:transparent !important;box-shadow:none;border-radius:0;cursor:pointer}
.aqa-bar>span{display:block;width:100%;min-height:3px;background:#3b63a8}
.aqa-bar.aqa-cited>span{background:#a8410a}
.aqa-bar:hover>span{filter:brightness(1.3)}
.aqa-bar[aria-pressed=true]{outline:2px solid #111;outline-offset:1px}
.aqa-bar:focus-visible{outline:3px solid #1a56c4;outline-offset:2px}
.aqa-tl-axis{display:flex;justify-content:space-between;font-size:.8em;color:#333}
.aqa-key{display:inline-block;width:.8em;height:.8em;margin:0 3px 0 8px;vertical-align:middle}
.aqa-all{margin-top:4px;font-size:.85em;padding:2px 8px;border:1px solid #555;border-radius:4px;
background:#fff;color:#111;cursor:pointer}
"""
UNIT = {"year": ("year", "年"), "month": ("month", "月"), "day": ("day", "日")}


def timeline_html(t: Timeline | None, date_from: str = "", date_to: str = "") -> str:
    """The answer's timeline: a bar per period with the matching passages' count (the cited
    ones' periods in another colour), each bar a button whose click asks again for its period
    (``data-from``/``data-to``; the chat's script sends them). Empty when nothing matched."""
    if t is None or not t.bars:
        return ""
    peak = max(b.count for b in t.bars) or 1
    en_unit, zh_unit = UNIT[t.unit]
    bars = []
    for b in t.bars:
        if not b.count:
            bars.append(f'<span class="aqa-gap" title="{esc(b.label)}: 0"></span>')
            continue
        label = (
            f"{b.label}: {b.count} passage{'s' if b.count != 1 else ''}"
            f"{f', {b.cited} cited' if b.cited else ''} / {b.count} 段"
            f"{f'，引用 {b.cited} 段' if b.cited else ''}"
        )
        chosen = bool(date_from or date_to) and (
            (not date_from or b.date_from >= date_from) and (not date_to or b.date_to <= date_to)
        )
        height = max(4, round(100 * b.count / peak))
        bars.append(
            f'<button type="button" class="aqa-bar{" aqa-cited" if b.cited else ""}" '
            f'data-from="{esc(b.date_from)}" data-to="{esc(b.date_to)}" '
            f'aria-pressed="{"true" if chosen else "false"}" aria-label="{esc(label)}" '
            f'title="{esc(label)}"><span style="height:{height}%"></span></button>'
        )
    first, last = t.bars[0].label, t.bars[-1].label
    clear = (
        '<button type="button" class="aqa-all" data-from="" data-to="">'
        "All dates / 全部日期</button>"
        if date_from or date_to
        else ""
    )
    return (
        f"<style>{TIMELINE_CSS}</style>"
        '<div class="aqa-tl" role="group" aria-label="Timeline / 时间线">'
        f'<div class="aqa-tl-head"><b>When the archive speaks of it / 档案何时提到</b>: '
        f"{t.total} matching passage{'s' if t.total != 1 else ''} per {en_unit} / "
        f"每{zh_unit}相关段落 {t.total} 段"
        '<span class="aqa-key" style="background:#3b63a8"></span>matching / 相关'
        '<span class="aqa-key" style="background:#a8410a"></span>cited / 引用'
        "<br>Choose a bar to ask again for that period / 点选一栏即按该时段重新提问</div>"
        f'<div class="aqa-tl-bars">{"".join(bars)}</div>'
        f'<div class="aqa-tl-axis"><span>{esc(first)}</span><span>{esc(last)}</span></div>'
        f"{clear}</div>"
    )
