"""The eval harness: metrics on a fixture with known results, and the XQuAD conversion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.passages import make_passages
from index.reader import read_article
from qa.answer import Answer, Citation
from qa.evaluate import evaluate_answers, read_gold
from qa.xquad import load, write_articles

XQUAD = Path(__file__).resolve().parents[3] / "shared" / "data" / "xquad"


def _cite(n: int, en: str, zh: str = "") -> Citation:
    return Citation(
        n,
        f"a#p{n}",
        "a",
        {"en": "", "zh": ""},
        "",
        "",
        {"en": en, "zh": zh},
        {"en": "", "zh": ""},
        0.0,
    )


def test_metrics_on_known_answers(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in [
                {"question": "q1", "gold": ["apple"], "answerable": True},
                {"question": "q2", "gold": ["苹果"], "answerable": True},
                {"question": "q3", "gold": ["pear"], "answerable": True},
                {"question": "q4", "gold": [], "answerable": False},
                {"question": "q5", "gold": [], "answerable": False},
            ]
        ),
        encoding="utf-8",
    )
    items = read_gold(gold)
    answers = [
        # hit at rank 1, answer contains the gold
        Answer("q1", "en", True, "An apple. [1]", [_cite(1, "an apple")], []),
        # hit at rank 2 (in related, on the Chinese side), answer misses it
        Answer("q2", "zh", True, "梨。[1]", [_cite(1, "pear", "梨")], [_cite(2, "x", "苹果")]),
        # no hit, abstained although answerable
        Answer("q3", "en", False, "no", [], [_cite(1, "plum")]),
        Answer("q4", "en", False, "no", [], []),  # correct abstention
        Answer("q5", "en", True, "x [1]", [_cite(1, "x")], []),  # should have abstained
    ]
    m = evaluate_answers(items, answers)
    assert m["recall@1"] == round(1 / 3, 4)
    assert m["recall@5"] == round(2 / 3, 4)
    assert m["mrr"] == round((1 + 0.5 + 0) / 3, 4)
    assert m["answer_hit"] == round(1 / 3, 4)
    assert m["abstention_accuracy"] == 0.5
    assert m["answer_rate"] == round(2 / 3, 4)


def test_bad_gold_line_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "g.jsonl"
    f.write_text('{"question": "ok"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"g.jsonl:2"):
        read_gold(f)


def test_xquad_becomes_48_bilingual_articles(tmp_path: Path) -> None:
    x = load(XQUAD)
    assert len(x.titles) == 48 and len(x.questions) == 2 * 1190
    paths = write_articles(x, tmp_path)
    assert len(paths) == 48
    total = 0
    for i, path in enumerate(paths):
        art = read_article(path)
        assert art.paragraphs_en == tuple(x.en[i]) and art.paragraphs_zh == tuple(x.zh[i])
        passages = make_passages(art)
        assert all(p.text_en and p.text_zh for p in passages)
        total += len(art.paragraphs_en)
    assert total == 240
