"""The measure words an English how-many question's thing is counted with in Chinese."""

from __future__ import annotations

import pytest

from qa.measures import counted, counted_with


@pytest.mark.parametrize(
    ("question", "thing", "measure"),
    [
        ("How many women did Shanghai elect as delegates?", "women", "名"),
        ("About how many people came to the evening party?", "people", "人"),
        ("How many war criminals were tried in Heze?", "war criminals", "人"),
        ("How many Allied Army soldiers were killed?", "Allied Army soldiers", "名"),
        ("How many votes did Ma Zhongyun get?", "votes", "票"),
        ("How much money did the office set aside?", "money", "元"),
        ("How much does one of the new windlasses cost?", "money", "元"),
        ("How many mu of cotton has Taihang planted?", "mu", "亩"),
        ("How many kinds of operations?", "kinds of operations", "种"),
        ("How many pieces of home-made equipment?", "pieces of home-made equipment", "件"),
        ("How many times has it won the cup?", "times", "次"),
        ("How much time remained on the clock?", "time", "秒"),
        ("How many households got land?", "households", "户"),
        ("How much of the breach was still open?", "", ""),
        ("Who was the mayor of Andong?", "", ""),
    ],
)  # fmt: skip
def test_the_thing_counted_and_its_measure_words(question: str, thing: str, measure: str) -> None:
    got_thing, measures = counted(question)
    assert got_thing == thing
    assert (measure in measures) if measure else not measures


@pytest.mark.parametrize(
    ("sentence", "measures"),
    [
        ("自动普选国大妇女代表卅五名（占…）", "人 名 位"),
        ("北方大学于日前举行千余人盛大晚会", "人 名 位"),
        ("行署特拔款一千万元，决定在济宁从事建筑", "元"),
        ("全村二十余户分得土地", "户"),
        ("1466年，或许 40,000 人死于巴黎的瘟疫。", "人"),
        ("芝大运营着四所学校", "所 家"),
        ("有 一千万 人口居住的领土", "人"),
        ("数千人参加了大会", "人"),
        ("严重的瘟疫肆虐了巴格达，有时三分之二的人口因为瘟疫消失。", "人"),
        ("以七十五票当选为市参议会议长", "票"),
    ],
)
def test_a_number_written_with_a_measure_word(sentence: str, measures: str) -> None:
    assert counted_with(sentence, measures.split())


@pytest.mark.parametrize(
    ("sentence", "measures"),
    [
        ("远东军事法庭于五月十三日第三次开审", "人 名 位"),  # dates are no count
        ("统一名称，一个人也不少", "人 名"),  # a lone 一
        ("松江省人民代表大会于上月底举行", "票"),
        ("选出松江省政府委员", "人 名 位"),
        ("", "人"),
        ("三百五十名", ""),  # no measure words: nothing to look for
    ],
)
def test_no_number_written_with_a_measure_word(sentence: str, measures: str) -> None:
    assert not counted_with(sentence, measures.split())
