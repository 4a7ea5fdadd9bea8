"""Numbers in both writings: 1946 <-> 一九四六, 1,200 <-> 一千二百, 7 million <-> 七百万.

The 1946 paper writes numbers in Chinese numerals (九百余次, 廿三天, 七百万人民); the seeds'
translations and students write digits. Parity with the `cn2an` package (an independent
implementation) is tested in tests/qa/test_numbers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "０": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3,
    "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8,
    "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
TENS = {"廿": 20, "卅": 30, "卌": 40}
_ZH_NUM_CHARS = "".join([*DIGITS, *SMALL_UNITS, *BIG_UNITS, *TENS])
_UNIT_CHARS = "".join([*SMALL_UNITS, *BIG_UNITS])
_NOT_LIANG = _ZH_NUM_CHARS.replace("两", "")
# 两 is a numeral before a unit (两千, 一万两千) or alone (两个); after a numeral and before
# none it is the tael (三两, 十两: 3 and 10 taels, not 32 and 12).
# English month names, lower-case, and their numbers: "may" -> 5.
EN_MONTHS = {
    name.lower(): i
    for i, name in enumerate(
        "January February March April May June July August September October November "
        "December".split(),
        start=1,
    )
}
ZH_NUMBER = re.compile(rf"(?:[{_NOT_LIANG}]|两(?=[{_UNIT_CHARS}]))+|两")
_ZH_NAMES = "零一二三四五六七八九"
# Arabic numbers with thousands separators and decimals, then an optional English multiplier.
_EN_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_EN_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70})
_EN_WORDS.update({"eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000})
_MULTIPLIER = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_WORD_RE = re.compile(r"\b(" + "|".join(_EN_WORDS) + r")\b", re.IGNORECASE)


def zh_to_int(text: str) -> int | None:
    """A Chinese numeral as an integer: 一千二百 -> 1200, 一九四六 -> 1946 (digit by digit),
    廿三 -> 23, 一万二 -> 12000 (a trailing digit takes the next unit down), 两千 -> 2000.
    ``None`` when ``text`` is not a numeral."""
    if not text or any(ch not in _ZH_NUM_CHARS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):
        if len(text) == 1:
            return DIGITS[text]
        return int("".join(str(DIGITS[ch]) for ch in text))  # 一九四六, 一二〇〇
    value = 0
    rest = text
    for unit_char, unit in (
        ("亿", 100_000_000),
        ("億", 100_000_000),
        ("万", 10_000),
        ("萬", 10_000),
    ):
        if unit_char in rest:
            head, rest = rest.split(unit_char, 1)
            value += (_below_unit(head) if head else 1) * unit
            if len(rest) == 1 and rest in DIGITS and DIGITS[rest]:
                return value + DIGITS[rest] * unit // 10  # 一万二 = 12000
    return value + _below_unit(rest)


def _below_unit(text: str) -> int:
    """A numeral with 千/百/十 (and 廿/卅/卌) only; a trailing digit right after a unit is a
    tenth of it (三百五 = 350), after 零 it is units (一百零五 = 105)."""
    if text and all(ch in DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(DIGITS[ch]) for ch in text))
    if any(ch in BIG_UNITS for ch in text):
        return zh_to_int(text) or 0
    value = 0
    digit: int | None = None
    last_unit = 1
    after_zero = False
    for ch in text:
        if ch in DIGITS:
            if DIGITS[ch] == 0:
                after_zero = True
                continue
            digit = DIGITS[ch]
        elif ch in TENS:
            value += TENS[ch]
            digit, last_unit = None, 10
        else:
            unit = SMALL_UNITS[ch]
            value += (1 if digit is None else digit) * unit
            digit, last_unit, after_zero = None, unit, False
    if digit is not None:
        value += digit if after_zero or last_unit == 1 else digit * max(1, last_unit // 10)
    return value


def int_to_zh(n: int) -> str:
    """1200 -> 一千二百, 101 -> 一百零一, 15 -> 十五, 20000 -> 二万, 7000000 -> 七百万."""
    if n < 0:
        return "负" + int_to_zh(-n)
    if n == 0:
        return "零"
    parts: list[str] = []
    for unit_value, unit in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        chunk = n // unit_value % 10_000 if unit_value < 100_000_000 else n // unit_value
        if not chunk:
            if parts and not parts[-1].endswith("零"):
                parts.append("零")
            continue
        text = _below_10000(chunk) if chunk < 10_000 else int_to_zh(chunk)
        if parts and chunk < 1000 and not parts[-1].endswith("零"):
            parts.append("零")
        parts.append(text + unit)
    out = "".join(parts).rstrip("零")
    out = re.sub("零+", "零", out)
    return out[1:] if out.startswith("一十") else out  # 十五, 十万; but 一百一十, 零一十


def _below_10000(n: int) -> str:
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += _ZH_NAMES[d] + unit
            zero = False
        else:
            zero = True
    return out


def zh_forms(n: int) -> list[str]:
    """Ways the paper may write ``n``: 一千二百 (and 一千二), 一九四六 for a year, 廿三 for
    23 and 廿 for 20, 两千 for 2000, 二万 / 两万."""
    forms = [int_to_zh(n)]
    if 1000 <= n <= 2100:  # a year, read digit by digit
        forms.append("".join(_ZH_NAMES[int(d)] for d in str(n)).replace("零", "〇"))
    if 20 <= n < 50:  # 廿三, and 廿 alone for 20 (五月廿日)
        forms.append("廿卅卌"[n // 10 - 2] + (_ZH_NAMES[n % 10] if n % 10 else ""))
    first = forms[0]
    if first.startswith("二") and first[1:2] in ("千", "万", "亿", "百"):
        forms.append("两" + first[1:])
    if re.fullmatch(r"[一二三四五六七八九][千百万]?[一二三四五六七八九][百十千]", first):
        forms.append(first[:-1])  # 一千二百 -> 一千二
    return list(dict.fromkeys(forms))


@dataclass(frozen=True)
class Number:
    value: float
    text: str  # as written
    start: int
    end: int


def english_numbers(text: str) -> list[Number]:
    """Numbers in English text: 1946, 1,200, 3.5 million, "twenty"."""
    out: list[Number] = []
    for m in _EN_NUMBER.finditer(text):
        whole = int(m.group(1).replace(",", ""))
        value: float = float(f"{whole}.{m.group(2)}") if m.group(2) else whole
        if m.group(3):
            value *= _MULTIPLIER[m.group(3).lower()]
        out.append(Number(value, m.group(0), m.start(), m.end()))
    for m in _EN_WORD_RE.finditer(text):
        if not any(n.start <= m.start() < n.end for n in out):
            out.append(Number(_EN_WORDS[m.group(1).lower()], m.group(0), m.start(), m.end()))
    return sorted(out, key=lambda n: n.start)


# What follows a lone digit that counts something (三天, 五月). A longer list (两种, 六架, 五条)
# turned two near misses of the dev half into false answers ("两种报纸" read as a count).
_MEASURES = frozenset("年月日天个名人次位万千百十岁倍里亩斤两元")


def chinese_numbers(text: str) -> list[Number]:
    """Numbers in Chinese text, Chinese numerals and digits: 一九四六年, 九百余次, 1965年.
    A lone 一 (一起, 统一) is not a number, except as a month (一月份); a lone other digit is
    one when a measure or unit follows (三天, 五月)."""
    out: list[Number] = []
    for m in re.finditer(rf"{ZH_NUMBER.pattern}|\d+(?:\.\d+)?", text):
        s = m.group(0)
        if s[0].isdigit():
            out.append(Number(float(s), s, m.start(), m.end()))
            continue
        after = text[m.end() : m.end() + 1]
        if len(s) == 1 and (s in BIG_UNITS or s in SMALL_UNITS):
            continue
        if len(s) == 1 and s in "一壹" and after != "月":
            continue
        if len(s) == 1 and after not in _MEASURES:
            continue
        value = zh_to_int(s)
        if value is not None:
            out.append(Number(value, s, m.start(), m.end()))
    return out


def digits(value: float) -> str:
    """12000 -> "12,000"; 1946 stays "1946" (a year); 3.5 -> "3.5"."""
    if value != int(value):
        return f"{value:g}"
    n = int(value)
    return str(n) if 1000 <= n <= 2100 or n < 10_000 else f"{n:,}"
