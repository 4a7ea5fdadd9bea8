"""The kind of place a question asks for, and whether a Chinese passage names one."""

from __future__ import annotations

import pytest

from qa.places import names_place, place_asked


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("On which street in Handan was the Ruihua Bank's office?", "en", "street"),
        ("In which town was the border region's new chemical factory built?", "en", "town"),
        ("Which village did the militia come from?", "en", "village"),
        ("What road was the bus company on?", "en", "street"),
        ("刘白羽是在哪个村子采访林彪将军的？", "zh", "village"),
        ("平遥阜村属于平遥县的哪个区？", "zh", "district"),
        ("会议是在什么镇开的？", "zh", "town"),
        ("Where was Lü Huisheng killed?", "en", ""),  # any place will do
        ("Which county magistrate reported the clash?", "en", ""),  # a person
        ("Which village head was carried off?", "en", ""),
        ("Which city was called a Daqing-style region?", "en", ""),
        ("太行区工业研究所在哪个城市筹办？", "zh", ""),
        ("邯郸的烈士陵园建在邯郸城的哪个方位？", "zh", ""),
    ],
)
def test_the_kind_of_place_asked(question: str, lang: str, kind: str) -> None:
    assert place_asked(question, lang) == kind


@pytest.mark.parametrize(
    ("kind", "text", "question"),
    [
        ("village", "窜到我二区南羊坞村，将该村农会主任打死", "是在哪个村？"),
        ("district", "安国三区四十五个村庄中，即有四十一个村成立了互助组。", "在哪个区？"),
        ("street", "该行设于邯郸城内中华大街，开始营业", "On which street?"),
        ("town", "岳北最大的骡马大会在东冶镇举行", "In which town?"),
    ],
)
def test_a_place_of_the_kind_named(kind: str, text: str, question: str) -> None:
    assert names_place(kind, text, question)


@pytest.mark.parametrize(
    ("kind", "text", "question"),
    [
        # 伪区 is the puppet district, 农村 the countryside: no district, no village named
        ("district", "以前伪区助理员王世杰为首的敌伪残余势力", "平遥阜村属于平遥县的哪个区？"),
        ("village", "农村中的减租运动已普遍展开，全村群众都参加了", "是在哪个村？"),
        # the question's own village is not the answer
        ("village", "平遥阜村在一月间曾进行过反奸清算斗争", "平遥阜村附近的哪个村也斗争了？"),
        ("street", "瑞华银行在邯郸正式成立，资金五千万元", "On which street in Handan?"),
    ],
)
def test_no_place_of_the_kind_named(kind: str, text: str, question: str) -> None:
    assert not names_place(kind, text, question)
