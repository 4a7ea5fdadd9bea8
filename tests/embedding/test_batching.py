"""Token-budget batching: calls sized by padded tokens, vectors unchanged."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from index.embedding import CPU_TOKEN_BUDGET, normalize_whitespace, token_batches


def test_batches_cover_every_text_once_longest_first() -> None:
    lengths = [10, 500, 300, 20, 512, 7, 300]
    batches = token_batches(lengths, 1000, 64)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    for b in batches:
        assert len(b) * max(lengths[i] for i in b) <= 1000


def test_a_text_over_the_budget_goes_alone_and_the_cap_holds() -> None:
    assert token_batches([5000, 10], 1000, 64) == [[0], [1]]
    assert [len(b) for b in token_batches([3] * 100, 1000, 64)] == [64, 36]
    assert token_batches([], 1000, 64) == []


@pytest.mark.slow
def test_same_vectors_as_one_plain_encode(fp32: Any, texts: list[tuple[str, str]]) -> None:
    """An independent path: sentence-transformers' own encode of each text alone (no padding)
    against ours, which groups texts of all lengths (questions to full paragraphs) by tokens."""
    sample = [t for _, t in texts][::3]
    lengths = fp32.token_counts([normalize_whitespace(t) for t in sample], "passage")
    batches = token_batches(lengths, CPU_TOKEN_BUDGET, 64)
    assert min(lengths) < 30 and max(lengths) > 200, "needs short and long texts"
    assert len(batches) < len(sample) / 4, "texts must share model calls"
    ours = fp32.embed_passages(sample)
    alone = np.vstack(
        [
            fp32._model.encode(
                [normalize_whitespace(t)], prompt_name="passage", normalize_embeddings=True
            )
            for t in sample
        ]
    )
    cos = (ours * alone).sum(1)
    assert ours.dtype == np.float32 and ours.shape == alone.shape
    assert cos.min() > 0.99999
