"""Numbers in both writings, against cn2an (an independent implementation) as the oracle."""

from __future__ import annotations

import random

import cn2an
import pytest

from qa.numbers import chinese_numbers, digits, english_numbers, int_to_zh, zh_forms, zh_to_int


def _sample() -> list[int]:
    rng = random.Random(1946)
    values = list(range(0, 3000)) + [rng.randrange(0, 10**8) for _ in range(20000)]
    return values + [10**k for k in range(9)] + [10**k + 1 for k in range(9)]


def test_int_to_zh_equals_cn2an() -> None:
    wrong = [(n, int_to_zh(n), cn2an.an2cn(str(n))) for n in _sample()]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert wrong == []


def test_zh_to_int_reads_back_what_cn2an_writes() -> None:
    wrong = [(n, zh_to_int(cn2an.an2cn(str(n)))) for n in _sample()]
    assert [w for w in wrong if w[0] != w[1]] == []


@pytest.mark.parametrize(
    "text",
    ["廿三", "两千", "一万二", "十一", "一百一", "三千五百万", "一九六五", "一二〇〇", "三百五",
     "七百万", "十万", "二十万零五百", "一百零五", "两万五", "一千零五十万"],
)  # fmt: skip
def test_the_papers_forms_read_as_cn2an_reads_them(text: str) -> None:
    assert zh_to_int(text) == cn2an.cn2an(text, "smart")


def test_forms_a_number_may_take_in_the_paper() -> None:
    assert zh_forms(1946) == ["一千九百四十六", "一九四六"]
    assert "一千二" in zh_forms(1200) and "一千二百" in zh_forms(1200)
    assert zh_forms(23) == ["二十三", "廿三"]
    assert zh_forms(20) == ["二十", "廿"]  # 五月廿日
    assert "两千" in zh_forms(2000) and "两万" in zh_forms(20000)
    assert zh_forms(7_000_000) == ["七百万"]


def test_numbers_found_in_text() -> None:
    en = english_numbers("In 1946, 1,200 copies; 3.5 million people, twenty days, 7 million")
    assert [n.value for n in en] == [1946, 1200, 3_500_000, 20, 7_000_000]
    zh = chinese_numbers("一九四六年五月，国民党军猛攻廿三天，九百余次，七百万人民，一起统一，三天")
    assert [n.value for n in zh] == [1946, 5, 23, 900, 7_000_000, 3]  # not 一起, 统一
    assert digits(7_000_000) == "7,000,000" and digits(1946) == "1946"


def test_january_is_a_number() -> None:
    """一月份 is January, so "in January" is met (a lone 一 is otherwise no number: 一起, 统一)."""
    assert [n.value for n in chinese_numbers("仅一月份商民输到天津粮食六百万斤")] == [1, 6_000_000]
    assert [n.value for n in chinese_numbers("一起统一，两党")] == []


def test_liang_after_a_numeral_is_the_tael() -> None:
    """两 is a numeral before a unit or a measure (两千, 一万两千, 两个); after a numeral with no
    unit after it, it is the tael: 三两 is 3 (taels), not 32."""
    text = "每人小米三两，白银三十两，一万两千人，两千斤，两个"
    assert [n.value for n in chinese_numbers(text)] == [3, 30, 12_000, 2_000, 2]
