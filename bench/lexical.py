"""The incremental lexical index at 100k and 1M passages (issue J): adding, removing, querying.

    .venv/bin/python bench/lexical.py --passages 100000 1000000 [--source DATA_DIR]

Passages: the tokens of the passages of a real corpus (default data/bench/corpus-10k, made by
``bench/index.py --passages 10000``), copied under new article ids until there are N.
Each token's document frequency grows with N as in a longer archive while the vocabulary stays
the source's: posting lists are longer than a real archive's for rare words, so query times
here are on the pessimistic side. Each size runs in a fresh process:

1. full build: one segment from all N passages, saved (what every change cost before this
   issue: the whole BM25 index re-assembled);
2. cold load of the saved index (manifest + segments) and the process's RSS after it;
3. query: the 50 questions of bench/query.py, tokenized, ``search`` of both sides (k=100, as
   the retriever asks), timed per question;
4. adding one article (its stored tokens: a new segment, the index changed and saved), ten
   times; removing one article, ten times; adding a month (2,000 articles);
5. check: after all that, every question's scores equal those of an index built from scratch
   over the same live passages.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BENCH_DATA, TimedEmbedder, load_note, machine, median, percentile, setup

Rows = list[tuple[str, str, list[str], list[str]]]  # passage id, article id, en, zh tokens


def source_articles(data: Path) -> list[Rows]:
    """Each article's passages' tokens: stored ones of an index's data directory, or a corpus
    folder's articles read and tokenized here."""
    if not (data / "catalog.sqlite3").exists():
        from index.lexical import tokenize
        from index.passages import make_passages
        from index.reader import read_article
        from index.sources import discover

        out: list[Rows] = []
        for f in discover([data])[0]:
            art = read_article(f)
            out.append(
                [
                    (p.id, art.id, tokenize(p.text_en), tokenize(p.text_zh))
                    for p in make_passages(art)
                ]
            )
        if not out:
            sys.exit(f"error: no articles in {data}")
        return out
    db = sqlite3.connect(data / "catalog.sqlite3")
    by_article: dict[str, Rows] = {}
    for pid, aid, en, zh in db.execute(
        "SELECT passage_id, article_id, en, zh FROM tokens ORDER BY article_id, passage_id"
    ):
        by_article.setdefault(aid, []).append((pid, aid, en.split(), zh.split()))
    db.close()
    if not by_article:
        sys.exit(f"error: {data} holds no stored tokens: run bench/index.py --passages 10000")
    return list(by_article.values())


def copies(source: list[Rows], start: int, passages: int) -> tuple[list[tuple[str, str]], Rows]:
    """Articles (id, hash) and their rows: the source's articles again and again under new ids
    (copy number ``start`` on) until ``passages`` passages."""
    arts: list[tuple[str, str]] = []
    rows: Rows = []
    n = start
    while len(rows) < passages:
        src = source[n % len(source)]
        aid = f"c{n:07d}"
        arts.append((aid, f"h{n}"))
        rows.extend((f"{aid}#{pid.split('#', 1)[1]}", aid, en, zh) for pid, _, en, zh in src)
        n += 1
    return arts, rows


def child(n: int, source_dir: Path) -> dict[str, Any]:
    from query import questions

    from index.lexical import LexicalIndex, tokenize
    from index.segments import Segment

    source = source_articles(source_dir)
    arts, rows = copies(source, 0, n)
    out: dict[str, Any] = {"passages": len(rows), "articles": len(arts)}
    folder = Path(tempfile.mkdtemp(prefix=f"lexical-{n}-", dir=BENCH_DATA))
    t0 = time.perf_counter()
    lex = LexicalIndex([Segment.build(arts, rows)], stamp="0")
    out["build_s"] = time.perf_counter() - t0
    lex.save(folder)
    out["build_save_s"] = time.perf_counter() - t0
    del lex, rows
    out["build_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # What a serving process holds: the saved index loaded in a fresh process and queried.
    cmd = [sys.executable, __file__, "--child-serve", str(folder)]
    served = subprocess.run(cmd, capture_output=True, text=True, check=True)
    out["serve"] = json.loads(served.stdout.strip().splitlines()[-1])
    t0 = time.perf_counter()
    loaded = LexicalIndex.load(folder)
    assert loaded is not None
    lex = loaded
    out["load_s"] = time.perf_counter() - t0
    out["postings"] = sum(len(s.rows) for seg in lex.segments for s in seg.sides.values())
    qs = [tokenize(q) for q in questions()]
    for q in qs:  # warm-up: pages the postings in
        lex.search(q, 100)
    times = []
    for _ in range(3):
        for q in qs:
            a = time.perf_counter()
            lex.search(q, 100)
            times.append((time.perf_counter() - a) * 1000)
    out["query_ms"] = [median(times), percentile(times, 0.95), max(times)]
    next_copy = len(arts)
    add_one: list[float] = []
    for i in range(10):
        new_arts, new_rows = copies(source, next_copy, 1)
        next_copy += len(new_arts)
        a = time.perf_counter()
        lex = lex.changed([], Segment.build(new_arts, new_rows), f"a{i}")
        lex.save(folder)
        add_one.append(time.perf_counter() - a)
    out["add_one_s"] = [median(add_one), max(add_one)]
    remove_one: list[float] = []
    for i in range(10):
        a = time.perf_counter()
        lex = lex.changed([f"c{i * 7:07d}"], None, f"r{i}")
        lex.save(folder)
        remove_one.append(time.perf_counter() - a)
    out["remove_one_s"] = [median(remove_one), max(remove_one)]
    month_arts: list[tuple[str, str]] = []
    month_rows: Rows = []
    while len(month_arts) < 2000:
        more_arts, more_rows = copies(source, next_copy, 1)
        next_copy += len(more_arts)
        month_arts += more_arts
        month_rows += more_rows
    a = time.perf_counter()
    seg = Segment.build(month_arts, month_rows)
    lex = lex.changed([], seg, "month", merge_rows=max(100_000, 10 * seg.rows()))
    lex.save(folder)
    out["add_month_s"] = time.perf_counter() - a
    out["month_passages"] = len(month_rows)
    out["segments"] = len(lex.segments)
    after = []
    for q in qs:
        a = time.perf_counter()
        lex.search(q, 100)
        after.append((time.perf_counter() - a) * 1000)
    out["query_after_ms"] = [median(after), percentile(after, 0.95)]
    # Oracle: one segment built from scratch over the live passages scores the same.
    live = lex.articles()
    rows_live: Rows = []
    kept: list[tuple[str, str]] = []
    for k in range(next_copy):
        aid = f"c{k:07d}"
        if aid in live:
            kept.append((aid, live[aid]))
            src = source[k % len(source)]
            rows_live.extend((f"{aid}#{p.split('#', 1)[1]}", aid, en, zh) for p, _, en, zh in src)
    fresh = LexicalIndex([Segment.build(kept, rows_live)])
    worst = 0.0
    for q in qs[:20]:
        ours, theirs = lex.search(q, 100), fresh.search(q, 100)
        for side in ours:
            a_scores, b_scores = dict(ours[side]), dict(theirs[side])
            shared = a_scores.keys() & b_scores.keys()
            assert len(shared) >= 0.9 * len(b_scores), (q, side)  # ties at the cut may differ
            for pid in shared:
                worst = max(worst, abs(a_scores[pid] - b_scores[pid]) / b_scores[pid])
    out["max_rel_diff_vs_rebuild"] = worst
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["disk_mb"] = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return out


def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_serve(folder: Path) -> dict[str, Any]:
    from query import questions

    from index.lexical import LexicalIndex, tokenize

    qs = [tokenize(q) for q in questions()]
    base = _rss_now_mb()
    t0 = time.perf_counter()
    lex = LexicalIndex.load(folder)
    assert lex is not None
    load_s = time.perf_counter() - t0
    times = []
    for _ in range(2):
        for q in qs:
            a = time.perf_counter()
            lex.search(q, 100)
            times.append((time.perf_counter() - a) * 1000)
    rss = _rss_now_mb()  # not ru_maxrss: a child inherits its parent's high-water mark
    return {
        "load_s": load_s,
        "first_round_ms": median(times[: len(qs)]),
        "rss_mb": rss,
        "rss_before_mb": base,
    }


def end_to_end(data: Path, corpus: Path, rounds: int, month: int = 0) -> dict[str, Any]:
    """Through ``Indexer.run`` on a real index (real Chroma, real model): one new article file
    indexed, then deleted and indexed again (removed), ``rounds`` times. The encoder's time is
    measured apart (bench/index.py's TimedEmbedder)."""
    import shutil

    from index import build as build_module
    from index.build import Indexer
    from index.embedding import load_embedder
    from index.settings import Settings
    from index.sources import discover

    settings = Settings.from_env(data_dir=data)
    emb = TimedEmbedder(load_embedder(settings))
    emb.embed_passages(["warm up the model"])
    files = discover([corpus])[0]
    spent: dict[str, list[float]] = {"add": [], "add_encode": [], "remove": [], "lexical": []}
    lexical_s = 0.0
    real_load = build_module.load_lexical

    def timed_load(*args: Any, **kwargs: Any) -> Any:
        nonlocal lexical_s
        a = time.perf_counter()
        out = real_load(*args, **kwargs)
        lexical_s += time.perf_counter() - a
        return out

    build_module.load_lexical = timed_load
    texts = 0
    folder = Path(tempfile.mkdtemp(prefix="one-article-", dir=BENCH_DATA))
    for i in range(rounds):
        src = files[(i * 37) % len(files)]
        new = folder / f"zz_new_{i}_{src.name}"
        shutil.copy(src, new)
        emb.seconds, emb.texts, lexical_s = 0.0, 0, 0.0
        a = time.perf_counter()
        report = Indexer(settings, emb).run([new], progress=False)
        spent["add"].append(time.perf_counter() - a)
        spent["add_encode"].append(emb.seconds)
        texts += emb.texts
        spent["lexical"].append(lexical_s)
        assert report.added == 1, report
        new.unlink()
        a = time.perf_counter()
        report = Indexer(settings, emb).run([new], progress=False)
        spent["remove"].append(time.perf_counter() - a)
        assert report.removed == 1, report
    shutil.rmtree(folder, ignore_errors=True)
    out: dict[str, Any] = {k: [median(v), max(v)] for k, v in spent.items()}
    out["add_besides_encoder"] = median(
        [t - e for t, e in zip(spent["add"], spent["add_encode"], strict=True)]
    )
    encoded = sum(spent["add_encode"])
    rate = texts / encoded if encoded else 0.0  # the real encoder, texts/s
    if month:
        out["month"] = _month(settings, files, month, emb.inner, rate)
    out["encoder_texts_per_s"] = rate
    out["passages"] = Indexer(settings, emb).catalog.counts()[1]
    return out


def _month(settings: Any, files: list[Path], n: int, real: Any, rate: float) -> dict[str, Any]:
    """``n`` articles of the corpus copied as new files and indexed in one run with random
    vectors in place of the model (which would take hours here): the run's time besides the
    encoder, against the time the real encoder would take for the same texts (at ``rate``,
    measured on the single articles). Then the month is removed again."""
    import shutil

    import numpy as np

    from index.build import Indexer

    class Random:
        model_id, dimension = real.model_id, real.dimension

        def __init__(self) -> None:
            self.texts = 0
            self.rng = np.random.default_rng(0)

        def embed_queries(self, texts: Any) -> Any:
            raise RuntimeError("build only")

        def embed_passages(self, texts: Any, **kw: Any) -> Any:
            self.texts += len(texts)
            v = self.rng.normal(size=(len(texts), self.dimension)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    folder = Path(tempfile.mkdtemp(prefix="month-", dir=BENCH_DATA))
    for i, src in enumerate(files[-n:]):
        shutil.copy(src, folder / f"zz_month_{i}_{src.name}")
    fake = Random()
    a = time.perf_counter()
    report = Indexer(settings, fake).run([folder], progress=False)
    seconds = time.perf_counter() - a
    shutil.rmtree(folder)
    a = time.perf_counter()
    removed = Indexer(settings, fake).run([folder], progress=False)
    remove_s = time.perf_counter() - a
    encode_s = fake.texts / rate if rate else float("nan")
    return {
        "articles": report.added,
        "texts": fake.texts,
        "besides_encoder_s": seconds,
        "encoder_estimate_s": encode_s,
        "share": seconds / encode_s,
        "removed": removed.removed,
        "remove_s": remove_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="Incremental lexical index: add, remove, query.")
    ap.add_argument("--passages", type=int, nargs="+", default=[100_000], help="index sizes")
    ap.add_argument(
        "--source",
        type=Path,
        default=BENCH_DATA / "corpus-10k",
        help="a corpus folder (tokenized here) or an index's data directory (its stored "
        "tokens) whose passages are copied (default: bench/index.py's 10k corpus)",
    )
    ap.add_argument(
        "--end-to-end",
        nargs=2,
        type=Path,
        metavar=("DATA_DIR", "CORPUS"),
        help="instead: add and remove one article of CORPUS through Indexer.run on the real "
        "index in DATA_DIR (real model and Chroma), e.g. data/bench/index-10k/data "
        "data/bench/corpus-10k",
    )
    ap.add_argument("--rounds", type=int, default=5, help="with --end-to-end (default 5)")
    ap.add_argument(
        "--month",
        type=int,
        default=0,
        help="with --end-to-end: also add (and remove) this many articles in one run, "
        "random vectors in place of the model (e.g. 2000)",
    )
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--child-serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    setup()
    if args.child_serve:
        print(json.dumps(child_serve(args.child_serve)))
        return
    if args.end_to_end:
        print(machine())
        m = end_to_end(args.end_to_end[0], args.end_to_end[1], args.rounds, args.month)
        print(json.dumps(m))
        print(
            f"{m['passages']} passages: adding one article {m['add'][0]:.2f} s median "
            f"({m['add_encode'][0]:.2f} s of it the encoder, {m['add_besides_encoder']:.2f} s "
            f"besides; lexical update {m['lexical'][0]:.3f} s), removing it {m['remove'][0]:.2f} s"
        )
        if "month" in m:
            mo = m["month"]
            print(
                f"a month ({mo['articles']} articles, {mo['texts']} texts) besides the encoder: "
                f"{mo['besides_encoder_s']:.1f} s; the encoder at {m['encoder_texts_per_s']:.1f} "
                f"texts/s would take {mo['encoder_estimate_s']:.0f} s: "
                f"{mo['share']:.1%}; removing it {mo['remove_s']:.1f} s"
            )
        print(load_note(), flush=True)
        return
    if args.child:
        print(json.dumps(child(int(args.child[0]), Path(args.child[1]))))
        return
    print(machine())
    rows = []
    for n in args.passages:
        cmd = [sys.executable, __file__, "--child", str(n), str(args.source)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"size {n} failed:\n{done.stderr[-3000:]}")
        m = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{n}: {json.dumps(m)}", file=sys.stderr, flush=True)
        rows.append(m)
    print(
        "| passages | postings | full build + save s | load s | query p50 / p95 ms | "
        "add 1 article s (median / max) | remove 1 s | add a month s (passages) | segments | "
        "query after p50 ms | build RSS MB | serve: load s, RSS MB | max rel. diff vs rebuild |"
    )
    print("|" + " ---: |" * 13)
    for m in rows:
        print(
            f"| {m['passages']} | {m['postings']} | {m['build_save_s']:.1f} | {m['load_s']:.2f} | "
            f"{m['query_ms'][0]:.1f} / {m['query_ms'][1]:.1f} | "
            f"{m['add_one_s'][0]:.3f} / {m['add_one_s'][1]:.3f} | {m['remove_one_s'][0]:.3f} | "
            f"{m['add_month_s']:.2f} ({m['month_passages']}) | {m['segments']} | "
            f"{m['query_after_ms'][0]:.1f} | {m['rss_mb']:.0f} | "
            f"{m['serve']['load_s']:.2f}, {m['serve']['rss_mb']:.0f} | "
            f"{m['max_rel_diff_vs_rebuild']:.1e} |"
        )
    print(load_note(), flush=True)


if __name__ == "__main__":
    main()
