"""Concurrent questions share model calls; each caller still gets its own vector."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from index.embedder import Embedder, Vectors
from qa.coalesce import CoalescingEmbedder
from tests.fakes import HashEmbedder


class SlowEmbedder(HashEmbedder):
    """A model call takes 50 ms whatever its size; records the sizes; can be told to fail."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.fail_on: str | None = None
        self.active = 0
        self.most_at_once = 0  # a real model's tokenizer breaks when called from two threads

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.active += 1
        self.most_at_once = max(self.most_at_once, self.active)
        time.sleep(0.05)
        self.active -= 1
        self.sizes.append(len(texts))
        if self.fail_on in texts:
            raise RuntimeError("model broke")
        return super().embed_queries(texts)


def _ask_together(emb: Embedder, questions: list[str]) -> list[object]:
    out: list[object] = [None] * len(questions)
    start = threading.Barrier(len(questions))

    def one(i: int) -> None:
        start.wait()
        try:
            out[i] = emb.embed_queries([questions[i]])
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(questions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return out


def test_concurrent_questions_share_calls_and_get_their_own_vectors() -> None:
    inner = SlowEmbedder()
    emb = CoalescingEmbedder(inner)
    questions = [f"question number {i} about 锦州电炉厂" for i in range(16)]
    got = _ask_together(emb, questions)
    direct = HashEmbedder().embed_queries(questions)
    for i, vec in enumerate(got):
        assert isinstance(vec, np.ndarray) and vec.shape == (1, HashEmbedder.dimension)
        np.testing.assert_allclose(vec[0], direct[i], atol=1e-6)
    assert sum(inner.sizes) == 16
    assert len(inner.sizes) <= 4, inner.sizes  # 16 single calls without coalescing
    assert emb.calls == len(inner.sizes) and emb.questions == 16


def test_a_lone_question_is_not_held_back() -> None:
    inner = SlowEmbedder()
    emb = CoalescingEmbedder(inner)
    t0 = time.perf_counter()
    emb.embed_queries(["alone"])
    assert time.perf_counter() - t0 < 1.0
    assert inner.sizes == [1]


def test_a_failed_call_fails_its_callers_and_the_next_questions_work() -> None:
    inner = SlowEmbedder()
    emb = CoalescingEmbedder(inner)
    inner.fail_on = "bad"
    with pytest.raises(RuntimeError, match="model broke"):
        emb.embed_queries(["bad"])
    inner.fail_on = None
    assert emb.embed_queries(["good"]).shape == (1, HashEmbedder.dimension)


def test_large_batches_and_passages_go_straight_through() -> None:
    inner = SlowEmbedder()
    emb = CoalescingEmbedder(inner, max_batch=4)
    texts = [f"q{i}" for i in range(5)]
    assert emb.embed_queries(texts).shape == (5, HashEmbedder.dimension)
    assert inner.sizes == [5] and emb.calls == 0
    small = emb.embed_queries(["a", "b"])  # a question and its pseudo-query: queued
    assert np.allclose(small, inner.embed_queries(["a", "b"]))
    assert emb.embed_passages(["p"]).shape == (1, HashEmbedder.dimension)
    assert emb.model_id == inner.model_id and emb.dimension == inner.dimension
    with pytest.raises(TypeError):
        emb.embed_queries("one string")


@pytest.mark.slow
def test_real_model_batched_questions_match_single_ones(real_embedder: Embedder) -> None:
    emb = CoalescingEmbedder(real_embedder)
    questions = [
        "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?",
        "锦州电炉厂在1965年试制成功了什么？",
        "How many kinds of metals do rare earth metals include?",
        "食品公司用猪牛羊的废物制成了什么？",
        "Who founded the newspaper?",
        "大庆油田在哪里？",
    ] * 2
    got = _ask_together(emb, questions)
    alone = real_embedder.embed_queries(questions[:1])[0]
    for q, vec in zip(questions, got, strict=True):
        assert isinstance(vec, np.ndarray)
        ref = real_embedder.embed_queries([q])[0]
        assert float(vec[0] @ ref) > 0.99999
    assert float(got[0][0] @ alone) > 0.99999  # type: ignore[index]
    assert emb.calls < len(questions)


def test_the_model_is_never_called_from_two_threads_at_once() -> None:
    """Questions alone, with their pseudo-query, and whole batches, asked at the same moment
    (the web server's students and an evaluation): one model call at a time, each caller its
    own vectors. Two calls at once broke the real tokenizer in CI ("Unable to create tensor")."""
    inner = SlowEmbedder()
    emb = CoalescingEmbedder(inner, max_batch=4)
    asks = [["a"], ["b", "b pseudo"], [f"c{i}" for i in range(6)], ["d"], ["e", "e pseudo"]]
    out: list[object] = [None] * len(asks)
    start = threading.Barrier(len(asks))

    def one(i: int) -> None:
        start.wait()
        out[i] = emb.embed_queries(asks[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(asks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert inner.most_at_once == 1
    for texts, got in zip(asks, out, strict=True):
        assert np.allclose(np.asarray(got), HashEmbedder().embed_queries(texts))
