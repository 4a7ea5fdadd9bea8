"""Grounded extractive answers: quoted sentences from retrieved passages, each with a citation.

No language model: the answer is 1-3 sentences copied from the best passages, each followed by
the marker ``[n]`` of the passage it came from. The asker's language side of a bilingual
passage is quoted; a one-language passage is quoted in its own language, marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from index import sentences
from index.align import align
from index.lexical import tokenize
from index.records import Passage
from qa.crosslang import Translation
from qa.measures import counted_with
from qa.question import Analysis, counts, holds
from qa.retrieve import Scored

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

NOT_FOUND = {
    "en": "The archive does not say: no indexed passage answers this question.",
    "zh": "档案中没有找到答案：没有已索引的段落回答这个问题。",
}
RELATED = {"en": "Closest passages", "zh": "最相关的段落"}
GLOSS_LABEL = {
    "en": "Word-by-word dictionary gloss (CC-CEDICT), not a translation",
    "zh": "逐词词典释义（CC-CEDICT），非翻译",
}
OTHER_SIDE = {"en": "(from the Chinese original)", "zh": "（据英文译文）"}
# A further sentence joins the answer when it scores at least this share of the best one, and
# a second passage is cited when its fused score is at least this share of the first's. Both
# chosen on XQuAD answer-hit (docs/benchmarks.md); answers stay within 3 sentences.
SECOND_SENTENCE_SHARE = 0.3
SECOND_PASSAGE_SHARE = 0.6


_TAG = re.compile(r"<[^<>]*>")


def detect_language(text: str) -> str:
    """``zh`` when Chinese carries the question, else ``en``.

    Mixed questions go by their frame: "What does 锦州石英玻璃厂 produce?" is English (three
    English words around one Chinese name); "大庆油田的NFL装置是什么？" is Chinese. Markup
    (``<b>``, ``<img src=x>``) is not language: tags are left out of the count.
    """
    text = _TAG.sub(" ", text)
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return "zh" if cjk and (words == 0 or cjk >= 4 * words) else "en"


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
    # For an English asker quoting a Chinese-only passage: the quoted sentences glossed word
    # by word from the dictionary (qa/gloss.py); not a translation.
    gloss: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    language: str
    answerable: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render_text(self) -> str:
        lines = [self.answer, ""]
        for heading, items in (("", self.citations), (RELATED[self.language], self.related)):
            if items and heading:
                lines.append(f"{heading}:")
            for c in items:
                title = c.title.get(self.language) or c.title.get("en") or c.title.get("zh")
                label = f"[{c.n}]" if heading == "" else "-"
                lines.append(f"{label} {title} ({c.date}, page {c.page}) {c.passage_id}")
                for side in ("en", "zh"):
                    quote = c.quote.get(side) or (c.text.get(side, "")[:160] if heading else "")
                    if quote:
                        lines.append(f"    {side}: {quote}")
                if c.gloss:
                    lines.append(f"    gloss: {c.gloss}")
        glossed = [c for c in self.citations if c.gloss]
        if glossed:
            lines += ["", f"{GLOSS_LABEL[self.language]}:"]
            lines += [f"[{c.n}] {c.gloss}" for c in glossed]
        return "\n".join(lines).rstrip()


SentenceScorer = Callable[[str, str], float]  # (sentence, side) -> score in [0, 1]


def lexical_scorer(question: str, idf: Callable[[str], float]) -> SentenceScorer:
    """Share of the question's IDF mass that a sentence contains (whole words: for picking a
    sentence, Chinese character bigrams favour long sentences)."""
    q_tokens = set(tokenize(question, bigrams=False))
    weights = {t: max(idf(t), 0.1) for t in q_tokens}
    total = sum(weights.values()) or 1.0

    def score(sentence: str, side: str) -> float:
        del side
        toks = set(tokenize(sentence, bigrams=False))
        return sum(w for t, w in weights.items() if t in toks) / total

    return score


def translated_scorer(translation: Translation, idf: Callable[[str], float]) -> SentenceScorer:
    """Across languages: the share of the question's translated terms (their weight: the
    IDF of their rarest target the index holds) that a sentence contains, as text."""
    terms = [
        (t, max((idf(tok) for tok in translation.tokens(t)), default=0.0))
        for t in translation.terms
    ]
    total = sum(w for _, w in terms) or 1.0

    def score(sentence: str, side: str) -> float:
        if side != translation.side:
            return 0.0
        low = sentence.lower()
        found = 0.0
        for term, w in terms:
            if any(_contains_term(low, target, side) for target, _ in term.targets):
                found += w
        return found / total

    return score


def _contains_term(text: str, target: str, side: str) -> bool:
    if side == "zh":
        return target in text
    return all(tok in set(tokenize(text)) for tok in tokenize(target))


def typed_scorer(
    base: SentenceScorer,
    analysis: Analysis | None,
    penalty: float,
    lang: str = "",
    measures: tuple[str, ...] = (),
) -> SentenceScorer:
    """``base`` times ``penalty`` for a sentence that lacks what the question asks for (no
    date for a when-question, no number for a how-many question...). ``measures``: the
    measure words that count an English how-many question's thing in Chinese
    (qa/measures.py): a Chinese sentence must write a number with one of them."""
    if analysis is None or penalty >= 1.0:
        return base
    units = [
        u[:-1] if lang == "en" and u.endswith("s") and len(u) > 3 else u for u in analysis.units
    ]

    def score(sentence: str, side: str) -> float:
        value = base(sentence, side)
        if analysis.units and analysis.kind == "how_many" and side == lang:
            ok = counts(sentence, side, units)
        elif measures and analysis.kind == "how_many" and side == "zh" and lang == "en":
            ok = counted_with(sentence, measures)
        else:
            ok = holds(analysis.kind, sentence, side)
        return value if ok else value * penalty

    return score


def meaning_scorer(
    base: SentenceScorer,
    meaning: dict[tuple[str, str], float],
    lang: str,
    weight: float,
    cross_weight: float,
) -> SentenceScorer:
    """``base`` plus the sentence's cosine to the question above its side's mean (so the
    shares :func:`compose` uses still compare sentences, not a constant), times ``weight``
    (``cross_weight`` for sentences in the other language)."""
    by_side: dict[str, list[float]] = {}
    for (side, _), sim in meaning.items():
        by_side.setdefault(side, []).append(sim)
    mean = {side: sum(v) / len(v) for side, v in by_side.items()}

    def score(sentence: str, side: str) -> float:
        sim = meaning.get((side, sentence))
        value = base(sentence, side)
        if sim is None:
            return value
        w = weight if side == lang else cross_weight
        return value + w * (sim - mean[side])

    return score


def combined_scorer(
    lang: str, same: SentenceScorer, cross: SentenceScorer | None
) -> SentenceScorer:
    """The question's own words for sentences in its language, the translated terms for the
    other language's sentences."""
    if cross is None:
        return same

    def score(sentence: str, side: str) -> float:
        return (
            same(sentence, side)
            if side == lang
            else max(cross(sentence, side), same(sentence, side))
        )

    return score


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
            joiner = "" if other == "zh" else " "
            return joiner.join(theirs[i] for i in group_theirs)
    return ""


def citation(
    n: int, h: Scored, quote_en: str = "", quote_zh: str = "", gloss: str = ""
) -> Citation:
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
        gloss=gloss,
    )


def not_found(question: str, lang: str, hits: list[Scored], message: str = "") -> Answer:
    related = [citation(i, h) for i, h in enumerate(hits, start=1)]
    return Answer(question, lang, False, message or NOT_FOUND[lang], [], related)


def compose(
    question: str,
    lang: str,
    hits: list[Scored],
    scorer: SentenceScorer,
    *,
    max_sentences: int = 3,
    glosser: Callable[[str], str] | None = None,
) -> Answer:
    """The answer from the best-scoring sentences of the top passages, cited ``[n]``."""
    picked: list[tuple[int, str, int, str]] = []  # hit index, side, sentence index, sentence
    best_score = 0.0
    for hi, h in enumerate(hits[:2]):
        if hi == 1 and (not picked or h.score < SECOND_PASSAGE_SHARE * hits[0].score):
            break
        side = h.passage.side_for(lang)
        sents = sentences.split(h.passage.text(side), side)
        scored = sorted(((scorer(s, side), -i, i, s) for i, s in enumerate(sents)), reverse=True)
        for rank, (score, _, i, s) in enumerate(scored):
            if len(picked) >= max_sentences or any(s == p[3] for p in picked):
                break
            if hi == 0 and rank == 0:
                best_score = score
            elif score <= 0 or score < SECOND_SENTENCE_SHARE * best_score:
                break
            picked.append((hi, side, i, s))
            if hi == 1:
                break  # one sentence from the second passage
    numbers: dict[int, int] = {}
    parts: list[str] = []
    quotes: dict[int, dict[str, list[str]]] = {}
    # Keep each passage's sentences in their order in the passage.
    for hi, side, i, s in sorted(picked, key=lambda p: (p[0], p[2])):
        n = numbers.setdefault(hi, len(numbers) + 1)
        marker = f" {OTHER_SIDE[lang]}" if side != lang else ""
        space = "" if lang == "zh" else " "
        parts.append(f"{s}{marker}{space}[{n}]")
        other = "zh" if side == "en" else "en"
        q = quotes.setdefault(hi, {"en": [], "zh": []})
        q[side].append(s)
        aligned = aligned_quote(hits[hi].passage, side, i)
        if aligned and aligned not in q[other]:
            q[other].append(aligned)

    def glossed(hi: int) -> str:
        # An English reader quoting a Chinese-only passage gets the word-by-word gloss.
        if glosser is None or lang != "en" or quotes[hi]["en"]:
            return ""
        return " ".join(glosser(s) for s in quotes[hi]["zh"])

    citations = [
        citation(
            n,
            hits[hi],
            " ".join(quotes[hi]["en"]),
            "".join(quotes[hi]["zh"]),
            glossed(hi),
        )
        for hi, n in numbers.items()
    ]
    cited = {c.passage_id for c in citations}
    related = [
        citation(i, h) for i, h in enumerate((h for h in hits if h.passage.id not in cited), 1)
    ]
    joiner = "" if lang == "zh" else " "
    return Answer(question, lang, True, joiner.join(parts), citations, related)
