"""How exact Chroma's HNSW search is, and what it costs, by ``ef_search``.

    .venv/bin/python bench/hnsw_ef.py --passages 1395 100000 --ef 100 200 400

For each size: a scratch persistent Chroma collection (cosine, the project's settings) of N
vectors, built in one process, then reopened (as the assistant opens its index: Chroma replays
the part of its log past the last persisted point into the graph). For each ``ef_search``,
the 50 nearest of Q queries are compared with the exact 50 (numpy): recall@50 and the share
of queries whose list is exact, and the median search time. A list that is not exact can
differ from one process to the next (docs/benchmarks.md, eighth session: "The same question got
another answer in another process").

Vectors: with ``--data-dir``, the real passage vectors of that index (Chinese side), tiled with
Gaussian noise up to N; without, random unit vectors (a worst case for HNSW).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

K = 50
T = TypeVar("T")


def vectors(n: int, base: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    if base is None:
        v = rng.standard_normal((n, 384)).astype(np.float32)
    else:
        reps = -(-n // len(base))
        v = np.tile(base, (reps, 1))[:n]
        v = v + rng.normal(0, 0.01, v.shape).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def build(path: Path, data: np.ndarray) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=str(path))
    col = client.get_or_create_collection(
        "bench", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    step = 5000
    for i in range(0, len(data), step):
        part = data[i : i + step]
        col.add(ids=[str(j) for j in range(i, i + len(part))], embeddings=part)


def set_ef(path: Path, ef: int) -> None:
    import chromadb

    col = chromadb.PersistentClient(path=str(path)).get_collection("bench")
    col.modify(configuration={"hnsw": {"ef_search": ef}})


def measure(path: Path, data: np.ndarray, queries: np.ndarray) -> tuple[float, float, float]:
    import chromadb

    col = chromadb.PersistentClient(path=str(path)).get_collection("bench")
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :K]
    times, recalls, same = [], [], 0
    col.query(query_embeddings=queries[:1], n_results=K)  # warm
    for q, truth in zip(queries, exact, strict=True):
        t = time.perf_counter()
        res = col.query(query_embeddings=q[None, :], n_results=K, include=[])
        times.append(time.perf_counter() - t)
        got = [int(x) for x in res["ids"][0]]
        recalls.append(len(set(got) & set(truth.tolist())) / K)
        same += set(got) == set(truth.tolist())
    return statistics.median(times) * 1000, statistics.mean(recalls), same / len(queries)


def _fresh(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a new process: each opens the index as a new assistant would."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--passages", type=int, nargs="+", default=[1395, 100000])
    ap.add_argument("--ef", type=int, nargs="+", default=[100, 200, 400])
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--data-dir", type=Path, help="take the real vectors of this index")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    base = None
    if args.data_dir:
        import chromadb

        from index.vectors import COLLECTIONS

        col = chromadb.PersistentClient(path=str(args.data_dir / "chroma")).get_collection(
            COLLECTIONS["zh"]
        )
        base = np.asarray(col.get(include=["embeddings"])["embeddings"], dtype=np.float32)
    print(f"{'passages':>9} {'ef':>5} {'search ms p50':>14} {'recall@50':>10} {'exact lists':>12}")
    for n in args.passages:
        data = vectors(n, base, rng)
        queries = vectors(args.queries, base, rng)
        folder = Path(tempfile.mkdtemp(prefix="hnsw-ef-"))
        try:
            t = time.perf_counter()
            _fresh(build, folder, data)
            print(f"# {n} vectors built in {time.perf_counter() - t:.0f} s")
            for ef in args.ef:
                _fresh(set_ef, folder, ef)
                ms, recall, exact = _fresh(measure, folder, data, queries)
                print(f"{n:9d} {ef:5d} {ms:14.2f} {recall:10.4f} {exact:12.2f}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
