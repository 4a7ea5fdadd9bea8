"""English <-> Chinese passages: every seed pair, unequal paragraph counts, long paragraphs."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from index import sentences
from index.align import align
from index.passages import MAX_EN_CHARS, MAX_ZH_CHARS, make_passages
from index.reader import parse_article, read_article

ROOT = Path(__file__).resolve().parents[2]
SEED0 = ROOT / "seeds" / "000_b9ad766cd1670af9.txt"
SEED1 = ROOT / "seeds" / "001_46162b52d6e248d1.txt"


def _file_pairs(
    path: Path, en_start: str, en_stop: str, zh_headlines: int
) -> list[tuple[str, str]]:
    """Expected pairs straight from the file: i-th English body line with i-th Chinese one."""
    text = path.read_text(encoding="utf-8")
    en_part = text.split(en_start, 1)[1].split(en_stop, 1)[0]
    en = [" ".join(ln.split()) for ln in en_part.split("\n") if ln.strip()]
    zh_part = text.split("专栏：", 1)[1]
    zh = [
        re.sub(r"[ \t]+", " ", ln.strip(" \u3000")) for ln in zh_part.split("\n")[1:] if ln.strip()
    ]
    zh = zh[zh_headlines:]
    en = en[len(en) - len(zh) :]  # English headlines (if any) come first
    return list(zip(en, zh, strict=True))


def test_seed_000_gives_its_five_passages_each_with_its_own_original() -> None:
    passages = make_passages(read_article(SEED0))
    expected = _file_pairs(SEED0, "Page: 2\n", "<hr />", zh_headlines=2)
    assert len(passages) == 5
    assert [(p.text_en, p.text_zh) for p in passages] == expected
    assert [p.id for p in passages] == [f"000_b9ad766cd1670af9#p{i}" for i in range(1, 6)]
    assert passages[0].text_zh.startswith("本报沈阳3日电")
    assert "Shenyang on June 3rd" in passages[0].text_en


def test_seed_001_gives_its_22_passages_each_with_its_own_original() -> None:
    passages = make_passages(read_article(SEED1))
    expected = _file_pairs(SEED1, "Edition: 1\n", "**Named Entities**", zh_headlines=4)
    assert len(passages) == 22
    assert [(p.text_en, p.text_zh) for p in passages] == expected
    # spot checks that the pairing is about the same thing, by numbers and names
    by_order = {p.order: p for p in passages}
    assert "1965" in by_order[9].text_en and "一九六五年" in by_order[9].text_zh
    assert "Quartz glass" in by_order[11].text_en and "石英玻璃" in by_order[11].text_zh
    assert all(p.date == "1966-01-11" and p.page == "1" for p in passages)


def test_ids_are_stable_across_reads() -> None:
    a = [p.id for p in make_passages(read_article(SEED1))]
    b = [p.id for p in make_passages(read_article(SEED1))]
    assert a == b and len(set(a)) == len(a)


def test_unequal_counts_are_aligned_by_length_merging_not_splitting() -> None:
    art = read_article(SEED1)
    en, zh = list(art.paragraphs_en), list(art.paragraphs_zh)
    # The "translator" merged Chinese 3+4 and split English 10 in two; one heading dropped.
    zh_merged = [*zh[:3], zh[3] + zh[4], *zh[5:]]
    half = sentences.split_en(en[10])
    en_split = [*en[:10], " ".join(half[:2]), " ".join(half[2:]), *en[11:]]
    groups = align(en_split, zh_merged)
    assert ([3, 4], [3]) in groups  # two English paragraphs with the merged Chinese one
    assert ([10, 11], [9]) in groups  # the split English paragraph back together
    assert sum(1 for g in groups if len(g[0]) == 1 and len(g[1]) == 1) == 22 - 3
    synthetic = replace(art, paragraphs_en=tuple(en_split), paragraphs_zh=tuple(zh_merged))
    passages = make_passages(synthetic)
    assert len(passages) == len(groups) == 21
    assert all(p.text_en and p.text_zh for p in passages)
    joined_en = " ".join(p.text_en.replace("\n", " ") for p in passages)
    assert joined_en == " ".join(en_split)


def test_one_side_only_when_the_other_is_absent() -> None:
    groups = align(["a", "b"], [])
    assert groups == [([0], []), ([1], [])]


def test_long_paragraphs_are_split_at_sentences_on_both_sides() -> None:
    en_s = [f"In year {1950 + i} the county built {i + 2} new reservoirs." for i in range(120)]
    zh_s = [f"{1950 + i}年，全县新建了{i + 2}座水库。" for i in range(120)]
    text = (
        "Title: Reservoirs\nDate: 1960-01-01\nPage: 1\n\n" + " ".join(en_s) + "\n\n<hr />\n\n"
        "Original:\n\n### 水库\n\n1960-01-01\n第1版()\n专栏：\n\n    " + "".join(zh_s) + "\n"
    )
    passages = make_passages(parse_article(text, article_id="long"))
    assert len(passages) > 1
    for p in passages:
        assert 0 < len(p.text_en) <= MAX_EN_CHARS and 0 < len(p.text_zh) <= MAX_ZH_CHARS
        assert p.text_en.endswith(".") and p.text_zh.endswith("。")  # cut at sentence ends
        years_en = set(re.findall(r"\b(19\d\d)\b", p.text_en))
        years_zh = set(re.findall(r"(19\d\d)年", p.text_zh))
        assert len(years_en & years_zh) >= 0.7 * max(len(years_en), len(years_zh))
    assert " ".join(p.text_en for p in passages) == " ".join(en_s)
    assert "".join(p.text_zh for p in passages) == "".join(zh_s)


def test_a_sentence_longer_than_the_budget_is_cut_at_commas() -> None:
    text = "，".join(["全县人民" * 10] * 40) + "。"
    pieces = sentences.hard_wrap(text, MAX_ZH_CHARS, "zh")
    assert all(len(p) <= MAX_ZH_CHARS for p in pieces)
    assert "".join(pieces) == text


def test_sentence_splitting() -> None:
    assert sentences.split_en('Mr. Li arrived. He said "Yes." Then 3 left! Why? ok.') == [
        "Mr. Li arrived.",
        'He said "Yes."',
        "Then 3 left!",
        "Why? ok.",
    ]
    assert sentences.split_zh("他说：“好。”然后走了！真的吗？是；不是") == [
        "他说：“好。”",
        "然后走了！",
        "真的吗？",
        "是；",
        "不是",
    ]


def test_five_megabytes_of_one_paragraph_become_bounded_passages() -> None:
    sentence = "The county built a new reservoir and the harvest doubled in the following year. "
    body = sentence * (5 * 1024 * 1024 // len(sentence))
    art = parse_article(f"Title: Huge\nDate: 1960-01-01\nPage: 1\n\n{body}\n", article_id="huge")
    passages = make_passages(art)
    assert len(passages) > 3000
    assert all(0 < len(p.text_en) <= MAX_EN_CHARS and p.text_zh == "" for p in passages)
    assert passages[-1].id == f"huge#p{len(passages)}"
