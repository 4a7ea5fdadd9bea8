"""Test doubles shared by unit tests that must not load torch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from index.embedder import Vectors


class HashEmbedder:
    """Deterministic :class:`index.embedder.Embedder`: character 1-3-grams hashed into 64 dims.

    Texts sharing characters get similar vectors, so retrieval tests behave plausibly.
    """

    model_id = "hash-test"
    dimension = 64

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        s = " ".join(text.lower().split())
        for n in (1, 2, 3):
            for i in range(len(s) - n + 1):
                digest = hashlib.blake2b(s[i : i + n].encode(), digest_size=4).digest()
                vec[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def _many(self, texts: Sequence[str]) -> Vectors:
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not one string")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._one(text)
        return out

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._many(texts)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Vectors:
        return self._many(texts)
