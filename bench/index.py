"""Indexing throughput: the project's Indexer vs the encoder alone vs a LangChain + Chroma peer.

    .venv/bin/python bench/index.py --passages 1000 [10000] [--no-peer]

For each size: generates (once) a corpus with bench/corpus.py under data/bench/corpus-<n>,
then, each in a fresh process so that peak RSS and thread pools are its own:

1. ours: ``Indexer.run`` (what ``archive-qa index`` runs) into a fresh data dir
   data/bench/index-<n> (kept for bench/query.py and bench/load.py), with the embedder wrapped
   to time its encode calls; then a second run over the unchanged corpus (must embed 0 texts);
2. encoder: the same embedder on exactly the texts the Indexer embedded, one call (the limit:
   token-budget batches, index/embedding.py);
3. st-default: sentence-transformers' own ``encode`` on the same texts with its default batch of
   32 (one length-sorted call): the encoder as most pipelines run it, the peer included;
4. peer: LangChain ``Chroma.from_texts`` + ``HuggingFaceEmbeddings`` on the same texts and
   the same converted model directory, in .venv-peer (its packages would change pinned
   versions in .venv; see docs/benchmarks.md).

Prints passages/s, the share of indexing time outside the encoder, re-index time and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _common import (
    BENCH_DATA,
    CHINESE_ONLY_SHARE,
    ROOT,
    TimedEmbedder,
    label,
    load_note,
    machine,
    setup,
)

PEER_PYTHON = ROOT / ".venv-peer" / "bin" / "python"


def ensure_corpus(n: int, seed: int = 1, chinese_only: float = CHINESE_ONLY_SHARE) -> Path:
    """data/bench/corpus-<n>, generated once (same seed -> same files)."""
    out = BENCH_DATA / f"corpus-{label(n, chinese_only)}"
    manifest = out / "corpus.json"
    if manifest.exists():
        info = json.loads(manifest.read_text())
        if info.get("target_passages") == n and info.get("seed") == seed:
            return out
    from corpus import generate

    s = generate(n, out, seed, chinese_only)
    print(f"generated {out}: {s['articles']} articles, {s['passages']} passages", flush=True)
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(corpus: Path, data: Path, texts_out: Path) -> dict[str, Any]:
    setup()
    from index.build import Indexer
    from index.embedding import load_embedder
    from index.settings import Settings

    shutil.rmtree(data, ignore_errors=True)
    settings = Settings.from_env(data_dir=data)
    t0 = time.perf_counter()
    embedded: list[str] = []
    emb = TimedEmbedder(load_embedder(settings), kept=embedded)
    load_s = time.perf_counter() - t0
    emb.embed_passages(["warm up the model"])  # first call allocates; not part of indexing
    emb.seconds, emb.texts = 0.0, 0
    embedded.clear()
    indexer = Indexer(settings, emb)
    t1 = time.perf_counter()
    report = indexer.run([corpus], progress=False)
    index_s = time.perf_counter() - t1
    first = {"seconds": index_s, "encode_seconds": emb.seconds, "texts": emb.texts}
    # The comparisons embed what this run embedded: each passage side and, since issue G, each
    # sentence of it (sentence vectors), about 5 texts per passage. (Until 2026-12-07 they got
    # the passage sides alone, so "ours / encoder alone" compared two workloads.)
    ids = [f"t{i}" for i in range(len(embedded))]
    texts_out.write_text(json.dumps({"ids": ids, "texts": embedded}, ensure_ascii=False))
    emb.kept = None
    emb.seconds, emb.texts = 0.0, 0
    t2 = time.perf_counter()
    again = Indexer(settings, emb).run([corpus], progress=False)
    reindex_s = time.perf_counter() - t2
    return {
        "articles": report.articles,
        "passages": report.passages,
        "skipped": len(report.skipped),
        "load_seconds": load_s,
        "first": first,
        "reindex": {"seconds": reindex_s, "texts": emb.texts, "unchanged": again.unchanged},
        "rss_mb": _rss_mb(),
    }


class FreeEmbedder:
    """Random unit vectors at no cost: what the pipeline costs outside the encoder."""

    model_id = "free-random-384"
    dimension = 384

    def __init__(self) -> None:
        import numpy as np

        self.rng = np.random.default_rng(0)

    def embed_queries(self, texts: Sequence[str]) -> Any:
        raise RuntimeError("build only")

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Any:
        import numpy as np

        out = self.rng.normal(size=(len(texts), self.dimension)).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def child_outside(
    corpus: Path, data: Path, profile_out: str = "", pool: str = "auto"
) -> dict[str, Any]:
    """Indexer.run with a free encoder into a scratch data dir: the pipeline's own cost
    (read, parse, align, Chroma upserts, catalog, BM25). ``profile_out``: a cProfile dump.
    ``pool``: "on" tokenizes in worker processes as a build on an accelerator does."""
    setup()
    from index.build import Indexer
    from index.settings import Settings

    shutil.rmtree(data, ignore_errors=True)
    settings = Settings.from_env(data_dir=data)
    emb = TimedEmbedder(FreeEmbedder())
    indexer = Indexer(settings, emb)
    if pool == "on":
        from index.tokenpool import MIN_PASSAGES

        indexer.token_pool_min = MIN_PASSAGES
    profiler = None
    if profile_out:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    report = indexer.run([corpus], progress=False)
    seconds = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_out)
    # One more article (a seed, in a folder of its own) added to the built index.
    extra = data.with_name(data.name + "-extra")
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir(parents=True)
    shutil.copy(ROOT / "seeds" / "000_b9ad766cd1670af9.txt", extra)
    t1 = time.perf_counter()
    added = Indexer(settings, emb).run([corpus, extra], progress=False)
    add_seconds = time.perf_counter() - t1
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(extra, ignore_errors=True)
    return {
        "seconds": seconds,
        "passages": report.passages,
        "texts": emb.texts,
        "rss_mb": _rss_mb(),
        "add_one_seconds": add_seconds,
        "add_one_added": added.added,
        "token_wait": indexer.token_wait,
    }


def child_encoder(texts_in: Path) -> dict[str, Any]:
    setup()
    from index.embedding import load_embedder
    from index.settings import Settings

    texts = json.loads(texts_in.read_text())["texts"]
    emb = load_embedder(Settings.from_env())
    emb.embed_passages(["warm up the model"])
    t0 = time.perf_counter()
    emb.embed_passages(texts)
    return {"seconds": time.perf_counter() - t0, "texts": len(texts), "rss_mb": _rss_mb()}


def child_st_default(texts_in: Path) -> dict[str, Any]:
    setup()
    from index.embedding import load_embedder, normalize_whitespace
    from index.settings import Settings

    texts = [normalize_whitespace(t) for t in json.loads(texts_in.read_text())["texts"]]
    model = load_embedder(Settings.from_env())._model  # type: ignore[attr-defined]
    model.encode(["warm up the model"], prompt_name="passage")
    t0 = time.perf_counter()
    model.encode(texts, prompt_name="passage", batch_size=32, normalize_embeddings=True)
    return {"seconds": time.perf_counter() - t0, "texts": len(texts), "rss_mb": _rss_mb()}


def child_peer(texts_in: Path, model_dir: Path | str, persist: Path) -> dict[str, Any]:
    """LangChain as its docs show it: HuggingFaceEmbeddings + Chroma.from_texts (persisted)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    data = json.loads(texts_in.read_text())
    ids, texts = data["ids"], data["texts"]
    metas = [{"passage_id": i.split("|")[0], "side": i.split("|")[1]} for i in ids]
    shutil.rmtree(persist, ignore_errors=True)
    t0 = time.perf_counter()
    emb = HuggingFaceEmbeddings(
        model_name=str(model_dir),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "prompt_name": "passage", "batch_size": 32},
    )
    load_s = time.perf_counter() - t0
    emb.embed_documents(["warm up the model"])
    t1 = time.perf_counter()
    store = Chroma.from_texts(
        texts,
        emb,
        metadatas=metas,
        ids=ids,
        collection_name="passages",
        persist_directory=str(persist),
        client_settings=ChromaSettings(anonymized_telemetry=False),
        collection_metadata={"hnsw:space": "cosine"},
    )
    seconds = time.perf_counter() - t1
    count = store._collection.count()
    return {"seconds": seconds, "load_seconds": load_s, "count": count, "rss_mb": _rss_mb()}


def _run_child(python: Path | str, *args: str) -> dict[str, Any]:
    cmd = [str(python), __file__, "--child", *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - start
    return out


def _sample(texts: Path, k: int | None) -> tuple[Path, float]:
    """The texts file, or a seeded random sample of ``k`` of its texts; and the share kept."""
    data = json.loads(texts.read_text())
    n = len(data["texts"])
    if not k or k >= n:
        return texts, 1.0
    keep = sorted(random.Random(0).sample(range(n), k))
    out = texts.with_name(f"texts-sample-{k}.json")
    sample = {key: [data[key][i] for i in keep] for key in ("ids", "texts")}
    out.write_text(json.dumps(sample, ensure_ascii=False))
    return out, k / n


def run_outside(n: int, profile: str = "", pool: bool = False) -> None:
    """Only the pipeline's own cost (a free encoder), e.g. at 100k passages."""
    corpus = ensure_corpus(n)
    scratch = BENCH_DATA / f"outside-{label(n)}"
    o = _run_child(
        sys.executable, "outside", str(corpus), str(scratch), profile, "on" if pool else "auto"
    )
    print(
        f"\n{n} target passages, free encoder{', token pool' if pool else ''}: "
        f"{o['passages']} passages, {o['texts']} texts in "
        f"{o['seconds']:.1f} s: {1000 * o['seconds'] / o['passages']:.2f} ms per passage outside "
        f"the encoder ({o['passages'] / o['seconds']:.0f} passages/s), peak RSS "
        f"{o['rss_mb']:.0f} MB" + (f"; profile in {profile}" if profile else "")
    )
    if pool:
        print(f"of which waiting for the token workers: {o['token_wait']:.1f} s")
    print(
        f"then one article added ({o['add_one_added']} new file, 5 passages): "
        f"{o['add_one_seconds']:.2f} s"
    )
    print(load_note(), flush=True)


def run_size(n: int, peer: bool, compare_texts: int | None) -> None:
    corpus = ensure_corpus(n)
    work = BENCH_DATA / f"index-{label(n)}"
    work.mkdir(parents=True, exist_ok=True)
    texts = work / "texts.json"
    ours = _run_child(sys.executable, "ours", str(corpus), str(work / "data"), str(texts))
    passages = int(ours["passages"])
    n_texts = int(ours["first"]["texts"])
    sample, share = _sample(texts, compare_texts)
    scope = "same texts" if share == 1 else f"random {share:.0%} of the texts"
    enc = _run_child(sys.executable, "encoder", str(sample))
    rows: list[tuple[Any, ...]] = []
    first = ours["first"]
    ours_rate = passages / first["seconds"]
    # Passages per second of the comparison runs, scaled when they embed a sample.
    enc_rate = passages * share / enc["seconds"]
    outside = 1 - first["encode_seconds"] / first["seconds"]
    rows.append(("archive-qa Indexer.run", first["seconds"], ours_rate, n_texts / first["seconds"]))
    rows[-1] += (ours["rss_mb"], f"outside encoder {outside:.0%}; all texts")
    rows.append(("encoder alone (limit)", enc["seconds"], enc_rate, enc["texts"] / enc["seconds"]))
    rows[-1] += (enc["rss_mb"], f"one embed_passages call (token batches); {scope}")
    std = _run_child(sys.executable, "st-default", str(sample))
    std_rate = passages * share / std["seconds"]
    rows.append(
        (
            "sentence-transformers encode, batch 32",
            std["seconds"],
            std_rate,
            std["texts"] / std["seconds"],
        )
    )
    rows[-1] += (std["rss_mb"], f"the library's default batching; {scope}")
    peer_rate = None
    if peer:
        from index.e5convert import ensure_converted
        from index.settings import Settings

        model_dir = str(ensure_converted(Settings.from_env().model_cache))
        p = _run_child(PEER_PYTHON, "peer", str(sample), model_dir, str(work / "peer"))
        shutil.rmtree(work / "peer", ignore_errors=True)
        peer_rate = passages * share / p["seconds"]
        rows.append(
            ("LangChain Chroma.from_texts", p["seconds"], peer_rate, p["count"] / p["seconds"])
        )
        rows[-1] += (p["rss_mb"], f"{p['count']} records, no catalog/BM25/incremental; {scope}")
    print(
        f"\n{n} target passages: {ours['articles']} articles, {passages} passages, "
        f"{n_texts} texts embedded (passage sides and their sentences), skipped {ours['skipped']}; "
        f"model load {ours['load_seconds']:.1f} s (not counted)"
    )
    print("| pipeline | seconds | passages/s | texts/s | peak RSS MB | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, secs, rate, trate, rss, note in rows:
        print(f"| {name} | {secs:.1f} | {rate:.1f} | {trate:.1f} | {rss:.0f} | {note} |")
    re = ours["reindex"]
    print(
        f"re-index of the unchanged corpus: {re['seconds']:.2f} s, {re['texts']} texts embedded, "
        f"{re['unchanged']} files unchanged"
    )
    print(f"ours / encoder alone: {ours_rate / enc_rate:.2f}x (target >= 0.9x)", end="")
    print(f"; encoder alone / batch-32 encode: {enc_rate / std_rate:.2f}x", end="")
    if peer_rate:
        print(f"; ours / LangChain peer: {ours_rate / peer_rate:.2f}x (target > 1x)")
    else:
        print()
    print(f"process wall (incl. imports and model load): ours {ours['process_seconds']:.0f} s")
    print(load_note(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Indexing throughput of archive-qa vs the encoder alone vs LangChain+Chroma.",
        epilog="Corpora and indexes go under data/bench/ (gitignored).",
    )
    ap.add_argument(
        "--passages",
        type=int,
        nargs="+",
        default=[1000],
        help="corpus sizes in passages (default 1000)",
    )
    ap.add_argument("--no-peer", action="store_true", help="skip the LangChain peer")
    ap.add_argument(
        "--compare-texts",
        type=int,
        help="encoder-alone and peer embed a seeded random sample of this many texts "
        "(rates scaled to passages/s); default: all texts",
    )
    ap.add_argument(
        "--outside-only",
        action="store_true",
        help="only the pipeline's cost outside the encoder (Indexer.run with a free encoder)",
    )
    ap.add_argument("--profile", default="", help="with --outside-only: write a cProfile dump")
    ap.add_argument(
        "--token-pool",
        action="store_true",
        help="with --outside-only: tokenize in worker processes, as a build with --device "
        "cuda does (the CPU default tokenizes at the BM25 build)",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "corpus":  # for bench/query.py
            share = float(rest[1]) if len(rest) > 1 else CHINESE_ONLY_SHARE
            print(json.dumps(str(ensure_corpus(int(rest[0]), chinese_only=share))))
            return
        children: dict[str, Callable[..., Any]] = {
            "ours": child_ours,
            "outside": child_outside,
            "encoder": child_encoder,
            "st-default": child_st_default,
            "peer": child_peer,
        }
        fn = children[mode]
        print(json.dumps(fn(*(Path(r) if "/" in r else r for r in rest))))
        return
    setup()
    peer = not args.no_peer and not args.outside_only
    if peer and not PEER_PYTHON.exists():
        sys.exit(f"error: {PEER_PYTHON} missing (see docs/benchmarks.md) or pass --no-peer")
    print(machine())
    for n in args.passages:
        if args.outside_only:
            run_outside(n, args.profile, args.token_pool)
        else:
            run_size(n, peer, args.compare_texts)


if __name__ == "__main__":
    main()
