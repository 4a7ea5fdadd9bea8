"""The pseudo-query's weight on XQuAD with one language side indexed: gold passage recall.

    .venv/bin/python bench/pseudo.py [--weights 0,0.5] [--min-terms 0,3]

For each question of XQuAD asked over the other language's side (English questions over the
Chinese-only index of all 48 articles, Chinese over English-only), ranks passages with
`Retriever.search` once per (``PSEUDO`` weight, minimum number of translated terms) and prints
recall@1 / recall@5 per question language, on the dev articles (0-23) and the test articles
(24-47). The one-side indexes are those `bench/calibrate.py` and `archive-qa eval --xquad`
build under data/bench/xquad/ (built here if missing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import BENCH_DATA, XQUAD, setup

setup()

from index.embedding import load_embedder  # noqa: E402
from index.settings import Settings  # noqa: E402
from qa import retrieve  # noqa: E402
from qa.evaluate import gold_passages, scratch_index  # noqa: E402
from qa.xquad import load  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--weights", default="0,0.5", help="PSEUDO weights, comma-separated")
    ap.add_argument("--min-terms", default="0,3", help="minimum translated terms to embed")
    ap.add_argument("--xquad", type=Path, default=XQUAD)
    ap.add_argument("--scratch", type=Path, default=BENCH_DATA / "xquad")
    args = ap.parse_args()
    settings = [
        (float(w), int(m)) for w in args.weights.split(",") for m in args.min_terms.split(",")
    ]
    x = load(args.xquad)
    base = Settings()
    embedder = load_embedder(base)
    n, half = len(x.titles), len(x.titles) // 2
    found: dict[tuple[str, str, float, int], list[int]] = {}
    for side in ("zh", "en"):
        questions = [q for q in x.questions if q.lang != side]
        a = scratch_index(x, base, embedder, args.scratch / f"only-{side}", range(n), (side,))
        gold = gold_passages(x, a)
        vectors = embedder.embed_queries([q.question for q in questions])
        translations = [a.translate(q.question, q.lang) for q in questions]
        pseudo = embedder.embed_queries([t.pseudo if t and t.pseudo else "-" for t in translations])
        retriever = a.retriever
        for q, v, t, p in zip(questions, vectors, translations, pseudo, strict=True):
            want = gold.get((q.article, q.paragraph), set())
            split = "dev" if q.article < half else "test"
            for weight, least in settings:
                retrieve.PSEUDO = weight
                use = t is not None and bool(t.pseudo) and len(t.terms) >= least
                hits = retriever.search(
                    q.question,
                    5,
                    language=q.lang,
                    query_vector=v,
                    translation=t,
                    pseudo_vector=p if use else None,
                )
                ids = [h.passage.id for h in hits]
                rank = next((i for i, pid in enumerate(ids, 1) if pid in want), 0)
                found.setdefault((q.lang, split, weight, least), []).append(rank)
    print("| question language | articles | PSEUDO | min terms | n | r@1 | r@5 |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for (lang, split, weight, least), ranks in sorted(found.items()):
        r1 = sum(r == 1 for r in ranks) / len(ranks)
        r5 = sum(r > 0 for r in ranks) / len(ranks)
        print(f"| {lang} | {split} | {weight} | {least} | {len(ranks)} | {r1:.3f} | {r5:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
