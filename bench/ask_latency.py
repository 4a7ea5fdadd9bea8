"""Warm latency of one `ask` (model loaded, index open) on the seeds + XQuAD index.

    .venv/bin/python bench/ask_latency.py [--questions 200] [--data-dir DIR]
    .venv/bin/python bench/ask_latency.py --data-dir DIR --questions-file tests/qa/dev_month.jsonl

Builds the index in a scratch folder unless --data-dir points at one that already holds
seeds/ and the 48 XQuAD articles. Prints p50 / p95 / max over the questions (XQuAD questions
in both languages, alternating, or those of a JSON-lines file), and the split between query
embedding (the question and its dictionary pseudo-query, in one call as ``ask`` makes it) and
the rest. ``--no-sentence-meaning`` leaves sentence vectors out of the answer (the difference
is what choosing sentences by meaning costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import TimedEmbedder  # noqa: E402

from index.build import Indexer  # noqa: E402
from index.embedding import load_embedder  # noqa: E402
from index.settings import Settings  # noqa: E402
from qa.service import Assistant  # noqa: E402
from qa.xquad import load, write_articles  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--xquad", type=Path, default=ROOT.parent / "shared" / "data" / "xquad")
    ap.add_argument("--questions-file", type=Path, help="JSON lines with a 'question' field")
    ap.add_argument("--no-sentence-meaning", action="store_true")
    args = ap.parse_args()
    embedder = load_embedder(Settings())
    x = load(args.xquad)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp) / "data"
        settings = Settings(data_dir=data)
        if args.data_dir is None:
            write_articles(x, Path(tmp) / "xquad")
            Indexer(settings, embedder).run([ROOT / "seeds", Path(tmp) / "xquad"], progress=True)
        assistant = Assistant.open(settings, embedder)
        if args.no_sentence_meaning:
            from qa import service

            service.SENTENCE_PASSAGES = 0
        if args.questions_file:
            import json

            lines = args.questions_file.read_text(encoding="utf-8").splitlines()
            questions = [json.loads(x)["question"] for x in lines if x.strip()]
        else:
            en = [q.question for q in x.questions if q.lang == "en"]
            zh = [q.question for q in x.questions if q.lang == "zh"]
            step = max(1, len(en) // (args.questions // 2 or 1))
            questions = [q for pair in zip(en[::step], zh[::step], strict=False) for q in pair]
        questions = questions[: args.questions]
        for q in questions[:5]:  # warm-up
            assistant.ask(q)
        total: list[float] = []
        embed: list[float] = []
        # As the user waits: ask(q) embeds the question and its pseudo-query in one call; the
        # timing proxy splits that call out (before 2026-12-07's tenth session the question was
        # embedded on its own and its vector passed in, the pseudo-query then in a second call).
        timed = TimedEmbedder(assistant.embedder)
        assistant.embedder = timed
        for q in questions:
            timed.seconds = 0.0
            t0 = time.perf_counter()
            assistant.ask(q)
            t2 = time.perf_counter()
            embed.append(timed.seconds * 1000)
            total.append((t2 - t0) * 1000)
        passages = assistant.index.catalog.counts()[1]
    print(f"passages indexed: {passages}, questions: {len(total)}")
    print("| step | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    rest = [t - e for t, e in zip(total, embed, strict=True)]
    for name, vals in (("query embedding", embed), ("retrieval + answer", rest), ("ask", total)):
        print(
            f"| {name} | {statistics.median(vals):.1f} | {percentile(vals, 0.95):.1f} "
            f"| {max(vals):.1f} |"
        )


if __name__ == "__main__":
    main()
