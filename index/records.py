"""Plain data types at the seams of the pipeline: articles and their passages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class GlossaryEntry:
    """One line of an article's ``**Named Entities**`` section: a Chinese term and its English."""

    kind: str  # people, places, organizations, events, slogans (lower case)
    zh: str
    en: str


@dataclass(frozen=True)
class Article:
    """One archive file, read: metadata, headlines and body paragraphs in each language."""

    id: str
    path: str
    title_en: str = ""
    title_zh: str = ""
    author: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    page: str = ""
    column: str = ""
    headlines_en: tuple[str, ...] = ()
    paragraphs_en: tuple[str, ...] = ()
    headlines_zh: tuple[str, ...] = ()
    paragraphs_zh: tuple[str, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(
            lang
            for lang, paras in (("en", self.paragraphs_en), ("zh", self.paragraphs_zh))
            if paras
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        values = dict(data)
        for key in ("headlines_en", "paragraphs_en", "headlines_zh", "paragraphs_zh"):
            values[key] = tuple(values.get(key, ()))
        values["glossary"] = tuple(GlossaryEntry(**g) for g in values.get("glossary", ()))
        return cls(**values)


@dataclass(frozen=True)
class Passage:
    """A searchable, citable unit: one English paragraph with its Chinese original.

    ``id`` is ``<article-id>#p<N>`` (N from 1, in article order); the same file always gives
    the same ids. Either text may be empty for a one-language article.
    """

    id: str
    article_id: str
    order: int
    text_en: str
    text_zh: str
    title_en: str = ""
    title_zh: str = ""
    date: str = ""
    page: str = ""
    author: str = ""
    column: str = ""

    def text(self, side: str) -> str:
        return self.text_en if side == "en" else self.text_zh

    def side_for(self, lang: str) -> str:
        """The side an asker of ``lang`` reads: their own when the passage has it, else the
        other language's."""
        return lang if self.text(lang) else ("zh" if lang == "en" else "en")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**data)


class PassageFacts(NamedTuple):
    """What ranking needs of a passage, kept in memory for every passage (compact: a tuple)."""

    article_id: str
    date: str
    has_en: bool
    has_zh: bool

    def has(self, side: str) -> bool:
        return self.has_en if side == "en" else self.has_zh


def passage_id(article_id: str, order: int) -> str:
    return f"{article_id}#p{order}"
