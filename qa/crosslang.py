"""A question's words in the other language, for searching text the asker cannot search.

An English question over untranslated Chinese text becomes weighted Chinese terms; a Chinese
question over English-only text becomes weighted English terms. From the dictionary
(qa/dictionary.py): phrases first, longest first ("Yellow River" -> 黄河, "Chiang Kai-shek" ->
蒋介石, "People's Daily" -> 人民日报), then single words; names written in pinyin that the
dictionary lacks are read syllable by syllable against the index's own words ("Huayuankou" ->
hua yuan kou -> 花园口); numbers in both writings (qa/numbers.py: 1946 <-> 一九四六, 1,200 <->
一千二百). Only terms the index holds are kept, so a translation never searches for words
that cannot match.

Each :class:`Term` keeps the question word it came from: the terms search the other side
lexically (``Translation.weights``), and evidence (qa/service.py) asks how many of the
question's words a passage covers through their translations.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.lexical import LexicalIndex, known_word, tokenize
from qa.dictionary import NAME_SUFFIXES, Dictionary, english_key, lemma_keys, name_key
from qa.numbers import (
    EN_MONTHS,
    chinese_numbers,
    digits,
    english_numbers,
    int_to_zh,
    zh_forms,
)
from qa.places import KINDS

# Words that ask rather than name: never translated.
_EN_SKIP = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his "
    "how i if in into is it its itself of on or our she so than that the their them then there "
    "these they this those to was were what when where which who whom whose why will with "
    "would you your about after before during many much there any some other such same also "
    "only very just not no yes say said says tell told according give gave given happen "
    "happened one's s t get got make made use used year years time times day days people "
    "thing things kind".split()
)
_ZH_SKIP = frozenset(
    "的 了 是 在 和 与 及 等 也 都 就 而 并 又 之 其 这 那 个 有 为 对 把 被 吗 呢 啊 "
    "什么 哪些 哪 哪里 哪儿 哪个 哪一 谁 如何 怎么 怎样 怎么样 多少 几 为什么 是否 "
    "有没有 是不是 一下 请问 呀 吧 么 当时 时候 一共 总共 共 名 位 个 次 种 些 现在 后来 "
    "曾 曾经 要 能 会 可以 让 给 到 哪家 哪所 哪位 分别 到底 究竟 大概 大约".split()
)
# Verbs asked with (so skipped alone) that still head a phrase: "give up", "got married".
PHRASAL_HEADS = frozenset("give gave given get got make made".split())
QUESTION_WORDS = _EN_SKIP | _ZH_SKIP  # what asks, not what is asked about
# Latin letters with accents too: pinyin as students write it ("Lü Huisheng", "Sìpíng").
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_EN_TOKEN = re.compile(rf"[{_LATIN}]+(?:[-'’][{_LATIN}]+)*|\d[\d,.]*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
MAX_PHRASE = 5
# A word's dictionary translations are weighed by how often the index uses each, to this power
# ("white" -> 白色 before 白发, "Italian" -> 意大利 before 意大利人, "May" -> 五月 before 或将): the
# translation a text of the time would use. Chosen on the dev halves (bench/pseudo.py, the month).
FREQUENCY_PRIOR = 0.5
MAX_NAME_CANDIDATES = 3
# A name the question gives ("Changchun", "Yellow River") weighs this much more in the
# translated search than a common word's terms (力量 for "forces", 未经 for "without").
PROPER_WEIGHT = float(os.environ.get("ARCHIVE_QA_PROPER_WEIGHT", "2.0"))
# English questions whose words ask for a measure the dictionary cannot read from them: "how
# old" asks an age (岁, 现年), not 旧 ("old" as in "old things").
QUESTION_PHRASES = {"how old": ("岁", "现年", "年龄", "年纪")}
_QUESTION_PHRASE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in QUESTION_PHRASES) + r")\b", re.IGNORECASE
)
_MONTH_NAMES = frozenset(m.title() for m in EN_MONTHS)
_MONTH_NAME = "|".join(_MONTH_NAMES)
_EN_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_NAME})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_NAME})\b)"
)
# Capitalised words of newspaper names ("the Jining Daily" -> 济宁 日报).
TITLE_WORDS = {"Daily": "日报", "Weekly": "周报", "Gazette": "报"}
# A pinyin name before a kind of place ("Qin River", "Wenyu River", "Yangshi Street") is read
# with that kind's character: 沁河, 文峪河, 羊市街. The character keeps the reading honest: a
# name alone ("Wenyu") reads as the common word 文娱, and a one-syllable one as anything.
# The kinds qa/places.py knows (村庄屯寨堡, 街巷, 镇集乡, 区, 县, 省), and features of the land.
PLACE_KIND_CHARS = {
    **KINDS, "road": "路", "river": "河江水", "bridge": "桥", "mountain": "山", "lake": "湖",
}  # fmt: skip
# Chinese measures as English texts write them in pinyin ("a jin of flour", "30 mu of land").
PINYIN_MEASURES = {
    "jin": "斤", "liang": "两", "mu": "亩", "li": "里", "dan": "担", "dou": "斗", "sheng": "升",
    "chi": "尺", "cun": "寸", "zhang": "丈", "yuan": "元", "jiao": "角",
}  # fmt: skip
# Provinces (and cities) by their name and the pinyin of their one-character abbreviation, as
# regions of the 1940s are named: 冀鲁豫 (Hebei-Shandong-Henan, Ji-Lu-Yu), 晋察冀, 陕甘宁, 晋绥.
PROVINCE_ABBREVIATIONS = {
    "hebei": "冀", "ji": "冀吉", "shandong": "鲁", "lu": "鲁", "henan": "豫", "yu": "豫",
    "shanxi": "晋", "jin": "晋津", "chahar": "察", "cha": "察", "suiyuan": "绥", "sui": "绥",
    "shaanxi": "陕", "shaan": "陕", "shan": "陕", "gansu": "甘", "gan": "甘赣",
    "ningxia": "宁", "ning": "宁", "jiangsu": "苏", "su": "苏", "anhui": "皖", "wan": "皖",
    "zhejiang": "浙", "zhe": "浙", "hubei": "鄂", "e": "鄂", "hunan": "湘", "xiang": "湘",
    "jiangxi": "赣", "guangdong": "粤", "yue": "粤", "guangxi": "桂", "gui": "桂贵",
    "fujian": "闽", "min": "闽", "yunnan": "滇", "dian": "滇", "guizhou": "黔", "qian": "黔",
    "sichuan": "川", "chuan": "川", "liaoning": "辽", "liao": "辽", "jilin": "吉",
    "heilongjiang": "黑", "hei": "黑", "rehe": "热", "jehol": "热", "re": "热",
    "shanghai": "沪", "hu": "沪", "beijing": "京", "beiping": "平", "ping": "平",
    "tianjin": "津", "mongolia": "蒙", "meng": "蒙", "xinjiang": "新", "qinghai": "青",
}  # fmt: skip


@dataclass(frozen=True)
class Term:
    """One question word or phrase and its terms in the other language (weights: best 1)."""

    source: str
    targets: tuple[tuple[str, float], ...]
    kind: str  # dictionary, name (pinyin), number
    proper: bool = False  # a capitalised name past the question's first word ("Changchun")


@dataclass(frozen=True)
class Translation:
    side: str  # the side these terms search: "zh" for an English question
    terms: tuple[Term, ...] = ()
    untranslated: tuple[str, ...] = ()  # content words no term was found for
    _weights: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def pseudo(self) -> str:
        """The question said in the ``side``'s words: each term's best target, in question
        order. Embedded as a second query, it finds passages of that side by meaning where the
        model's own cross-lingual match falls short (qa/retrieve.py, PSEUDO)."""
        return " ".join(max(t.targets, key=lambda tw: tw[1])[0] for t in self.terms if t.targets)

    @property
    def weights(self) -> dict[str, float]:
        """Index tokens of the ``side`` with their weights, for a weighted BM25 search: each
        term's targets share its weight by theirs; a target's weight is spread over its tokens
        (a long word is not worth more than a short one)."""
        if not self._weights and self.terms:
            for term in self.terms:
                boost = PROPER_WEIGHT if term.proper else 1.0
                for target, w in term.targets:
                    toks = set(tokenize(target))
                    for tok in toks:
                        share = boost * w / len(toks)
                        if share > self._weights.get(tok, 0.0):
                            self._weights[tok] = share
        return self._weights

    def tokens(self, term: Term) -> set[str]:
        return {tok for target, _ in term.targets for tok in tokenize(target, bigrams=False)}


class Translator:
    """Translates questions against one lexical index (its vocabulary decides what is kept)."""

    def __init__(self, dictionary: Dictionary, lexical: LexicalIndex) -> None:
        self.dictionary = dictionary
        self.lexical = lexical

    def translate(self, question: str, language: str) -> Translation:
        if language == "en":
            return self._to_chinese(question)
        return self._to_english(question)

    # English -> Chinese ---------------------------------------------------------------------
    def _present_zh(self, word: str) -> bool:
        """Does the Chinese side hold ``word`` (as a token, or every bigram of it)?"""
        return self._zh_df(word) > 0

    def _zh_targets(self, phrase: str) -> list[tuple[str, float]]:
        found: dict[str, float] = {}
        title = TITLE_WORDS.get(phrase)  # "Daily" in a newspaper's name is 日报, not 每日
        words = [title] if title else []
        measure = PINYIN_MEASURES.get(phrase)  # lower-case only: "Li" is a name
        if measure:  # one character: jieba keeps it with its numeral (一斤, 每斤)
            words += [measure, f"一{measure}", f"每{measure}"]
        for word in words:
            if self._present_zh(word):
                found[word] = 1.0
        # "Marshall's": the name Marshall's key, not "marshall's"
        self._add_targets(found, [name_key(_POSSESSIVE.sub("", phrase)), english_key(phrase)])
        if not found and " " in phrase:  # "took over" -> take over, "gave up" -> give up
            head, rest = phrase.split(" ", 1)
            self._add_targets(found, [f"{key} {english_key(rest)}" for key in lemma_keys(head)])
        if not found and _GENDERED.search(phrase):  # CC-CEDICT's "spokesperson" (发言人)
            self._add_targets(found, [english_key(_GENDERED.sub("person", phrase))])
        if not found and " " not in phrase:  # "chosen", "demobilised", "Yangtze"
            later = lemma_keys(phrase)
            if phrase[:1].isupper():
                later += [f"{name_key(phrase)} {suffix}" for suffix in NAME_SUFFIXES]
            for key in later:
                self._add_targets(found, [key])
                if found:
                    break
        return _normalised(found)

    def _add_targets(self, found: dict[str, float], keys: Sequence[str]) -> None:
        for key in dict.fromkeys(keys):
            for zh, w in self.dictionary.english(key):
                df = self._zh_df(zh)  # kept only where the index holds it
                if df:
                    w *= self._prior(df, "zh")
                    if w > found.get(zh, 0.0):
                        found[zh] = w

    def _zh_df(self, word: str) -> float:
        """Passages holding ``word``; a word jieba cuts counts its rarest bigram, halved."""
        df: float = self.lexical.df(word, "zh")
        if not df and len(word) > 2:
            df = min(self.lexical.df(word[i : i + 2], "zh") for i in range(len(word) - 1)) / 2
        return df

    def _prior(self, df: float, side: str) -> float:
        """How much the index's own use of a word speaks for it as the translation."""
        return ((df + 1) / (self.lexical.passages_count(side) + 1)) ** FREQUENCY_PRIOR

    def _dates(self, question: str) -> tuple[list[Term], list[tuple[int, int]]]:
        """Dates the question gives ("May 20", "20 May") as the paper writes them (五月廿日,
        五月二十日, 廿日), and their spans: neither the month ("May", which is also 可以) nor
        the day is translated apart."""
        terms: list[Term] = []
        spans: list[tuple[int, int]] = []
        for m in _EN_DATE.finditer(question):
            month = EN_MONTHS[(m.group("m1") or m.group("m2")).lower()]
            day = int(m.group("d1") or m.group("d2"))
            if not 1 <= day <= 31:
                continue
            days = [f"{f}日" for f in zh_forms(day)] + [f"{day}日"]
            months = [f"{int_to_zh(month)}月", f"{month}月"]
            forms = [f"{m}{d}" for m in months for d in days] + days
            found = [f for f in forms if self._present_zh(f)]
            if found:
                terms.append(Term(m.group(0), tuple((f, 1.0) for f in found), "number"))
                spans.append((m.start(), m.end()))
        return terms, spans

    def _to_chinese(self, question: str) -> Translation:
        terms, dated = self._dates(question)
        for num in english_numbers(question):
            if any(a <= num.start < b for a, b in dated):
                continue
            if num.value == int(num.value) and num.value < 10**12:
                forms = [f for f in zh_forms(int(num.value)) if self._present_zh(f)]
                forms.append(digits(num.value).replace(",", ""))
                written = tuple((f, 1.0) for f in dict.fromkeys(forms))
                terms.append(Term(num.text, written, "number"))
        done = list(dated)  # spans translated as a whole: dates, "how old"
        for m in _QUESTION_PHRASE.finditer(question):
            done.append((m.start(), m.end()))
            found = [w for w in QUESTION_PHRASES[m.group(1).lower()] if self._present_zh(w)]
            if found:
                terms.append(Term(m.group(1), tuple((w, 1.0) for w in found), "dictionary"))
        words = [
            (m.group(0), m.start())
            for m in _EN_TOKEN.finditer(question)
            if m.group(0)[0].isalpha() and not any(a <= m.start() < b for a, b in done)
        ]
        untranslated: list[str] = []
        i = 0
        while i < len(words):
            matched = False
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                span = [w for w, _ in words[i : i + n]]
                if not _contiguous(question, words[i : i + n]):
                    continue
                head_skipped = span[0].lower() in _EN_SKIP and not (
                    n > 1 and span[0].lower() in PHRASAL_HEADS
                )
                if head_skipped or span[-1].lower() in _EN_SKIP:
                    continue
                phrase = " ".join(span)
                kind = "dictionary"
                if n == 1 and words[i][1] > 0 and phrase in _MONTH_NAMES:
                    # "in May 1946": the month, not 可以 (may); "March", not 行军
                    targets = [(f"{int_to_zh(EN_MONTHS[phrase.lower()])}月", 1.0)]
                else:
                    targets = self._zh_targets(phrase)
                if not targets and n == 2 and span[0][:1].isupper():
                    targets = self._place_targets(span[0], span[1])
                    kind = "name" if targets else kind
                if not targets and n == 1 and "-" in span[0]:
                    targets = self._region_targets(span[0])
                    kind = "name"
                if (not targets and n <= 3 and all(w[:1].isupper() for w in span)) or (
                    not targets and n == 1 and not self._is_english(span[0])
                ):
                    targets = self._pinyin_targets("".join(span))
                    kind = "name"
                if targets:
                    proper = kind == "name" or (
                        words[i][1] > 0 and all(w[:1].isupper() for w in span)
                    )
                    if proper and kind == "dictionary":
                        targets = self._names_first(targets)
                    terms.append(Term(phrase, tuple(targets), kind, proper))
                    i += n
                    matched = True
                    break
            if not matched:
                word = words[i][0]
                if word.lower() not in _EN_SKIP and len(word) > 2:
                    untranslated.append(word)
                i += 1
        return Translation("zh", tuple(terms), tuple(untranslated))

    def _region_targets(self, word: str) -> list[tuple[str, float]]:
        """A region named by its provinces ("Hebei-Shandong-Henan" -> 冀鲁豫, "Jin-Cha-Ji" ->
        晋察冀, "Shaan-Gan-Ning" -> 陕甘宁): each part's one-character abbreviation, where the
        index holds the whole."""
        parts = [PROVINCE_ABBREVIATIONS.get(p.lower(), "") for p in word.split("-")]
        if len(parts) < 2 or not all(parts):
            return []
        found = [
            "".join(chars)
            for chars in itertools.product(*parts)
            if self._present_zh("".join(chars))
        ]
        return [(w, 1.0) for w in found[:MAX_NAME_CANDIDATES]]

    def _is_english(self, word: str) -> bool:
        """A common English word (the dictionary has it as a meaning, not only as a name)."""
        return bool(self.dictionary.english(english_key(word))) and not word[:1].isupper()

    def _pinyin_targets(self, word: str) -> list[tuple[str, float]]:
        """Chinese words of the index whose pinyin is ``word`` ("Huayuankou" -> 花园口),
        most frequent first (at most three)."""
        word = plain_pinyin(word)
        if not word.isalpha() or len(word) < 4:
            return []
        found: dict[str, float] = {}
        for syllables in self.dictionary.pinyin_syllables(word):
            if not 2 <= len(syllables) <= 4 or any(len(s) < 2 for s in syllables):
                continue
            for cand in self._chains(tuple(syllables)):
                # a name jieba cut (花园/口) counts its rarest bigram, halved (a name met once
                # is still met: 刘玉 and 玉山 once each -> 刘玉山, df 0.5)
                df = self._zh_df(cand)
                if df:
                    found[cand] = max(found.get(cand, 0), df)
        return _ranked(found)

    def _place_targets(self, name: str, kind: str) -> list[tuple[str, float]]:
        """ "Qin River" -> 沁河: the name read in pinyin, then the kind's character
        (:data:`PLACE_KIND_CHARS`), where the index holds the whole as a word of its own or
        (two syllables and more) as bigrams; the most frequent first."""
        chars = PLACE_KIND_CHARS.get(kind.lower().removesuffix("s"), "")
        word = plain_pinyin(name)
        if not chars or not word.isalpha():
            return []
        found: dict[str, float] = {}
        one = set()  # read from one syllable
        # "Chengde county" is 承德 and 县, not a reading of cheng-de (城的)
        named = self._a_name(name)
        for syllables in self.dictionary.pinyin_syllables(word):
            if not 1 <= len(syllables) <= 3 or (len(syllables) > 1 and named):
                continue
            stems = (
                self._chains(tuple(syllables))
                if len(syllables) > 1
                else list(self.dictionary.chars(syllables[0]))
            )
            for stem in stems:
                for c in chars:
                    cand = stem + c
                    # one syllable and the kind make a bigram, which any text may hold
                    # (为河 in 改为河道): only a word of the dictionary or of jieba's counts
                    df = self._zh_df(cand)
                    if df and (len(cand) > 2 or cand in self.dictionary or known_word(cand)):
                        found[cand] = max(found.get(cand, 0.0), df)
                        if len(syllables) == 1:
                            one.add(cand)
        top = max(found.values(), default=0.0)
        # one syllable: its common reading, not every character read so
        return _ranked({w: df for w, df in found.items() if w not in one or df >= top / 2})

    def _names_first(self, targets: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """A capitalised word past the question's start is a name: the dictionary's names
        among its targets first ("Marshall" is 马歇尔 before 元帅, marshal), the rest at half
        their weight."""
        names = {
            zh
            for zh, _ in targets
            for e in self.dictionary.lookup(zh)
            if e.proper and not e.senses[0].startswith("surname")  # 党 is the Party, not Dang
        }
        if not names or len(names) == len(targets):
            return targets
        top = max(w for zh, w in targets if zh in names)
        return sorted(
            ((zh, round(w / top, 4) if zh in names else w / 2) for zh, w in targets),
            key=lambda kv: -kv[1],
        )

    def _a_name(self, word: str) -> bool:
        """Is ``word`` the name of a dictionary entry ("Chengde" -> 承德)?"""
        return any(
            e.proper
            for zh, _ in self.dictionary.english(name_key(word))
            for e in self.dictionary.lookup(zh)
        )

    def _chains(self, syllables: tuple[str, ...]) -> list[str]:
        """Character strings reading ``syllables`` whose every bigram the index holds."""
        partial = [c for c in self.dictionary.chars(syllables[0])]
        for syl in syllables[1:]:
            nxt = self.dictionary.chars(syl)
            partial = [
                p + c
                for p, c in itertools.product(partial, nxt)
                if self.lexical.df(p[-1] + c, "zh")
            ]
            if not partial or len(partial) > 5000:
                return []
        return partial

    # Chinese -> English ---------------------------------------------------------------------
    def _to_english(self, question: str) -> Translation:
        terms: list[Term] = []
        for n in chinese_numbers(question):
            text = digits(n.value)
            if self.lexical.df(tokenize(text)[-1] if tokenize(text) else text, "en"):
                terms.append(Term(n.text, ((text, 1.0),), "number"))
        untranslated: list[str] = []
        for run in _CJK_RUN.findall(question):
            for word in _segment(run):
                if word in _ZH_SKIP or _is_numeral(word):
                    continue
                targets = self._en_targets(word)
                if targets:
                    terms.append(Term(word, tuple(targets), "dictionary"))
                elif len(word) > 1:
                    untranslated.append(word)
        return Translation("en", tuple(terms), tuple(untranslated))

    def _en_targets(self, word: str) -> list[tuple[str, float]]:
        found: dict[str, float] = {}
        entries = self.dictionary.lookup(word)
        for entry in entries[:2]:
            kept = 0
            for pos, sense in enumerate(entry.senses):
                text = re.sub(r"\([^()]*\)|\[[^\]]*\]|[\u3400-\u9fff|]+", " ", sense)
                if re.match(r"\s*(?:surname|variant of|old variant|CL:|see |abbr\.)", text):
                    continue
                text = re.sub(r"^\s*to\s+", "", text)
                if entry.proper:  # a name: its leading capitalised words ("Jinzhou")
                    lead = re.split(r"[,;]", text)[0].split()
                    name = []
                    for w in lead:
                        if not w[:1].isupper():
                            break
                        name.append(w)
                    text = " ".join(name) or text
                toks = [t for t in tokenize(text) if self.lexical.df(t, "en")]
                if not toks or len(text.split()) > 6:
                    continue
                w = 1.0 / (1 + 0.5 * pos)
                w *= self._prior(min(self.lexical.df(t, "en") for t in toks), "en")
                phrase = " ".join(toks)
                found[phrase] = max(found.get(phrase, 0.0), w)
                kept += 1
                if kept >= 3:
                    break
        return _normalised(found)


def content_words(question: str, lang: str) -> list[str]:
    """The question's content words: Chinese jieba words, or stemmed English words; stop words
    and question words out."""
    if lang == "zh":
        words = [
            w
            for run in _CJK_RUN.findall(question)
            for w in _segment(run)
            if w not in _ZH_SKIP and not _is_numeral(w)
        ]
    else:
        words = [
            tok
            for m in _EN_TOKEN.finditer(question)
            if m.group(0)[0].isalpha() and m.group(0).lower() not in _EN_SKIP
            for tok in tokenize(m.group(0), bigrams=False)
        ]
    return list(dict.fromkeys(words))


def plain_pinyin(word: str) -> str:
    """Pinyin without tone marks, ü as v (the dictionary's toneless spelling): "Lǚ" -> "Lv",
    "Sìpíng" -> "Siping"."""
    decomposed = unicodedata.normalize("NFD", word).replace("u\u0308", "v").replace("U\u0308", "V")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_POSSESSIVE = re.compile(r"['’]s$")
_GENDERED = re.compile(r"(?<=[a-z])(?:wo)?m[ae]n$")


def _ranked(found: dict[str, float]) -> list[tuple[str, float]]:
    """Name candidates by their document frequency: the most frequent few, weighed by their
    share of the first's (at least 0.3)."""
    best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NAME_CANDIDATES]
    if not best:
        return []
    top = best[0][1]
    return [(w, max(0.3, df / top)) for w, df in best]


def _normalised(found: dict[str, float]) -> list[tuple[str, float]]:
    if not found:
        return []
    top = max(found.values())
    return sorted(((k, round(v / top, 4)) for k, v in found.items()), key=lambda kv: -kv[1])


def _contiguous(text: str, words: Sequence[tuple[str, int]]) -> bool:
    """Words separated by spaces or hyphens only (no comma or full stop between them)."""
    for (w, start), (_, nxt) in itertools.pairwise(words):
        if text[start + len(w) : nxt].strip(" -"):
            return False
    return True


def _is_numeral(word: str) -> bool:
    return bool(re.fullmatch(r"[零〇一二两三四五六七八九十百千万亿廿卅\d]+[年月日号天]?", word))


@functools.lru_cache(maxsize=4096)
def _segment(run: str) -> tuple[str, ...]:
    from index.lexical import _jieba

    return tuple(_jieba().lcut(run))
