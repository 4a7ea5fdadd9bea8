"""Lexical tokens of a build's passages, made in worker processes while the encoder runs.

Tokenizing (jieba for Chinese) is over half of an index build's work outside the encoder
(docs/benchmarks.md, "Indexing throughput"); done in the main process after embedding, it
adds to the build time, most of all where the encoder is fast. The Indexer uses this pool
when the device is not the CPU (a GPU leaves the cores free; on the CPU the encoder keeps
them busy). Each embed group's passages go to worker processes first, and their tokens are
stored in the catalog after the group is written, so the final BM25 build only assembles
them. Anything that goes wrong here costs only time: passages without stored tokens are
tokenized when the BM25 index is built.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from index.lexical import tokenize

# Below this many passages a pool (spawned interpreters, ~1-2 s) costs more than it saves.
MIN_PASSAGES = 512
CHUNK = 128  # passages per task

Row = tuple[str, str, str, str]  # passage id, article id, English, Chinese (text or tokens)


def tokenize_rows(rows: Sequence[Row]) -> list[Row]:
    """(passage id, article id, English text, Chinese text) -> the same with each text's
    tokens, space-joined (as ``Catalog.put_tokens`` stores them)."""
    return [
        (pid, aid, " ".join(tokenize(en)) if en else "", " ".join(tokenize(zh)) if zh else "")
        for pid, aid, en, zh in rows
    ]


def default_workers() -> int:
    """All cores but one (the encoder's), at least one, at most eight."""
    return max(1, min(8, (os.cpu_count() or 2) - 1))


class Job:
    """The tokens of one group, in chunks computed by the pool."""

    def __init__(self, futures: list[Future[list[Row]]]) -> None:
        self._futures = futures

    def result(self) -> list[Row] | None:
        """The rows, or ``None`` when a worker failed (the BM25 build then tokenizes them)."""
        out: list[Row] = []
        try:
            for f in self._futures:
                out.extend(f.result())
        except Exception:
            return None
        return out


class TokenPool:
    def __init__(self, workers: int | None = None) -> None:
        import multiprocessing

        # spawn: a fork of a process running torch's thread pools is not safe.
        self._pool = ProcessPoolExecutor(
            workers or default_workers(), mp_context=multiprocessing.get_context("spawn")
        )

    @classmethod
    def for_build(cls, passages: int, *, minimum: int = MIN_PASSAGES) -> TokenPool | None:
        """A pool when the build is big enough to gain from one, else ``None``."""
        if passages < minimum:
            return None
        try:
            return cls()
        except (OSError, ValueError):  # no processes allowed here: tokenize at the end instead
            return None

    def submit(self, rows: Sequence[Row]) -> Job:
        try:
            return Job(
                [
                    self._pool.submit(tokenize_rows, list(rows[i : i + CHUNK]))
                    for i in range(0, len(rows), CHUNK)
                ]
            )
        except Exception:  # a broken pool: nothing stored, the BM25 build tokenizes
            return Job([])

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
