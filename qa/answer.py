"""Grounded extractive answers: quoted sentences from retrieved passages, each with a citation."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from index import sentences
from index.align import align
from index.lexical import tokenize
from index.records import Passage
from qa.retrieve import Scored

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

NOT_FOUND = {
    "en": "The archive does not say: no indexed passage answers this question.",
    "zh": "档案中没有找到答案：没有已索引的段落回答这个问题。",
}
RELATED = {"en": "Closest passages", "zh": "最相关的段落"}
OTHER_SIDE = {"en": "(from the Chinese original)", "zh": "（据英文译文）"}


def detect_language(text: str) -> str:
    """``zh`` when Chinese characters carry the question, else ``en`` (mixed text handled)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


@dataclass(frozen=True)
class Citation:
    n: int
    passage_id: str
    article_id: str
    title: dict[str, str]
    date: str
    page: str
    text: dict[str, str]
    quote: dict[str, str]
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    language: str
    answerable: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        extra = d.pop("extra")
        d.update(extra)
        return d

    def render_text(self) -> str:
        lines = [self.answer, ""]
        if not self.answerable and self.citations:
            lines.append(RELATED[self.language] + ":")
        for c in self.citations:
            title = c.title.get(self.language) or c.title.get("en") or c.title.get("zh")
            lines.append(f"[{c.n}] {title} ({c.date}, page {c.page}) {c.passage_id}")
            for side in ("en", "zh"):
                if c.quote.get(side):
                    lines.append(f"    {side}: {c.quote[side]}")
        return "\n".join(lines).rstrip()


def _sentence_score(q_tokens: set[str], sentence: str) -> float:
    toks = tokenize(sentence)
    if not toks:
        return 0.0
    overlap = len(q_tokens & set(toks))
    return overlap / math.sqrt(len(toks))


def aligned_quote(p: Passage, side: str, index: int) -> str:
    """The sentence(s) on the other side of ``p`` aligned with sentence ``index`` of ``side``."""
    other = "zh" if side == "en" else "en"
    mine = sentences.split(p.text(side), side)
    theirs = sentences.split(p.text(other), other)
    if not mine or not theirs:
        return ""
    en, zh = (mine, theirs) if side == "en" else (theirs, mine)
    for en_idx, zh_idx in align(en, zh):
        group_mine, group_theirs = (en_idx, zh_idx) if side == "en" else (zh_idx, en_idx)
        if index in group_mine:
            return "".join(
                theirs[i] if other == "zh" else theirs[i] + " " for i in group_theirs
            ).strip()
    return ""


def compose(
    question: str, hits: list[Scored], *, answerable: bool, max_sentences: int = 3
) -> Answer:
    lang = detect_language(question)
    q_tokens = set(tokenize(question))
    if not answerable:
        cites = [_citation(i, h, "", "", lang) for i, h in enumerate(hits, start=1)]
        return Answer(question, lang, False, NOT_FOUND[lang], cites)
    chosen: list[tuple[Scored, str, int, str]] = []  # hit, side, sentence index, sentence
    seen: set[str] = set()
    for h in hits[:max_sentences]:
        side = lang if h.passage.text(lang) else ("zh" if lang == "en" else "en")
        sents = sentences.split(h.passage.text(side), side)
        if not sents:
            continue
        best = max(range(len(sents)), key=lambda i: (_sentence_score(q_tokens, sents[i]), -i))
        if sents[best] in seen:
            continue
        if chosen and _sentence_score(q_tokens, sents[best]) == 0:
            continue
        seen.add(sents[best])
        chosen.append((h, side, best, sents[best]))
    parts: list[str] = []
    citations: list[Citation] = []
    for n, (h, side, idx, sent) in enumerate(chosen, start=1):
        marker = f" {OTHER_SIDE[lang]}" if side != lang else ""
        parts.append(f"{sent}{marker} [{n}]")
        other = aligned_quote(h.passage, side, idx)
        quote = {side: sent, ("zh" if side == "en" else "en"): other}
        citations.append(_citation(n, h, quote["en"], quote["zh"], lang))
    joiner = "" if lang == "zh" else " "
    return Answer(question, lang, True, joiner.join(parts), citations)


def _citation(n: int, h: Scored, quote_en: str, quote_zh: str, lang: str) -> Citation:
    p = h.passage
    return Citation(
        n=n,
        passage_id=p.id,
        article_id=p.article_id,
        title={"en": p.title_en, "zh": p.title_zh},
        date=p.date,
        page=p.page,
        text={"en": p.text_en, "zh": p.text_zh},
        quote={"en": quote_en, "zh": quote_zh},
        score=round(h.score, 6),
    )
