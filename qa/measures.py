"""The measure words a Chinese text counts an English question's thing with.

"How many women did Shanghai elect?" is answered by "妇女代表卅五名", "How much money did the
office set aside?" by "拔款一千万元", "How many votes did he get?" by "得一百二十票": the
dictionary's translation of the English noun (女人家, 金钱, 投票) is not next to the number,
the measure word is. :func:`counted` names the thing an English how-many question asks
about and the measure words of its kind (people, money, weight, land…), and
:func:`counted_with` finds a number written with one of them ("三百五十名", "千余人",
"一千万元", "二十余户"), the measure word right after the number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# The kinds of thing, each with its English words (singular) and the measure words a 1940s
# paper counts it with.
_KINDS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = tuple(
    (frozenset(words.split()), tuple(measures.split()))
    for words, measures in (
        (
            "people person man men woman women child children kid boy girl worker staff "
            "student pupil teacher delegate representative member resident citizen soldier "
            "troop militiaman militiamen miner laborer labourer engineer correspondent patient "
            "casualty refugee peasant farmer villager tenant trader merchant officer cadre "
            "volunteer prisoner criminal civilian inhabitant employee graduate professor "
            "doctor nurse marine spectator participant victim hostage assistant",
            "人 名 位 口",
        ),
        (
            "money capital profit loan cost price pay paid lend lent spend spent worth fund "
            "income revenue tax wage salary yuan dollar fee budget",
            "元 圆 块 法币 边币 冀钞 券 美元 美金 英镑 镑",
        ),
        (
            "grain millet wheat rice flour salt coal sugar cotton iron steel soda food "
            "sorghum corn maize bean seed fertilizer bag sack",
            "斤 担 石 吨 斗 袋 包",
        ),
        ("land farmland field acre hectare mu", "亩 顷 垧 晌"),
        ("jin catty", "斤"),
        ("ton tonne", "吨"),
        ("li kilometre kilometer mile", "里 公里 华里 英里"),
        ("cloth", "匹 尺 丈 疋 码"),
        ("copy issue newspaper", "份 册 本 张"),
        ("vote ballot", "票"),
        ("household family", "户 家"),
        ("village", "村 村庄 庄"),
        ("county", "县"),
        ("district", "区"),
        (
            "factory plant mill shop store firm company bank school cooperative yard mine "
            "hospital clinic nursery office workshop business",
            "家 所 座 处 厂 工厂 店 铺 社 合作社 学校 校 银行 医院 公司 商号",
        ),
        ("boat ship vessel junk", "只 艘 条"),
        ("group team union", "组 队 支 互助组 小组 工会"),
        ("building house room", "座 间 栋 幢 所"),
        ("well", "口 眼"),
        ("kind variety type sort product", "种 类 样 项 品种"),
        ("day", "天"),
        ("hour", "小时 点钟 钟头"),
        ("month", "个月 月"),
        ("times", "次 回 遍"),
        ("time", "秒 分钟 分 小时 钟头 天 日 周 星期 个月 月 年"),
        ("piece item equipment machine tool", "件 台 部 架 套"),
        ("letter parcel", "封 件"),
        ("article report story", "篇 件"),
        ("book", "本 册 种"),
        ("shell bullet round", "发 颗"),
        ("gun rifle cannon", "支 门 挺"),
        ("horse cattle ox mule donkey pig sheep", "匹 头 只"),
    )
)

# "How much does it cost?", "How much was he paid?": money without a noun after "how much".
_MONEY_VERBS = re.compile(
    r"\b(?:cost|costs|paid|pay|pays|lend|lent|lends|spend|spent|spends|worth|charge|charged|"
    r"earn|earned|raise|raised|subscribe|subscribed|invest|invested|donate|donated)\b",
    re.IGNORECASE,
)
_HOW = re.compile(
    r"\bhow (many|much)\b(?: (?:different |other )?(kinds|types|sorts|varieties|pieces) of)?"
    r"((?: [A-Za-z][A-Za-z'-]*){0,4})",
    re.IGNORECASE,
)
_STOP = frozenset(
    "did do does were was are is have has had of in at on to for from by with that which who "
    "can could will would should the a an there it they he she we you per each "
    # verbs that follow the counted thing: "how many households got land"
    "got get gets came come comes died die went go received receive took take make made "
    "live lived work worked join joined attend attended left stayed fled voted run ran".split()
)


def _singular(word: str) -> str:
    w = word.lower()
    if w in ("men", "women", "children", "militiamen", "people", "cattle", "staff", "times"):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _kind_words(question: str) -> tuple[list[tuple[str, str]], bool]:
    """The words after "how many/much" up to the first verb-like stop word (as written and
    singular), and whether the question asks "how much"."""
    m = _HOW.search(question)
    if not m:
        return [], False
    words: list[tuple[str, str]] = []
    if m.group(2):
        words.append((m.group(2) + " of", _singular(m.group(2))))
    for raw in m.group(3).split():
        w = raw.strip("'")
        # a verb ends the thing: "how many people died"; not a name ("Allied") nor the
        # first word ("how many established shops")
        if w.lower() in _STOP or (words and w.islower() and w.endswith("ed") and "-" not in w):
            break
        words.append((w, _singular(w.split("-")[-1])))
    return words, m.group(1).lower() == "much"


def _measures_of(word: str) -> tuple[str, ...]:
    for kind_words, measures in _KINDS:
        if word in kind_words:
            return measures
    return ()


def counted(question: str) -> tuple[str, tuple[str, ...]]:
    """What the English ``question`` asks how many (or how much) of, as it writes it, and
    the measure words a Chinese text counts it with; ("", ()) when the thing is of no kind
    known here. "How many war criminals…": ("war criminals", 人 名 位 口)."""
    words, much = _kind_words(question)
    # "kinds of transistors" counts kinds; else the head noun decides: "war criminals" are
    # people, "iron workers" too
    if words[:1] and words[0][1] in ("kind", "variety", "type", "sort"):
        return " ".join(w for w, _ in words), _measures_of(words[0][1])
    for i in range(len(words) - 1, -1, -1):
        measures = _measures_of(words[i][1])
        if measures:
            return " ".join(w for w, _ in words[: i + 1]), measures
    if much and _MONEY_VERBS.search(question):
        return "money", _measures_of("money")
    return "", ()


# A number as the paper or a translation writes it: 三百五十, 卅五, 一千万, 40,000, 3.5, 数千.
_DIGITS = "〇零一二三四五六七八九十两百千万亿卅廿"
_NUMBER = rf"(?:\d[\d,.]*|[{_DIGITS}]+|数[十百千万])"
# then "余/多/来" (more than), a bigger unit (万), a space as translations write it, 个
# (which alone counts anything: "三十个村" counts villages by 村, not by 个).
_AFTER = r"\s*[余多来]?\s*(?:[万千百亿]\s*)?[余多来]?\s*(?:个\s*)?"


_SHARE = re.compile(
    r"[一二三四五六七八九十两\d]\s*分之\s*[一二三四五六七八九十\d]|百分之|\d\s*[%％]"
)


@functools.lru_cache(maxsize=256)
def _counts(measures: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(m) for m in sorted(measures, key=len, reverse=True))
    return re.compile(rf"(?<![{_DIGITS}\d])({_NUMBER}){_AFTER}(?:{alternatives})")


def counted_with(sentence: str, measures: Iterable[str]) -> bool:
    """Does the Chinese ``sentence`` write a number followed by one of ``measures``
    ("三百五十名", "千余人", "一千万元", "二十余户", "40,000 人", "四所"), or a share (三分之二,
    百分之三十, 30%)? A lone 一 (统一名称, 一个人) is no count."""
    wanted = tuple(sorted(set(measures)))
    if not wanted:
        return False
    if _SHARE.search(sentence):
        return True  # a share answers a count too: "三分之二的人口" (two thirds of the people)
    return any(m.group(1) != "一" for m in _counts(wanted).finditer(sentence))
