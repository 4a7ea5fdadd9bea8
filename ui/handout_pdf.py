"""The handout as an A4 PDF, made by the server with ReportLab (BSD, pure Python, from PyPI).

Why ReportLab rather than printing the page with chromium: the server then needs no browser,
and Chinese needs no font file, since ReportLab's built-in CID font STSong-Light (Adobe's Song
for simplified Chinese, named, not embedded: PDF readers bring it) covers both scripts. Each
passage is kept on one page (KeepTogether) with its citation and links; what the teacher typed
is escaped for ReportLab's paragraph markup, so it prints as text.
"""

from __future__ import annotations

import functools
import io
from xml.sax.saxutils import escape

from index.records import Passage
from qa.answer import GLOSS_LABEL
from qa.dictionary import Dictionary
from qa.gloss import gloss
from qa.handout import Resolved
from ui.browse import article_link
from ui.render import citation_text, passage_link

FONT = "STSong-Light"


@functools.cache
def _styles() -> dict[str, object]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=8),
        "note": ParagraphStyle(
            "note", parent=base, leftIndent=8, borderPadding=4, backColor="#f4f7fd", spaceAfter=8
        ),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=17, spaceBefore=10),
        "text": base,
        "gloss": ParagraphStyle("gloss", parent=base, fontSize=9, leading=13, textColor="#333333"),
        "cite": ParagraphStyle("cite", parent=base, fontSize=8.5, leading=12, textColor="#444444"),
    }


def _p(text: str, style: str) -> object:
    from reportlab.platypus import Paragraph

    # Escaped for ReportLab's markup; line breaks kept.
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


def _passage(n: int, p: Passage, base_url: str, dictionary: Dictionary | None) -> list[object]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    title = p.title_en + (f" {p.title_zh}" if p.title_zh else "") if p.title_en else p.title_zh
    flow: list[object] = [_p(f"{n}. {title}", "h2")]
    sides = [_p(t, "text") for t in (p.text_en, p.text_zh) if t]
    if len(sides) == 2:
        table = Table([sides], colWidths=[87 * mm, 87 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        flow.append(table)
    else:
        flow += sides
    if p.text_zh and not p.text_en and dictionary is not None:
        flow.append(_p(f"{GLOSS_LABEL['en']}: {gloss(p.text_zh, dictionary)}", "gloss"))
    cite = citation_text(p.title_en or p.title_zh, p.date, p.page, p.id)
    links = (
        f"{base_url}{passage_link(p.id)} · whole article: {base_url}{article_link(p.article_id)}"
    )
    flow += [_p(cite, "cite"), _p(links, "cite")]
    return flow


def handout_pdf(r: Resolved, base_url: str, dictionary: Dictionary | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

    h = r.handout
    story: list[object] = [_p(h.title, "title")]
    if h.note:
        story.append(_p(h.note, "note"))
    for n, p in enumerate(r.found, start=1):
        story.append(KeepTogether(_passage(n, p, base_url, dictionary)))
    if r.missing:
        story.append(_p(f"No longer in the archive: {', '.join(r.missing)}", "cite"))
    if h.questions:
        story += [Spacer(1, 6 * mm), _p("Questions / 问题", "h2")]
        story += [_p(f"{i}. {q}", "text") for i, q in enumerate(h.questions, start=1)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=h.title,
        author="archive-qa",
    )
    doc.build(story)
    return out.getvalue()
