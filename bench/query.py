"""Warm `ask` latency and peak RSS at 1k / 10k / 100k passages.

    .venv/bin/python bench/query.py --passages 1000 10000 100000 [--rounds 3]

Each size runs in a fresh process: load the model, ``Assistant.open`` on the index, ask 50
fixed questions (20 English + 20 Chinese XQuAD questions, 5 + 5 from tests/qa/dev_seeds.jsonl)
once to warm up, then ``--rounds`` more times, timing each ``ask`` as a user waits for it (the
question and its dictionary pseudo-query embedded in one call, included). Prints p50 / p95 /
max, the split embedding (that call) vs retrieval + answer, open time and peak RSS.

Indexes: data/bench/index-<n>/data from bench/index.py (real embeddings). A size above
``--real-max`` (default 10000) is built once here, through the project's own Indexer, over
bench/corpus.py's corpus, with an embedder that looks vectors up instead of running the model:
a text embedded in the largest real index gets its own vector, a cut paragraph gets the vector
of the paragraph it was cut from, each plus small noise (cosine ~0.98) - so its vectors are
synthetic-but-realistic and the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _common import (
    BENCH_DATA,
    CHINESE_ONLY_SHARE,
    ROOT,
    XQUAD,
    TimedEmbedder,
    label,
    load_note,
    machine,
    median,
    percentile,
    setup,
)

NOISE = 0.01  # per dimension, on unit vectors of 384 dims: cosine to the original ~0.98


# This run's mix of the synthetic sizes (--chinese-only-share); real indexes keep the default.
_share = CHINESE_ONLY_SHARE


def data_dir(n: int, chinese_only: float | None = None) -> Path:
    """The index of ``n`` passages; a synthetic one in this run's corpus mix."""
    share = _share if chinese_only is None else chinese_only
    return BENCH_DATA / f"index-{label(n, share)}" / "data"


def questions(n: int = 50) -> list[str]:
    """``n`` distinct fixed questions. The first 50: 20 English + 20 Chinese XQuAD questions
    spread over the articles, 5 + 5 seed dev questions; beyond 50, further XQuAD questions,
    English and Chinese alternating (bench/load.py asks 200 distinct ones, so that no answer
    is asked twice)."""
    en = json.loads((XQUAD / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    zh = json.loads((XQUAD / "xquad.zh.json").read_text(encoding="utf-8"))["data"]
    pools: list[list[str]] = []
    out: list[str] = []
    for data in (en, zh):
        qs = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]]
        out += qs[:: len(qs) // 20][:20]
        pools.append(qs)
    seeds = [json.loads(x) for x in (ROOT / "tests/qa/dev_seeds.jsonl").read_text().splitlines()]
    seeds = [s["question"] for s in seeds if s.get("answerable")]
    out += [q for q in seeds if q.isascii()][:5] + [q for q in seeds if not q.isascii()][:5]
    seen = set(out)
    for pair in zip(*pools, strict=False):
        if len(out) >= n:
            break
        for q in pair:
            if q not in seen:
                seen.add(q)
                out.append(q)
    if len(out) < n:
        raise ValueError(f"only {len(out)} distinct questions, {n} asked for")
    return out[:n]


class LookupEmbedder:
    """Passages get precomputed vectors (plus noise); queries are refused (build only)."""

    def __init__(self, model_id: str, texts: list[str], vectors: np.ndarray, seed: int) -> None:
        from index.sentences import split_en, split_zh

        self.model_id, self.dimension = model_id, int(vectors.shape[1])
        self.exact = {t: i for i, t in enumerate(texts)}
        self.by_sentence: dict[str, int] = {}
        for i, t in enumerate(texts):
            for s in split_en(t) + split_zh(t):
                self.by_sentence.setdefault(s, i)
        self.vectors = vectors
        self.rng = np.random.default_rng(seed)
        self.split = (split_en, split_zh)
        self.counts = {"exact": 0, "parent paragraph": 0, "random": 0}

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("LookupEmbedder only builds indexes")

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        rows = []
        for t in texts:
            i = self.exact.get(t)
            kind = "exact"
            if i is None:
                sents = self.split[0](t) + self.split[1](t)
                i = next((self.by_sentence[s] for s in sents if s in self.by_sentence), None)
                kind = "parent paragraph"
            if i is None:
                i, kind = int(self.rng.integers(len(self.vectors))), "random"
            self.counts[kind] += 1
            rows.append(self.vectors[i])
        out = np.asarray(rows) + self.rng.normal(0, NOISE, (len(rows), self.dimension))
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out.astype(np.float32)


def build_synthetic(n: int, real: int) -> dict[str, Any]:
    """Index corpus-<n> with vectors borrowed from the real index of ``real`` passages."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from index.build import Indexer
    from index.catalog import Catalog
    from index.embedding import bundled_model_id
    from index.settings import Settings
    from index.vectors import COLLECTIONS

    corpus = _corpus(n)
    real_dir = data_dir(real, CHINESE_ONLY_SHARE)
    src = chromadb.PersistentClient(
        path=str(real_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    catalog = Catalog(real_dir / "catalog.sqlite3")  # the texts (Chroma has vectors only)
    documents: list[str] = []
    vectors: list[Any] = []
    for name in COLLECTIONS.values():
        got = src.get_collection(name).get(include=["embeddings"])
        passages = catalog.passages([rid.split("|")[0] for rid in got["ids"]])
        embeddings = got["embeddings"]  # a NumPy array in chromadb 1.5: no truth value
        for rid, vec in zip(got["ids"], [] if embeddings is None else embeddings, strict=True):
            pid, side = rid.split("|")
            documents.append(passages[pid].text(side))
            vectors.append(vec)
    emb = LookupEmbedder(bundled_model_id("none"), documents, np.asarray(vectors), seed=n)
    settings = Settings.from_env(data_dir=data_dir(n))
    t0 = time.perf_counter()
    report = Indexer(settings, emb).run([corpus], progress=False)
    return {
        "seconds": time.perf_counter() - t0,
        "passages": report.passages,
        "vectors": emb.counts,
        "source_texts": len(documents),
    }


def _corpus(n: int) -> Path:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "index.py"),
        "--child",
        "corpus",
        str(n),
        str(_share),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return Path(json.loads(out.strip().splitlines()[-1]))


def measure(n: int, rounds: int) -> dict[str, Any]:
    from index.settings import Settings
    from qa.service import Assistant

    settings = Settings.from_env(data_dir=data_dir(n))
    t0 = time.perf_counter()
    # As `serve` opens: the model loads in a thread while Chroma reads its vector index.
    assistant = Assistant.open(settings)
    open_s = time.perf_counter() - t0
    emb = assistant.embedder
    qs = questions()
    assistant.ask(qs[0])
    # Cold start: from the parent launching this process to the first answer (interpreter,
    # imports, model load, opening the index, the first question).
    cold_s = time.time() - float(os.environ.get("BENCH_LAUNCHED", "nan"))
    for q in qs:  # warm-up round
        assistant.ask(q)
    total: list[float] = []
    embed: list[float] = []
    answered = 0
    # Timed as the user waits: ``ask(q)`` embeds the question and, for a question the
    # dictionary translates, its pseudo-query in one call; the timing proxy splits that call
    # out. (Before 2026-12-07's tenth session the bench embedded the question on its own and
    # passed the vector in, so the pseudo-query was embedded in a second call: ~12 ms more.)
    timed = TimedEmbedder(emb)
    assistant.embedder = timed
    for _ in range(rounds):
        for q in random.Random(len(total)).sample(qs, len(qs)):
            timed.seconds = 0.0
            a = time.perf_counter()
            answer = assistant.ask(q)
            c = time.perf_counter()
            embed.append(timed.seconds * 1000)
            total.append((c - a) * 1000)
            answered += answer.answerable
    assistant.embedder = emb
    rest = [t - e for t, e in zip(total, embed, strict=True)]
    return {
        "passages": assistant.index.catalog.counts()[1],
        "vectors": assistant.index.vectors.count(),
        "open_s": open_s,
        "cold_start_s": cold_s,
        "serve_rss_mb": _rss_now_mb(),
        # Of which mapped files the kernel may drop and read again (the lexical postings,
        # Chroma's files) and the process's own memory.
        "serve_rss_file_mb": _rss_now_mb("RssFile:"),
        "serve_rss_anon_mb": _rss_now_mb("RssAnon:"),
        "asks": len(total),
        "questions": len(qs),
        "answered": answered / len(total),
        "ask": [median(total), percentile(total, 0.95), max(total)],
        "embed": [median(embed), percentile(embed, 0.95), max(embed)],
        "rest": [median(rest), percentile(rest, 0.95), max(rest)],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _rss_now_mb(field: str = "VmRSS:", pid: int | str = "self") -> float:
    """A process's resident memory now (VmRSS, or ``field``): what it holds while serving."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def _chroma_server(n: int) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """`chroma run` over the index's own Chroma folder on a free port, listening; and the
    environment that points archive-qa at it."""
    import shutil
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    cmd = [exe, "run", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--path", str(data_dir(n) / "chroma")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                env = {"ARCHIVE_QA_CHROMA_HOST": "127.0.0.1", "ARCHIVE_QA_CHROMA_PORT": str(port)}
                return proc, env
        if proc.poll() is not None:
            sys.exit(f"chroma run exited with {proc.returncode}")
        time.sleep(0.1)
    proc.kill()
    sys.exit("chroma run did not listen within 60 s")


def _child(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    env = {**os.environ, **(env or {}), "BENCH_LAUNCHED": repr(time.time())}
    cmd = [sys.executable, __file__, "--chinese-only-share", str(_share), "--child", *args]
    done = subprocess.run(cmd, capture_output=True, env=env)
    if done.returncode != 0:
        sys.exit(f"child {args} failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Warm ask latency (p50/p95) and peak RSS at several index sizes.",
        epilog="Run bench/index.py --passages 1000 10000 first (real-embedding indexes).",
    )
    ap.add_argument("--passages", type=int, nargs="+", default=[1000], help="index sizes")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds of the 50 questions")
    ap.add_argument(
        "--real-max",
        type=int,
        default=10000,
        help="largest size with real embeddings; bigger sizes borrow its vectors",
    )
    ap.add_argument(
        "--chroma-server",
        action="store_true",
        help="measure through a `chroma run` server over the index's Chroma folder (server "
        "mode), started here; also prints the server's RSS",
    )
    ap.add_argument(
        "--chinese-only-share",
        type=float,
        default=CHINESE_ONLY_SHARE,
        help="share of Chinese-only articles in the synthetic corpora (default 0.3, the bench "
        "mix; the real archive is ~0.98: one vector per passage); its indexes are named "
        "index-<n>-zh<pct>",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    setup()
    global _share
    _share = args.chinese_only_share
    if args.child:
        mode, n, *rest = args.child
        if mode == "build":
            print(json.dumps(build_synthetic(int(n), int(rest[0]))))
        else:
            print(json.dumps(measure(int(n), int(rest[0]))))
        return
    print(machine())
    print(
        f"{len(questions())} questions (20 en + 20 zh XQuAD, 5 + 5 seed dev), {args.rounds} rounds"
    )
    rows = []
    for n in args.passages:
        kind = "real"
        if not (data_dir(n) / "catalog.sqlite3").exists():
            if n <= args.real_max:
                sys.exit(f"error: no index in {data_dir(n)}: run bench/index.py --passages {n}")
            real_dir = data_dir(args.real_max, CHINESE_ONLY_SHARE)
            if not (real_dir / "catalog.sqlite3").exists():
                sys.exit(f"error: {real_dir} (real vectors to borrow) is missing")
            built = _child("build", str(n), str(args.real_max))
            print(
                f"built {data_dir(n)} in {built['seconds']:.0f} s: {built['passages']} passages, "
                f"SYNTHETIC vectors from {built['source_texts']} real ones: {built['vectors']}",
                flush=True,
            )
        if n > args.real_max:
            kind = "synthetic (borrowed + noise)"
        if args.chroma_server:
            server, env = _chroma_server(n)
            try:
                m = _child("measure", str(n), str(args.rounds), env=env)
                m["chroma_rss_mb"] = _rss_now_mb(pid=server.pid)
            finally:
                server.terminate()
                server.wait(timeout=60)
            kind += ", Chroma server"
            print(f"{n}: `chroma run` RSS {m['chroma_rss_mb']:.0f} MB", flush=True)
        else:
            m = _child("measure", str(n), str(args.rounds))
        rows.append((n, kind, m))
        print(f"{n}: {json.dumps(m)}", file=sys.stderr, flush=True)
    head = "| passages | vectors | embeddings | ask p50 ms | p95 | max | embed p50 |"
    print(
        head + " retrieval+answer p50 / p95 | model + open s | cold start s | peak RSS MB | "
        "RSS after, MB (own + mapped files) | answered |"
    )
    print("| ---: | ---: | --- |" + " ---: |" * 10)
    for _, kind, m in rows:
        ask, emb, rest = m["ask"], m["embed"], m["rest"]
        print(
            f"| {m['passages']} | {m['vectors']} | {kind} | {ask[0]:.1f} | {ask[1]:.1f} | "
            f"{ask[2]:.1f} | {emb[0]:.1f} | {rest[0]:.1f} / {rest[1]:.1f} | {m['open_s']:.1f} | "
            f"{m['cold_start_s']:.1f} | {m['rss_mb']:.0f} | {m['serve_rss_mb']:.0f} "
            f"({m['serve_rss_anon_mb']:.0f} own + {m['serve_rss_file_mb']:.0f} files) | "
            f"{m['answered']:.0%} |"
        )
    print("targets at 100k: p50 <= 60 ms, p95 <= 150 ms, RSS <= 2048 MB; " + load_note())


if __name__ == "__main__":
    main()
