"""A place of a kind the question asks for: "On which street…?", "…在哪个村子…？".

A question that asks for a village, a street, a town or a district is answered by a passage
that names one: a word ending in 村, 街, 镇, 区… that the question does not give ("南羊坞村",
"二区"). A passage that speaks of the bank in Handan and names no street does not say which
street (qa/evidence.py ``missing_place``, a hard rule like the role's name in qa/persons.py).
Only Chinese passages are read (the archive's text); an English passage is left to the model.
"""

from __future__ import annotations

import re

from qa.persons import EN_ROLE
from qa.question import posseg

_EN_HEADS = "heads|magistrates|chairmen|governments|government|committee|council|office|offices"

# The kinds, in English and as the Chinese press writes a place of that kind (the suffixes,
# the usual one first: 村, 街, 镇…).
KINDS: dict[str, str] = {
    "village": "村庄屯寨堡",
    "street": "街巷",
    "town": "镇集乡",
    "district": "区",
    "county": "县",
    "province": "省",
}
# Not "Which county magistrate…?", "Which village head…?": a person, whose kind of place is
# only a modifier (qa/persons.py reads those).
_EN_KIND = re.compile(
    r"\b(?:which|what)(?: (?:one|small|big|little|nearby))? "
    r"(village|street|road|lane|town|district|county|province)s?\b"
    rf"(?! (?:{EN_ROLE}|{_EN_HEADS})\b)",
    re.I,
)
_EN_ALIASES = {"road": "street", "lane": "street"}
_ZH_KIND = re.compile(
    r"(?:哪|什么)(?:个|条|一个|一条|座|一座)?(村子|村庄|村|街道|街|巷|镇|区|县|乡|省)"
)
_ZH_TO_KIND = {
    "村子": "village",
    "村庄": "village",
    "村": "village",
    "街道": "street",
    "街": "street",
    "巷": "street",
    "镇": "town",
    "区": "district",
    "县": "county",
    "乡": "town",
    "省": "province",
}
# Words that end like a place of the kind and name none: 农村 (the countryside), 解放区 (the
# liberated areas), 全县 (the whole county)…
_GENERIC = frozenset(
    "农村 乡村 山村 全村 各村 本村 该村 此村 邻村 每村 一村 村庄 村子 外村 "
    "大街 上街 满街 满大街 街道 街巷 沿街 "
    "城镇 乡镇 市镇 集镇 各镇 全镇 本镇 该镇 赶集 市集 "
    "地区 解放区 边区 分区 专区 市区 城区 山区 灾区 游击区 敌占区 沦陷区 老区 新区 军区 行政区 "
    "社区 各区 全区 本区 该区 收复区 国统区 统治区 根据地区 接敌区 "
    "各县 全县 本县 该县 邻县 每县 外县 "
    "各省 全省 本省 该省 外省 邻省 "
    "城堡 碉堡 堡垒".split()
)
_BIG = frozenset("大街 小街 大村 小村 大镇".split())
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_NUMERAL = re.compile(r"^[一二三四五六七八九十百\d]+$")
# A one-character word before the suffix that says which, not what: 伪区 (the puppet district),
# 我县 (our county), 该村 (that village).
_WHICH = frozenset("伪敌我各全本该此每邻外新老前后上下这那某原")


def place_asked(question: str, language: str) -> str:
    """The kind of place the question asks for ("village", "street", …), or ""."""
    if language == "zh":
        m = _ZH_KIND.search(question)
        return _ZH_TO_KIND[m.group(1)] if m else ""
    m = _EN_KIND.search(question)
    if not m:
        return ""
    word = m.group(1).lower()
    return _EN_ALIASES.get(word, word)


def names_place(kind: str, text: str, question: str) -> bool:
    """Does Chinese ``text`` name a place of ``kind`` that ``question`` does not give?"""
    suffixes = KINDS.get(kind, "")
    if not suffixes:
        return True
    words = [w for w, _ in posseg(text)]
    for i, word in enumerate(words):
        if word[-1] not in suffixes:
            continue
        # "南羊坞/村", "中华/大街": jieba cuts the suffix (or 大街) off the name
        joined = len(word) == 1 or word in _BIG
        name = words[i - 1] + word if joined and i > 0 and _CJK.fullmatch(words[i - 1]) else word
        if len(name) < 2 or name in _GENERIC or name in question:
            continue
        if len(name) == 2 and name[0] in _WHICH:
            continue
        stem = name[:-1]
        if _NUMERAL.match(stem) or _CJK.fullmatch(stem):
            return True
    return False
