"""The handout a reading-list link opens (/handout?h=…), and the same as Markdown (/handout.md).

Read-only: the title, the teacher's note, each passage with both languages side by side (or the
one it has, with a word-by-word gloss for an English reader of a Chinese-only passage), its
citation and a link to the whole article, then the questions. What the teacher typed is text,
never HTML or Markdown. It prints on A4 without the page's links bar, a passage never split
across pages.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from index.records import Passage
from qa.answer import GLOSS_LABEL
from qa.dictionary import Dictionary
from qa.gloss import gloss
from qa.handout import HandoutError, Resolved, resolve
from qa.service import Assistant
from ui.browse import article_link
from ui.render import CSS, citation_text, esc, passage_link

HANDOUT_CSS = """
.aqa-h-note{white-space:pre-wrap;overflow-wrap:anywhere;border-left:4px solid #3b63a8;
padding:4px 10px;background:#f4f7fd}
.aqa-h-passage{break-inside:avoid;page-break-inside:avoid;border-top:1px solid #bbb;
padding-top:10px;margin-top:14px}
.aqa-h-passage h2{font-size:1.05em;margin:0 0 4px}
.aqa-h-questions li{margin:6px 0;overflow-wrap:anywhere;white-space:pre-wrap}
.aqa-h-missing{color:#7a2100}
.aqa-h-tools{margin:8px 0}
@page{size:A4;margin:16mm}
@media print{.aqa-h-tools,.aqa-nav{display:none}body{max-width:none;padding:0}
a{color:inherit;text-decoration:none}.aqa-h-passage{border-top:1px solid #888}}
"""


def _sides(p: Passage, dictionary: Dictionary | None) -> str:
    cols = f"<p>{esc(p.text_en)}</p>" if p.text_en else ""
    if p.text_zh:
        cols += f'<p lang="zh">{esc(p.text_zh)}</p>'
    out = f'<div class="aqa-cols">{cols}</div>'
    if p.text_zh and not p.text_en and dictionary is not None:
        out += (
            f'<div class="aqa-gloss"><b>{esc(GLOSS_LABEL["en"])}:</b> '
            f"{esc(gloss(p.text_zh, dictionary))}</div>"
        )
    return out


def _cite(p: Passage) -> str:
    return citation_text(p.title_en or p.title_zh, p.date, p.page, p.id)


def handout_page(r: Resolved, token: str, dictionary: Dictionary | None) -> str:
    h = r.handout
    parts = [f"<h1>{esc(h.title)}</h1>"]
    if h.note:
        parts.append(f'<div class="aqa-h-note">{esc(h.note)}</div>')
    for n, p in enumerate(r.found, start=1):
        titles = esc(p.title_en) + (
            f' <span lang="zh">{esc(p.title_zh)}</span>' if p.title_zh else ""
        )
        parts.append(
            f'<section class="aqa-h-passage"><h2>{n}. {titles}</h2>{_sides(p, dictionary)}'
            f'<p class="aqa-cite">{esc(_cite(p))} '
            f'<a href="{esc(passage_link(p.id))}">Passage / 段落</a> · '
            f'<a href="{esc(article_link(p.article_id))}">Whole article / 全文</a></p></section>'
        )
    if r.missing:
        parts.append(
            f'<p class="aqa-h-missing">{len(r.missing)} passage(s) of this list are no longer '
            f"in the archive / 清单中有 {len(r.missing)} 个段落已不在档案中: "
            f"{esc(', '.join(r.missing))}</p>"
        )
    if h.questions:
        items = "".join(f"<li>{esc(q)}</li>" for q in h.questions)
        parts.append(f'<h2>Questions / 问题</h2><ol class="aqa-h-questions">{items}</ol>')
    tools = (
        '<p class="aqa-h-tools"><a href="/">Chat / 问答</a> · '
        f'<a href="/handout.md?h={esc(quote(token, safe=""))}" download>Markdown</a> · '
        f'<a href="/handout.pdf?h={esc(quote(token, safe=""))}" download>PDF</a> · '
        "Print / 打印: Ctrl-P</p>"
    )
    return _page(h.title, tools + "".join(parts))


def _page(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}{HANDOUT_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def bad_link_page(message: str) -> str:
    return _page(
        "Reading list / 阅读清单",
        "<h1>This reading-list link cannot be opened / 无法打开此阅读清单链接</h1>"
        f'<p>{esc(message)}</p><p><a href="/">Chat / 问答</a> · '
        '<a href="/browse">Browse the archive / 浏览档案</a></p>',
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)


def md_text(text: str) -> str:
    """Text as Markdown shows it: what Markdown or HTML would read (emphasis, links, tags,
    entities, tables; headings, quotes and list markers at a line's start) escaped."""
    text = _MD_SPECIAL.sub(r"\\\1", text)

    def mark(m: re.Match[str]) -> str:
        lead = m.group(2)
        return m.group(1) + (lead[:-1] + "\\" + lead[-1] if lead[0].isdigit() else "\\" + lead)

    return _MD_LINE_START.sub(mark, text)


def handout_markdown(r: Resolved, base_url: str, dictionary: Dictionary | None) -> str:
    h = r.handout
    out = [f"# {md_text(h.title)}", ""]
    if h.note:
        out += [*(f"> {md_text(line)}" if line else ">" for line in h.note.splitlines()), ""]
    for n, p in enumerate(r.found, start=1):
        title = p.title_en or p.title_zh
        out += [f"## {n}. {md_text(title)}", ""]
        for text in (p.text_en, p.text_zh):
            if text:
                out += [md_text(text), ""]
        if p.text_zh and not p.text_en and dictionary is not None:
            out += [f"*{GLOSS_LABEL['en']}:* {md_text(gloss(p.text_zh, dictionary))}", ""]
        out += [
            f"{md_text(_cite(p))} <{base_url}{passage_link(p.id)}> "
            f"(whole article: <{base_url}{article_link(p.article_id)}>)",
            "",
        ]
    if r.missing:
        out += [f"Passages no longer in the archive: {md_text(', '.join(r.missing))}", ""]
    if h.questions:
        out += ["## Questions / 问题", ""]
        out += [f"{i}. {md_text(q)}" for i, q in enumerate(h.questions, start=1)]
        out.append("")
    return "\n".join(out)


def mount(app: FastAPI, assistant: Assistant) -> None:
    """/handout?h=… (the page), /handout.md?h=… and /handout.pdf?h=… (downloads)."""

    @app.get("/handout", response_class=HTMLResponse)
    def page(h: str = "") -> HTMLResponse:
        try:
            r = resolve(assistant.index.catalog, h)
        except HandoutError as exc:
            return HTMLResponse(bad_link_page(str(exc)), status_code=400)
        return HTMLResponse(handout_page(r, h, assistant.dictionary))

    def download(request: Request, h: str, kind: str) -> Response:
        try:
            r = resolve(assistant.index.catalog, h)
        except HandoutError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        base = str(request.base_url).rstrip("/")
        if kind == "pdf":
            from ui.handout_pdf import handout_pdf  # ReportLab, loaded when a PDF is asked

            body: bytes | str = handout_pdf(r, base, assistant.dictionary)
            media = "application/pdf"
        else:
            body = handout_markdown(r, base, assistant.dictionary)
            media = "text/markdown; charset=utf-8"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="handout.{kind}"'},
        )

    @app.get("/handout.pdf")
    def pdf(request: Request, h: str = "") -> Response:
        return download(request, h, "pdf")

    @app.get("/handout.md")
    def markdown(request: Request, h: str = "") -> Response:
        return download(request, h, "md")
