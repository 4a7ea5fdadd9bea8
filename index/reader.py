"""Read one archive file into an :class:`Article`.

Formats (see ``../shared/DESIGN.md``): a bilingual article (``Title:``/``Author:``/``Date:``/
``Page:`` or ``Edition:`` header, English paragraphs, optional ``**Named Entities**`` glossary,
``<hr />``, ``Original:`` and the Chinese original), an English-only article (header and
paragraphs, no ``<hr />``), and the raw untranslated layout (``### 标题`` first).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from index.records import Article, GlossaryEntry

MAX_FILE_BYTES = 20 * 1024 * 1024

_HEADER_KEYS = {"title", "author", "date", "page", "edition"}
_HEADER_RE = re.compile(r"^(Title|Author|Date|Page|Edition)\s*:\s*(.*)$", re.IGNORECASE)
_HR_RE = re.compile(r"^\s*<hr\s*/?>\s*$", re.IGNORECASE)
_ORIGINAL_RE = re.compile(r"^\s*Original\s*:\s*$", re.IGNORECASE)
_ENTITIES_RE = re.compile(r"^\s*\*\*\s*Named Entities\s*\*\*\s*$", re.IGNORECASE)
_KIND_RE = re.compile(r"^\s*(People|Places|Organizations|Events|Slogans)\s*:\s*$", re.IGNORECASE)
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_PAGE_ZH_RE = re.compile(r"^\s*第\s*(\S+?)\s*版\s*(?:\(.*\))?\s*$")
_COLUMN_RE = re.compile(r"^\s*专栏\s*[：:]\s*(.*)$")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Lines that end like a sentence (closing quotes and brackets aside); headlines do not.
_CLOSERS = "”’」』）)\"' "
_ZH_SENTENCE_END = tuple("。！？；…!?;.")
_EN_SENTENCE_END = tuple(".!?:;")
_DEEP_INDENT = 8  # spaces: signature lines and sub-headings sit far right
_SIGNATURE_INDENT = 20  # deeper than this: a signature; between: a centred sub-heading
_SUBHEADING_CHARS = 20
_SIGNATURE_CHARS = 40
_OPENERS = ("“", "‘", "「", "『", '"', "'", "……")
_ZH_PUNCT_END = tuple("。！？；…，、：!?;.,:—")
_ENCLOSED_RE = re.compile(
    r"^[（(][^（）()]*[\u3400-\u9fff][^（）()]*[\u3400-\u9fff][^（）()]*[）)]$"
)
_BLANKS = " \t\u3000\f\v\r\n"
_ZH_NUM = "〇○零一二三四五六七八九十廿卅"
_ZH_DATE_RE = re.compile(rf"^(?:[{_ZH_NUM}]{{4}}年)?[{_ZH_NUM}]{{1,3}}月[{_ZH_NUM}]{{1,3}}日$")
_SIGN_SUFFIX_RE = re.compile(
    rf"(?:[敬谨同]?[贺祝献叩启])?(?:[{_ZH_NUM}]{{1,3}}月[{_ZH_NUM}]{{1,3}}日)?"
)
_SIGN_OFF_RE = re.compile(r"(?:[敬谨同]贺|敬祝|敬献|[敬同]叩|谨启)$")
_SENTENCE_MARK_RE = re.compile(r"[。！？；，：!?;,:]")
# Tables: cells separated by runs of two or more spaces; a figure such as 四三．○○ or 3.60.
_CELL_SPLIT_RE = re.compile(r"[ \t\u3000]{2,}")
_TABLE_MIN_CELLS = 6
_FIGURE = r"[0-9０-９〇○零一二三四五六七八九十百千万]+(?:[．·.][0-9０-９〇○零一二三四五六七八九]+)?"
_FIGURE_RE = re.compile(_FIGURE)
_GLUED_FIGURE_RE = re.compile(
    r"^([0-9０-９〇○零一二三四五六七八九十百千万]+[．·.][0-9０-９〇○零一二三四五六七八九]{2})(\S+)$"
)


# Unicode's control characters (category Cc) but the line and page breaks and tab a text has.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class ArticleError(ValueError):
    """A file that cannot be read as an article; ``str()`` is a one-line reason."""


def decode(raw: bytes) -> str:
    """Bytes to NFC text: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if not raw.strip():
        raise ArticleError("empty file")
    if b"\x00" in raw[:65536]:
        raise ArticleError("binary file (contains NUL bytes), not an article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"not UTF-8 or GBK/GB18030 text (undecodable byte at offset {exc.start})"
            ) from None
    controls = len(CONTROL_CHARS.findall(text, 0, 65536))
    if controls > 0.01 * min(len(text), 65536):
        raise ArticleError("binary file (control characters), not an article")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text


def read_article(path: Path | str, *, article_id: str | None = None) -> Article:
    """Read and parse one file; raises :class:`ArticleError` with a one-line reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(
                f"file too large ({size / 1e6:.1f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read file: {exc.strerror or exc}") from None
    return parse_article(decode(raw), article_id=article_id or path.stem, path=str(path))


def parse_article(text: str, *, article_id: str, path: str = "") -> Article:
    # Archive files end their first lines with CRLF and the rest with LF; read_article has
    # normalised them already, text handed in directly may not be.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("### "):
        return _article(article_id, path, {}, [], [], _parse_chinese(lines))
    if not _HEADER_RE.match(first.strip()):
        raise ArticleError(
            "unknown format: expected a 'Title:' header or a '### ' Chinese title on the first line"
        )
    header, rest = _split_header(lines)
    english, glossary_lines, original = _split_sections(rest)
    glossary = _parse_glossary(glossary_lines)
    zh_info = _parse_chinese(original) if original is not None else None
    return _article(article_id, path, header, english, glossary, zh_info)


def _article(
    article_id: str,
    path: str,
    header: dict[str, str],
    english: list[str],
    glossary: list[GlossaryEntry],
    zh_info: dict[str, object] | None,
) -> Article:
    zh: dict[str, object] = zh_info or {}
    headlines_zh = [str(h) for h in zh.get("headlines", [])]  # type: ignore[attr-defined]
    paragraphs_zh = [str(p) for p in zh.get("paragraphs", [])]  # type: ignore[attr-defined]
    headlines_en, paragraphs_en = _split_english_headlines(english, len(headlines_zh))
    date = _iso_date(header.get("date", ""), field="Date") if header.get("date") else ""
    date = date or str(zh.get("date", ""))
    if not date:
        raise ArticleError(
            "missing date: no 'Date: YYYY-MM-DD' header and no date line under the Chinese title"
        )
    if not paragraphs_en and not paragraphs_zh:
        raise ArticleError("no body text: no English paragraphs and no Chinese paragraphs")
    title_en = _clean_title_en(header.get("title", ""))
    return Article(
        id=article_id,
        path=path,
        title_en=title_en,
        title_zh=str(zh.get("title", "")),
        author=header.get("author", "") or str(zh.get("author", "")),
        date=date,
        page=header.get("page", "") or header.get("edition", "") or str(zh.get("page", "")),
        column=str(zh.get("column", "")),
        headlines_en=tuple(headlines_en),
        paragraphs_en=tuple(paragraphs_en),
        headlines_zh=tuple(headlines_zh),
        paragraphs_zh=tuple(paragraphs_zh),
        glossary=tuple(glossary),
    )


def _split_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    header: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            if header:
                break
            i += 1
            continue
        m = _HEADER_RE.match(line)
        if not m:
            break
        key = m.group(1).lower()
        if key in _HEADER_KEYS:
            header[key] = m.group(2).strip()
        i += 1
    return header, lines[i:]


def _split_sections(lines: list[str]) -> tuple[list[str], list[str], list[str] | None]:
    """English body lines, glossary lines, and the lines after ``Original:`` (None if absent)."""
    english: list[str] = []
    glossary: list[str] = []
    target = english
    hr_seen = False
    for i, line in enumerate(lines):
        if _ENTITIES_RE.match(line):
            target = glossary
            continue
        if _HR_RE.match(line):
            hr_seen = True
            target = glossary if target is glossary else english
            continue
        if _ORIGINAL_RE.match(line):
            return english, glossary, lines[i + 1 :]
        if hr_seen and line.strip():
            raise ArticleError("unexpected text after '<hr />' (expected 'Original:')")
        target.append(line)
    if hr_seen:
        raise ArticleError("truncated: '<hr />' is not followed by an 'Original:' section")
    return english, glossary, None


def _parse_glossary(lines: list[str]) -> list[GlossaryEntry]:
    entries: list[GlossaryEntry] = []
    kind = ""
    for line in lines:
        if not line.strip():
            continue
        m = _KIND_RE.match(line)
        if m:
            kind = m.group(1).lower()
            continue
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and _CJK_RE.search(parts[0]) and kind:
            entries.append(GlossaryEntry(kind=kind, zh=parts[0], en=parts[1].strip()))
    return entries


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs from body lines: blank-line blocks, or one indented line each."""
    paras: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        indented = sum(1 for ln in block if _indent(ln) > 0)
        if len(block) > 1 and indented >= len(block) - 1:
            paras.extend(_squash(ln) for ln in block)
        else:
            paras.append(_squash(" ".join(ln.strip() for ln in block)))
        block.clear()

    for line in lines:
        if line.strip():
            block.append(line)
        else:
            flush()
    flush()
    return [p for p in paras if p]


def _split_english_headlines(english: list[str], zh_headlines: int) -> tuple[list[str], list[str]]:
    paras = _paragraphs(english)
    heads: list[str] = []
    # Headlines lead the body, are short and do not end like a sentence.
    while paras and len(heads) < max(zh_headlines, 6) and len(paras) > 1:
        cand = paras[0]
        if len(cand) > 250 or cand.rstrip(_CLOSERS).endswith(_EN_SENTENCE_END):
            break
        heads.append(paras.pop(0))
    return heads, paras


def _parse_chinese(lines: list[str]) -> dict[str, object]:
    info: dict[str, object] = {"title": "", "author": "", "date": "", "page": "", "column": ""}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].lstrip().startswith("###"):
        info["title"] = _squash(lines[i].lstrip().lstrip("#"))
        i += 1
    # Metadata lines (author, date, page, column) come before the first indented body line.
    pre: list[str] = []
    while i < len(lines) and not (lines[i].strip() and _indent(lines[i]) > 0):
        if lines[i].strip():
            pre.append(lines[i].strip())
        i += 1
    for line in pre:
        if _DATE_RE.match(line):
            info["date"] = _iso_date(line, field="Chinese date line")
        elif m := _PAGE_ZH_RE.match(line):
            info["page"] = m.group(1)
        elif m := _COLUMN_RE.match(line):
            info["column"] = m.group(1).strip()
        elif not info["date"] and not info["author"]:
            info["author"] = line
    body = [(_indent(ln), ln.strip(_BLANKS)) for ln in lines[i:] if ln.strip()]
    headlines, rest = _zh_headlines(body, str(info["title"]), str(info["author"]))
    paragraphs = _zh_paragraphs(rest, str(info["author"]))
    if not paragraphs and not headlines:
        raise ArticleError("the 'Original:' section has no Chinese text")
    if not paragraphs:
        paragraphs, headlines = headlines[-1:], headlines[:-1]
    info["headlines"] = headlines
    info["paragraphs"] = paragraphs
    return info


def _zh_headlines(
    body: list[tuple[int, str]], title: str, author: str
) -> tuple[list[str], list[tuple[int, str]]]:
    """The headline lines that lead the Chinese body, and the body lines after them.

    The ``### `` title is the headline lines run together, so a leading line found in the
    title is a headline whatever its punctuation (``抗议！！``, a sub-title ending in ``。``);
    so is the byline (the author line repeated) and a line indented far right. Once the
    title is covered, the next line is body text; a title that does not match the lines
    (or no title) falls back to the shape of a headline: short, not ending like a sentence.
    """
    title_c = _compact(title)
    author_c = _compact(author)
    heads: list[str] = []
    k = 0
    while k < len(body):
        indent, line = body[k]
        text = _squash(line)
        compact = _compact(text)
        covered = bool(title_c) and title_c in "".join(_compact(h) for h in heads)
        cells = _table_cells(line)
        if cells is not None:
            # A table glued to its headline (``本市物价表（五月廿六日）小米  一斤 ...``).
            if title_c and not covered and _compact(cells[0]).startswith(title_c):
                cut = _prefix_for(line, title_c)
                heads.append(_squash(line[:cut]))
                body = [*body[:k], (indent, line[cut:].strip(_BLANKS)), *body[k + 1 :]]
            break
        in_title = bool(title_c) and not covered and len(compact) >= 2 and compact in title_c
        byline = bool(author_c) and compact == author_c
        deep = indent >= _DEEP_INDENT
        # Past the title, a headline line also ends without a comma (``无限的热爱人民利益，``).
        ends = text.rstrip(_CLOSERS).endswith(_ZH_PUNCT_END)
        shaped = _is_zh_headline(text) and not (covered and ends)
        if not (in_title or byline or deep or shaped):
            break
        heads.append(text)
        k += 1
    return heads, body[k:]


def _zh_paragraphs(body: list[tuple[int, str]], author: str) -> list[str]:
    """Body paragraphs: one a line, with sub-headings, signatures and tables kept in place.

    A sub-heading (a short line without sentence punctuation, or a line indented a little
    way right, such as ``二  劳资悬殊过甚`` or a place name over its news) starts the
    paragraph after it; a signature (a line indented far right, ``（林）``, ``——编者``, a
    date, the author's name with ``敬贺``) ends the paragraph before it; a price table laid
    out with runs of spaces becomes one row a line, cells separated by `` | ``.
    """
    paragraphs: list[str] = []
    pending: list[str] = []  # sub-headings waiting for their paragraph
    signers = [s for s in re.split(r"[\s\u3000、，,]+", author) if s]
    for k, (indent, line) in enumerate(body):
        text = _squash(line)
        nxt = body[k + 1][0] if k + 1 < len(body) else None
        if indent >= _DEEP_INDENT:
            heading = indent < _SIGNATURE_INDENT and nxt is not None and nxt < _DEEP_INDENT
            kind = "heading" if heading else "signature"
        elif (table := _table(line)) is not None:
            kind, text = "text", table
        elif _is_zh_signature(text, signers):
            kind = "signature"
        elif _is_zh_subheading(text):
            kind = "heading"
        else:
            kind = "text"
        if kind == "heading":
            pending.append(text)
        elif kind == "signature" and paragraphs and not pending:
            paragraphs[-1] = f"{paragraphs[-1]}\n{text}"
        else:
            paragraphs.append("\n".join([*pending, text]))
            pending = []
    if pending:  # short lines closing the article: a place, a legend, a signature
        if paragraphs:
            paragraphs[-1] = "\n".join([paragraphs[-1], *pending])
        else:
            paragraphs.append("\n".join(pending))
    return paragraphs


def _is_zh_subheading(text: str) -> bool:
    compact = _compact(text)
    return (
        len(compact) <= _SUBHEADING_CHARS
        and bool(_CJK_RE.search(compact))
        and not compact.startswith(_OPENERS)
        and not compact.rstrip(_CLOSERS).endswith(_ZH_PUNCT_END)
    )


def _is_zh_signature(text: str, signers: list[str]) -> bool:
    compact = _compact(text)
    if len(compact) > _SIGNATURE_CHARS:
        return False
    if _ENCLOSED_RE.match(compact) or _ZH_DATE_RE.match(compact):
        return True
    if _SIGN_OFF_RE.search(compact) and not _SENTENCE_MARK_RE.search(compact):
        return True  # 新华书店  北方杂志社 ... 儿童杂志社同贺
    if compact.startswith("——") and len(compact) <= _SUBHEADING_CHARS:
        return True
    core = compact.strip("（）()")
    return any(core.startswith(s) and _SIGN_SUFFIX_RE.fullmatch(core[len(s) :]) for s in signers)


def _table_cells(line: str) -> list[str] | None:
    """The cells of a line laid out as a table: runs of spaces between cells, figures among
    them; None if the line is not a table.

    The archive's tables lost their line breaks: a row's last cell (a price such as
    ``四三．○○``) runs into the next row's first cell (``四三．○○小米``); such cells are cut
    in two.
    """
    cells: list[str] = []
    for cell in _CELL_SPLIT_RE.split(line.strip(_BLANKS)):
        m = _GLUED_FIGURE_RE.match(cell)
        cells.extend(m.groups() if m else [cell] if cell else [])
    if len(cells) < _TABLE_MIN_CELLS:
        return None
    if sum(1 for c in cells if _FIGURE_RE.fullmatch(c)) < 2:
        return None
    return cells


def _table(line: str) -> str | None:
    """A table line as rows, one a line, cells separated by `` | ``; a row ends at each
    figure cell. None if the line is not a table."""
    cells = _table_cells(line)
    if cells is None:
        return None
    rows: list[list[str]] = [[]]
    for cell in cells:
        rows[-1].append(_squash(cell))
        if _FIGURE_RE.fullmatch(cell):
            rows.append([])
    return "\n".join(" | ".join(row) for row in rows if row)


def _prefix_for(text: str, compact_prefix: str) -> int:
    """Length of the shortest prefix of ``text`` whose compact form is ``compact_prefix``."""
    seen = 0
    for n, ch in enumerate(text):
        if seen == len(compact_prefix):
            return n
        if not ch.isspace():
            seen += 1
    return len(text)


def _compact(text: str) -> str:
    """Text without any whitespace: how a headline line is compared with the title."""
    return re.sub(r"\s+", "", text)


def _is_zh_headline(text: str) -> bool:
    """Short and not ending like a sentence; no full stop inside either (an editor's note
    ``…这篇通讯系叙述…的情形。——编者`` is body text)."""
    return (
        len(text) <= 60
        and not text.rstrip(_CLOSERS).endswith(_ZH_SENTENCE_END)
        and "。" not in text
    )


def _indent(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\u3000":
            n += 2
        elif ch == "\t":
            n += 4
        else:
            break
    return n


def _squash(text: str) -> str:
    """Trim and collapse runs of ASCII whitespace; ideographic spaces inside lines are kept."""
    return re.sub(r"[ \t\f\v]+", " ", text.strip(" \t\u3000\f\v\n"))


def _clean_title_en(title: str) -> str:
    """English titles sometimes carry Chinese fragments (seed 001); keep the English only."""
    if not _CJK_RE.search(title):
        return _squash(title)
    spaced = re.sub(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+", " ", title)
    return _squash(re.sub(r"\s+([,.;:])", r"\1", spaced))


def _iso_date(value: str, *, field: str) -> str:
    m = _DATE_RE.match(value)
    if not m:
        raise ArticleError(f"invalid {field} {value.strip()!r} (expected YYYY-MM-DD)")
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        raise ArticleError(f"invalid {field} {value.strip()!r} (no such month or day)")
    return f"{y:04d}-{mo:02d}-{d:02d}"
