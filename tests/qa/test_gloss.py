"""Word-by-word English glosses of real Chinese sentences, and the hover data of each word."""

from __future__ import annotations

import pytest

from index.settings import Settings
from qa.dictionary import Dictionary, open_dictionary
from qa.gloss import gloss, person_name, words


@pytest.fixture(scope="module")
def d() -> Dictionary:
    return open_dictionary(Settings().model_cache)


def test_numbers_dates_names_and_words(d: Dictionary) -> None:
    line = gloss("本报于五月十五日在邯郸创刊，每日出版对开一张。", d)
    assert "May 15th" in line and "Handan" in line and "publish" in line
    line = gloss("沿河七百万人民选出代表赴京请愿。", d)
    assert "7,000,000" in line and "people" in line and "petition" in line
    line = gloss("一九六五年，这家电炉厂又试制成功了电子轰击炉。", d)
    assert line.startswith("1965,") and "factory" in line
    assert "Zhao Jinqing" in gloss("赵金清在利民矿用废料制成电焊机。", d)  # not in the dictionary


def test_the_askers_words_choose_the_sense(d: Dictionary) -> None:
    plain = gloss("他们创刊了一份报纸。", d)
    assert "newspaper" in plain
    # "出" has many senses (go out, come out, produce...); the question's word picks one
    assert "go-out" in gloss("新华书店将出三种期刊。", d)
    assert "produce" in gloss("新华书店将出三种期刊。", d, ["What will it produce?"])


def test_hover_data(d: Dictionary) -> None:
    ws = {w.text: w for w in words("华北新华书店的电炉厂", d)}
    assert ws["新华书店"].pinyin == "Xīnhuá Shūdiàn" and ws["新华书店"].kind == "name"
    assert ws["厂"].pinyin == "chǎng" and "factory" in ws["厂"].senses  # not the radical hǎn
    assert ws["华北"].gloss == "North China"
    assert d.hsk("工厂") == "HSK 5"
    assert all(w.text for w in words("，。《》", d))


def test_a_gloss_is_a_word_not_a_definition(d: Dictionary) -> None:
    """Short senses first: 好处 is "benefit" (not its rarer reading "easy to get along
    with"), 斗 is not "dry measure for grain equal to ten 升 or one-tenth of a 石"."""
    line = gloss("新辘轳的好处：新辘轳挂两个水斗，下去的空斗起下坠作用。", d)
    assert "benefit" in line and "dry-measure" not in line
    assert max(len(w.split("-")) for w in line.split()) <= 4, line


def test_a_person_name_in_pinyin_reads_the_surname_as_a_surname(d: Dictionary) -> None:
    """What an English follow-up says for "he" (qa/dialogue.py): 贾 as the surname Jia, not
    gu (merchant), 单 as Shan; 吕 with ü written v, as the dictionary search spells it."""
    assert person_name("刘雨辰", d) == "Liu Yuchen"
    assert person_name("贾林放", d) == "Jia Linfang"
    assert person_name("单雄", d) == "Shan Xiong"
    assert person_name("吕正操", d) == "Lv Zhengcao"
    assert person_name("刘、", d) == ""


def test_numbers_jieba_cuts_and_names_with_an_honorific(d: Dictionary) -> None:
    """Seen in the web chat (test dialogue en-12): 六十二岁 glossed "6 10 2 years-old",
    二百余家 "2 100 Yujia", 刘雨辰氏 "type-of-battle-ax rain 5th-earthly-branch … clan-name"."""
    line = gloss("按：刘雨辰氏现年六十二岁，原有磁窑二百余家。", d)
    assert "Liu Yuchen" in line and "62 years-old" in line and "200+" in line
    assert "battle-ax" not in line and "clan-name" not in line
    assert "Liu " in gloss("刘氏在职二十余年", d)
    assert "1270 household" in gloss("共有一千二百七十户", d)  # jieba: 一千二百 / 七十户
    assert "2627" in gloss("两千六百二十七名儿童", d)
    assert gloss("十一月", d) == "November"


def test_common_words_read_as_the_press_of_the_time_uses_them(d: Dictionary) -> None:
    """The dictionary's first sense of 电 is "lightning", of 美 "beautiful", of 豫 "happy", of
    后 "empress": a dispatch from Yan'an, the US, Henan and "after" are what the month means;
    a sense that fits the asker's words still wins (the hover card keeps every sense)."""
    line = gloss("【新华社延安十五日电】美国政府援助蒋介石进行内战。", d)
    assert "dispatch" in line and "lightning" not in line
    line = gloss("其产品行销冀、豫、鲁、晋各省，会后说", d)
    assert "Hebei, Henan, Shandong, Shanxi" in line and "province" in line
    assert "happy" not in line and "empress" not in line and "say" in line
    assert "lightning" in gloss("电", d, hints=["lightning"])
    # the asker's question words are no hints: "at" is not 豫 "at one's ease"
    asked = "Who is in charge of the porcelain industry at Pengcheng?".split()
    assert "Henan" in gloss("行销冀、豫、鲁", d, hints=asked)


def test_the_periods_own_words(d: Dictionary) -> None:
    """Words CC-CEDICT lacks, from qa/period_terms.u8: 联总 was "ally total", 冀鲁豫 "Ji Luyu",
    互助组 "help-each-other form", 杜鲁门 "Du Lumen"."""
    line = gloss("联总代表勘察沁河堵口。", d)
    assert line.startswith("UNRRA") and "close-a-breach" in line
    line = gloss("冀鲁豫解放区各县普遍组织互助组。", d)
    assert "Hebei-Shandong-Henan liberated-area" in line and "mutual-aid-team" in line
    assert "Truman" in gloss("杜鲁门发表声明。", d)
    assert gloss("荷泽治河协议", d).startswith("Heze")  # was "Lotus" (荷泽, "lotus marsh")
