"""Hybrid retrieval: dense (both language sides) and lexical candidates, fused per passage.

Ranked lists: dense over each language side (Chroma) and BM25 over each side. The lexical
query is the question plus the glossary's translations of the names it mentions, so an English
question naming Daqing also matches 大庆. Each list's scores are standardised (z-scores over
the list) and combined per passage:

    fused = ALPHA * (dense_same + BETA * dense_other) + (1 - ALPHA) * lexical_same
            + GAMMA * lexical_other

where "same" is the passage side in the asker's language. A passage without that side (a
one-language article) uses its other side's scores as its "same" ones, so untranslated articles
compete on equal terms. ALPHA, BETA, GAMMA were chosen on XQuAD articles 0-23 and checked on
24-47 (docs/benchmarks.md); score fusion beat reciprocal rank fusion there by ~1.5 points.

Across languages (a passage without the asker's side) the dense score comes from a second
search of that side with the *language-centred* question vector (qa/centring.py): the
question minus part of the centroid of generic questions in its language. A cosine between a
question and a passage in another language is partly a cosine between two languages; removing
the question language's own direction lowers the passages that match every question in that
language (hubs) and lets meaning decide. Cross-lingual recall@5 on XQuAD went from 0.929 / 0.898
to 0.942 / 0.934 (English questions over Chinese text / Chinese over English). Same-language
ranking and the reported cosine stay on the raw vector; the reported z-score (which abstention
reads) is the one of the list that ranked the passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.catalog import Catalog
from index.embedder import Embedder, Vectors
from index.lexical import SIDES, LexicalIndex
from index.records import Passage
from index.vectors import VectorStore
from qa.centring import centred_query
from qa.crosslang import Translation
from qa.glossary import Glossary

ALPHA = 0.5
BETA = 0.15
GAMMA = 0.1
# Across languages only language-neutral tokens (numbers, Latin names in Chinese text) match.
CROSS_LEXICAL = 0.2
# The question's words translated by the dictionary (qa/crosslang.py), searched on the side
# the asker's language lacks: their z-scored BM25 joins the passage's fused score with this
# weight (passages without the asker's side) or TRANSLATED_OWN (bilingual passages).
TRANSLATED = 1.0
TRANSLATED_OWN = 0.0
# The dictionary translation embedded as a query of its own (Translation.pseudo), searched on
# the side the asker's language lacks: its z-scored cosine joins the fused score of passages
# without the asker's side with this weight (chosen on the month's English dev half:
# docs/benchmarks.md, "Pseudo-query").
PSEUDO = 0.5
# ... when the translation has at least PSEUDO_TERMS terms (chosen on XQuAD's dev articles).
PSEUDO_TERMS = 3
# A passage without the asker's side sums more standardised signals than one with it; this
# brings its fused score back to the same scale (English questions about the bilingual seeds
# lost their passages to untranslated ones without it).
CROSS_SCALE = 0.7
# A follow-up question (qa/dialogue.py) prefers the passages of the article in focus: they join
# the candidates (the FOCUS_DEPTH nearest of each list, standardised like the rest of it) and
# their fused score gains FOCUS, chosen on the dev half of the dialogue set
# (docs/benchmarks.md, "Follow-up questions").
FOCUS = 2.0
FOCUS_DEPTH = 20


class _Dated(Protocol):
    @property
    def article_id(self) -> str: ...

    @property
    def date(self) -> str: ...


@dataclass(frozen=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    article_id: str | None = None

    def admits(self, p: _Dated) -> bool:
        if self.article_id and p.article_id != self.article_id:
            return False
        if self.date_from and (not p.date or p.date < self.date_from):
            return False
        return not (self.date_to and (not p.date or p.date > self.date_to))


@dataclass(frozen=True)
class Scored:
    passage: Passage
    score: float  # fused score
    dense: float = 0.0  # best cosine over the passage's sides
    lexical: float = 0.0  # best BM25 score over the passage's sides
    dense_z: float = 0.0  # how far its dense score stands above the others (z-score)


class Retriever:
    def __init__(
        self,
        embedder: Embedder,
        vectors: VectorStore,
        lexical: LexicalIndex,
        catalog: Catalog,
        glossary: Glossary | None = None,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.catalog = catalog
        self.glossary = glossary or Glossary(())

    def _dense(
        self,
        vectors: list[Vectors],
        n: int,
        side: str,
        filters: Filters,
        article_id: str | None,
    ) -> list[list[tuple[str, float]]]:
        """(passage id, cosine) of the ``n`` nearest passages on ``side``, per query vector."""
        per_query = self.vectors.search_many(
            vectors,
            n,
            side=side,
            date_from=filters.date_from,
            date_to=filters.date_to,
            article_id=article_id,
        )
        return [[(h.passage_id, h.score) for h in hits] for hits in per_query]

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        language: str = "en",
        filters: Filters | None = None,
        mode: str = "hybrid",
        sides: Sequence[str] = SIDES,
        depth: int = 50,
        query_vector: Vectors | None = None,
        translation: Translation | None = None,
        pseudo_vector: Vectors | None = None,
        focus: Sequence[str] = (),
    ) -> list[Scored]:
        """Top ``k`` passages. ``mode``: hybrid, dense or lexical; ``sides`` limits the sides
        searched (as if only those sides were indexed). Sides in the other language are also
        searched with the language-centred question, which ranks passages lacking the asker's
        side (see the module docstring), and with ``pseudo_vector`` (the embedded dictionary
        translation of the question) where that is the translation's side. Passages of the
        ``focus`` articles (a follow-up's article in focus) are preferred."""
        filters = filters or Filters()
        if filters.article_id:
            focus = ()
        lists: dict[tuple[str, str], list[tuple[str, float]]] = {}
        extra: dict[tuple[str, str], list[tuple[str, float]]] = {}
        if mode in ("hybrid", "dense"):
            qv = (
                self.embedder.embed_queries([question])[0]
                if query_vector is None
                else np.asarray(query_vector)
            )
            for side in sides:
                queries = [("dense", qv)]
                if side != language:
                    queries.append(("cross", centred_query(self.embedder, qv, language)))
                    if pseudo_vector is not None and translation and translation.side == side:
                        queries.append(("pseudo", np.asarray(pseudo_vector)))

                vectors = [vector for _, vector in queries]
                kinds = [kind for kind, _ in queries]
                nearest = self._dense(vectors, depth, side, filters, filters.article_id)
                for kind, ranked in zip(kinds, nearest, strict=True):
                    lists[(kind, side)] = ranked
                for article in focus:  # the article in focus: its passages, ranked as well
                    nearest = self._dense(vectors, FOCUS_DEPTH, side, filters, article)
                    for kind, ranked in zip(kinds, nearest, strict=True):
                        extra.setdefault((kind, side), []).extend(ranked)
        if mode in ("hybrid", "lexical"):
            query = " ".join([question, *self.glossary.expand(question)])
            for side, found in self.lexical.search(query, depth * 2, sides).items():
                lists[("lexical", side)] = found
            if translation and translation.side in sides and translation.side != language:
                lists[("translated", translation.side)] = self.lexical.search_weighted(
                    translation.weights, translation.side, depth * 2
                )
        alpha = {"hybrid": ALPHA, "dense": 1.0, "lexical": 0.0}[mode]
        z = {key: _zscores(ranked, extra.get(key, ())) for key, ranked in lists.items()}
        floor = {key: min(v.values(), default=0.0) for key, v in z.items()}
        raw: dict[str, dict[str, float]] = {"dense": {}, "lexical": {}}
        for (kind, side), ranked in lists.items():
            if kind not in raw:
                continue  # the centred search only ranks; reported cosines stay raw
            best = raw[kind]
            for pid, score in [*ranked, *extra.get((kind, side), ())]:
                best[pid] = max(best.get(pid, 0.0), score)
        candidates = sorted({pid for standardised in z.values() for pid in standardised})
        # Ranking reads the candidates' facts (article, date, sides) from a narrow table: no
        # JSON (reading every candidate's passage, ~350 per question, was a quarter of the
        # server's time under load), nothing held per passage (that was ~400 MB and 5 s of
        # opening at 1M passages: docs/benchmarks.md). The top k are read whole.
        facts = self.catalog.facts(candidates)
        other = "zh" if language == "en" else "en"
        ranked_all: list[tuple[float, str, float]] = []  # (fused, passage id, dense z)
        for pid in candidates:
            f = facts.get(pid)
            if f is None or not filters.admits(f):
                continue
            own = f.has(language) and language in sides
            same, diff = (language, other) if own else (other, language)

            def part(kind: str, side: str, pid: str = pid) -> float:
                key = (kind, side)
                return z[key].get(pid, floor[key]) if key in z else 0.0

            # A passage without the asker's side is ranked by the centred search of its side.
            ranked_by = "dense" if own else "cross"
            dense = part(ranked_by, same) + BETA * part("dense", diff)
            lexical = part("lexical", same) + GAMMA * part("lexical", diff)
            # Where the asker's words cannot be matched (the passage is only in the other
            # language), meaning decides, helped by shared numbers and names.
            if own or mode == "lexical":
                fused = alpha * dense + (1 - alpha) * lexical
                fused += TRANSLATED_OWN * part("translated", diff)
            else:
                fused = CROSS_SCALE * (
                    dense
                    + CROSS_LEXICAL * lexical
                    + TRANSLATED * part("translated", same)
                    + PSEUDO * part("pseudo", same)
                )
            if f.article_id in focus:
                fused += FOCUS
            ranked_all.append((fused, pid, part(ranked_by, same)))
        ranked_all.sort(key=lambda t: (-t[0], t[1]))
        top = ranked_all[:k]
        passages = self.catalog.passages([pid for _, pid, _ in top])
        return [
            Scored(
                passages[pid],
                fused,
                raw["dense"].get(pid, 0.0),
                raw["lexical"].get(pid, 0.0),
                dense_z,
            )
            for fused, pid, dense_z in top
            if pid in passages  # gone since the facts were read (a re-index): skipped
        ]


def _zscores(
    hits: list[tuple[str, float]], extra: Sequence[tuple[str, float]] = ()
) -> dict[str, float]:
    """Each hit's score standardised over ``hits``; ``extra`` hits (searched apart) are
    standardised with the same mean and spread, so they rank among the others."""
    if not hits:
        return {}
    values = np.array([s for _, s in hits], dtype=np.float64)
    std = float(values.std()) or 1.0
    mean = float(values.mean())
    z = {pid: (s - mean) / std for pid, s in extra}
    z.update((pid, (s - mean) / std) for pid, s in hits)
    return z
