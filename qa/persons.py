"""The person a question asks the name of, and whether a passage names that person.

"在双和井创下纪录的是哪位工人？", "那位市委负责人叫什么名字？", "What was the name of the worker
who …?" ask for a name by role. A passage that speaks of the role but names no one in it
("第一支部工人进行了检讨", "中共锦州市委负责人向本社记者说") cannot answer, however close its other
words are (qa/evidence.py ``missing_name``). A passage that answers ties a name to the role:
"区长韩克俭", "选出周钰滕为董事长", "廖耀湘军长", "经济学家 布兰科·米兰诺维奇", "the director,
Zhang Wei". No model: jieba's person tags, a list of common surnames and the text around the
role.
"""

from __future__ import annotations

import re

from qa.question import OFFICES, posseg

_KIN = frozenset(
    "孩子 妻子 儿子 女儿 丈夫 父亲 母亲 哥哥 弟弟 姐姐 妹妹 老婆 爱人 女婿 媳妇 青年 少年 妇女 "
    "女子 男子 老人 农民 商人 小贩 干部 连长 排长 班长 营长 旅长 乡长 镇长 保长 甲长".split()
)
# A Chinese word for a person by role ends in one of these (工人, 负责人, 义教, 军长, 模范…).
_ZH_ROLE_ENDS = (
    "人", "员", "长", "者", "工", "教", "师", "生", "兵", "官", "匠", "士",
    "英雄", "代表", "主任", "书记", "委员", "司令", "主席", "政委", "模范", "干部",
)  # fmt: skip
_ZH_ASKS_NAME = re.compile(r"(?:叫什么名字|叫什么|名字是什么|是谁)[？?。]?$")
_ZH_WHICH = re.compile(r"(?:哪位|哪一位|哪个|哪名)([\u4e00-\u9fff]{2,6}?)(?:[的了呢吗？?，,]|$)")
# The hundred-odd commonest surnames (a name is one of them and one or two characters).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_PERSON_TAGS = ("nr", "nrfg", "nrt")
# A role followed by one of these is part of another word: 主席团, 委员会, 代表处.
_ZH_LONGER = frozenset("团会部处室")
# After the role, words that cannot begin a name: verbs, prepositions, adverbs, numbers…
_NOT_A_NAME = re.compile(r"^(?:[vpdcumqrf]|a)")
_ZH_CLAUSE_END = "。；！？"
# "选出周钰滕为董事长", "李杜为正议长", "马仲云将军光荣当选为政府主席",
# "刘秀峰以七十五票当选为市参议会议长"
_ZH_NAMED_AS = re.compile(
    r"([\u4e00-\u9fff]{2,3}?)(?:将军|同志|先生|氏|女士)?(?:以[一二三四五六七八九十百千万零〇两\d]+票)?"
    r"(?:光荣|正式|一致|已|亦)?"
    r"(?:当选为?|被选为|被推为|推为|为|任|担任|出任)[\u4e00-\u9fff]{0,4}$"
)
_FOREIGN = re.compile(r"[\u4e00-\u9fff]{1,4}[·•][\u4e00-\u9fff]{1,5}")

EN_ROLE = (
    r"worker|workers|official|head|leader|person|man|woman|boy|girl|child|teacher|soldier|"
    r"commander|chairman|director|manager|secretary|mayor|representative|delegate|hero|"
    r"model|officer|captain|chief|editor|president|principal|magistrate|landlord|peasant|"
    r"farmer|miner|engineer|doctor|nurse|student|wife|husband|son|daughter|father|mother|"
    r"spokesman|spokeswoman|pilot|peddler|pedlar|vendor|merchant|driver|youth|correspondent|"
    r"reporter|journalist|agent|spy|guard|villager|resident|refugee|banker|cadre|militiaman|"
    r"speaker"
)
_EN_MODIFIERS = r"(?:[A-Za-z'-]+ ){0,3}"
_EN_ASKS_NAME = [
    re.compile(
        rf"\bwhat (?:was|is) the (?:full |real |given )?name of (?:the )?{_EN_MODIFIERS}"
        rf"({EN_ROLE})\b",
        re.I,
    ),
    re.compile(rf"\bwhat (?:was|is) the {_EN_MODIFIERS}({EN_ROLE})(?:'s)? (?:called|name)\b", re.I),
    re.compile(rf"\bwhich {_EN_MODIFIERS}({EN_ROLE})\b", re.I),
    re.compile(rf"\bwho (?:was|is|were) the {_EN_MODIFIERS}({EN_ROLE})\b", re.I),
    re.compile(
        rf"\bwho (?:became|becomes|has become|had become) (?:the )?{_EN_MODIFIERS}({EN_ROLE})\b",
        re.I,
    ),
    re.compile(
        rf"\bwho (?:was|were|had been) (?:elected|appointed|named|chosen|made) (?:as )?"
        rf"(?:the )?{_EN_MODIFIERS}({EN_ROLE})\b",
        re.I,
    ),
]


def _zh_role(word: str) -> bool:
    return len(word) >= 2 and (
        word in OFFICES or word in _KIN or word[-2:] in OFFICES or word.endswith(_ZH_ROLE_ENDS)
    )


def role_asked(question: str, language: str) -> str:
    """The role whose holder's name the question asks for (工人 in "…的是哪位工人？", 负责人 in
    "那位…负责人叫什么名字？", "worker" in "What was the name of the worker who…?"), or ""."""
    text = question.strip()
    if language != "zh":
        for pattern in _EN_ASKS_NAME:
            m = pattern.search(text)
            if m:
                return m.group(1).lower()
        return ""
    m = _ZH_ASKS_NAME.search(text)
    if m and m.start() > 0:
        role = _zh_last_role(text[: m.start()])
        if role:
            return role
    m = _ZH_WHICH.search(text)
    return _zh_last_role(m.group(1)) if m else ""


def _zh_last_role(text: str) -> str:
    """The role the text ends with, as jieba cuts it, mended where jieba cuts a role apart
    ("六连/连长" came as 连连/长, "税收员" as 税收/员)."""
    words = [w for w, _ in posseg(text) if w.strip()]
    if not words:
        return ""
    if _zh_role(words[-1]):
        last = words[-1]
        return last[1:] if len(last) == 3 and last[0] == last[1] else last  # 连连长: 六连 连长
    if len(words[-1]) == 1 and len(words) > 1 and words[-1] in "长员人者工兵官匠":
        short = words[-2][-1] + words[-1]
        if short in _KIN or short in OFFICES:
            return short
        joined = words[-2] + words[-1]
        if len(joined) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", joined):
            return joined
    return ""


def names_holder(role: str, text: str, question: str, side: str) -> bool:
    """Does ``text`` tie a name the question does not give to ``role`` (in ``text``'s
    writing)? Names already in the question ("淮城尹市长") do not count."""
    if side != "zh":
        return _en_names_holder(role, text, question)
    for m in re.finditer(re.escape(role), text):
        if text[m.end() : m.end() + 1] in _ZH_LONGER:
            continue  # 主席团, 委员会: another thing than the role
        if _zh_named_here(text, m.start(), m.end(), question):
            return True
    return False


def _zh_named_here(text: str, start: int, end: int, question: str) -> bool:
    before = text[max(0, start - 20) : start]
    if re.search(r"名叫|叫做|名为", before):
        return True
    named_as = _ZH_NAMED_AS.search(before)
    if named_as and named_as.group(1)[0] in SURNAMES and named_as.group(1) not in question:
        return True
    left = posseg(text[max(0, start - 4) : start])
    if (
        left
        and left[-1][1] in _PERSON_TAGS
        and len(left[-1][0]) >= 2
        and left[-1][0] not in question
    ):
        return True
    clause_start = max(text.rfind(c, 0, start) for c in _ZH_CLAUSE_END) + 1
    ends = [i for i in (text.find(c, end) for c in _ZH_CLAUSE_END) if i >= 0]
    if _FOREIGN.search(text[clause_start : min(ends, default=len(text))]):
        return True
    after = re.sub(r"^[是为叫：:\s]{0,2}", "", text[end : end + 10])
    words = posseg(after)
    if not words:
        return False
    # a person's name later in the clause: "北街代表六十老人王作新说"
    clause = re.split(r"[，。；：、,;:！？]", after, maxsplit=1)[0]
    if any(f in _PERSON_TAGS and len(w) >= 2 and w not in question for w, f in posseg(clause)):
        return True
    word, flag = words[0]
    if word in question:
        return False
    if flag in _PERSON_TAGS and len(word) >= 2:
        return True
    if word[0] in SURNAMES and 2 <= len(word) <= 3 and not _NOT_A_NAME.match(flag):
        return True
    # a surname alone, then the given name: 韩/j 克俭/nr
    return (
        len(word) == 1
        and word in SURNAMES
        and not _NOT_A_NAME.match(flag)
        and len(words) > 1
        and words[1][1] in ("nr", "nz", "n", "j", "ns", "x")
        and len(words[1][0]) <= 2
    )


_EN_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_EN_NOT_NAMES = frozenset(
    "The A An In On At He She It They This That These Those His Her Their Its But And When "
    "After Before Mr Mrs Comrade January February March April May June July August September "
    "October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


def _en_names_holder(role: str, text: str, question: str) -> bool:
    """A capitalised name within a few words of the role, in its sentence ("the director,
    Zhang Wei", "model worker Li Shun")."""
    stem = role[:-1] if role.endswith("s") and len(role) > 3 else role
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        for m in re.finditer(rf"\b{re.escape(stem)}", sentence, re.I):
            lo, hi = max(0, m.start() - 40), m.end() + 40
            for name in _EN_NAME.finditer(sentence):
                if name.end() < lo or name.start() > hi or name.start() == 0:
                    continue
                if name.group(0) in _EN_NOT_NAMES or name.group(0) in question:
                    continue
                if name.group(0).lower().startswith(stem):
                    continue
                return True
    return False
