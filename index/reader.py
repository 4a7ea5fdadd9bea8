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
    lines = text.split("\n")
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
    headlines: list[str] = []
    paragraphs: list[str] = []
    for line in lines[i:]:
        if not line.strip():
            continue
        text = _squash(line)
        deep = _indent(line) >= _DEEP_INDENT
        if not paragraphs and (deep or _is_zh_headline(text)):
            headlines.append(text)
        elif deep and paragraphs:
            paragraphs[-1] = f"{paragraphs[-1]}\n{text}"  # signature or sub-heading
        else:
            paragraphs.append(text)
    if not paragraphs and not headlines:
        raise ArticleError("the 'Original:' section has no Chinese text")
    if not paragraphs:
        paragraphs, headlines = headlines[-1:], headlines[:-1]
    info["headlines"] = headlines
    info["paragraphs"] = paragraphs
    return info


def _is_zh_headline(text: str) -> bool:
    return len(text) <= 60 and not text.rstrip(_CLOSERS).endswith(_ZH_SENTENCE_END)


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
