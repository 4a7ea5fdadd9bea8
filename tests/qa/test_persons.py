"""The person a question asks the name of, and whether a passage names that person
(qa/persons.py). Sentences are from the May 1946 month and XQuAD."""

from __future__ import annotations

import pytest

from qa.persons import names_holder, role_asked


@pytest.mark.parametrize(
    ("question", "lang", "role"),
    [
        ("在双和井创下人均一吨零六纪录的是哪位工人？", "zh", "工人"),
        ("向记者介绍情况的那位中共锦州市委负责人叫什么名字？", "zh", "负责人"),
        ("吕惠生的妻子叫什么名字？", "zh", "妻子"),
        ("大兴烟草公司的董事长是谁？", "zh", "董事长"),
        ("亚马逊雨林的大部分位于哪个国家？", "zh", ""),  # a country, not a person
        ("球栉水母的小触手叫什么？", "zh", ""),
        ("是谁下令杀害皖江行署主任吕惠生的？", "zh", ""),  # no role: who gave the order
        ("What was the name of the worker who set the record?", "en", "worker"),
        ("Which model teacher persuaded the villagers?", "en", "teacher"),
        ("What was the full name of Regiment Commander Chen?", "en", "commander"),
        ("Who was the mayor that opened the meeting?", "en", "mayor"),
        ("Who was elected chairman of the Chahar League government?", "en", "chairman"),
        ("Who was the president of the university?", "en", "president"),
        ("Which factory made the furnace?", "en", ""),
        # the last role word of the phrase; roles jieba cuts apart (六连/连长 as 连连/长)
        ("What was the name of the village peasant association chairman?", "en", "chairman"),
        ("国民党一六六团六连连长叫什么名字？", "zh", "连长"),
        ("被扔进河里淹死的前任县税收员叫什么？", "zh", "税收员"),
        ("Who led the army?", "en", ""),
        ("Who became speaker of the Zhangjiakou city council?", "en", "speaker"),
        ("Who became the new director of the mill?", "en", "director"),
        ("Who became famous?", "en", ""),
    ],
)
def test_the_role_whose_holder_a_question_asks_for(question: str, lang: str, role: str) -> None:
    assert role_asked(question, lang) == role


@pytest.mark.parametrize(
    ("role", "text", "question"),
    [
        ("军长", "现新六军军长廖耀湘，正在自率第一线部队攻击", "新六军的军长是谁？"),
        ("区长", "将我区长韩克俭政委王世英等同志击毙", "区长叫什么名字？"),
        ("董事长", "选出周钰滕为董事长，宋铭三、王立宁为董事", "大兴烟草公司的董事长是谁？"),
        ("议长", "大会最后选出李杜为正议长，萧丹峰、马德恩为副议长", "正议长是谁？"),
        ("主席", "前政治委员马仲云将军光荣当选为政府主席，这是", "松江省政府的主席是谁？"),
        ("主席", "工作组主席，可敬的保罗•史泰斯沃斯", "TUMAS的主席是谁?"),
        ("代表", "一个出城来领救济粮的北街代表六十老人王作新说", "北街代表是谁？"),
        ("议长", "结果刘秀峰以七十五票当选为市参议会议长，于德海以七十票", "张市的议长是谁？"),
    ],
)
def test_a_name_tied_to_the_role(role: str, text: str, question: str) -> None:
    assert names_holder(role, text, question, "zh")


@pytest.mark.parametrize(
    ("role", "text", "question"),
    [
        ("工人", "第一支部工人进行了检讨，十二号下窑工人三十九名", "是哪位工人？"),
        ("负责人", "中共锦州市委负责人向本社记者说，锦州市取得了一些成就", "负责人叫什么名字？"),
        ("义教", "该县仁庄村小学，在转民办中，经模范义教耐心宣传", "模范义教叫什么名字？"),
        # the surname is the question's own: "尹市长" asks for his full name
        ("市长", "下午一时即由淮城尹市长宣布开会", "那位淮城尹市长叫什么名字？"),
        # 主席团 is the presidium, not its chairman
        ("主席", "大会揭幕时，主席团索特那木却为，致词谓", "察哈尔盟政府的主席是谁？"),
    ],
)
def test_the_role_without_a_name(role: str, text: str, question: str) -> None:
    assert not names_holder(role, text, question, "zh")


def test_english_names_beside_the_role() -> None:
    q = "What was the name of the director who opened the plant?"
    assert names_holder("director", "The plant's director, Zhang Wei, opened it.", q, "en")
    assert not names_holder("director", "The director opened the plant in May.", q, "en")
