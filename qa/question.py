"""Question analysis: what is asked (who, when, where, how many, what, why, yes/no; 谁, 何时,
哪里, 多少, 什么, 为什么, 吗) and the constraints an answer must meet: the years, dates and
numbers the question names (1965 <-> 一九六五年; "in 1966" is met by an article of 1966).

No model: patterns over the question's words, in both languages. What a sentence holds is
checked by :func:`holds` (a when-question wants a date, a how-many question a number).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.numbers import EN_MONTHS, chinese_numbers, english_numbers

KINDS = ("who", "when", "where", "how_many", "why", "yesno", "what")

_EN_KIND = [
    ("how_many", r"\bhow (?:many|much|long|large|big|far|high|old|often|wide|deep|heavy)\b|"
                 r"\bwhat (?:number|percentage|proportion|share|amount|quantity|price|size)\b"),
    ("when", r"\bwhen\b|\b(?:what|which) (?:year|date|day|month|time|decade|century|period)\b|"
             r"\bhow long ago\b|\bsince when\b"),
    ("who", r"\bwho(?:m|se)?\b|\b(?:what|which) (?:person|people|man|woman|official|leader|"
            r"general|commander|group|organi[sz]ation|party|army|unit)\b"),
    ("where", r"\bwhere\b|\b(?:what|which|in which|from which) (?:place|city|town|village|"
              r"county|province|country|region|area|district|river|street|port)\b"),
    ("why", r"\bwhy\b|\bfor what reason\b|\bwhat (?:was|were|is|are) the reasons?\b|"
            r"\bwhat (?:caused|led to)\b"),
]  # fmt: skip
_EN_YESNO = re.compile(
    r"^(?:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b", re.I
)
_ZH_KIND = [
    ("how_many", r"多少|几(?:个|位|名|次|天|年|万|千|百|十|种|家|座|户|所|人|月|倍|条|项|件|"
                 r"部|台|辆|门|架|斤|亩|里|公里|元|块)|"
                 r"多大|多长|多高|多远|多久|多重|多深|几成|百分之几|数量|人数|产量"),
    ("when", r"何时|什么时候|哪一?年|哪一?天|哪一?月|几月|几号|几日|几时|何年|何日|"
             r"什么日子|日期|时间是|哪个时候|几点"),
    ("who", r"谁|哪位|哪一位|什么人|何人|哪些人|哪个人|是哪个(?:部队|组织|机关|单位|团体)"),
    ("where", r"哪里|哪儿|何处|何地|什么地方|哪个(?:地方|城市|县|省|村|国家|地区|区|镇|乡|街)|"
              r"在哪|去哪|哪一?(?:省|县|市|村|国|区|镇|乡)"),
    ("why", r"为什么|为何|什么原因|原因是|何故|为啥"),
]  # fmt: skip
_ZH_YESNO = re.compile(r"吗[？?]?$|是否|有没有|是不是|能不能|会不会|可不可以")
_EN_DATE = re.compile(
    r"\b(" + "|".join(EN_MONTHS) + r")\b(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?", re.IGNORECASE
)


@dataclass(frozen=True)
class Analysis:
    kind: str  # one of KINDS
    years: tuple[int, ...] = ()
    numbers: tuple[float, ...] = ()  # other numbers the question names (not years, months)
    months: tuple[int, ...] = ()  # month (and day) the question names: (5,) or (5, 15)
    # A how-many question's unit or counted thing, in the question's words ("名", "工人";
    # "workers"): a number in the answer should come with it.
    units: tuple[str, ...] = ()
    # The thing asked about, next to the question word: 厂长 in 厂长是谁, 区 in 哪个区,
    # "director" in "who was the director of"; the answer's passage should name it.
    focus: tuple[str, ...] = ()
    # A yes/no question about what happened later ("后来挖通了吗？", "Was it ever completed?"):
    # its verb (挖通, "completed"), which a passage must report to answer it.
    later: str = ""

    @property
    def office(self) -> str:
        """The office whose holder a who- or what-question asks for ("社长", "president")."""
        if self.kind not in ("who", "what"):
            return ""
        for word in self.focus:  # 公安局长 asks about a 局长
            ends = (word.lower(),) if word.isascii() else (word, word[-3:], word[-2:])
            office = next((e for e in ends if e in OFFICES), "")
            if office:
                return office
        return ""


def office_phrase(question: str, office: str) -> str:
    """The office as the question words it: "chief editor", "editor-in-chief", 社长."""
    if not office.isascii():
        return office
    m = re.search(rf"\b{re.escape(office)}(?:-in-chief|(?: [a-z]+)?(?= of\b))?", question, re.I)
    return m.group(0) if m else office


# Offices a who- or what-question asks the holder of (济宁日报的社长是谁？, "Who was the
# president of …?").
# A passage that answers names the office: one that does not cannot say who held it, however
# close its other words are (qa/evidence.py ``missing_office``). Generic words ("leader",
# "head", 领导) are left out: passages say "led by", "headed by".
OFFICES = frozenset(
    "社长 总经理 经理 军长 师长 团长 主编 总编辑 校长 主席 副主席 厂长 副厂长 局长 县长 市长 "
    "省长 司令 司令员 书记 部长 董事长 院长 所长 会长 队长 村长 区长 专员 "
    "editor president chairman chairwoman director commander secretary mayor manager chief "
    "principal governor minister captain coach founder owner ceo dean".split()
)

_ZH_FOCUS = [
    re.compile(r"的([\u4e00-\u9fff]{2,4}?)(?:叫什么|是谁|是哪|是什么|有多少|有几)"),
    re.compile(r"是谁([\u4e00-\u9fff]{2})"),
    re.compile(r"^谁是[^？?，,]*的([\u4e00-\u9fff]{2,4})[？?]?$"),
    # a clause of its own: "…的那个煤厂，厂长是谁？", "公安局长是由谁担任的？"
    re.compile(r"(?:^|[，,、])([\u4e00-\u9fff]{2,4}?)(?:是谁|叫什么|(?:是)?由谁)"),
    re.compile(
        r"(?:哪个|哪些|哪几个|哪几所|哪几家|哪家|哪所|哪位|哪一个|哪座|哪条)([\u4e00-\u9fff]{1,3}?)(?:[的了呢吗？?，,]|$)"
    ),
    re.compile(r"什么([\u4e00-\u9fff]{1,3}?)(?:[的了呢吗？?，,]|$)"),
]
_EN_FOCUS = [
    re.compile(r"\bwho (?:was|is|were|are) the ([a-z]+)", re.I),
    re.compile(r"\bwho ([a-z]+ed)\b", re.I),
    re.compile(
        r"\b(?:what|which) ([a-z]+)(?: ([a-z]+))? (?:did|does|do|was|were|is|are|has|had)\b", re.I
    ),
    re.compile(r"\bwhat (?:was|is|were|are) the ([a-z]+) of\b", re.I),
]
_FOCUS_SKIP = frozenset(
    "名字 东西 事情 时候 地方 样子 人 事 name thing things kind kinds happened one ones "
    "person people did does do was were is are has had main new first".split()
)


def _focus(text: str, language: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern in _ZH_FOCUS if language == "zh" else _EN_FOCUS:
        for g in (g for m in pattern.finditer(text) for g in m.groups()):
            if not g or g.lower() in _FOCUS_SKIP:
                continue
            word = _ZH_ADVERBS.sub("", g) if language == "zh" else g
            if word:
                found.append(word)
    return tuple(dict.fromkeys(found))[:2]


# Measure words a how-many question may put after 多少 / 几 (多少艘汽轮, 几名工人).
_ZH_MEASURES = (
    "个 位 名 次 天 年 种 家 座 户 所 人 月 倍 条 项 件 部 台 辆 门 架 斤 亩 里 公里 元 块 张 份 "
    "票 场 册 本 吨 担 石 斗 升 间 口 匹 头 只 枚 发 颗 处 起 股 号 艘 盏 棵 把 双 对 批 支 队 "
    "笔 套 道 根 片 层 届 期 篇 首 幅 列 趟 挺 尊 顶 床 盒 箱 包 袋 桶 瓶 车 船"
).split()
_ZH_UNIT = re.compile(
    r"(?:多少|几)(" + "|".join(sorted(_ZH_MEASURES, key=len, reverse=True)) + r")?"
    r"([\u4e00-\u9fff]{0,4})"
)
# "职工一共有多少？": the counted thing before (一共 / 总共…) 有多少.
_ZH_COUNTED = re.compile(
    r"([\u4e00-\u9fff]{2})(?:一共|总共|共|总计|共计|现在|目前|现|还|都)?有(?:多少|几)$"
)
# …of which the number is no unit: "价格是多少" is answered by 每斤五元, not by 价格 next to it.
_ZH_MEASURES_OF = frozenset(
    "价格 价钱 数量 数目 数字 总数 比例 面积 长度 距离 时间 年龄 重量 高度 速度 温度 产量 人数 "
    "规模 程度 成本 收入 工资 费用 总额 金额 税率 利率".split()
)
_ZH_ADVERBS = re.compile(r"(?:一共|总共|共计|总计|大约|大概|现在|目前)$")
_EN_UNIT = re.compile(
    r"\bhow (?:many|much) (?:(?:different |other )?(?:kinds|types|sorts|varieties|sets|pieces) "
    r"of )?([a-z]+)(?: ([a-z]+))?",
    re.IGNORECASE,
)
_MONEY = ("元", "块", "钱", "法币", "边币", "万元", "价")


def _units(text: str, language: str) -> tuple[str, ...]:
    if language == "zh":
        m = _ZH_UNIT.search(text)
        if not m:
            return ()
        unit, noun = m.group(1) or "", re.sub(r"[的了呢吗？?，,].*$", "", m.group(2) or "")
        found = [u for u in (unit, noun[:2]) if u]
        counted = None if noun else _ZH_COUNTED.search(text[: m.end()])
        if counted and counted.group(1) not in _ZH_MEASURES_OF:
            found.append(counted.group(1))
        if "钱" in noun or unit in ("元", "块") or "价" in text[m.start() - 3 : m.start()]:
            found += list(_MONEY)
        return tuple(dict.fromkeys(found))
    m = _EN_UNIT.search(text)
    if not m:
        return ()
    words = [w for w in m.groups() if w and w.lower() not in _EN_UNIT_SKIP]
    return tuple(words[:1])


_EN_UNIT_SKIP = frozenset(
    "did do does were was are is have has had the a an of in people times".split()
)


def analyse(question: str, language: str) -> Analysis:
    text = question.strip()
    kind = _kind(text, language)
    years: list[int] = []
    numbers: list[float] = []
    months: list[int] = []
    if language == "en":
        date_spans = []
        for m in _EN_DATE.finditer(text):
            if (
                m.group(1).lower() == "may"
                and not m.group(2)
                and not re.search(
                    r"\b(?:in|on|of|since|until|by|during|early|late|mid|last|next) may\b",
                    text,
                    re.I,
                )
            ):
                continue  # "may" the verb
            months.append(EN_MONTHS[m.group(1).lower()])
            date_spans.append((m.start(), m.end()))
        for n in english_numbers(text):
            if any(s <= n.start < e for s, e in date_spans):
                continue
            _sort_number(n.value, n.text, years, numbers)
    else:
        for n in chinese_numbers(text):
            after = text[n.end : n.end + 1]
            if after == "年" and 1000 <= n.value <= 2100:
                years.append(int(n.value))
            elif after == "月" and 1 <= n.value <= 12:
                months.append(int(n.value))
            elif after in ("日", "号") and 1 <= n.value <= 31:
                continue
            else:
                _sort_number(n.value, n.text, years, numbers)
    units = _units(text, language) if kind == "how_many" else ()
    return Analysis(
        kind,
        tuple(dict.fromkeys(years)),
        tuple(dict.fromkeys(numbers)),
        tuple(months),
        units,
        units or _focus(text, language),
        later_outcome(text, language),
    )


# "Did it later…?", "后来…了吗？": whether something happened after the article. A newspaper
# article of its day reports plans and beginnings; one that does not report the outcome (its
# verb: 挖通, 抓到, "completed") cannot say whether it came, however close its names are.
# 以后 / 之后 only with a yes/no ending, as every marker: "被判死刑以后执行了没有？"
_ZH_LATER = re.compile(r"后来|最后|最终|终于|到底|究竟|结果|以后|之后")
_ZH_ASKS_IF = re.compile(r"(?:吗|没有|与否)[？?。！!]*$")
_EN_ASKS_IF = re.compile(r"^(?:did|was|were|has|had|have|is|are|does|do)\b", re.I)
_EN_LATER = re.compile(
    r"\b(?:ever|eventually|finally|actually|later|afterwards|subsequently|in the end|"
    r"end(?:ed)? up)\b",
    re.I,
)
_EN_LATER_SKIP = frozenset(
    "the a an it its they them he she his her that this these those been be being get got "
    "and or really also all".split()
)


def later_outcome(question: str, language: str) -> str:
    """The verb of a yes/no question about a later outcome ("后来挖通了吗？" -> 挖通, "Were
    they executed in the end?" -> "executed"), or "" for any other question."""
    text = question.strip()
    if language == "zh":
        m = _ZH_LATER.search(text)
        if not m or not _ZH_ASKS_IF.search(text):
            return ""
        tail = re.sub(r"了$", "", _ZH_ASKS_IF.sub("", text[m.end() :]))
        words = [(w, f) for w, f in posseg(tail) if w.strip()]
        # the last verb, past its object: 加入 in "加入了欧盟", 贯彻完 in "贯彻完"
        i = len(words) - 1
        while i >= 0 and not (words[i][1].startswith("v") or words[i][1] in ("l", "a")):
            i -= 1
        if i < 0:
            return ""
        word = re.sub(r"了吗?$", "", words[i][0])
        if len(word) == 1 and i > 0 and words[i - 1][1].startswith("v"):
            word = words[i - 1][0] + word
        return word if len(word) > 1 else ""
    if not _EN_ASKS_IF.match(text):
        return ""
    markers = list(_EN_LATER.finditer(text))
    if not markers:
        return ""
    after = [
        w
        for w in re.findall(r"[a-z]+", text[markers[-1].end() :].lower())
        if w not in _EN_LATER_SKIP and not _EN_LATER.fullmatch(w)
    ]
    if after and not re.fullmatch(r"by|in|before|after|on|at|to", after[0]):
        return after[0]
    before = [
        w
        for w in re.findall(r"[a-z]+", text[: markers[0].start()].lower())
        if w not in _EN_LATER_SKIP
    ]
    return before[-1] if len(before) > 1 else ""


@functools.lru_cache(maxsize=4096)
def posseg(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a Chinese text with their part-of-speech flags (cached)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(text))


def _sort_number(value: float, text: str, years: list[int], numbers: list[float]) -> None:
    if value == int(value) and 1000 <= value <= 2100 and "," not in text:
        years.append(int(value))
    elif value >= 2 or "." in text:
        numbers.append(value)


def _kind(text: str, language: str) -> str:
    if language == "zh":
        for kind, pattern in _ZH_KIND:
            if re.search(pattern, text):
                return kind
        if _ZH_YESNO.search(text):
            return "yesno"
        return "what"
    low = text.lower()
    first = min(
        ((m.start(), kind) for kind, pattern in _EN_KIND if (m := re.search(pattern, low))),
        default=None,
    )
    if first is not None:
        return first[1]
    if _EN_YESNO.match(low):
        return "yesno"
    return "what"


# What a sentence holds ---------------------------------------------------------------------
_ZH_DATE = re.compile(
    r"[〇零一二三四五六七八九十廿卅\d]+(?:年|月|日|号)|[上下中]旬|今[年天日晨]|昨[天日晚]|"
    r"明[年天日]|去年|前[天日]|月初|月底|年初|年底|[早晚]上|清晨|拂晓|黄昏|午后|正午|"
    r"[一二三四五六七八九十]+时|[春夏秋冬][季天]|民国"
)
_EN_DATE_ANY = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:" + "|".join(EN_MONTHS) + r")\b|\b(?:yesterday|today|"
    r"tomorrow|morning|evening|night|noon|week|spring|summer|autumn|winter|century|decade)\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:last|next) year\b",
    re.IGNORECASE,
)
_ZH_PLACE = re.compile(r"[\u4e00-\u9fff](?:省|市|县|村|镇|区|乡|庄|街|路|河|山|港|城|口|岛)")
_ZH_PERSON = re.compile(
    r"(?:主席|部长|司令|将军|先生|同志|氏|主任|厂长|社长|局长|委员|代表|书记|总统|首相|"
    r"市长|县长|经理|校长|专员|参谋|团长|师长|军长|旅长|教授|女士|夫人)"
)


def counts(sentence: str, side: str, units: Iterable[str]) -> bool:
    """Does ``sentence`` give a number with one of ``units`` next to it (工人一千二百十四名,
    900 factories)? ``units`` in the sentence's language."""
    wanted = [u.lower() for u in units if u]
    if not wanted:
        return holds("how_many", sentence, side)
    low = sentence.lower()
    found = chinese_numbers(sentence) if side == "zh" else english_numbers(sentence)
    for n in found:
        if side == "zh" and re.match(r"[年月日号]", sentence[n.end : n.end + 1]):
            continue
        window = low[max(0, n.start - 8) : n.end + (6 if side == "zh" else 30)]
        if any(u in window for u in wanted):
            return True
    return False


def holds(kind: str, sentence: str, side: str) -> bool:
    """Does ``sentence`` hold what a ``kind`` question wants (a date for when, a number for
    how many, a person or title for who, a place for where)? Always true for what/why/yesno."""
    if kind == "when":
        pattern = _ZH_DATE if side == "zh" else _EN_DATE_ANY
        return bool(pattern.search(sentence))
    if kind == "how_many":
        if side == "zh":
            return any(
                not re.match(r"[年月日号]", sentence[n.end : n.end + 1])
                for n in chinese_numbers(sentence)
            )
        return bool(english_numbers(sentence))
    if kind == "who":
        if side == "zh":
            return bool(_ZH_PERSON.search(sentence)) or bool(
                re.search(r"[\u4e00-\u9fff]{2,3}[，、]", sentence)
            )
        return bool(re.search(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+", sentence))
    if kind == "where":
        if side == "zh":
            return bool(_ZH_PLACE.search(sentence))
        return bool(re.search(r"\b(?:in|at|from|to|near) [A-Z]", sentence))
    return True


def numbers_in(text: str, side: str) -> set[float]:
    """Every number ``text`` writes, either writing (一九六五 and 1965 both give 1965.0)."""
    found = {n.value for n in chinese_numbers(text)} | {n.value for n in english_numbers(text)}
    if side == "zh":
        return found
    return found


def years_met(years: Iterable[int], texts: Iterable[str], date: str) -> tuple[bool, set[int]]:
    """Are all ``years`` in ``texts`` (either writing) or the article's ``date``? Also the
    years the texts do give (for "the archive gives figures for 1965, not 2020")."""
    found: set[int] = set()
    for text in texts:
        for n in chinese_numbers(text) + english_numbers(text):
            if n.value == int(n.value) and 1000 <= n.value <= 2100:
                found.add(int(n.value))
    if date[:4].isdigit():
        found.add(int(date[:4]))
    wanted = set(years)
    return wanted <= found, found
