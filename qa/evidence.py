"""What the answer-or-abstain decision looks at: evidence features of the best passage.

Every feature is a number the calibrated decision (qa/decision.py) weighs:

- ``dense``: the passage's cosine to the question; ``dense_z``: how far it stands above the
  other candidates (z-score of the list that ranked it).
- ``coverage``: the share of the question's rare words (IDF mass) the passage holds: the
  question's own words, or across languages its dictionary-translated terms (qa/crosslang.py).
  A word the index holds nowhere counts as the rarest there is, so a question about something
  absent is not mistaken for covered.
- ``sentence``: the same share for the best sentence (what the answer would quote).
- ``constraints``: the years, dates and numbers the question names are in the passage or its
  article (its date counts for a year); ``typed``: the best sentence holds what the question
  asks for (a date for when, a number for how many).
- ``margin``: the fused score's lead over the next passage; ``untranslated``: the share of the
  question's content words the dictionary could not translate (across languages only).
- ``meaning``: the best sentence's cosine to the question (sentence vectors).
- ``follows``: a follow-up's best passage is in the article the conversation is about. A
  rewritten follow-up ("How many kinds of operations (Jinzhou factory)?") names little of its
  own and its search favours that article's passages, so its other evidence (dense_z, coverage)
  reads low although the conversation has settled which article is meant.
- ``words`` / ``sentence_words``: the share of the question's content words, each counted
  alike, that the passage / its best two consecutive sentences hold. The IDF-weighted
  coverage is carried by names ("Jinzhou quartz glass factory"); these say whether the
  asked-for thing itself ("workers", 厂长) is there, which is what tells a near miss.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, fields

from index import sentences
from index.lexical import tokenize
from qa.crosslang import Translation
from qa.measures import counted, counted_with
from qa.persons import names_holder, role_asked
from qa.places import KINDS, names_place, place_asked
from qa.question import Analysis, counts, holds, numbers_in, office_phrase, years_met
from qa.retrieve import Scored

SentenceScorer = Callable[[str, str], float]


@dataclass(frozen=True)
class Evidence:
    dense: float
    dense_z: float
    coverage: float
    sentence: float
    own_language: bool
    constraints: bool
    typed: bool
    margin: float
    untranslated: float
    words: float  # share of the question's content words in the passage (each counts alike)
    sentence_words: float  # the same in the best two consecutive sentences
    focus: float  # the asked-about thing (厂长, "director") is named: 1, not named: 0, none: 0.5
    meaning: float  # the best sentence's cosine to the question (0 without sentence vectors)
    # A follow-up whose best passage is in the article the conversation is about: the
    # conversation, not the question's few words of its own, says the article is the right one.
    follows: bool = False
    # Not features: what a failed constraint message says.
    wanted_years: tuple[int, ...] = ()
    found_years: tuple[int, ...] = ()
    # The office the question asks the holder of, when the passage does not name it: never
    # answered ("济宁日报的社长是谁？" over a passage about the paper that names no 社长).
    missing_office: str = ""
    # The verb of a later outcome the question asks about, when the passage does not report
    # it: never answered ("…后来挖通了吗？" over the article that says the digging began).
    missing_outcome: str = ""
    # The role whose holder's name the question asks, when the passage speaks of the role
    # but names no one in it: never answered ("…的是哪位工人？" over "第一支部工人进行了检讨").
    missing_name: str = ""
    # The kind of place the question asks for, when the (Chinese) passage names none of that
    # kind besides the question's own: never answered ("On which street in Handan…?" over a
    # passage that names no street; qa/places.py).
    missing_place: str = ""
    # The thing an English how-many question counts, when the Chinese passage writes no
    # number with a measure word of it (qa/measures.py): never answered ("How many votes did
    # he get?" over a passage that gives no number of 票).
    missing_count: str = ""

    def vector(self) -> list[float]:
        """The features, in :data:`FEATURES` order, as numbers."""
        values = astuple(self)[: len(FEATURES)]
        return [float(v) for v in values]


FEATURES = tuple(f.name for f in fields(Evidence))[:14]


def coverage(question_tokens: dict[str, float], texts: Sequence[str]) -> float:
    """Share of the question tokens' weight (IDF) found among the tokens of ``texts``."""
    total = sum(question_tokens.values())
    if not total:
        return 0.0
    words: set[str] = set()
    for text in texts:
        if text:
            words |= set(tokenize(text))
    return sum(w for t, w in question_tokens.items() if t in words) / total


def translated_coverage(
    translation: Translation, idf: Callable[[str], float], texts: Sequence[str]
) -> float:
    """Share of the translated terms' weight whose targets ``texts`` contain (as text)."""
    text = "".join(texts)
    total = found = 0.0
    for term in translation.terms:
        w = max((idf(tok) for tok in translation.tokens(term)), default=0.0)
        total += w
        if any(target in text for target, _ in term.targets):
            found += w
    return found / total if total else 0.0


def content_words(question: str, lang: str) -> list[str]:
    """The question's content words in its own writing: Chinese jieba words, English stemmed
    words; stop words and question words out."""
    from qa.crosslang import content_words as words_of

    return words_of(question, lang)


def word_share(words: Sequence[str], text: str, side: str) -> float:
    """Share of ``words`` (in ``side``'s writing) that ``text`` holds."""
    if not words:
        return 0.0
    if side == "zh":
        return sum(1 for w in words if w in text) / len(words)
    toks = set(tokenize(text, bigrams=False))
    return sum(1 for w in words if w in toks) / len(words)


def term_share(translation: Translation, text: str) -> float:
    """Share of the question's content words (translated ones and untranslated) whose
    translation ``text`` holds."""
    n = len(translation.terms) + len(translation.untranslated)
    if not n:
        return 0.0
    low = text.lower()
    toks = set(tokenize(text, bigrams=False)) if translation.side == "en" else set()
    found = 0
    for term in translation.terms:
        for target, _ in term.targets:
            if translation.side == "zh" and target in low:
                found += 1
                break
            if translation.side == "en" and all(t in toks for t in target.split()):
                found += 1
                break
    return found / n


def constraints_met(analysis: Analysis, hit: Scored) -> tuple[bool, tuple[int, ...]]:
    """Are the question's years, months and numbers in the passage or its article's date?"""
    p = hit.passage
    texts = [p.text_en, p.text_zh, p.title_en, p.title_zh]
    ok, found = years_met(analysis.years, texts, p.date)
    if analysis.numbers:
        have: set[float] = set()
        for side, text in (("en", p.text_en), ("zh", p.text_zh)):
            have |= numbers_in(text, side)
        ok = ok and all(n in have for n in analysis.numbers)
    if analysis.months and p.date[5:7].isdigit():
        ok = ok and (int(p.date[5:7]) in analysis.months or _month_in(analysis.months, texts))
    return ok, tuple(sorted(y for y in found if 1000 <= y <= 2100))


def _month_in(months: Sequence[int], texts: Sequence[str]) -> bool:
    from qa.numbers import chinese_numbers

    names = "january february march april may june july august september october november december"
    for text in texts:
        low = text.lower()
        if any(names.split()[m - 1] in low for m in months):
            return True
        for n in chinese_numbers(text):
            if text[n.end : n.end + 1] == "月" and n.value in months:
                return True
    return False


def units_in(
    analysis: Analysis, side: str, lang: str, translation: Translation | None
) -> list[str]:
    """The how-many question's units in ``side``'s writing (translated across languages)."""
    if side == lang or translation is None:
        return [
            u[:-1] if side == "en" and len(u) > 3 and u.endswith("s") else u for u in analysis.units
        ]
    out: list[str] = []
    for unit in analysis.units:
        for term in translation.terms:
            if unit.lower() in term.source.lower() or term.source in unit:
                out += [t for t, _ in term.targets]
    return out


# What a Chinese text plans, hopes or asks for is not what happened: "以便顺利完成春耕下种" (so as
# to finish the sowing) does not report the sowing finished. Such markers void the rest of
# their clause; a request voids the rest of its sentence ("我们希望贵署……统一分配，实较捷便").
_PLANNED_CLAUSE = re.compile(
    r"以便|为了|争取|准备|计划|打算|要求|号召|力争|保证|决定|预计|估计|可望|可于|即可|将要|必须|应当"
)
_PLANNED_SENTENCE = re.compile(r"希望|建议|请求|盼望")


def reported(text: str) -> str:
    """The parts of a Chinese ``text`` that report what happened: each clause cut at a word of
    plan or purpose, each sentence at a request."""
    out = []
    for sentence in re.split(r"(?<=[。！？；!?;])", text):
        m = _PLANNED_SENTENCE.search(sentence)
        kept = sentence[: m.start()] if m else sentence
        for clause in re.split(r"(?<=[，：,:])", kept):
            m = _PLANNED_CLAUSE.search(clause)
            out.append(clause[: m.start()] if m else clause)
    return "".join(out)


def focus_named(
    focus: Sequence[str], text: str, side: str, lang: str, translation: Translation | None
) -> float:
    """1 when the text names what the question asks about (厂长 in "厂长是谁", the
    translation of "director"), 0 when it does not, 0.5 when the question names nothing."""
    words = [w for w in focus if len(w) > 1] or list(focus)
    if not words:
        return 0.5
    if side != lang:
        if translation is None:
            return 0.5
        targets = [
            t
            for w in words
            for term in translation.terms
            if w.lower() in term.source.lower()
            for t, _ in term.targets
        ]
        if not targets:
            return 0.5
        return 1.0 if any(t in text for t in targets) else 0.0
    if side == "zh":
        return 1.0 if any(w in text for w in words) else 0.0
    toks = set(tokenize(text, bigrams=False))
    return 1.0 if any(set(tokenize(w, bigrams=False)) <= toks for w in words) else 0.0


def gather(
    question: str,
    lang: str,
    analysis: Analysis,
    translation: Translation | None,
    hits: Sequence[Scored],
    scorer: SentenceScorer,
    idf: Callable[[str], float],
    expansions: Sequence[str] = (),
    meaning: dict[tuple[str, str], float] | None = None,
    focus_articles: Sequence[str] = (),
) -> Evidence:
    """The evidence of the best passage ``hits[0]``; ``focus_articles``: the article a
    follow-up follows (qa/dialogue.py)."""
    hit = hits[0]
    p = hit.passage
    own = bool(p.text(lang))
    if own or not translation:
        q = {t: idf(t) for t in set(tokenize(" ".join([question, *expansions])))}
        cov = coverage(q, [p.text_en, p.text_zh])
    else:
        cov = translated_coverage(translation, idf, [p.text_en, p.text_zh])
    side = p.side_for(lang)
    sents = sentences.split(p.text(side), side)
    best = max(sents, key=lambda s: scorer(s, side), default="")
    sentence_score = scorer(best, side) if best else 0.0
    pairs = [" ".join(sents[i : i + 2]) for i in range(max(1, len(sents) - 1))] if sents else []
    if own or not translation:
        words = content_words(question, lang)
        share_passage = word_share(words, p.text_en + " " + p.text_zh, lang)
        share_sentence = max((word_share(words, t, side) for t in pairs), default=0.0)
    else:
        share_passage = term_share(translation, p.text(side))
        share_sentence = max((term_share(translation, t) for t in pairs), default=0.0)
    units = units_in(analysis, side, lang, translation)
    # an English how-many question over Chinese text: the measure words that count its thing
    thing, measures = (
        counted(question)
        if (side == "zh" and lang == "en" and analysis.kind == "how_many")
        else ("", ())
    )
    if analysis.kind == "how_many" and (units or measures):
        typed = any(
            (bool(units) and counts(t, side, units)) or counted_with(t, measures) for t in sents
        )
    else:
        typed = any(holds(analysis.kind, t, side) for t in sents)
    ok, found = constraints_met(analysis, hit)
    margin = hit.score - hits[1].score if len(hits) > 1 else 1.0
    focus = focus_named(analysis.focus, p.text(side), side, lang, translation)
    office_missing = bool(analysis.office) and focus == 0.0
    outcome_missing = bool(analysis.later) and (
        focus_named(
            (analysis.later,),
            reported(p.text(side)) if side == "zh" else p.text(side),
            side,
            lang,
            translation,
        )
        == 0.0
    )
    untranslated = 0.0
    role = role_asked(question, lang)
    name_missing = bool(role) and not role_named(
        role, p.text(side), question, side, lang, translation
    )
    place = place_asked(question, lang) if side == "zh" else ""
    # the places the question gives, in Chinese too when it is asked in English
    given = (
        [t for term in translation.terms if term.proper for t, _ in term.targets]
        if (place and lang != side and translation is not None)
        else []
    )
    place_missing = bool(place) and not names_place(
        place, p.text(side), " ".join([question, *given])
    )
    if not own and translation is not None:
        n = len(translation.terms) + len(translation.untranslated)
        untranslated = len(translation.untranslated) / n if n else 1.0
    return Evidence(
        dense=hit.dense,
        dense_z=hit.dense_z,
        coverage=cov,
        sentence=sentence_score,
        own_language=own,
        constraints=ok,
        typed=typed,
        margin=margin if math.isfinite(margin) else 0.0,
        untranslated=untranslated,
        words=share_passage,
        sentence_words=share_sentence,
        focus=focus,
        meaning=max((meaning or {}).get((side, t), 0.0) for t in sents) if sents else 0.0,
        follows=p.article_id in focus_articles,
        wanted_years=analysis.years,
        found_years=found,
        missing_outcome=analysis.later if outcome_missing else "",
        missing_office=office_phrase(question, analysis.office) if office_missing else "",
        missing_name=_role_shown(question, role) if name_missing else "",
        missing_place=place if place_missing else "",
        missing_count=thing if (measures and not typed) else "",
    )


_KIND_HEAD = re.compile(rf"\b({'|'.join(KINDS)}) (head|chief|magistrate)s?\b", re.I)


def _role_shown(question: str, role: str) -> str:
    """The role as the reply names it: "town head", not "head"."""
    kind = _KIND_HEAD.search(question)
    return f"{kind.group(1).lower()} {role}" if kind and kind.group(2).lower() == role else role


def role_named(
    role: str,
    text: str,
    question: str,
    side: str,
    lang: str,
    translation: Translation | None,
    spoken_of: bool = False,
) -> bool:
    """Does ``text`` name the holder of ``role`` (qa/persons.py), or not speak of the role at
    all (then the office and focus checks judge it; with ``spoken_of``, a text that does not
    speak of the role does not name its holder)? Across languages, through the role's
    dictionary translations."""
    if side == lang:
        roles = [role]
    elif translation is None:
        return not spoken_of
    else:
        roles = [
            t for term in translation.terms if role in term.source.lower() for t, _ in term.targets
        ]
        # "the town head", "the village chief": 镇长, 乡长, 村长 (no dictionary phrase)
        kind = _KIND_HEAD.search(question)
        if kind and kind.group(2).lower() == role:
            roles = [c + "长" for c in KINDS[kind.group(1).lower()]] + roles
        # one character (长 for "head") is in any text: only when no word translates the role
        roles = [r for r in roles if len(r) > 1 or side != "zh"] or roles
    low = text.lower() if side == "en" else text
    present = [r for r in roles if r.lower() in low]
    if not present:
        return not spoken_of
    return any(names_holder(r, text, question, side) for r in present)
