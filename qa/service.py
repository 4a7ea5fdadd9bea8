"""The assistant: open the index once, then answer questions (what the CLI and web app call).

A question is *considered* (cleaned, its language detected, analysed, translated, searched,
its evidence gathered: :meth:`Assistant.consider`) and then *answered* (:meth:`Assistant.answer`):
cited sentences when the calibrated decision (qa/decision.py) says the best passage supports
them, else "the archive does not say" with the closest passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from index.embedder import Embedder, Vectors
from index.sentence_vectors import decode as decode_vectors
from index.sentence_vectors import sentence_texts
from index.settings import Settings
from index.store import OpenIndex, open_catalog, open_index
from qa import decision
from qa.answer import (
    Answer,
    SentenceScorer,
    combined_scorer,
    compose,
    detect_language,
    lexical_scorer,
    meaning_scorer,
    not_found,
    translated_scorer,
    typed_scorer,
)
from qa.centring import CENTROID_QUESTIONS, centred_query, language_centroid
from qa.crosslang import Translation, Translator
from qa.dialogue import Memory, Resolved, person_given, resolve
from qa.dictionary import Dictionary, open_dictionary
from qa.evidence import Evidence, constraints_met, gather, role_named
from qa.gloss import gloss, person_name
from qa.glossary import Glossary
from qa.measures import counted
from qa.persons import role_asked
from qa.places import KINDS
from qa.question import Analysis, analyse
from qa.retrieve import PSEUDO_TERMS, Filters, Retriever, Scored
from qa.timeline import Timeline, matching, timeline

MAX_QUESTION_CHARS = 2000
_TAG = re.compile(r"<[^<>]*>")
# A sentence that lacks what the question asks for (a date for "when", a number for "how
# many") scores this share of its word overlap when answers are composed.
TYPE_PENALTY = 0.5
# Sentences are also chosen by meaning: each one's cosine to the question (above the mean of
# the passage's sentences) joins its word share with this weight, in the asker's language and
# across languages (where words match less). Chosen on XQuAD articles 0-23 (docs/benchmarks.md,
# "Sentences by meaning"). Sentences of this many top passages are scored.
SENTENCE_MEANING = 1.0
SENTENCE_MEANING_CROSS = 8.0
SENTENCE_PASSAGES = 3
# A passage that meets the question's years and numbers leads if it is among this many.
MET_FIRST = 3


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is for the user."""


def clean_question(question: str) -> str:
    """Control characters out, whitespace collapsed; empty or overlong questions refused."""
    text = "".join(ch if ch.isprintable() else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question in English or Chinese")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; ask in at most "
            f"{MAX_QUESTION_CHARS:,} characters"
        )
    return text


def asked(question: str) -> str:
    """What a question asks: its markup left out (a hostile ``<img>`` is not asked about)."""
    return " ".join(_TAG.sub(" ", question).split()) or question


def focus_of(answer: Answer) -> tuple[str, ...]:
    """The article a conversation is about after ``answer``: the one of its first source
    (cited, or shown as related when the archive did not say)."""
    shown = answer.citations or answer.related
    return (shown[0].article_id,) if shown else ()


def remember(
    resolved: Resolved, answer: Answer, romanise: Callable[[str], str] | None = None
) -> Resolved:
    """The turn with the conversation's memory after ``answer``: its article in focus is the
    one of the answer's first source; the person it named, when the turn asked for one (for an
    English asker over a Chinese quote, in pinyin by ``romanise``). A follow-up the archive
    did not answer settles nothing: the conversation stays on its article (its first source
    may be another article altogether) and on its person."""
    memory = resolved.memory
    given = ""
    if answer.answerable:
        given = person_given(memory.question, memory.language, *quoted(answer), romanise)
    articles = focus_of(answer)
    if resolved.follows and memory.articles and not answer.answerable:
        articles = memory.articles
    person = given or memory.person
    return replace(resolved, memory=replace(memory, articles=articles, person=person))


def quoted(answer: Answer) -> tuple[str, str]:
    """The sentences an answer quotes, English and Chinese, in citation order."""
    return (
        " ".join(c.quote.get("en", "") for c in answer.citations),
        " ".join(c.quote.get("zh", "") for c in answer.citations),
    )


def clean_date(value: str | None, *, end: bool = False) -> str | None:
    """A date filter as YYYY-MM-DD: ``1966`` and ``1966-01`` widen to the first (or, for the
    end of a range, the last) day they cover; anything else is refused with a clear message."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split("-")
    widths = (4, 2, 2)
    if len(parts) > 3 or any(
        len(part) != width or not part.isdigit() for part, width in zip(parts, widths, strict=False)
    ):
        raise QuestionError(
            f"the date {text[:40]!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY"
        )
    fill = ("12", "31") if end else ("01", "01")
    year, month, day = [*parts, *fill[len(parts) - 1 :]]
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise QuestionError(f"the date {text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    return f"{year}-{month}-{day}"


@dataclass(frozen=True)
class Considered:
    """A question worked through: its language, analysis, translation, passages, evidence."""

    question: str
    language: str
    analysis: Analysis
    translation: Translation | None
    hits: list[Scored]
    evidence: Evidence | None
    scorer: SentenceScorer


def _glossary(index: OpenIndex) -> Glossary:
    return Glossary(index.catalog.glossary_entries())


@dataclass
class Assistant:
    embedder: Embedder
    index: OpenIndex
    glossary: Glossary = field(default_factory=lambda: Glossary(()))
    dictionary: Dictionary | None = None

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        *,
        wrap: Callable[[Embedder], Embedder] | None = None,
    ) -> Assistant:
        """An assistant over the index of ``settings``. Without an ``embedder`` the configured
        model loads (then ``wrap`` wraps it) in a thread while Chroma reads its vector index:
        the two were most of the cold start at 1M passages (docs/benchmarks.md)."""
        if embedder is None:
            from concurrent.futures import ThreadPoolExecutor

            from index.embedding import load_embedder
            from index.vectors import warm

            open_catalog(settings).close()  # no index: said at once, not after the model
            with ThreadPoolExecutor(1, thread_name_prefix="model") as pool:
                loading = pool.submit(load_embedder, settings)
                warm(settings)
                embedder = loading.result()
        if wrap is not None:
            embedder = wrap(embedder)
        assistant = cls.over(embedder, open_index(settings, embedder))
        for language in CENTROID_QUESTIONS:  # computed now, not at the first question
            language_centroid(embedder, language)
        return assistant

    @classmethod
    def over(
        cls, embedder: Embedder, index: OpenIndex, dictionary: Dictionary | None = None
    ) -> Assistant:
        """An assistant over an open index, with the glossary of all its articles and the
        bilingual dictionary (built into the model cache the first time)."""
        if dictionary is None:
            dictionary = open_dictionary(index.settings.model_cache)
        return cls(embedder, index, _glossary(index), dictionary)

    @property
    def translator(self) -> Translator | None:
        if self.dictionary is None:
            return None
        return Translator(self.dictionary, self.index.lexical)

    def translate(self, question: str, language: str) -> Translation | None:
        translator = self.translator
        return None if translator is None else translator.translate(question, language)

    def refresh(self) -> None:
        """Pick up a re-index made by another process since the last question."""
        if self.index.refresh():
            self.glossary = _glossary(self.index)

    @property
    def retriever(self) -> Retriever:
        return Retriever(
            self.embedder,
            self.index.vectors,
            self.index.lexical,
            self.index.catalog,
            self.glossary,
        )

    def consider(
        self,
        question: str,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
        query_vector: Vectors | None = None,
        focus: tuple[str, ...] = (),
    ) -> Considered:
        """Everything the answer is decided from, before deciding."""
        text = clean_question(question)
        date_from, date_to = clean_date(date_from), clean_date(date_to, end=True)
        self.refresh()
        lang = detect_language(text)
        question_text = text
        text = asked(text)
        analysis = analyse(text, lang)
        translation = self.translate(text, lang)
        # The dictionary translation is embedded with the question, as a second query for the
        # passages in the other language only (qa/retrieve.py, PSEUDO); one or two words are
        # too little to embed (they match any passage naming them).
        pseudo = (
            translation.pseudo if translation and len(translation.terms) >= PSEUDO_TERMS else ""
        )
        queries = ([text] if query_vector is None else []) + ([pseudo] if pseudo else [])
        vectors = list(self.embedder.embed_queries(queries)) if queries else []
        if query_vector is None:
            query_vector = vectors[0]
        pseudo_vector = vectors[-1] if pseudo else None
        hits = self.retriever.search(
            text,
            k,
            language=lang,
            filters=Filters(date_from, date_to, article_id),
            query_vector=query_vector,
            translation=translation,
            pseudo_vector=pseudo_vector,
            focus=focus,
        )
        hits = named_first(text, lang, translation, met_first(analysis, hits))
        meaning = self.sentence_meaning(query_vector, lang, hits[:SENTENCE_PASSAGES])
        scorer = self.sentence_scorer(text, lang, translation, analysis, meaning)
        evidence = None
        if hits:
            expansions = self.glossary.expand(text)
            idf = self.index.lexical.idf
            evidence = gather(
                text, lang, analysis, translation, hits, scorer, idf, expansions, meaning, focus
            )
        return Considered(question_text, lang, analysis, translation, hits, evidence, scorer)

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
        query_vector: Vectors | None = None,
        focus: tuple[str, ...] = (),
    ) -> Answer:
        considered = self.consider(
            question,
            k=k,
            date_from=date_from,
            date_to=date_to,
            article_id=article_id,
            query_vector=query_vector,
            focus=focus,
        )
        return self.answer(considered)

    def converse(
        self,
        question: str,
        memory: Memory | None = None,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        query_vector: Vectors | None = None,
    ) -> tuple[Resolved, Answer]:
        """A turn of a conversation: the question read with the conversation's ``memory``
        (a follow-up is rewritten and prefers the article in focus: qa/dialogue.py), then
        answered. The resolved turn holds what was searched and the memory after it, whose
        article in focus is the one of the answer's first source."""
        resolved, considered = self.consider_turn(
            question,
            memory,
            k=k,
            date_from=date_from,
            date_to=date_to,
            query_vector=query_vector,
        )
        answer = self.answer(considered)
        return remember(resolved, answer, self.romanise), answer

    def consider_turn(
        self,
        question: str,
        memory: Memory | None = None,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        query_vector: Vectors | None = None,
    ) -> tuple[Resolved, Considered]:
        """A turn of a conversation resolved and considered, before deciding
        (:meth:`converse`; :func:`remember` gives the memory after the answer)."""
        text = clean_question(question)
        resolved = resolve(text, detect_language(text), memory)
        if resolved.rewritten:
            query_vector = None  # the vector of what is searched, not of what was typed
        considered = self.consider(
            resolved.searched,
            k=k,
            date_from=date_from,
            date_to=date_to,
            query_vector=query_vector,
            focus=resolved.memory.articles if resolved.follows else (),
        )
        return resolved, considered

    def timeline(self, answer: Answer) -> Timeline | None:
        """When the archive speaks of what ``answer``'s question asks, over all dates, with
        the passages it cites marked (qa/timeline.py)."""
        text = asked(answer.question)
        translation = self.translate(text, answer.language)
        found = matching(self.index.lexical, text, answer.language, translation)
        cited = [c.passage_id for c in answer.citations]
        return timeline(found, cited, self.index.catalog.facts({*found, *cited}))

    def answer(self, c: Considered) -> Answer:
        """The cited answer of a considered question, or the archive's "does not say"."""
        if c.evidence is None:
            return not_found(c.question, c.language, c.hits)
        if c.evidence.missing_office:
            return not_found(c.question, c.language, c.hits, no_office(c.evidence, c.language))
        if c.evidence.missing_outcome:
            return not_found(c.question, c.language, c.hits, no_outcome(c.language))
        if c.evidence.missing_name:
            return not_found(c.question, c.language, c.hits, no_name(c.evidence, c.language))
        if c.evidence.missing_place:
            return not_found(c.question, c.language, c.hits, no_place(c.evidence, c.language))
        if c.evidence.missing_count:
            return not_found(c.question, c.language, c.hits, no_count(c.evidence))
        if c.evidence.constraints:
            if decision.supports(c.evidence):
                return self.compose(c)
            return not_found(c.question, c.language, c.hits)
        if decision.supports(c.evidence, constraints=False):
            # The passage answers the question but for another year or number: say what it has.
            return not_found(c.question, c.language, c.hits, unmet(c.evidence, c.language))
        return not_found(c.question, c.language, c.hits)

    def compose(self, c: Considered) -> Answer:
        """The cited answer the passages give, whatever the decision (evaluation asks what an
        answer would have held)."""
        if not c.hits:
            return not_found(c.question, c.language, c.hits)
        return compose(c.question, c.language, c.hits, c.scorer, glosser=self.glosser(c.question))

    def sentence_meaning(
        self, query_vector: Vectors, lang: str, hits: list[Scored]
    ) -> dict[tuple[str, str], float]:
        """(side, sentence) -> the sentence's cosine to the question, for the sentences of
        ``hits`` (index/sentence_vectors.py); across languages with the language-centred
        question (qa/centring.py). Passages indexed before sentence vectors have none."""
        model = self.embedder.model_id
        blobs = self.index.catalog.sentence_vectors([h.passage.id for h in hits], model)
        q = np.asarray(query_vector, dtype=np.float32)
        centred = None
        out: dict[tuple[str, str], float] = {}
        for h in hits:
            for side in ("en", "zh"):
                blob = blobs.get((h.passage.id, side))
                texts = sentence_texts(h.passage, side)
                if not blob or not texts:
                    continue
                vecs = decode_vectors(blob, self.embedder.dimension)
                if len(vecs) != len(texts):
                    continue  # made from other text: redone by the next `index`
                if side == lang:
                    sims = vecs @ q
                else:
                    if centred is None:
                        centred = centred_query(self.embedder, q, lang)
                    sims = vecs @ centred
                for t, sim in zip(texts, sims, strict=True):
                    out[(side, t)] = float(sim)
        return out

    def sentence_scorer(
        self,
        question: str,
        lang: str,
        translation: Translation | None,
        analysis: Analysis | None,
        meaning: dict[tuple[str, str], float] | None = None,
    ) -> SentenceScorer:
        idf = self.index.lexical.idf
        same = lexical_scorer(question, idf)
        cross = translated_scorer(translation, idf) if translation else None
        words = combined_scorer(lang, same, cross)
        if meaning:
            words = meaning_scorer(words, meaning, lang, SENTENCE_MEANING, SENTENCE_MEANING_CROSS)
        measures = counted(question)[1] if lang == "en" else ()
        return typed_scorer(words, analysis, TYPE_PENALTY, lang, measures)

    def romanise(self, name: str) -> str:
        """A Chinese person's name in pinyin ("Liu Yuchen"): what an English follow-up says
        for "he" (the dictionary search turns it back into the name)."""
        return "" if self.dictionary is None else person_name(name, self.dictionary)

    def glosser(self, question: str) -> Callable[[str], str] | None:
        dictionary = self.dictionary
        if dictionary is None:
            return None
        hints = question.split()
        return lambda sentence: gloss(sentence, dictionary, hints)


def met_first(analysis: Analysis, hits: list[Scored]) -> list[Scored]:
    """A question naming a year or number is about the passage that gives it: among the top
    :data:`MET_FIRST` passages, the first that meets the question's years and numbers leads
    ("...in 1961?" is answered from the passage that says 1961, not from the one that says
    1965 with the same names)."""
    if not (analysis.years or analysis.numbers or analysis.months) or len(hits) < 2:
        return hits
    if constraints_met(analysis, hits[0])[0]:
        return hits
    for i, h in enumerate(hits[1:MET_FIRST], start=1):
        if constraints_met(analysis, h)[0]:
            return [h, *hits[:i], *hits[i + 1 :]]
    return hits


def named_first(
    question: str, lang: str, translation: Translation | None, hits: list[Scored]
) -> list[Scored]:
    """A question for the name of a role's holder ("Who became speaker of the Zhangjiakou city
    council?") is about the passage that names one: when the best passage speaks of the role
    and ties no name to it (正副议长, in the opening of the article), the first of the next
    passages among the top :data:`MET_FIRST` *of the same article* that names the holder leads
    (its election results: 刘秀峰当选为议长). Another article's holder of the same role is not
    taken: that is how a near miss is answered wrongly."""
    role = role_asked(question, lang)
    if not role or len(hits) < 2:
        return hits

    def names(hit: Scored, spoken_of: bool) -> bool:
        side = hit.passage.side_for(lang)
        return role_named(
            role, hit.passage.text(side), question, side, lang, translation, spoken_of
        )

    if names(hits[0], spoken_of=False):
        return hits
    article = hits[0].passage.article_id
    for i, h in enumerate(hits[1:MET_FIRST], start=1):
        if h.passage.article_id == article and names(h, spoken_of=True):
            return [h, *hits[:i], *hits[i + 1 :]]
    return hits


def no_office(evidence: Evidence, language: str) -> str:
    """Why a question about an office's holder is not answered: the closest passage does not
    name the office ("The archive does not say: the closest passage does not name the
    president [1].")."""
    office = evidence.missing_office
    if language == "zh":
        return f"档案中没有找到答案：最相关的段落没有提到{office}[1]。"
    return f"The archive does not say: the closest passage does not name the {office} [1]."


def no_name(evidence: Evidence, language: str) -> str:
    """Why a question for a person's name is not answered: the closest passage speaks of the
    role but ties no name to it."""
    role = evidence.missing_name
    if language == "zh":
        return f"档案中没有找到这个名字：最相关的段落没有说出{role}的名字[1]。"
    return f"The archive does not say: the closest passage does not give the {role}'s name [1]."


def no_place(evidence: Evidence, language: str) -> str:
    """Why a question for a village, street, town… is not answered: the closest passage names
    none of that kind."""
    kind = evidence.missing_place
    if language == "zh":
        return f"档案中没有找到答案：最相关的段落没有说是哪个{KINDS[kind][0]}[1]。"
    return f"The archive does not say: the closest passage does not name the {kind} [1]."


def no_count(evidence: Evidence) -> str:
    """Why an English how-many question over Chinese text is not answered: the closest
    passage writes no number of the thing asked about (qa/measures.py)."""
    return (
        "The archive does not say: the closest passage gives no number of "
        f"{evidence.missing_count} [1]."
    )


def no_outcome(language: str) -> str:
    """Why a question about a later outcome is not answered: the closest passage, an article
    of its day, does not report it."""
    if language == "zh":
        return "档案中没有找到后来的结果：最相关的段落没有报道它[1]。"
    return (
        "The archive does not say what happened later: the closest passage does not report it [1]."
    )


def unmet(evidence: Evidence, language: str) -> str:
    """What the archive has when the question's year is not met: "The archive does not say:
    it gives 1965, not 2020 [1]." (the best passage is the first of the closest passages)."""
    wanted = ", ".join(str(y) for y in evidence.wanted_years)
    found = [y for y in evidence.found_years if y not in evidence.wanted_years]
    if language == "zh":
        if wanted and found:
            have = "、".join(f"{y}年" for y in found[:3])
            return f"档案中没有{wanted}年的答案：最相关的段落讲的是{have}[1]。"
        return "档案中没有找到答案：最相关的段落不符合问题中的年份或数字[1]。"
    if wanted and found:
        have = ", ".join(str(y) for y in found[:3])
        return f"The archive does not say: it gives {have}, not {wanted} [1]."
    return (
        "The archive does not say: the closest passage does not give the year or number "
        "the question names [1]."
    )
