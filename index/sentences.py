"""Sentence splitting for English and Chinese text (used to cut long passages and to quote)."""

from __future__ import annotations

import re

_ZH_END = "。！？；!?;"
_ZH_CLOSERS = "”’」』）)\"'"
_ZH_SPLIT = re.compile(rf"(?<=[{_ZH_END}])(?![{_ZH_END}])([{re.escape(_ZH_CLOSERS)}]*)")
# English: a sentence end, optional closing quote/bracket, whitespace, then a capital, digit or
# opening quote. Common abbreviations do not end a sentence.
_EN_SPLIT = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_EN_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|Co|Corp|Inc|Ltd|Gen|Col|Lt|Sgt|Capt|Rev|Jan|Feb|Mar|Apr"
    r"|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|e\.g|i\.e|etc|vs|Vol|pp|[A-Z])\.$"
)


def split_zh(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _ZH_SPLIT.finditer(text):
        end = m.end()
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_en(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _EN_SPLIT.finditer(text):
        candidate = text[start : m.start()] + m.group(1)
        if _EN_ABBREV.search(text[start : m.start()]):
            continue
        piece = candidate.strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split(text: str, lang: str) -> list[str]:
    return split_zh(text) if lang == "zh" else split_en(text)


def hard_wrap(sentence: str, limit: int, lang: str) -> list[str]:
    """Cut a sentence longer than ``limit`` characters at commas, then spaces, then anywhere."""
    if len(sentence) <= limit:
        return [sentence]
    seps = "，、：,:" if lang == "zh" else ",;: "
    pieces: list[str] = []
    rest = sentence
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind(s) for s in seps)
        cut = cut + 1 if cut >= limit // 3 else limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:]
    if rest.strip():
        pieces.append(rest.strip())
    return [p for p in pieces if p]
