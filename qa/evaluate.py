"""Evaluation: a question file with gold substrings, and the XQuAD bilingual benchmark."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.build import Indexer
from index.embedder import Embedder
from index.settings import Settings
from index.store import open_index
from qa.answer import Answer, Citation
from qa.retrieve import Scored
from qa.service import Assistant
from qa.xquad import XQuad, XQuestion, load, write_articles


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    gold: tuple[str, ...]
    answerable: bool


def read_gold(path: Path) -> list[GoldQuestion]:
    """JSON lines ``{"question", "gold": [substrings], "answerable": bool}``."""
    items: list[GoldQuestion] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            items.append(
                GoldQuestion(
                    str(obj["question"]),
                    tuple(obj.get("gold", [])),
                    bool(obj.get("answerable", True)),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a gold question line ({exc})") from None
    return items


def _contains(c: Citation, gold: Sequence[str]) -> bool:
    return any(g and (g in c.text["en"] or g in c.text["zh"]) for g in gold)


def _rank_metrics(ranked_hits: Iterable[bool]) -> tuple[float, float, float]:
    """(hit@1, hit@5, reciprocal rank) of one ranked list of hit flags."""
    flags = list(ranked_hits)
    first = next((i for i, f in enumerate(flags) if f), None)
    if first is None:
        return 0.0, 0.0, 0.0
    return float(first == 0), float(first < 5), 1.0 / (first + 1)


def evaluate_answers(items: Sequence[GoldQuestion], answers: Sequence[Answer]) -> dict[str, Any]:
    """Recall@1/@5 and MRR over the cited-then-related passages, answer-hit, abstention."""
    r1: list[float] = []
    r5: list[float] = []
    rr: list[float] = []
    hit: list[float] = []
    abstain: list[float] = []
    answered: list[float] = []
    for item, ans in zip(items, answers, strict=True):
        if not item.answerable:
            abstain.append(float(not ans.answerable))
            continue
        answered.append(float(ans.answerable))
        a1, a5, a_rr = _rank_metrics(_contains(c, item.gold) for c in ans.citations + ans.related)
        r1.append(a1)
        r5.append(a5)
        rr.append(a_rr)
        hit.append(float(ans.answerable and any(g in ans.answer for g in item.gold)))

    def mean(xs: list[float]) -> float | None:
        return round(statistics.fmean(xs), 4) if xs else None

    return {
        "questions": len(items),
        "answerable": len(answered),
        "unanswerable": len(abstain),
        "recall@1": mean(r1),
        "recall@5": mean(r5),
        "mrr": mean(rr),
        "answer_hit": mean(hit),
        "abstention_accuracy": mean(abstain),
        "answer_rate": mean(answered),
    }


def evaluate_file(assistant: Assistant, path: Path) -> dict[str, Any]:
    items = read_gold(path)
    answers = [assistant.ask(i.question, k=5) for i in items]
    return evaluate_answers(items, answers)


# XQuAD ---------------------------------------------------------------------------------------


def _scratch_index(
    x: XQuad, base: Settings, embedder: Embedder, folder: Path, articles: range
) -> Assistant:
    files = folder / "articles"
    write_articles(x, files, articles)
    settings = Settings(
        data_dir=folder / "data", model=base.model, model_cache=base.model_cache, device=base.device
    )
    report = Indexer(settings, embedder).run([files], progress=False)
    if report.skipped:
        raise RuntimeError(f"XQuAD articles failed to index: {report.skipped[:3]}")
    return Assistant.over(embedder, open_index(settings, embedder))


def _gold_passages(x: XQuad, assistant: Assistant) -> dict[tuple[int, int], set[str]]:
    """(article, paragraph) -> ids of the passages cut from that paragraph."""
    out: dict[tuple[int, int], set[str]] = defaultdict(set)
    for i in range(len(x.titles)):
        for p in assistant.index.catalog.passages_of(x.article_id(i)):
            for j, (en, zh) in enumerate(zip(x.en[i], x.zh[i], strict=True)):
                if (p.text_en and p.text_en in en) or (p.text_zh and p.text_zh in zh):
                    out[(i, j)].add(p.id)
    return out


def _ranked(hits: list[Scored], gold: set[str]) -> tuple[float, float, float]:
    return _rank_metrics(h.passage.id in gold for h in hits)


def run_xquad(
    folder: Path,
    base: Settings,
    embedder: Embedder,
    scratch: Path,
    *,
    limit: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Every figure the issue asks for, per question language."""
    from tqdm import tqdm

    x = load(folder)
    questions = x.questions if limit is None else _sample(x.questions, limit)
    full = _scratch_index(x, base, embedder, scratch / "all", range(len(x.titles)))
    gold = _gold_passages(x, full)
    vectors = embedder.embed_queries([q.question for q in questions])
    half = len(x.titles) // 2
    part = _scratch_index(x, base, embedder, scratch / "half", range(half))
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    retriever = full.retriever
    for q, vec in tqdm(
        list(zip(questions, vectors, strict=True)), desc="xquad", disable=not progress
    ):
        r = rows[q.lang]
        g = gold[(q.article, q.paragraph)]
        for mode in ("hybrid", "dense", "lexical"):
            hits = retriever.search(q.question, 10, language=q.lang, mode=mode, query_vector=vec)
            m1, m5, mrr = _ranked(hits, g)
            r[f"{mode}_recall@1"].append(m1)
            r[f"{mode}_recall@5"].append(m5)
            r[f"{mode}_mrr"].append(mrr)
        other = ("en",) if q.lang == "zh" else ("zh",)
        cross = retriever.search(q.question, 5, language=q.lang, sides=other, query_vector=vec)
        r["cross_lingual_recall@5"].append(_ranked(cross, g)[1])
        ans = full.ask(q.question, k=5, query_vector=vec)
        r["answer_hit"].append(float(ans.answerable and any(a in ans.answer for a in q.answers)))
        r["answer_rate_full"].append(float(ans.answerable))
        held = part.ask(q.question, k=5, query_vector=vec)
        key = "answer_rate" if q.article < half else "abstention_rate"
        r[key].append(float(held.answerable if q.article < half else not held.answerable))
    return {
        "questions": {lang: len(v["answer_hit"]) for lang, v in rows.items()},
        "metrics": {
            lang: {k: round(statistics.fmean(v), 4) for k, v in sorted(vals.items())}
            for lang, vals in sorted(rows.items())
        },
    }


def _sample(questions: list[XQuestion], limit: int) -> list[XQuestion]:
    step = max(1, len(questions) // limit)
    return questions[::step][:limit]
