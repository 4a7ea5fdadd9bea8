"""Follow-up questions: a conversation's memory, and the follow-up resolved with it (no LLM).

A student asks "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?" and then
"What else did it make?". The second question alone names nothing to search for; with the
conversation's memory (the thing in focus and the last question as searched) it becomes
"What else did the Jinzhou Electric Furnace Factory make?". Three kinds of follow-up are
resolved, in English and Chinese:

- **a pronoun** for the thing in focus: it / its / they / their / he / his / she / her;
  它 / 他 / 她 / 他们 / 该厂 / 这家工厂 / 其 -> replaced by the thing in focus. A Chinese question
  with no subject of its own ("还生产了什么？") gets the thing in focus in front.
- **another time**: "And in 1966?", "What about 1961?", "那一九六〇年呢？" -> the last question with
  its year (or date) replaced, or with the new one added; a time in words is read against the
  year asked about ("And at the end of that same year?" after "… in early 1961?" -> "… at the
  end of 1961?"; "the following year" -> 1962).
- **another thing**: "How about the quartz glass factory?", "What about Xingtai?", "石英玻璃厂呢？"
  -> the last question with its thing in focus replaced; "And with the old one?" -> the last
  question with that phrase added.

"该厂" / "该矿" stand for the factory or mine the last question named ("锦州的无线电厂"); after a
who-question, "he" / "他" is the person the answer gave: the memory holds the name its quotes
tie to the question's own words ("谁被选为董事长？" -> 贾林放; :func:`person_given`), and the
follow-up asks about that person ("他是哪里的资本家？" -> "贾林放是哪里的资本家？"). When the
answer named no one (or, for an English asker, only in Chinese), the question is left as it
is and follows the article in focus.

A question that names its own subject stands alone and is never rewritten, pronouns or not
("When did Lin Biao send his secretary to the villages?"). The memory is a value: the web chat
rebuilds it from the user turns of the history it is given (:func:`replay`), the terminal chat
keeps it between lines; "New topic / 新话题" empties it.

The memory also holds **the article in focus**: the one the last answer's first source came
from. A follow-up about the same thing (a pronoun, another time, another question about it) or
one that names nothing of its own ("Who called that meeting?", "其中儿童有多少？") *follows* the
conversation, and its search prefers passages of that article (qa/retrieve.py, ``focus``); a
question that moves to another thing ("What about the Jiaozuo coal mine?") or names its own
does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from qa.persons import SURNAMES
from qa.question import posseg

# --- the thing in focus ------------------------------------------------------------------

_EN_QUESTION_WORDS = frozenset(
    "what when where who whom whose which why how did does do was were is are has have had "
    "can could would will should and but also in on at by for of the a an".split()
)
# A run of capitalised words (with "of", "and", "the" between them): "the Jinzhou Electric
# Furnace Factory", "Xin Dazhong", "the Hebei-Shandong-Henan Daily".
_EN_NAME = re.compile(
    r"(?:\b[Tt]he\s+)?(?:[A-Z][\w'’.\-]*)(?:\s+(?:(?:of|and|for|the|de)\s+)*[A-Z][\w'’.\-]*)*"
)
# Otherwise "the <up to four words>" before a verb or preposition: "the quartz glass factory".
_EN_THE = re.compile(
    r"\bthe\s+((?:(?!(?:is|was|were|are|did|does|do|has|have|had|make|made|in|on|at|of|"
    r"for|to|by|from|with|after|before|during|when|that|which|who)\b)[a-z][\w'’\-]*\s*){1,4})",
    re.IGNORECASE,
)
# Lower-case words that finish a name: "Jinzhou" + " factory", "Xingtai" + " workers' federation".
_EN_HEAD = re.compile(
    r"(?:\s+(?:[a-z]+['’]?\s+){0,2}(?:factory|factories|plant|mill|mine|pit|works|company|"
    r"federation|union|council|county|province|region|village|city|town|school|university|"
    r"college|hospital|army|troupe|bank|bookstore|magazine|daily|paper|railway|river|party|"
    r"government|office|bureau|association|station|route|farm|cemetery|meeting|conference))\b"
)
_EN_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her)\b", re.IGNORECASE)
_POSSESSIVE = frozenset({"its", "their", "his", "her"})
_PERSONS = frozenset({"he", "him", "his", "she", "her"})
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HANS = re.compile(r"[\u4e00-\u9fff]+").fullmatch

_ZH_PRONOUN = re.compile(
    r"(?:该|这个|那个|这家|那家|此)(?:[厂矿报社校军部会局]|工厂|报纸|公司|学校|部队|组织|机关|地方|城市)"
    r"|他们|她们|它们|它|他|她|(?<!尤)其(?![中他它实余次])"
)
# jieba part-of-speech flags of a Chinese subject: nouns, names, places, organisations.
_ZH_NOUN = re.compile(r"^(?:n|nr|nrfg|nrt|ns|nt|nz|nl|ng|j|b)$")
_ZH_NAME = re.compile(r"^(?:nr|nrfg|nrt|ns|nt|nz|j)$")

# --- other times -------------------------------------------------------------------------

_EN_YEAR = re.compile(
    r"\b(?:(?:in|during|by|of|for|at)\s+)?(?:(?:early|late|mid-?|the\s+(?:end|beginning|start|"
    r"middle)\s+of)\s+)?(?:(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+)?(?:1[89]\d\d|20\d\d)\b|\b(?:this|last|next)\s+year\b",
    re.IGNORECASE,
)
# A time said in words, relative to the year asked about before: "at the end of that same
# year", "the following year", "two years later", "in the past", "now".
_EN_WHEN = re.compile(
    r"(?:(?:at|by|in|towards?)\s+the\s+(?:end|beginning|start|middle)\s+of\s+)?"
    r"(?:(?:in\s+)?(?:that|the)\s+(?:same\s+)?year|(?:the\s+)?(?:next|following|previous)\s+year|"
    r"(?:a|one|two|three|\d)\s+years?\s+(?:later|earlier|before)|the\s+year\s+(?:after|before)|"
    r"(?:this|last|next)\s+year|"
    r"later(?:\s+on)?|earlier|afterwards|now|today|at\s+first|in\s+the\s+past|before\s+that|"
    r"after\s+that|before\s+the\s+war|after\s+the\s+war)",
    re.IGNORECASE,
)
_EN_NUMBER = {"a": 1, "one": 1, "two": 2, "three": 3}
_ZH_TIME = re.compile(
    r"(?:[〇零一二三四五六七八九十\d]{2,4}|同一|这一|那一|当)年(?:[一二三四五六七八九十\d]{1,2}月)?"
    r"[初底末中]?"
)
# Times a Chinese ellipsis may ask about instead: "那原来呢？", "过去呢？", "现在呢？"
_ZH_WHEN = re.compile(r"原来|过去|以前|从前|现在|目前|当时|抗战前|抗战后|战前|战后|今年|去年|明年")

# --- ellipses ----------------------------------------------------------------------------

_EN_ELLIPSIS = re.compile(
    r"^(?:and|but|also|ok(?:ay)?|so)?[\s,]*(?:what|how)\s+about\s+(?P<x>.+?)\s*[?.!]*$"
    r"|^(?:and|but|also)[\s,]+(?P<y>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
# "How many are there now?", "How many were there in 1965?": the same count at another time.
_EN_AGAIN = re.compile(
    r"^(?:and\s+)?how\s+(?:many|much)(?:\s+(?:are|were|is|was)\s+there)?\s+(?P<when>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
# "when the army liberated the city": a time said by a clause, to the question's end; not a
# question ("when was it").
_EN_WHEN_CLAUSE = re.compile(
    r"\b(?:when|by\s+the\s+time)\s+(?!(?:was|were|is|are|did|does|do|will|would|had|has|have|"
    r"can|could|should)\b)[^?.!]*(?=[?.!]*$)",
    re.IGNORECASE,
)
_ZH_ELLIPSIS = re.compile(r"^(?:那么?|那个|还有|而|那在)?(?P<x>.{1,16}?)呢[？?。！!]*$")


@dataclass(frozen=True)
class Memory:
    """What a conversation remembers: the thing in focus and the last question as searched."""

    subject: str = ""
    question: str = ""
    language: str = ""
    articles: tuple[str, ...] = ()  # the article in focus (the last answer's first source)
    # The person the last answer named when the last question asked for one ("谁被选为董事长？"
    # -> 贾林放): "他" / "he" in the next question is that person.
    person: str = ""

    def __bool__(self) -> bool:
        return bool(self.question)


@dataclass(frozen=True)
class Resolved:
    """A question as it will be searched, whether it was rewritten, and the memory after it."""

    asked: str
    searched: str
    memory: Memory
    follows: bool = False  # about the article in focus: its search prefers that article

    @property
    def rewritten(self) -> bool:
        return self.searched != self.asked


def resolve(question: str, language: str, memory: Memory | None = None) -> Resolved:
    """``question`` read with the conversation's ``memory``: rewritten when it is a follow-up
    (a pronoun, another time, another thing), left as it is when it stands alone."""
    memory = memory or Memory()
    text = " ".join(question.split())
    rewritten = None
    if memory and memory.language == language:
        rewrite = _rewrite_zh if language == "zh" else _rewrite_en
        rewritten = rewrite(text, memory)
    if rewritten is None:
        follows = bool(memory.articles) and (
            not names(text, language) or refers_back(text, language)
        )
        articles = memory.articles if follows else ()
        fresh = Memory(subject_of(text, language), text, language, articles)
        return Resolved(text, text, fresh, follows)
    searched, subject = rewritten
    # Not when it moves to another thing; the same thing named more fully ("济源" ->
    # "济源磕井煤矿" for "该矿") or more briefly is still the same thing.
    old = memory.subject
    follows = subject in (old, memory.person) or bool(
        subject and old and (subject in old or old in subject)
    )
    articles = memory.articles if follows else ()
    # The person a conversation is about stays in it while it follows ("How old is he?", then
    # "Where did he study?"); the answer may name another (``remember`` in qa/service.py).
    person = memory.person if follows else ""
    memory = Memory(subject, searched, language, articles, person)
    return Resolved(text, searched, memory, follows)


def names(question: str, language: str) -> bool:
    """Does the question name something of its own: a person, place, organisation or title,
    a Chinese compound of four characters or more ("大兴烟草公司", "秀水河子", which jieba
    does not always tag as names), Chinese words in an English question?"""
    if language == "zh":
        return bool(_zh_names(question)) or any(len(run) >= 4 for run, _ in _noun_runs(question))
    return _names(question) or bool(_HAN.search(question))


_ZH_THIS = re.compile(
    r"(?:这|那|该|此)(?:项|次|个|些|种|件|场|批|位|名|家|所|座|条|篇|份|届|回|笔)"
    r"(?:[\u4e00-\u9fff])"
)
_EN_THIS = re.compile(r"\b(?:this|these|those)\s+[a-z]", re.IGNORECASE)


def refers_back(question: str, language: str) -> bool:
    """Does the question point back at what was said ("从事这项工作的职工", "these
    transistors")? It follows the conversation even when it names things of its own."""
    return bool((_ZH_THIS if language == "zh" else _EN_THIS).search(question))


def replay(
    questions: Iterable[str],
    language_of: object,
    articles: tuple[str, ...] = (),
    quotes: tuple[str, str] = ("", ""),
    person: str | None = None,
) -> Memory:
    """The memory after ``questions`` (the user turns of a chat history, oldest first);
    ``language_of`` tells each question's language (qa.answer.detect_language); ``articles``
    is the article in focus after the last of them (where the last answer came from) and
    ``quotes`` its quoted sentences (English, Chinese), which may name the person it asked;
    ``person``, when given, is the person the conversation is about (as remembered)."""
    memory = Memory()
    for q in questions:
        if not q.strip():
            continue
        memory = resolve(q, language_of(q), memory).memory  # type: ignore[operator]
    if not memory:
        return memory
    if person is None:
        person = person_given(memory.question, memory.language, *quotes)
    return replace(memory, articles=articles, person=person)


_EN_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b")
_NAME_TAGS = ("nr", "nrfg", "nrt")


def person_given(
    question: str,
    language: str,
    quote_en: str,
    quote_zh: str,
    romanise: Callable[[str], str] | None = None,
) -> str:
    """The person an answer's quotes name, when ``question`` (as searched) asked for one, and
    the question does not give: in Chinese the name nearest the question's own words, in a
    clause that holds them (贾林放 in "选出贾林放为董事长"); in English the first full name
    ("Wang Jinxi"); "" otherwise. An English asker never gets Chinese characters in a question
    (a Chinese name in an English question led its search astray over the dialogue sets): over
    an English quote the name it gives, over a Chinese-only quote the first person's name in
    it, in pinyin by ``romanise`` ("Liu Yuchen"), which the dictionary search turns back into
    the name."""
    if not _asks_person(question):
        return ""
    if language == "en":
        for m in _EN_FULL_NAME.finditer(quote_en):
            name = m.group(0)
            if name not in question and not any(
                w.lower() in _EN_QUESTION_WORDS for w in name.split()
            ):
                return name
        if quote_en.strip() or romanise is None:
            return ""
        chinese = _zh_person(question, quote_zh, anchored=False)
        name = romanise(chinese) if chinese else ""
        return "" if name in question else name
    return _zh_person(question, quote_zh)


def _zh_person(question: str, quote_zh: str, anchored: bool = True) -> str:
    """The person ``quote_zh`` names: ``anchored``, the name nearest the question's own words
    in a clause that holds them; else the first name it gives."""
    words = posseg(quote_zh)
    at = [0]
    for w, _ in words:
        at.append(at[-1] + len(w))
    # the question's own words, not its names (the place is named everywhere in the article)
    anchors = [
        m.start()
        for w, flag in posseg(question)
        if len(w) > 1 and flag[0] in "nv" and not _ZH_NAME.match(flag)
        for m in re.finditer(re.escape(w), quote_zh)
    ]
    found: list[tuple[int, int, str]] = []  # (distance to the question's words, place, name)
    for i, (word, flag) in enumerate(words):
        after = "".join(w for w, _ in words[i + 1 : i + 3])
        if word in SURNAMES and i + 1 < len(words):  # 刘/zg 秀峰/n: a surname, its given name
            given, tag = words[i + 1]
            if len(given) <= 2 and tag in ("nr", "nz", "n", "j", "ns", "x") and _HANS(given):
                word, flag = word + given, "nr"
                after = "".join(w for w, _ in words[i + 2 : i + 4])
        if not (
            flag in _NAME_TAGS
            and 2 <= len(word) <= 4
            and word[0] in SURNAMES  # not 冀鲁豫, which jieba tags as a name
            and after[:1] not in _PLACE_ENDS  # not 彭城 / 镇
            and (anchored or word[-1] not in _PLACE_ENDS)  # not 彭城镇, unless the clause says
            and word not in question
        ):
            continue
        # jieba cuts some three-character names short: "选出贾林放为董事长" -> 贾林 / 放为
        if (
            len(word) == 2
            and len(after) > 1
            and after[0] not in _NOT_IN_NAME
            and after[1] in _AFTER_NAME
        ):
            word += after[0]
        here = at[i]
        lo = max(quote_zh.rfind(c, 0, here) for c in _CLAUSE_ENDS) + 1
        hi = min(
            (j for j in (quote_zh.find(c, here) for c in _CLAUSE_ENDS) if j >= 0),
            default=len(quote_zh),
        )
        near = [abs(a - here) for a in anchors if lo <= a < hi] if anchored else [0]
        if near:
            found.append((min(near), here, word))
    # a name in a clause with the question's own words ("选出议长刘秀峰" for "选谁当了议长？"),
    # the nearest of them; not one in another clause ("确定施政方针")
    return min(found)[2] if found else ""


# A name's last character is not one of these; a name is often followed by one of the next.
_NOT_IN_NAME = frozenset("说为是在和与及等的了同向从对将把被也都就又已曾")
_AFTER_NAME = frozenset("为是说，、。；（(等同先")
_PLACE_ENDS = frozenset("省市县村镇区乡庄街路河山港城口岛")
_CLAUSE_ENDS = "，。；！？：,;:!?"


def subject_of(question: str, language: str) -> str:
    """The thing a question is about: its first name-like phrase ("the Jinzhou Electric
    Furnace Factory", "锦州电炉厂"), or "" when it names none."""
    if language == "zh":
        return _zh_subject(question)
    for m in _EN_NAME.finditer(question):
        if _in_compound(question, m):
            continue
        phrase = m.group(0).strip(" .'’")
        words = phrase.split()
        while words and words[0].lower() in _EN_QUESTION_WORDS and words[0] != "the":
            words = words[1:]
        if not words or all(w.lower() in _EN_QUESTION_WORDS for w in words):
            continue
        if len(words) == 1 and words[0] in ("I", "May"):
            continue
        name = re.sub(r"['’]s$", "", " ".join(words))
        head = _EN_HEAD.match(question, m.end())
        return name + head.group(0) if head and not name.endswith("'s") else name
    the = _EN_THE.search(question)
    return "the " + the.group(1).strip() if the else ""


Rewrite = tuple[str, str]  # (what is searched, the thing in focus after it)


def _rewrite_en(text: str, memory: Memory) -> Rewrite | None:
    subject = memory.subject
    again = _EN_AGAIN.match(text)
    if again and re.match(r"how\s+(?:many|much)\b", memory.question, re.IGNORECASE):
        when = again.group("when")
        if _EN_YEAR.fullmatch(when) or _EN_WHEN.fullmatch(when):
            # "How many are there now?": the last question's count, at another time
            return _with_time_en(memory.question, when), subject
    m = _EN_ELLIPSIS.match(text)
    if m:
        x = (m.group("x") or m.group("y") or "").strip(" ?.!")
        if _EN_YEAR.fullmatch(x) or _EN_WHEN.fullmatch(x) or _EN_WHEN_CLAUSE.match(x):
            # "And in 1966?", "And when the Eighth Route Army liberated the city?"
            return _with_time_en(memory.question, x), subject
        prep = re.match(r"(with|without|for|from|to|on|under|at|in|by|after|before)\s", x, re.I)
        if prep and _short_phrase(x):
            # "And with the old one?", "And in Xiaoli village?": the same question, that way
            return _with_phrase(memory.question, subject, x, prep.group(1)), subject
        if re.match(r"(?:how|what|who|where|when|which|why)\b", x, re.IGNORECASE):
            # "And how many members?": the same thing, another question about it
            return f"{x[0].upper()}{x[1:]} ({subject})?" if subject else x, subject
        if m.group("x") or _short_phrase(x):
            kin = _kin_en(memory.question, subject, x)
            if kin:  # "And the vice-chairman?" after "Who was elected chairman of …?"
                return kin, subject
            return _with_subject(memory.question, subject, x), x
    pronoun = _EN_PRONOUN.search(text)
    if _names(text) or (pronoun and _EN_THE.search(text[: pronoun.start()])):
        return None  # it names its own subject (before the pronoun): it stands alone
    if pronoun and pronoun.group(1).lower() in _PERSONS and _about_a_person(memory.question):
        if memory.person:  # the person the answer gave: "Where was he from?" -> "… Jia Linfang …"
            person = memory.person
            word = pronoun.group(1).lower()
            name = person + ("'s" if word in _POSSESSIVE else "")
            return text[: pronoun.start()] + name + text[pronoun.end() :], person
        # the answer named no one the memory holds: the question as it is, with what the
        # last one was about beside it
        return (f"{text.rstrip(' ?.!')} ({subject})?" if subject else text), subject
    if subject and pronoun:

        def swap(m: re.Match[str]) -> str:
            word = m.group(1).lower()
            return subject + ("'s" if word in _POSSESSIVE else "")

        return _EN_PRONOUN.sub(swap, text, count=1), subject
    return None


def _names(text: str) -> bool:
    """Does an English question name something (a capitalised name past its first word)?"""
    return any(
        not all(w.lower() in _EN_QUESTION_WORDS for w in m.group(0).split())
        and m.group(0) not in ("I", "May")
        for m in _EN_NAME.finditer(text)
        if not _in_compound(text, m)
    )


def _in_compound(text: str, m: re.Match[str]) -> bool:
    """A capitalised word inside a lower-case compound ("anti-Japanese") names nothing."""
    return m.start() > 0 and text[m.start() - 1] == "-"


def _short_phrase(x: str) -> bool:
    """Is ``x`` a noun phrase ("And the quartz glass factory?"), not a sentence?"""
    words = x.split()
    verbs = {"is", "was", "were", "are", "did", "does", "do", "has", "have", "had", "can"}
    return 0 < len(words) <= 10 and not any(w.lower() in verbs for w in words)


def _with_time_en(question: str, when: str) -> str:
    """The last question at another time: its time replaced by ``when`` (a year, or words
    relative to the year it asked about), or ``when`` added."""
    when = when.strip(" ?.!")
    asked = _EN_YEAR.search(question)
    year = re.sub(r"\D", "", asked.group(0))[-4:] if asked else ""
    if year and _EN_WHEN.fullmatch(when):
        when = _relative_year(when, int(year))
    if not re.match(
        r"(?:in|during|by|on|of|at|to|the|a|one|two|three|\d|later|earlier|"
        r"afterwards|now|today|before|after|this|last|next|when|by the time)\b",
        when,
        re.IGNORECASE,
    ):
        when = f"in {when}"
    if asked:
        return question[: asked.start()] + when + question[asked.end() :]
    # "before the war" -> "when the army liberated the city" -> "now"
    said = _EN_WHEN.search(question) or _EN_WHEN_CLAUSE.search(question)
    if said:
        start = said.start()
        before = re.search(r"\b(?:in|at|by|during)\s+$", question[:start])
        start = before.start() if before and not when.lower().startswith(("in ", "at ")) else start
        return question[:start] + when + question[said.end() :]
    return re.sub(r"\s*([?.!]*)$", lambda m: f" {when}{m.group(1) or '?'}", question, count=1)


def _relative_year(when: str, year: int) -> str:
    """ "at the end of that same year" after 1961 -> "at the end of 1961"; "the following
    year" -> "in 1962"; "two years later" -> "in 1963"; other words stay as they are."""
    if re.search(r"\b(?:that|the)\s+(?:same\s+)?year\b", when, re.IGNORECASE) and not re.search(
        r"next|following|previous|after|before", when, re.IGNORECASE
    ):
        out = re.sub(r"(?:in\s+)?(?:that|the)\s+(?:same\s+)?year", str(year), when, flags=re.I)
        return out if re.match(r"(?:at|by|in|towards?)\b", out, re.IGNORECASE) else f"in {out}"
    shift = 0
    if re.search(r"next|following|year after", when, re.IGNORECASE):
        shift = 1
    elif re.search(r"previous|year before", when, re.IGNORECASE):
        shift = -1
    else:
        m = re.match(r"(a|one|two|three|\d)\s+years?\s+(later|earlier|before)", when, re.I)
        if m:
            n = _EN_NUMBER.get(m.group(1).lower()) or int(m.group(1))
            shift = n if m.group(2).lower() == "later" else -n
    return f"in {year + shift}" if shift else when


def _with_phrase(question: str, subject: str, phrase: str, prep: str) -> str:
    """The last question with ``phrase`` ("with the old one") in place of its own phrase
    with the same preposition about the thing in focus, or added at its end."""
    phrase = phrase.strip(" ?.!")
    own = (
        re.search(rf"\b{prep}\s+{re.escape(subject)}", question, re.IGNORECASE) if subject else None
    )
    if own:
        return question[: own.start()] + phrase + question[own.end() :]
    return re.sub(r"\s*([?.!]*)$", lambda m: f" {phrase}{m.group(1) or '?'}", question, count=1)


def _kin_en(question: str, subject: str, x: str) -> str:
    """The last question with one of its words (not of the thing in focus) replaced by ``x``
    when ``x`` is that word made more specific: "chairman" -> "vice-chairman", "members" ->
    "women members"; else ""."""
    words = x.strip(" ?.!").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if not 1 <= len(words) <= 3:
        return ""
    head = words[-1].lower()
    outside = question.replace(subject, " " * len(subject)) if subject else question
    for m in re.finditer(r"[A-Za-z][\w\-]*", outside):
        word = m.group(0).lower()
        refined = re.search(rf"-{re.escape(word)}$", head) or (word == head and len(words) > 1)
        if len(word) >= 4 and refined:
            return question[: m.start()] + " ".join(words) + question[m.end() :]
    return ""


def _kin_zh(question: str, x: str) -> str:
    """The same for Chinese: "主席" in the last question, "副主席呢？" -> "副主席"."""
    for size in range(len(x) - 1, 1, -1):
        at = question.find(x[-size:])
        if at >= 0 and question[max(0, at - len(x) + size) : at + size] != x:
            return question[:at] + x + question[at + size :]
    return ""


def _with_subject(question: str, subject: str, new: str) -> str:
    new = new.strip(" ?.!？。！")
    if subject and subject in question:
        return question.replace(subject, new, 1)
    return f"{new}: {question}" if question else new


def _rewrite_zh(text: str, memory: Memory) -> Rewrite | None:
    subject = memory.subject
    m = _ZH_ELLIPSIS.match(text)
    if m and not _has_verb(m.group("x")):
        x = m.group("x")
        if _ZH_TIME.fullmatch(x) or _ZH_WHEN.fullmatch(x):
            return _with_time_zh(memory.question, x, subject), subject
        if re.fullmatch(r"[〇零一二三四五六七八九十\d]{2,4}", x):
            return _with_time_zh(memory.question, x + "年", subject), subject
        kin = _kin_zh(memory.question, x)
        if kin:  # "那副主席呢？" after "谁当选为主席？"
            return kin, subject
        if not _zh_subject(x):  # "最少呢？": the same thing, another side of it
            return memory.question.rstrip("？?。") + "，" + x + "？", subject
        return _with_subject(memory.question, subject, x), x
    starts = bool(_ZH_PRONOUN.match(text)) or text.startswith(("这些", "那些"))
    if _zh_names(text) and not starts:
        return None  # it names its own subject: it stands alone
    if subject and starts and text.startswith(("这些", "那些")):
        return subject + "的" + text[2:], subject
    pronoun = _ZH_PRONOUN.search(text)
    if pronoun and pronoun.group(0) in _ZH_PERSONS and _asks_who(memory.question):
        # "谁被选为董事长？" then "他是哪里的资本家？": he is the person the answer gave
        if not memory.person:
            return None
        return text[: pronoun.start()] + memory.person + text[pronoun.end() :], memory.person
    if subject and pronoun:
        referent = _zh_referent(memory.question, subject, pronoun.group(0))
        return text[: pronoun.start()] + referent + text[pronoun.end() :], referent
    if subject and not _zh_subject(text) and re.match(r"^(?:还|又|也|都|后来|当时)", text):
        return subject + text, subject
    return None


_ZH_PERSONS = frozenset({"他", "她", "他们", "她们"})


def _asks_who(question: str) -> bool:
    return bool(re.search(r"谁|哪位|什么人|\b[Ww]ho\b", question))


_EN_PERSON = re.compile(
    r"\b(?:which|what)\s+(?:[\w'’-]+\s+){0,2}?(?:person|man|woman|worker|expert|official|"
    r"leader|general|commander|hero|teacher|soldier|farmer|peasant|writer|member|delegate|"
    r"councillor|chairman|director|engineer|doctor|student|girl|boy)\b"
    r"|\b(?:he|him|his|she|her)\b",
    re.IGNORECASE,
)


def _asks_person(question: str) -> bool:
    """Does the question ask for a person ("谁…", "Who …?", "Which worker …?")?"""
    m = _EN_PERSON.search(question)
    return _asks_who(question) or bool(m and m.group(0).lower() not in _PERSONS)


def _about_a_person(question: str) -> bool:
    """Did the last question ask for a person ("Who …?", "Which veteran worker …?"), or speak
    of one already ("How old is he?")? Then "he" is that person, not the thing in focus."""
    return _asks_who(question) or bool(_EN_PERSON.search(question))


def _zh_referent(question: str, subject: str, pronoun: str) -> str:
    """What "该厂" or "这个矿" stands for: the last question's noun ending in 厂 or 矿, with the
    nouns (and 的) before it and the place named just before those ("锦州的无线电厂", "济源磕井
    煤矿"); else the thing in focus."""
    head = re.search(r"[厂矿报社校军部会局]$", pronoun)
    words = posseg(question)
    ends = [
        i
        for i, (w, flag) in enumerate(words)
        if head and w.endswith(head.group(0)) and _ZH_NOUN.match(flag)
    ]
    if not ends:
        return subject
    start = ends[0]
    while start > 0 and (_ZH_NOUN.match(words[start - 1][1]) or words[start - 1][0] == "的"):
        start -= 1
    span = [w for w, _ in words[start : ends[0] + 1]]
    while span and span[0] == "的":
        span = span[1:]
    found = "".join(span)
    at, there = question.find(subject), question.find(found)
    if subject and subject not in found and 0 <= at < there:
        between = _ZH_WHEN.sub("", question[at + len(subject) : there])  # not "原来"
        if len(between) <= 3:
            found = subject + between + found
    return found if 1 < len(found) <= 12 else subject


_ZH_INSTITUTION = re.compile(
    r"(?:(?![有是的多少几在了什么哪谁])[\u4e00-\u9fff]){0,5}?(?:厂|矿|社|校|局|院|公司)(?=[^\u4e00-\u9fff]|[^厂矿社校局院司])"
)


def _with_time_zh(question: str, when: str, subject: str = "") -> str:
    if _ZH_TIME.search(question):
        return _ZH_TIME.sub(when, question, count=1)
    if _ZH_WHEN.search(question):  # "现在有多少工人？" then "那原来呢？"
        return _ZH_WHEN.sub(when, question, count=1)
    if not (subject and question.startswith(subject)):
        subject = _zh_subject(question)
    if subject and (whole := _ZH_INSTITUTION.match(question, len(subject))):
        subject += whole.group(0)  # "济源磕井煤矿", not "济源", before the time
    if subject and question.startswith(subject):
        return subject + when + question[len(subject) :]
    return when + question


def _has_verb(text: str) -> bool:
    return any(flag == "v" and word not in ("在",) for word, flag in posseg(text))


def _zh_names(text: str) -> list[str]:
    """Names the question gives (places, people, organisations, other proper nouns)."""
    titles = re.findall(r"《[^》]+》", text)
    return titles + [w for w, flag in posseg(text) if _ZH_NAME.match(flag) and len(w) > 1]


def _noun_runs(text: str) -> list[tuple[str, bool]]:
    """The runs of nouns in a Chinese question, each with whether it holds a name."""
    runs: list[tuple[str, bool]] = []
    current: list[str] = []
    has_name = False
    for word, flag in (*posseg(text), ("", "x")):
        if word and _ZH_NOUN.match(flag) and not _ZH_PRONOUN.fullmatch(word):
            current.append(word)
            has_name = has_name or bool(_ZH_NAME.match(flag))
            continue
        if current:
            runs.append(("".join(current), has_name))
        current, has_name = [], False
    return runs


def _zh_subject(text: str) -> str:
    """The first run of nouns that holds a name, else the first run of nouns (two
    characters or more): "锦州电炉厂" in "锦州电炉厂1965年试制成功了什么电炉？"."""
    runs = [
        (run, name)
        for run, name in _noun_runs(text)
        if not any(_ZH_WHEN.fullmatch(run + end) for end in ("", "前", "后"))  # not 抗战(前)
    ]
    for run, name in runs:
        if name and len(run) > 1:
            return run
    return next((r for r, _ in runs if len(r) > 1), "")
