"""The assistant: open the index once, then answer questions (what the CLI and web app call)."""

from __future__ import annotations

from dataclasses import dataclass

from index.embedder import Embedder
from index.settings import Settings
from index.store import OpenIndex, open_index
from qa.answer import Answer, compose
from qa.retrieve import Filters, Retriever

MAX_QUESTION_CHARS = 2000
# Below this best dense cosine and with no lexical match the archive is taken not to answer.
MIN_DENSE = 0.80


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is for the user."""


def clean_question(question: str) -> str:
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; ask in at most {MAX_QUESTION_CHARS:,}"
        )
    return text


@dataclass
class Assistant:
    embedder: Embedder
    index: OpenIndex

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Assistant:
        if embedder is None:
            from index.embedding import load_embedder

            embedder = load_embedder(settings)
        return cls(embedder, open_index(settings, embedder))

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.embedder, self.index.vectors, self.index.lexical, self.index.catalog)

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        date_from: str | None = None,
        date_to: str | None = None,
        article_id: str | None = None,
    ) -> Answer:
        text = clean_question(question)
        hits = self.retriever.search(text, k, filters=Filters(date_from, date_to, article_id))
        answerable = bool(hits) and (hits[0].dense >= MIN_DENSE or hits[0].lexical > 0)
        return compose(text, hits, answerable=answerable)
