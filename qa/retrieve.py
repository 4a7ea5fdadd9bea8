"""Hybrid retrieval: dense (both language sides) and lexical candidates, fused per passage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.catalog import Catalog
from index.embedder import Embedder
from index.lexical import SIDES, LexicalIndex
from index.records import Passage
from index.vectors import VectorStore

RRF_K = 60


@dataclass(frozen=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    article_id: str | None = None

    def admits(self, p: Passage) -> bool:
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
    ranks: dict[str, int] = field(default_factory=dict)  # per ranked list: 1-based rank


class Retriever:
    def __init__(
        self,
        embedder: Embedder,
        vectors: VectorStore,
        lexical: LexicalIndex,
        catalog: Catalog,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.catalog = catalog

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        filters: Filters | None = None,
        mode: str = "hybrid",
        sides: Sequence[str] = SIDES,
        depth: int = 50,
    ) -> list[Scored]:
        """Top ``k`` passages. ``mode``: hybrid, dense or lexical; ``sides`` limits the sides."""
        filters = filters or Filters()
        lists: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "dense"):
            qv = self.embedder.embed_queries([question])[0]
            for side in sides:
                dense_hits = self.vectors.search(
                    qv,
                    depth,
                    side=side,
                    date_from=filters.date_from,
                    date_to=filters.date_to,
                    article_id=filters.article_id,
                )
                lists[f"dense-{side}"] = [(h.passage_id, h.score) for h in dense_hits]
        if mode in ("hybrid", "lexical"):
            for side, lex_hits in self.lexical.search(question, depth * 4, sides).items():
                lists[f"lexical-{side}"] = lex_hits
        fused: dict[str, float] = defaultdict(float)
        dense: dict[str, float] = defaultdict(float)
        lexical: dict[str, float] = defaultdict(float)
        ranks: dict[str, dict[str, int]] = defaultdict(dict)
        for name, ranked in lists.items():
            for rank, (pid, score) in enumerate(ranked, start=1):
                fused[pid] += 1.0 / (RRF_K + rank)
                ranks[pid][name] = rank
                best = dense if name.startswith("dense") else lexical
                best[pid] = max(best[pid], score)
        order = sorted(fused, key=lambda pid: -fused[pid])
        passages = self.catalog.passages(order[: max(k * 4, depth)])
        out: list[Scored] = []
        for pid in order:
            p = passages.get(pid)
            if p is None or not filters.admits(p):
                continue
            out.append(Scored(p, fused[pid], dense[pid], lexical[pid], dict(ranks[pid])))
            if len(out) >= k:
                break
        return out
