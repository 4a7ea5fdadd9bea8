"""Sentence vectors: one embedding per sentence of each passage side, for choosing the answer
sentence by meaning (qa/answer.py) rather than by shared words alone.

Each sentence (``index.sentences.split`` of a passage side, the same split the answer quotes)
is embedded on its own like a passage, at index time. Kept in the catalog as int8 with one
float32 scale per sentence (388 bytes a sentence at 384 dimensions, 1.7 GB at a million
passages), one row per passage side. Measured on XQuAD (docs/benchmarks.md, "Sentences by
meaning"): the right sentence first went from 0.783 to 0.823 (English) and, across languages,
0.690 to 0.787; one forward pass per passage with its tokens pooled per sentence ("late
chunking", nearly free) was 7-30 points worse, so it is not used. The price is about twice the
encoder time at index time; reading and scoring ~50 vectors at ask time costs ~0.4 ms.
"""

from __future__ import annotations

import numpy as np

from index import sentences
from index.records import Passage


def sentence_texts(p: Passage, side: str) -> list[str]:
    """The sentences of one passage side, as quoted and as embedded."""
    text = p.text(side)
    return sentences.split(text, side) if text else []


def encode(vectors: np.ndarray) -> bytes:
    """float32 (n, dim) unit vectors -> int8 rows, each with its float32 scale in front."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2 or len(v) == 0:
        return b""
    scale = np.abs(v).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(v / scale), -127, 127).astype(np.int8)
    out = np.empty((len(v), 4 + v.shape[1]), dtype=np.uint8)
    out[:, :4] = scale.astype(np.float32).view(np.uint8).reshape(len(v), 4)
    out[:, 4:] = q.view(np.uint8)
    return out.tobytes()


def decode(blob: bytes, dim: int) -> np.ndarray:
    """The (n, dim) float32 unit vectors of :func:`encode`'s bytes."""
    if not blob:
        return np.zeros((0, dim), dtype=np.float32)
    raw = np.frombuffer(blob, dtype=np.uint8).reshape(-1, 4 + dim)
    scale = raw[:, :4].copy().view(np.float32)
    v = raw[:, 4:].copy().view(np.int8).astype(np.float32) * scale
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms
