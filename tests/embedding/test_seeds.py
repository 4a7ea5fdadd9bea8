"""End to end: each English body paragraph of the seeds finds its Chinese twin."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from tests.embedding.conftest import SEEDS

pytestmark = pytest.mark.slow


def _pairs(name: str, zh_headlines: int, en_headlines: int) -> tuple[list[str], list[str]]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    english, chinese = text.split("Original:", 1)
    english = english.split("<hr />")[0].split("**Named Entities**")[0]
    indented = [ln.strip() for ln in english.splitlines() if ln.startswith("    ")]
    if indented:
        en = indented[en_headlines:]
    else:  # blank-line separated paragraphs after the header block
        en = [b.strip() for b in re.split(r"\n\s*\n", english)[1:] if b.strip()]
    zh = [ln.strip() for ln in chinese.splitlines() if ln.startswith("    ") and ln.strip()]
    return en, zh[zh_headlines:]


def test_english_paragraphs_find_their_chinese_twins(fp32: Any, int8: Any) -> None:
    en0, zh0 = _pairs("000_b9ad766cd1670af9.txt", zh_headlines=2, en_headlines=0)
    en1, zh1 = _pairs("001_46162b52d6e248d1.txt", zh_headlines=4, en_headlines=4)
    assert (len(en0), len(zh0), len(en1), len(zh1)) == (5, 5, 22, 22)
    en, zh = en0 + en1, zh0 + zh1  # every paragraph competes with both seeds' paragraphs
    for name, emb in (("fp32", fp32), ("int8", int8)):
        sims = emb.embed_passages(en) @ emb.embed_passages(zh).T
        accuracy = float((sims.argmax(axis=1) == np.arange(len(en))).mean())
        print(f"{name}: English -> Chinese twin top-1 {accuracy:.3f} over {len(en)} paragraphs")
        assert accuracy >= 0.9
