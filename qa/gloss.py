"""Word-by-word English glosses of Chinese text, from the dictionary (not a translation).

For a student who reads English better than Chinese: a quoted Chinese sentence is cut into
words (jieba) and each word is given the dictionary's first fitting sense (the sense that uses
one of the question's own words when there is one; else the first of the first few senses
short enough to read as a word, not a definition), numbers as digits (一九四六年 -> 1946,
七百万 -> 7,000,000), names in pinyin (何思源 -> He Siyuan when the dictionary lacks them).
:func:`words` gives each word's pinyin, senses and HSK level for the hover cards of the web
pages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa.crosslang import QUESTION_WORDS
from qa.dictionary import Dictionary, Entry, english_key, tone_marks, toneless
from qa.numbers import EN_MONTHS, ZH_NUMBER, digits, zh_to_int

LABEL = {
    "en": "Word-by-word dictionary gloss (CC-CEDICT), not a translation",
    "zh": "逐词词典释义（CC-CEDICT），非翻译",
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUNCT = {
    "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(",
    "）": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "《": '"', "》": '"', "【": "[",
    "】": "]", "—": "-", "…": "...", "·": "·", "「": '"', "」": '"', "『": '"', "』": '"',
}  # fmt: skip
# The commonest function words: the dictionary's first sense of each is a grammar note.
_FUNCTION = {
    "的": "'s", "了": "", "着": "", "过": "", "地": "", "得": "", "之": "of", "和": "and",
    "与": "and", "及": "and", "并": "and", "而": "and", "或": "or", "在": "at", "于": "at",
    "是": "is", "为": "for", "对": "toward", "把": "", "被": "by", "将": "will", "已": "already",
    "已经": "already", "也": "also", "都": "all", "又": "again", "就": "then", "这": "this",
    "那": "that", "其": "its", "以": "with", "等": "etc.", "中": "in", "上": "on", "所": "",
    "则": "then", "即": "namely", "但": "but", "乃": "is", "向": "toward", "从": "from",
    "到": "to", "由": "by", "给": "to", "自": "from", "至": "to", "各": "each", "该": "this",
}  # fmt: skip
# Common words whose first dictionary sense is not the one the newspapers of the 1940s use
# (电 "lightning" for a dispatch, 后 "empress" for after, 美 "beautiful" for the US, 豫
# "happy" for Henan): the press's sense, unless a sense fits the asker's own words. Read off
# the most frequent words of the May 1946 month with their glosses (the hover card still
# shows every sense).
_PRESS = {
    "后": "after", "说": "say", "日": "day", "月": "month", "时": "time", "里": "in",
    "美": "US", "英": "British", "德": "German", "种": "kind", "电": "dispatch", "版": "page",
    "讯": "report", "现": "now", "豫": "Henan", "鲁": "Shandong", "冀": "Hebei", "晋": "Shanxi",
    "更": "more", "太": "too", "总": "total", "个": "", "第": "No.", "人": "person",
    "共": "total", "伪": "puppet", "城": "city", "部": "unit", "称": "say", "正": "just",
    "当": "when", "作": "do", "处": "place", "应": "should", "占": "occupy", "次": "time(s)",
    "驻": "stationed", "省": "province", "本": "this", "项": "item", "复": "again",
    "镇": "town", "经": "through", "除": "except", "仅": "only", "几": "several",
    "府": "government", "便": "then", "遭": "suffer", "团": "group", "运": "transport",
    "打": "hit", "看": "see", "方": "side", "系": "is", "报": "newspaper", "亩": "mu",
    "市": "city", "地区": "region", "特务": "secret agent", "先生": "Mr.", "产": "produce",
    "进行": "carry out",
}  # fmt: skip
_DATE = re.compile(
    rf"({ZH_NUMBER.pattern}|\d+)年|({ZH_NUMBER.pattern}|\d+)月|({ZH_NUMBER.pattern}|\d+)[日号]"
)
_SKIP_SENSE = re.compile(
    r"^(?:surname |(?:old |archaic |Japanese )?variant of|CL:|see |abbr\.|used in|"
    r"\(?classifier|\(?onom|\"?\w+\"? radical|radical )|radical in Chinese characters"
)


@dataclass(frozen=True)
class Word:
    """One word of a Chinese text, with what the hover card and the gloss show."""

    text: str
    pinyin: str = ""  # tone marks: "Sìpíng"
    senses: tuple[str, ...] = ()
    hsk: str = ""
    gloss: str = ""  # the word's English in the gloss line ("" for a particle)
    kind: str = "word"  # word, name, number, punct, other

    @property
    def chinese(self) -> bool:
        return bool(_CJK.search(self.text))


@functools.lru_cache(maxsize=4096)
def _segment(text: str) -> tuple[str, ...]:
    from index.lexical import _jieba

    return tuple(_jieba().lcut(text))


def _reading(entries: Sequence[Entry]) -> str:
    """The common reading (a lower-case entry: 大众 dàzhòng, not the carmaker Dàzhòng) when
    there is one, else the name's."""
    common = [e for e in entries if not e.proper and _usable(e)]
    common = common or [e for e in entries if not e.proper]
    return (common or list(entries))[0].pinyin


def _pinyin_of(text: str, dictionary: Dictionary) -> str:
    """Tone-marked pinyin: the dictionary's reading of the word, else of each character."""
    entries = dictionary.lookup(text)
    if entries:
        return tone_marks(_reading(entries))
    out = []
    for ch in text:
        e = dictionary.lookup(ch)
        out.append(tone_marks(_reading(e)) if e else ch)
    return "".join(out)


def _short(sense: str) -> str:
    """A sense as a gloss: no parentheses or Chinese, its first alternative, no "to "."""
    text = re.sub(r"\([^()]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+", " ", sense)
    text = re.split(r"[;,]", text)[0]
    text = " ".join(text.split())
    return re.sub(r"^(?:to|a|an|the) ", "", text)


def _usable(entry: Entry) -> list[str]:
    return [s for s in entry.senses if not _SKIP_SENSE.match(s.strip())]


def _name(entry: Entry) -> str:
    """A proper noun's English: the leading capitalised words of its first sense ("Siping"),
    else its pinyin without tones."""
    for sense in _usable(entry):
        words = re.findall(r"[A-Z][\w'’-]*", _short(sense))
        lead = _short(sense).split()
        name: list[str] = []
        for w in lead:
            if w[:1].isupper() or w[:1].isdigit():
                name.append(w)
            else:
                break
        if name:
            return " ".join(name)
        if words:
            return words[0]
    return _pinyin_name(entry.pinyin)


def person_name(name: str, dictionary: Dictionary) -> str:
    """A Chinese person's name in pinyin, as the gloss writes names: 刘雨辰 -> "Liu Yuchen"
    (the surname's reading as a surname, 贾 Jia not gu; the given name's common readings; ""
    when a character has none)."""
    syllables = []
    for i, ch in enumerate(name):
        entries = dictionary.lookup(ch)
        if not entries:
            return ""
        surname = [e for e in entries if i == 0 and e.proper and "surname" in " ".join(e.senses)]
        syllables.append(toneless((surname[0].pinyin if surname else _reading(entries)).split()[0]))
    if not syllables:
        return ""
    return f"{syllables[0].title()} {''.join(syllables[1:]).title()}".strip()


def _pinyin_name(pinyin: str) -> str:
    syllables = [toneless(s) for s in pinyin.split()]
    if len(syllables) == 3:  # a person's name: surname, then the given name
        return f"{syllables[0].title()} {''.join(syllables[1:]).title()}"
    return "".join(syllables).title()


# A sense longer than this reads as a definition, not a gloss ("dry measure for grain equal to
# ten 升 or one-tenth of a 石" for 斗; "easy to get along with" for 好处, whose other reading
# is "benefit"): a shorter one among the first few is preferred.
_GLOSS_WORDS = 3
_GLOSS_LOOK = 4


def _brief(senses: Sequence[str]) -> str:
    """The first of the first few senses short enough to read as a gloss, else the first."""
    shorts = [_short(s) for s in senses]
    return next((s for s in shorts[:_GLOSS_LOOK] if 0 < len(s.split()) <= _GLOSS_WORDS), shorts[0])


def _fitting(entries: Sequence[Entry], hints: frozenset[str], press: str | None = None) -> str:
    """The first short sense that uses one of the asker's words, else ``press`` (the sense the
    newspapers use, :data:`_PRESS`), else the first short usable sense of the common (not
    proper-noun) entries (:func:`_brief`)."""
    common = [e for e in entries if not e.proper and _usable(e)] or list(entries)
    senses = [s for e in common for s in _usable(e)] or [s for e in common for s in e.senses]
    if not senses:
        return ""
    if hints:
        for sense in senses:
            text = _short(sense)
            fits = any(k in hints for k in english_key(text).split())
            if fits and len(text.split()) <= _GLOSS_WORDS + 2:
                return text
    return _brief(senses) if press is None else press


def _number(word: str) -> str | None:
    """一九四六年 -> "1946", 七百万 -> "7,000,000", 九百余 -> "900+", 五月 -> "May"."""
    m = re.fullmatch(rf"({ZH_NUMBER.pattern}|\d+)(余|多)?(年|月|日|号)?", word)
    if not m:
        return None
    value = zh_to_int(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
    if value is None:
        return None
    if m.group(3) == "月" and 1 <= value <= 12:
        return list(EN_MONTHS)[value - 1].title()
    text = digits(value)
    if m.group(2):
        text += "+"
    if m.group(3) in ("日", "号"):
        text = (
            f"{text}th"
            if 4 <= value % 100 <= 20
            else text + {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        )
    return text


def words(text: str, dictionary: Dictionary, hints: Iterable[str] = ()) -> list[Word]:
    """``text`` cut into words, each with its pinyin, senses, HSK level and gloss.

    ``hints``: the asker's English words; a sense that uses one of them is the fitting one.
    """
    asked = [h for h in hints if h.lower().strip("?.,!;:'\"") not in QUESTION_WORDS]
    keys = frozenset(k for h in asked for k in english_key(h).split())  # not "at" (at ease)
    out: list[Word] = []
    pieces: list[str] = []
    for piece in _segment(text):  # jieba cuts long numerals: 一千二百 / 七十户 is one number
        if pieces and ZH_NUMBER.fullmatch(pieces[-1]) and ZH_NUMBER.match(piece):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    for piece in pieces:
        if not _CJK.search(piece):
            punct = "".join(_PUNCT.get(ch, ch) for ch in piece)
            out.append(Word(piece, gloss=punct, kind="punct" if not piece.isalnum() else "other"))
            continue
        number = _number(piece)
        entries = dictionary.lookup(piece)
        pinyin = _pinyin_of(piece, dictionary)
        senses = tuple(_short(s) for e in entries for s in _usable(e))[:6]
        hsk = dictionary.hsk(piece)
        if number is not None:
            out.append(Word(piece, pinyin, senses, hsk, number, "number"))
        elif piece in _FUNCTION:
            out.append(Word(piece, pinyin, senses, hsk, _FUNCTION[piece], "word"))
        elif entries and all(e.proper or not _usable(e) for e in entries):
            proper = [e for e in entries if e.proper] or list(entries)
            out.append(Word(piece, pinyin, senses, hsk, _name(proper[0]), "name"))
        elif entries:
            gloss = _fitting(entries, keys, _PRESS.get(piece))
            out.append(Word(piece, pinyin, senses, hsk, gloss, "word"))
        else:
            out.extend(_unknown(piece, dictionary, keys))
    return out


_PLACE_SUFFIX = {
    "县": "county", "村": "village", "镇": "town", "庄": "village", "区": "district",
    "省": "province", "市": "city", "街": "street", "河": "river", "山": "mountain",
}  # fmt: skip


@functools.cache
def _surnames(dictionary: Dictionary) -> frozenset[str]:
    """Single characters the dictionary calls a surname."""
    rows = dictionary.surname_chars()
    return frozenset(rows)


def _split(piece: str, dictionary: Dictionary) -> list[str]:
    """``piece`` as dictionary words: fewest pieces, then fewest single characters."""
    n = len(piece)
    best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for i in range(n):
        current = best[i]
        if current is None:
            continue
        for j in range(i + 1, min(n, i + 8) + 1):
            part = piece[i:j]
            if j - i > 1 and part not in dictionary:
                continue
            cand = (current[0] + 1, current[1] + (j - i == 1), [*current[2], part])
            old = best[j]
            if old is None or cand[:2] < old[:2]:
                best[j] = cand
    final = best[n]
    return final[2] if final else list(piece)


def _unknown(piece: str, dictionary: Dictionary, keys: frozenset[str]) -> list[Word]:
    """A word the dictionary lacks: a person's name when it is 2-3 characters that start with
    a surname and do not split into a known word plus a character; a place when a known
    place ending follows a name; else the dictionary words it is made of."""
    pinyin = _pinyin_of(piece, dictionary)
    if 2 <= len(piece) <= 4 and piece[-1] == "氏" and piece[0] in _surnames(dictionary):
        # 氏 after a name is an honorific ("刘雨辰氏", "刘氏"): the name, in pinyin
        name = person_name(piece[:-1], dictionary)
        if name:
            return [Word(piece, pinyin, (), "", name, "name")]
    readings = " ".join(
        _reading(dictionary.lookup(ch)) if dictionary.lookup(ch) else ch for ch in piece
    )
    parts = _split(piece, dictionary)
    numeral = re.match(rf"(?:{ZH_NUMBER.pattern})(?:余|多)?", piece)
    count = numeral.group(0) if numeral else ""
    head = _number(count) if count and len(count) < len(piece) else None
    if head is not None:  # 三种: "3 kinds"; 六十二岁: "62 years-old"; 二百余家: "200+ …"
        rest = words(piece[len(count) :], dictionary, keys)
        return [Word(count, _pinyin_of(count, dictionary), (), "", head, "number"), *rest]
    if (
        2 <= len(piece) <= 3
        and piece[0] in _surnames(dictionary)
        and (len(parts) > 1 and len(parts[0]) == 1)
    ):
        return [Word(piece, pinyin, (), "", _pinyin_name(readings), "name")]
    if len(piece) >= 3 and piece[-1] in _PLACE_SUFFIX and piece[:-1] not in dictionary:
        head = " ".join(readings.split()[:-1])
        name = "".join(toneless(s) for s in head.split()).title()
        return [Word(piece, pinyin, (), "", f"{name} {_PLACE_SUFFIX[piece[-1]]}", "name")]
    out = []
    for part in parts:
        entries = dictionary.lookup(part)
        senses = tuple(_short(s) for e in entries for s in _usable(e))[:6]
        if part in _FUNCTION:
            g = _FUNCTION[part]
        elif entries and all(e.proper or not _usable(e) for e in entries):
            g = _name(entries[0])
        else:
            g = _fitting(entries, keys, _PRESS.get(part)) if entries else _pinyin_name(readings)
        out.append(Word(part, _pinyin_of(part, dictionary), senses, dictionary.hsk(part), g))
    return out


def gloss(text: str, dictionary: Dictionary, hints: Sequence[str] = ()) -> str:
    """The word-by-word gloss line of a Chinese sentence (multi-word senses hyphenated, so
    each Chinese word stays one English token: "trial-produce", "People's-Daily")."""
    parts: list[str] = []
    opening = ""  # an opening quote or bracket waits for the next word
    for w in words(text, dictionary, hints):
        g = w.gloss.strip()
        if not g:
            continue
        if w.kind == "punct" and w.text in "“‘《（【「『(":
            opening += g
            continue
        if opening:
            g, opening = opening + g, ""
            if w.kind != "punct":
                parts.append(g.replace(" ", "-") if w.kind != "name" else g)
                continue
        if w.kind == "punct":
            if parts:
                parts[-1] += g if g in ",.;:?!)]\"'" else " " + g
            else:
                parts.append(g)
            continue
        parts.append(g.replace(" ", "-") if w.kind != "name" else g)
    return " ".join(parts)
