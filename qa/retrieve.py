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
search of that side with the *language-centred* question vector (:func:`centred_query`): the
question minus part of the centroid of generic questions in its language. A cosine between a
question and a passage in another language is partly a cosine between two languages; removing
the question language's own direction lowers the passages that match every question in that
language (hubs) and lets meaning decide. Cross-lingual recall@5 on XQuAD went from 0.929 / 0.898
to 0.942 / 0.934 (English questions over Chinese text / Chinese over English); same-language
ranking, the reported cosine and its z-score (which abstention reads) stay on the raw vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.catalog import Catalog
from index.embedder import Embedder, Vectors
from index.lexical import SIDES, LexicalIndex
from index.records import Passage
from index.vectors import VectorStore
from qa.glossary import Glossary

ALPHA = 0.5
BETA = 0.15
GAMMA = 0.1
# Across languages only language-neutral tokens (numbers, Latin names in Chinese text) match.
CROSS_LEXICAL = 0.2
# Share of the asker's language centroid removed from the question for the cross-lingual dense
# search (chosen on XQuAD articles 0-23: 0.5, 0.6 and 0.7 tie there; see docs/benchmarks.md).
CROSS_CENTRE = 0.5

# The language centroids: the mean query vector of these questions, one list per language. They
# are generic and unrelated to any archive; the lists are translations of each other, so the
# two means differ by language, not by content.
CENTROID_QUESTIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "When did the new railway line open to traffic?",
        "How many workers does the factory employ?",
        "What did the farmers plant in the spring?",
        "Who led the delegation to the conference?",
        "Why did the price of grain rise last year?",
        "Where was the first school in the county built?",
        "What is the largest river in the province?",
        "How long did the drought last?",
        "Which team won the national championship?",
        "What new machine did the engineers design?",
        "How much steel was produced in that year?",
        "Who wrote the famous novel about the war?",
        "What language do the people of the region speak?",
        "When was the treaty between the two countries signed?",
        "What caused the flood in the valley?",
        "How many students graduated from the university?",
        "What is the main export of the country?",
        "Which city is the capital of the state?",
        "What did the scientists discover in the cave?",
        "How did the village improve its water supply?",
        "Who was the first president of the association?",
        "What kind of animals live in the forest?",
        "When did the hospital begin treating patients?",
        "What percentage of the population lives in cities?",
        "Why was the old bridge replaced?",
        "What music did the orchestra perform?",
        "How high is the mountain?",
        "What law did the parliament pass?",
        "Which company built the power station?",
        "What disease did the doctors study?",
        "How many tons of coal did the mine produce?",
        "What did the museum exhibit last month?",
    ),
    "zh": (
        "新铁路线是什么时候通车的？",
        "这家工厂有多少名工人？",
        "农民们在春天种了什么？",
        "谁率领代表团出席了会议？",
        "去年粮食价格为什么上涨？",
        "县里的第一所学校建在哪里？",
        "这个省最大的河流是什么？",
        "干旱持续了多长时间？",
        "哪支队伍赢得了全国冠军？",
        "工程师们设计了什么新机器？",
        "那一年生产了多少钢？",
        "谁写了那部关于战争的著名小说？",
        "这个地区的人说什么语言？",
        "两国之间的条约是什么时候签订的？",
        "是什么导致了山谷里的洪水？",
        "有多少学生从这所大学毕业？",
        "这个国家的主要出口产品是什么？",
        "哪个城市是这个州的首府？",
        "科学家们在洞穴里发现了什么？",
        "这个村庄是如何改善供水的？",
        "谁是这个协会的第一任主席？",
        "森林里生活着哪些动物？",
        "医院是什么时候开始接收病人的？",
        "百分之多少的人口住在城市里？",
        "为什么要更换那座旧桥？",
        "乐团演奏了什么音乐？",
        "这座山有多高？",
        "议会通过了什么法律？",
        "哪家公司建造了这座发电站？",
        "医生们研究了什么疾病？",
        "这个煤矿生产了多少吨煤？",
        "博物馆上个月展出了什么？",
    ),
}
_centroids: dict[tuple[str, str], Vectors] = {}


def language_centroid(embedder: Embedder, language: str) -> Vectors:
    """Mean query vector of :data:`CENTROID_QUESTIONS` in ``language`` (once per model)."""
    key = (embedder.model_id, language)
    if key not in _centroids:
        questions = CENTROID_QUESTIONS.get(language, CENTROID_QUESTIONS["en"])
        vectors = np.asarray(embedder.embed_queries(list(questions)), dtype=np.float32)
        _centroids[key] = vectors.mean(axis=0)
    return _centroids[key]


def centred_query(embedder: Embedder, vector: Vectors, language: str) -> Vectors:
    """``normalize(vector - CROSS_CENTRE * centroid(language))``: the question with part of its
    language's direction removed, for searching a side in another language."""
    out = np.asarray(vector, dtype=np.float32) - CROSS_CENTRE * language_centroid(
        embedder, language
    )
    norm = float(np.linalg.norm(out))
    return (out / norm).astype(np.float32) if norm else np.asarray(vector, dtype=np.float32)


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
    ) -> list[Scored]:
        """Top ``k`` passages. ``mode``: hybrid, dense or lexical; ``sides`` limits the sides
        searched (as if only those sides were indexed). Sides in the other language are also
        searched with the language-centred question, which ranks passages lacking the asker's
        side (see the module docstring)."""
        filters = filters or Filters()
        lists: dict[tuple[str, str], list[tuple[str, float]]] = {}
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
                for kind, vector in queries:
                    hits = self.vectors.search(
                        vector,
                        depth,
                        side=side,
                        date_from=filters.date_from,
                        date_to=filters.date_to,
                        article_id=filters.article_id,
                    )
                    lists[(kind, side)] = [(h.passage_id, h.score) for h in hits]
        if mode in ("hybrid", "lexical"):
            query = " ".join([question, *self.glossary.expand(question)])
            for side, found in self.lexical.search(query, depth * 2, sides).items():
                lists[("lexical", side)] = found
        alpha = {"hybrid": ALPHA, "dense": 1.0, "lexical": 0.0}[mode]
        z = {key: _zscores(ranked) for key, ranked in lists.items()}
        floor = {key: min(v.values(), default=0.0) for key, v in z.items()}
        raw: dict[str, dict[str, float]] = {"dense": {}, "lexical": {}}
        for (kind, _), ranked in lists.items():
            if kind not in raw:
                continue  # the centred search only ranks; reported cosines stay raw
            best = raw[kind]
            for pid, score in ranked:
                best[pid] = max(best.get(pid, 0.0), score)
        candidates = sorted({pid for ranked in lists.values() for pid, _ in ranked})
        passages = self.catalog.passages(candidates)
        other = "zh" if language == "en" else "en"
        scored: list[Scored] = []
        for pid in candidates:
            p = passages.get(pid)
            if p is None or not filters.admits(p):
                continue
            own = bool(p.text(language)) and language in sides
            same, diff = (language, other) if own else (other, language)

            def part(kind: str, side: str, pid: str = pid) -> float:
                key = (kind, side)
                return z[key].get(pid, floor[key]) if key in z else 0.0

            # A passage without the asker's side is ranked by the centred search of its side.
            dense = part("dense" if own else "cross", same) + BETA * part("dense", diff)
            lexical = part("lexical", same) + GAMMA * part("lexical", diff)
            # Where the asker's words cannot be matched (the passage is only in the other
            # language), meaning decides, helped by shared numbers and names.
            if own or mode == "lexical":
                fused = alpha * dense + (1 - alpha) * lexical
            else:
                fused = dense + CROSS_LEXICAL * lexical
            scored.append(
                Scored(
                    p,
                    fused,
                    raw["dense"].get(pid, 0.0),
                    raw["lexical"].get(pid, 0.0),
                    part("dense", same),
                )
            )
        scored.sort(key=lambda s: (-s.score, s.passage.id))
        return scored[:k]


def _zscores(hits: list[tuple[str, float]]) -> dict[str, float]:
    if not hits:
        return {}
    values = np.array([s for _, s in hits], dtype=np.float64)
    std = float(values.std()) or 1.0
    mean = float(values.mean())
    return {pid: (s - mean) / std for pid, s in hits}
