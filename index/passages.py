"""Cut an article into bilingual passages with stable ids."""

from __future__ import annotations

import math

from index import sentences
from index.align import align
from index.records import Article, Passage, passage_id

# Character budgets that keep a passage (with its "passage: " prompt) well inside the
# embedding model's 512 tokens: XLM-R needs ~0.25 tokens per English character and ~0.8 per
# Chinese character on this archive.
MAX_EN_CHARS = 1500
MAX_ZH_CHARS = 480
# Sentence alignment inside a long paragraph is quadratic: beyond this, cut proportionally.
MAX_ALIGN_CELLS = 250_000


def make_passages(article: Article) -> list[Passage]:
    """Aligned, length-capped passages ``<article-id>#p1``, ``#p2``, ... in article order."""
    pairs: list[tuple[str, str]] = []
    for en_idx, zh_idx in align(article.paragraphs_en, article.paragraphs_zh):
        en = "\n".join(article.paragraphs_en[i] for i in en_idx)
        zh = "\n".join(article.paragraphs_zh[j] for j in zh_idx)
        pairs.extend(_split_long(en, zh))
    return [
        Passage(
            id=passage_id(article.id, n),
            article_id=article.id,
            order=n,
            text_en=en,
            text_zh=zh,
            title_en=article.title_en,
            title_zh=article.title_zh,
            date=article.date,
            page=article.page,
            author=article.author,
            column=article.column,
        )
        for n, (en, zh) in enumerate(pairs, start=1)
    ]


def _split_long(en: str, zh: str) -> list[tuple[str, str]]:
    if len(en) <= MAX_EN_CHARS and len(zh) <= MAX_ZH_CHARS:
        return [(en, zh)]
    en_s = [p for s in sentences.split_en(en) for p in sentences.hard_wrap(s, MAX_EN_CHARS, "en")]
    zh_s = _zh_pieces(zh)
    if en_s and zh_s and len(en_s) * len(zh_s) <= MAX_ALIGN_CELLS:
        # Align sentences, then pack aligned groups: each chunk's two sides say the same.
        units = [
            (" ".join(en_s[i] for i in gi), "".join(zh_s[j] for j in gj))
            for gi, gj in align(en_s, zh_s)
        ]
        chunks = _pack(units)
    else:
        chunks = _proportional(en_s, zh_s)
    return [(e, z.strip("\n")) for e, z in chunks]


def _zh_pieces(zh: str) -> list[str]:
    """Sentences (hard-wrapped to the budget) line by line; a line's last piece keeps its
    line break, so a cut falls between lines (a table's rows, a signature) and the lines
    of a chunk stay lines."""
    pieces: list[str] = []
    lines = zh.split("\n")
    for n, line in enumerate(lines):
        parts = [
            p for s in sentences.split_zh(line) for p in sentences.hard_wrap(s, MAX_ZH_CHARS, "zh")
        ]
        if parts and n < len(lines) - 1:
            parts[-1] += "\n"
        pieces.extend(parts)
    return pieces


def _pack(units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    en_acc: list[str] = []
    zh_acc: list[str] = []
    for en, zh in units:
        if len(en) > MAX_EN_CHARS or len(zh) > MAX_ZH_CHARS:
            en_sub = [
                p
                for s in sentences.split_en(en)
                for p in sentences.hard_wrap(s, MAX_EN_CHARS, "en")
            ]
            zh_sub = _zh_pieces(zh)
            if en_acc or zh_acc:
                out.append((" ".join(en_acc), "".join(zh_acc)))
                en_acc, zh_acc = [], []
            out.extend(_proportional(en_sub, zh_sub))
            continue
        en_len = sum(len(x) + 1 for x in en_acc) + len(en)
        zh_len = sum(len(x) for x in zh_acc) + len(zh)
        if (en_acc or zh_acc) and (en_len > MAX_EN_CHARS or zh_len > MAX_ZH_CHARS):
            out.append((" ".join(en_acc), "".join(zh_acc)))
            en_acc, zh_acc = [], []
        if en:
            en_acc.append(en)
        if zh:
            zh_acc.append(zh)
    if en_acc or zh_acc:
        out.append((" ".join(en_acc), "".join(zh_acc)))
    return out


def _proportional(en_s: list[str], zh_s: list[str]) -> list[tuple[str, str]]:
    """Cut both sides at the same shares of their length (for huge paragraphs)."""
    en_len = sum(len(s) + 1 for s in en_s)
    zh_len = sum(len(s) for s in zh_s)
    k = max(math.ceil(en_len / MAX_EN_CHARS), math.ceil(zh_len / MAX_ZH_CHARS), 1)
    while True:
        en_chunks = _chunk(en_s, k, " ")
        zh_chunks = _chunk(zh_s, k, "")
        if all(len(c) <= MAX_EN_CHARS for c in en_chunks) and all(
            len(c) <= MAX_ZH_CHARS for c in zh_chunks
        ):
            return [(e, z) for e, z in zip(en_chunks, zh_chunks, strict=True) if e or z]
        k += max(1, k // 8)


def _chunk(sents: list[str], k: int, joiner: str) -> list[str]:
    """``k`` consecutive groups of sentences, cut where the running share of length crosses i/k.

    Both languages are cut at the same shares of their length, so chunk i of the English
    side lines up with chunk i of the Chinese side.
    """
    groups: list[list[str]] = [[] for _ in range(k)]
    total = sum(len(s) for s in sents) or 1
    done = 0
    for s in sents:
        middle = done + len(s) / 2
        groups[min(k - 1, int(middle / total * k))].append(s)
        done += len(s)
    return [joiner.join(g) for g in groups]
