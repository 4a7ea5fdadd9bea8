"""The assistant: open the index once, then answer questions (what the CLI and web app call)."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.embedder import Embedder, Vectors
from index.lexical import tokenize
from index.settings import Settings
from index.store import OpenIndex, open_index
from qa.answer import Answer, compose, detect_language, lexical_scorer, not_found
from qa.centring import CENTROID_QUESTIONS, language_centroid
from qa.glossary import Glossary
from qa.retrieve import Filters, Retriever, Scored

MAX_QUESTION_CHARS = 2000

# Abstention (see docs/benchmarks.md, "Abstention"). The best passage supports an answer when
# it is close in meaning (dense cosine) and holds enough of the question's rare words (share of
# the question's IDF mass), or when its dense score stands far above every other passage's
# (z-score; this is what carries a question asked across languages, where words cannot match).
# Chosen on XQuAD with articles 24-47 indexed (dev), reported with articles 0-23 indexed.
MIN_DENSE = 0.82
MIN_COVERAGE = 0.30
SURE_DENSE_Z = 4.0
# A passage only in the other language cannot share words with the question; across languages
# the model's cosines of right and wrong passages overlap, so abstention there is weak (figures
# in docs/benchmarks.md): answer when the passage stands out and is not far in meaning.
CROSS_DENSE_Z = 2.5
CROSS_MIN_DENSE = 0.75


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
class Evidence:
    """What the abstention decision looks at, for the best passage."""

    dense: float
    coverage: float
    dense_z: float
    own_language: bool = True  # the passage has a side in the asker's language

    def supports(self) -> bool:
        if not self.own_language:
            return self.dense_z >= CROSS_DENSE_Z and self.dense >= CROSS_MIN_DENSE
        if self.dense_z >= SURE_DENSE_Z:
            return True
        return self.dense >= MIN_DENSE and self.coverage >= MIN_COVERAGE


def _glossary(index: OpenIndex) -> Glossary:
    return Glossary(g for a in index.catalog.iter_articles() for g in a.glossary)


@dataclass
class Assistant:
    embedder: Embedder
    index: OpenIndex
    glossary: Glossary = field(default_factory=lambda: Glossary(()))

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Assistant:
        if embedder is None:
            from index.embedding import load_embedder

            embedder = load_embedder(settings)
        assistant = cls.over(embedder, open_index(settings, embedder))
        for language in CENTROID_QUESTIONS:  # computed now, not at the first question
            language_centroid(embedder, language)
        return assistant

    @classmethod
    def over(cls, embedder: Embedder, index: OpenIndex) -> Assistant:
        """An assistant over an open index, with the glossary of all its articles."""
        return cls(embedder, index, _glossary(index))

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
            self.index.facts,
        )

    def evidence(self, question: str, hit: Scored, language: str = "") -> Evidence:
        """Dense cosine of the best passage, and the share of the question's IDF it contains."""
        idf = self.index.lexical.idf
        q = {
            t: idf(t) for t in set(tokenize(" ".join([question, *self.glossary.expand(question)])))
        }
        total = sum(q.values())
        words = set(tokenize(hit.passage.text_en)) | set(tokenize(hit.passage.text_zh))
        coverage = sum(w for t, w in q.items() if t in words) / total if total else 0.0
        own = bool(hit.passage.text(language or detect_language(question)))
        return Evidence(hit.dense, coverage, hit.dense_z, own)

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
        query_vector: Vectors | None = None,
    ) -> Answer:
        text = clean_question(question)
        date_from, date_to = clean_date(date_from), clean_date(date_to, end=True)
        self.refresh()
        lang = detect_language(text)
        hits = self.retriever.search(
            text,
            k,
            language=lang,
            filters=Filters(date_from, date_to, article_id),
            query_vector=query_vector,
        )
        if not hits or not self.evidence(text, hits[0], lang).supports():
            return not_found(text, lang, hits)
        return compose(text, lang, hits, lexical_scorer(text, self.index.lexical.idf))
