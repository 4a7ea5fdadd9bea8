"""Retrieval on XQuAD (1190 questions over 240 paragraphs per language): ours vs the engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from index.embedding import normalize_whitespace, quantize_mode
from tests.embedding.conftest import Xquad, load_xquad

pytestmark = pytest.mark.slow
LANGS = ("en", "zh")
# fp32 always; int8 too when it is the configured default (ARCHIVE_QA_QUANTIZE=int8).
VARIANTS = ["fp32"] + (["int8"] if quantize_mode() == "int8" else [])


def _ranks(queries: np.ndarray, paragraphs: np.ndarray, k: int = 5) -> np.ndarray:
    return np.argsort(-(queries @ paragraphs.T), axis=1, kind="stable")[:, :k]


def _recall(top: np.ndarray, gold: np.ndarray, k: int) -> float:
    return float((top[:, :k] == gold[:, None]).any(axis=1).mean())


@pytest.fixture(scope="session")
def xquad() -> dict[str, Xquad]:
    return {lang: load_xquad(lang) for lang in LANGS}


@pytest.fixture(scope="session")
def engine_top(xquad: dict[str, Xquad], engine_embed: Any) -> dict[str, np.ndarray]:
    out = {}
    for lang, data in xquad.items():
        paras = engine_embed([normalize_whitespace(t) for t in data.paragraphs], "passage")
        qs = engine_embed([normalize_whitespace(t) for t in data.questions], "query")
        out[lang] = _ranks(qs, paras)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", VARIANTS)
def test_xquad_retrieval_matches_the_engine(
    name: str,
    lang: str,
    xquad: dict[str, Xquad],
    engine_top: dict[str, Any],
    request: pytest.FixtureRequest,
) -> None:
    emb = request.getfixturevalue(name)
    data = xquad[lang]
    assert (len(data.paragraphs), len(data.questions)) == (240, 1190)
    top = _ranks(emb.embed_queries(data.questions), emb.embed_passages(data.paragraphs))
    theirs = engine_top[lang]
    agree = float((top[:, 0] == theirs[:, 0]).mean())
    r1, r5 = _recall(top, data.gold, 1), _recall(top, data.gold, 5)
    e1, e5 = _recall(theirs, data.gold, 1), _recall(theirs, data.gold, 5)
    print(
        f"xquad.{lang} {name}: top-1 same as engine {agree:.4f}; recall@1 {r1:.4f} "
        f"(engine {e1:.4f}), recall@5 {r5:.4f} (engine {e5:.4f})"
    )
    assert agree >= 0.98
    assert abs(r1 - e1) <= 0.01
    assert abs(r5 - e5) <= 0.01
