"""Evaluation: question files with gold substrings, and the XQuAD bilingual benchmark.

Every question becomes a :class:`Record` (what was asked, what came back, the evidence the
decision saw); figures are means over records, overall and per language and split. The same
records feed the calibration of the answer-or-abstain decision (bench/calibrate.py).

Figures per group:

- ``recall@1``, ``recall@5``, ``mrr``: the first passage (cited, then related) holding a gold
  substring, over answerable questions;
- ``answer_hit``: the answer text holds a gold substring; ``fact``: the answer or its quotes
  (the aligned sentence in the other language) hold it: for an English question over Chinese
  text the fact is in the quoted Chinese sentence;
- ``answer_rate``: answerable questions answered; ``missed_answers`` = 1 - answer_rate;
- ``abstention_accuracy``: unanswerable questions abstained; ``false_answers`` = 1 - it.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.build import Indexer
from index.embedder import Embedder, Vectors
from index.settings import Settings
from index.store import open_index
from qa.answer import Answer, Citation
from qa.evidence import Evidence
from qa.service import Assistant, Considered
from qa.xquad import XQuad, XQuestion, load, write_articles


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    gold: tuple[str, ...]
    answerable: bool
    lang: str = ""
    split: str = ""
    kind: str = ""


def read_gold(path: Path) -> list[GoldQuestion]:
    """JSON lines ``{"question", "gold": [substrings], "answerable": bool}``, optionally with
    ``lang`` (en/zh), ``split`` (dev/test) and ``kind`` or ``why``."""
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
                    str(obj.get("lang", "")),
                    str(obj.get("split", "")),
                    str(obj.get("why", obj.get("kind", ""))),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a gold question line ({exc})") from None
    return items


@dataclass
class Record:
    """One question asked: the answer's figures and the evidence the decision saw."""

    question: str
    lang: str
    split: str
    answerable: bool
    answered: bool
    rank: int | None  # 1-based rank of the first gold passage, None if not in the list
    answer_hit: bool
    fact: bool
    evidence: Evidence | None
    kind: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    # What the composed answer would hold had the assistant answered (for calibration).
    would_hit: bool = False
    would_fact: bool = False

    @property
    def top_right(self) -> bool:
        """The best passage holds the answer (what the decision should answer on)."""
        return self.answerable and self.rank == 1


def _contains(c: Citation, gold: Sequence[str]) -> bool:
    return any(g and (g in c.text["en"] or g in c.text["zh"]) for g in gold)


def _rank(citations: Iterable[Citation], gold: Sequence[str]) -> int | None:
    for i, c in enumerate(citations, start=1):
        if _contains(c, gold):
            return i
    return None


def _holds(answer: Answer, gold: Sequence[str]) -> tuple[bool, bool]:
    """(the answer text holds a gold string, the answer or its quotes hold one)."""
    quotes = " ".join(c.quote["en"] + " " + c.quote["zh"] for c in answer.citations)
    hit = any(g and g in answer.answer for g in gold)
    return hit, hit or any(g and g in quotes for g in gold)


def record(
    item: GoldQuestion,
    answer: Answer,
    evidence: Evidence | None = None,
    composed: Answer | None = None,
) -> Record:
    gold = item.gold
    hit, fact = _holds(answer, gold)
    hit, fact = answer.answerable and hit, answer.answerable and fact
    would = _holds(composed, gold) if composed is not None else (hit, fact)
    return Record(
        item.question,
        item.lang or answer.language,
        item.split,
        item.answerable,
        answer.answerable,
        _rank(answer.citations + answer.related, gold) if item.answerable else None,
        hit,
        fact,
        evidence,
        item.kind,
        would_hit=would[0],
        would_fact=would[1],
    )


def _mean(xs: Sequence[float]) -> float | None:
    return round(statistics.fmean(xs), 4) if xs else None


def metrics(records: Sequence[Record]) -> dict[str, Any]:
    answerable = [r for r in records if r.answerable]
    unanswerable = [r for r in records if not r.answerable]
    ranks = [r.rank for r in answerable]
    out: dict[str, Any] = {
        "questions": len(records),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "recall@1": _mean([float(k == 1) for k in ranks]),
        "recall@5": _mean([float(k is not None and k <= 5) for k in ranks]),
        "mrr": _mean([1.0 / k if k else 0.0 for k in ranks]),
        "answer_hit": _mean([float(r.answer_hit) for r in answerable]),
        "fact": _mean([float(r.fact) for r in answerable]),
        "answer_rate": _mean([float(r.answered) for r in answerable]),
        "abstention_accuracy": _mean([float(not r.answered) for r in unanswerable]),
    }
    out["missed_answers"] = None if out["answer_rate"] is None else round(1 - out["answer_rate"], 4)
    out["false_answers"] = (
        None if out["abstention_accuracy"] is None else round(1 - out["abstention_accuracy"], 4)
    )
    return out


def grouped(records: Sequence[Record]) -> dict[str, Any]:
    """Figures of all records, per language, and per language and split (when given)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        groups[r.lang].append(r)
        if r.split:
            groups[f"{r.lang}/{r.split}"].append(r)
    return {"all": metrics(records), **{k: metrics(v) for k, v in sorted(groups.items())}}


def evaluate_answers(items: Sequence[GoldQuestion], answers: Sequence[Answer]) -> dict[str, Any]:
    """Figures of answers already given (see :func:`metrics`)."""
    return metrics([record(i, a) for i, a in zip(items, answers, strict=True)])


def ask_all(
    assistant: Assistant,
    items: Sequence[GoldQuestion],
    vectors: Sequence[Vectors] | Vectors | None = None,
    progress: bool = False,
) -> list[Record]:
    from tqdm import tqdm

    if vectors is None:
        vectors = assistant.embedder.embed_queries([i.question for i in items])
    out: list[Record] = []
    for item, vec in tqdm(
        list(zip(items, vectors, strict=True)), desc="questions", disable=not progress
    ):
        considered = assistant.consider(item.question, k=5, query_vector=vec)
        composed, answer = answered_as(assistant, considered)
        out.append(record(item, answer, considered.evidence, composed))
    return out


def evaluate_file(assistant: Assistant, path: Path, progress: bool = False) -> dict[str, Any]:
    return grouped(ask_all(assistant, read_gold(path), progress=progress))


def answered_as(assistant: Assistant, considered: Considered) -> tuple[Answer, Answer]:
    """The answer the passages would give (whatever the decision) and the assistant's answer
    (the same as :meth:`Assistant.answer`, without composing twice)."""
    composed = assistant.compose(considered)
    answer = composed if _answers(assistant, considered) else assistant.answer(considered)
    return composed, answer


def _answers(assistant: Assistant, considered: Any) -> bool:
    """Would the assistant answer (the same decision as :meth:`Assistant.answer`)?"""
    from qa import decision

    e = considered.evidence
    return e is not None and e.constraints and decision.supports(e)


# XQuAD ---------------------------------------------------------------------------------------


def scratch_index(
    x: XQuad,
    base: Settings,
    embedder: Embedder,
    folder: Path,
    articles: range,
    sides: tuple[str, ...] = ("en", "zh"),
) -> Assistant:
    files = folder / "articles"
    write_articles(x, files, articles, sides=sides)
    settings = Settings(
        data_dir=folder / "data", model=base.model, model_cache=base.model_cache, device=base.device
    )
    report = Indexer(settings, embedder).run([files], progress=False)
    if report.skipped:
        raise RuntimeError(f"XQuAD articles failed to index: {report.skipped[:3]}")
    return Assistant.over(embedder, open_index(settings, embedder))


def gold_passages(x: XQuad, assistant: Assistant) -> dict[tuple[int, int], set[str]]:
    """(article, paragraph) -> ids of the passages cut from that paragraph."""
    out: dict[tuple[int, int], set[str]] = defaultdict(set)
    for i in range(len(x.titles)):
        for p in assistant.index.catalog.passages_of(x.article_id(i)):
            for j, (en, zh) in enumerate(zip(x.en[i], x.zh[i], strict=True)):
                if (p.text_en and p.text_en in en) or (p.text_zh and p.text_zh in zh):
                    out[(i, j)].add(p.id)
    return out


def _ask_xquad(
    assistant: Assistant,
    questions: Sequence[XQuestion],
    vectors: Sequence[Vectors] | Vectors,
    gold: dict[tuple[int, int], set[str]],
    split: Callable[[XQuestion], tuple[str, bool]],
    setting: str,
    progress: bool,
    parallel: dict[XQuestion, tuple[str, ...]] | None = None,
) -> list[Record]:
    """Ask each question; ``split(q)`` gives its split name and whether the index holds its
    article (answerable). ``parallel``: answer spans to look for instead of the question's own
    (across languages, the spans of the parallel question in the passages' language)."""
    from tqdm import tqdm

    out: list[Record] = []
    for q, vec in tqdm(
        list(zip(questions, vectors, strict=True)), desc=setting, disable=not progress
    ):
        name, answerable = split(q)
        answers = parallel.get(q, q.answers) if parallel else q.answers
        considered = assistant.consider(q.question, k=5, query_vector=vec)
        composed = assistant.compose(considered)
        ans = composed if _answers(assistant, considered) else assistant.answer(considered)
        g = gold.get((q.article, q.paragraph), set())
        ids = [c.passage_id for c in ans.citations + ans.related]
        rank = next((i for i, pid in enumerate(ids, start=1) if pid in g), None)
        would_hit, would_fact = _holds(composed, answers)
        hit, fact = _holds(ans, answers)
        out.append(
            Record(
                q.question,
                q.lang,
                name,
                answerable,
                ans.answerable,
                rank if answerable else None,
                ans.answerable and hit,
                ans.answerable and fact,
                considered.evidence,
                tags={"setting": setting},
                would_hit=would_hit,
                would_fact=would_fact,
            )
        )
    return out


def xquad_records(
    folder: Path,
    base: Settings,
    embedder: Embedder,
    scratch: Path,
    *,
    limit: int | None = None,
    progress: bool = False,
) -> dict[str, list[Record]]:
    """Records of every XQuAD setting:

    - ``full``: both sides of all 48 articles indexed; splits by article (0-23 dev, 24-47 test:
      answer-hit and recall are chosen on dev, reported on test);
    - ``half``: articles 0-23 indexed (both sides): their questions must be answered, those of
      24-47 abstained (test); ``mirror``: the same with 24-47 indexed (dev);
    - ``one_side``: one language side of all 48 indexed, each question asked in the other
      language (English questions over Chinese text and back): recall across languages;
    - ``one_side_half`` / ``one_side_mirror``: the same with half the articles: answered and
      abstained across languages (test / dev).
    """
    x = load(folder)
    questions = x.questions if limit is None else _sample(x.questions, limit)
    vectors = embedder.embed_queries([q.question for q in questions])
    n = len(x.titles)
    half = n // 2
    first, second = range(half), range(half, n)

    def by_article(q: XQuestion) -> tuple[str, bool]:
        return ("dev" if q.article < half else "test"), True

    def held(indexed: range, name: str) -> Callable[[XQuestion], tuple[str, bool]]:
        return lambda q: (name, q.article in indexed)

    out: dict[str, list[Record]] = {}
    full = scratch_index(x, base, embedder, scratch / "all", range(n))
    gold = gold_passages(x, full)
    out["full"] = _ask_xquad(full, questions, vectors, gold, by_article, "full", progress)
    for setting, indexed, name in (("half", first, "test"), ("mirror", second, "dev")):
        a = scratch_index(x, base, embedder, scratch / setting, indexed)
        out[setting] = _ask_xquad(
            a, questions, vectors, gold_passages(x, a), held(indexed, name), setting, progress
        )
    # One side: English questions over Chinese-only text, Chinese questions over English-only.
    # A question's facts are then looked for as the parallel question's answer spans (XQuAD's
    # two files are parallel question by question).
    both = x.questions
    half_n = len(both) // 2
    parallel = {q: both[(i + half_n) % len(both)].answers for i, q in enumerate(both)}
    for side in ("zh", "en"):
        asked = [(q, v) for q, v in zip(questions, vectors, strict=True) if q.lang != side]
        qs, vs = [q for q, _ in asked], [v for _, v in asked]
        a = scratch_index(x, base, embedder, scratch / f"only-{side}", range(n), (side,))
        out.setdefault("one_side", []).extend(
            _ask_xquad(a, qs, vs, gold_passages(x, a), by_article, "one_side", progress, parallel)
        )
        for setting, indexed, name in (
            ("one_side_half", first, "test"),
            ("one_side_mirror", second, "dev"),
        ):
            a = scratch_index(x, base, embedder, scratch / f"{setting}-{side}", indexed, (side,))
            out.setdefault(setting, []).extend(
                _ask_xquad(
                    a,
                    qs,
                    vs,
                    gold_passages(x, a),
                    held(indexed, name),
                    setting,
                    progress,
                    parallel,
                )
            )
    return out


def xquad_figures(records: dict[str, list[Record]]) -> dict[str, Any]:
    """The XQuAD table per question language (docs/benchmarks.md)."""
    figures: dict[str, Any] = {}
    for lang in ("en", "zh"):
        f: dict[str, Any] = {}
        full = [r for r in records["full"] if r.lang == lang]
        m = metrics(full)
        f.update({k: m[k] for k in ("recall@1", "recall@5", "mrr", "answer_hit", "fact")})
        f["answer_rate_full"] = m["answer_rate"]
        test = metrics([r for r in full if r.split == "test"])
        f["test_recall@1"], f["test_answer_hit"] = test["recall@1"], test["answer_hit"]
        half = metrics([r for r in records["half"] if r.lang == lang])
        f["answer_rate"], f["abstention_rate"] = half["answer_rate"], half["abstention_accuracy"]
        one = metrics([r for r in records["one_side"] if r.lang == lang])
        f["cross_lingual_recall@1"], f["cross_lingual_recall@5"] = one["recall@1"], one["recall@5"]
        f["cross_lingual_fact"] = one["fact"]
        oh = metrics([r for r in records["one_side_half"] if r.lang == lang])
        f["cross_lingual_answer_rate"] = oh["answer_rate"]
        f["cross_lingual_abstention"] = oh["abstention_accuracy"]
        figures[lang] = f
    return {
        "questions": {
            lang: sum(1 for r in records["full"] if r.lang == lang) for lang in ("en", "zh")
        },
        "metrics": figures,
    }


def run_xquad(
    folder: Path,
    base: Settings,
    embedder: Embedder,
    scratch: Path,
    *,
    limit: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Every figure of the XQuAD table, per question language."""
    records = xquad_records(folder, base, embedder, scratch, limit=limit, progress=progress)
    return xquad_figures(records)


def _sample(questions: list[XQuestion], limit: int) -> list[XQuestion]:
    step = max(1, len(questions) // limit)
    return questions[::step][:limit]
