"""Question analysis: what is asked and the constraints an answer must meet."""

from __future__ import annotations

import pytest

from qa.evidence import reported
from qa.question import analyse, counts, holds, office_phrase, years_met


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("Who was the director of the Jinzhou electric furnace factory?", "en", "who"),
        ("When was the People's Daily first published?", "en", "when"),
        ("In what year did the factory open?", "en", "when"),
        ("Where did the Yongfeng transport company open?", "en", "where"),
        ("How many copies does Xin Dazhong print a day?", "en", "how_many"),
        ("Why did the strike spread?", "en", "why"),
        ("Did the defenders hold Siping?", "en", "yesno"),
        ("What did the food company make from waste?", "en", "what"),
        ("锦州铁北化工厂的厂长是谁？", "zh", "who"),
        ("人民日报是哪一天创刊的？", "zh", "when"),
        ("太行区工业研究所设在哪里？", "zh", "where"),
        ("安东浪头区分地给了哪个区的农民？", "zh", "where"),
        ("这个工厂在哪一镇？", "zh", "where"),
        ("四平街守了多少天？", "zh", "how_many"),
        ("为什么物价上涨？", "zh", "why"),
        ("行刺宋时轮的凶手抓到了吗？", "zh", "yesno"),
        ("石英玻璃有哪些特殊性能？", "zh", "what"),
    ],
)
def test_kinds(question: str, lang: str, kind: str) -> None:
    assert analyse(question, lang).kind == kind


def test_constraints_years_numbers_months_units() -> None:
    a = analyse("How many factories did Jinzhou set up in 1975?", "en")
    assert a.years == (1975,) and a.units == ("factories",)
    assert analyse("What happened on May 15 1946?", "en").months == (5,)
    assert analyse("What may happen next?", "en").months == ()  # "may" the verb
    z = analyse("一九六五年锦州试制成功了多少种新产品？", "zh")
    assert z.years == (1965,) and z.kind == "how_many"
    assert analyse("济源磕井煤矿有多少工人？", "zh").units == ("工人",)
    assert "元" in analyse("石英管一根卖多少钱？", "zh").units
    # a measure word, the counted thing before 有多少, "kinds of" (dev dialogues zh-13,
    # zh-19, en-03)
    assert analyse("华中有多少艘汽轮？", "zh").units == ("艘", "汽轮")
    assert analyse("从事这项工作的职工一共有多少？", "zh").units == ("职工",)
    # only before 有多少: "百分比是多少" counts no 百分比 (XQuAD dev)
    assert analyse("建筑业占国内生产总值的百分比是多少？", "zh").units == ()
    assert analyse("工厂的产量有多少？", "zh").units == ()  # a measure of, not a thing counted
    assert analyse("And how many kinds of operations?", "en").units == ("operations",)


def test_what_a_sentence_holds() -> None:
    assert holds("when", "本报于五月十五日在邯郸创刊。", "zh")
    assert not holds("when", "本报在邯郸创刊。", "zh")
    assert holds("how_many", "He made 1,200 furnaces.", "en")
    assert counts("现该窑计有工人一千二百十四名，窑工占百分之六十。", "zh", ["工人"])
    assert not counts("在三个多月里办起了九百多座工厂。", "zh", ["工人"])
    assert counts("Jinzhou set up 900 factories in three months.", "en", ["factori"])


def test_years_met_by_text_or_article_date() -> None:
    assert years_met([1965], ["一九六五年，这家电炉厂又试制成功了电子轰击炉。"], "1966-01-11")[0]
    assert years_met([1966], ["no year here"], "1966-01-11")[0]  # the article's date counts
    ok, found = years_met([2020], ["In 1965 the factory made furnaces."], "1966-01-11")
    assert not ok and found == {1965, 1966}


@pytest.mark.parametrize(
    ("question", "lang", "office", "phrase"),
    [
        ("济宁日报的社长是谁？", "zh", "社长", "社长"),
        ("谁是瑞华银行的总经理？", "zh", "总经理", "总经理"),
        ("瑞华银行的总经理叫什么名字？", "zh", "总经理", "总经理"),
        # the office in a clause of its own, or inside a longer title (公安局长: a 局长)
        ("羊市街群众入股办起来的那个煤厂，厂长是谁？", "zh", "厂长", "厂长"),
        ("张家口市政府委员会里，公安局长是由谁担任的？", "zh", "局长", "局长"),
        ("Who was the chief editor of the magazine Xin Dazhong?", "en", "chief", "chief editor"),
        ("Who was the editor-in-chief of the Jiluyu Daily?", "en", "editor", "editor-in-chief"),
        ("Who was the president of Changchun Medical University?", "en", "president", "president"),
        # generic words, verbs and other kinds ask for no office
        ("Who was the leader of the strike?", "en", "", ""),
        ("Who invented the indigenous furnace?", "en", "", ""),
        ("东北局的经验交流会是谁主持的？", "zh", "", ""),
        ("How many workers did the director hire?", "en", "", ""),
    ],
)
def test_the_office_a_question_asks_the_holder_of(
    question: str, lang: str, office: str, phrase: str
) -> None:
    got = analyse(question, lang).office
    assert got == office
    assert (office_phrase(question, got) if got else "") == phrase


@pytest.mark.parametrize(
    ("question", "lang", "verb"),
    [
        ("从蒲洲屯挖到大吕村的那条排水渠，后来挖通了吗？", "zh", "挖通"),
        ("逃到济南的陈德三后来被抓住了没有？", "zh", "抓住"),
        ("安多莱斯哥被判死刑以后执行了没有？", "zh", "执行"),  # after the sentence, not "later"
        ("1972年挪威最后加入了欧盟吗？", "zh", "加入"),  # past its object
        ("修武县最后真的在麦收前把减租贯彻完了吗？", "zh", "贯彻完"),
        ("Did the Democratic Allied Army later win Siping back?", "en", "win"),
        ("Was the Northeast coalition government ever actually set up?", "en", "set"),
        ("Were the arrested Japanese agents in Andong executed in the end?", "en", "executed"),
        # not a yes/no question about what came later
        ("最后一次冰河期于何时结束？", "zh", ""),
        ("他最后说了什么？", "zh", ""),
        ("锦州电炉厂试制成功了吗？", "zh", ""),
        ("解放以后工厂有多少工人？", "zh", ""),
        ("When did Obama finally visit Kenya?", "en", ""),
        ("What was later discovered written by Luther?", "en", ""),
        ("Did the factory make vacuum furnaces in 1965?", "en", ""),
    ],
)
def test_a_question_about_a_later_outcome_and_its_verb(question: str, lang: str, verb: str) -> None:
    assert analyse(question, lang).later == verb


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("救济春荒，以便顺利完成春耕下种。", "救济春荒，"),  # a purpose
        ("在群众控诉与要求下，由政府执行枪决。", "在群众控诉与由政府执行枪决。"),  # one clause
        ("我们希望贵署运至水冶镇，再由我们统一分配，实较捷便。后已同意。", "我们后已同意。"),
        ("估计可于今年年底落成。", ""),
        ("该两渠于上月底，已全部竣工。", "该两渠于上月底，已全部竣工。"),
    ],
)
def test_what_a_text_reports_as_done(text: str, kept: str) -> None:
    """A later outcome counts as reported only where it is not planned, hoped or asked for."""
    assert reported(text) == kept
