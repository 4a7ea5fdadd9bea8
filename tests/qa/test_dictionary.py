"""The bundled CC-CEDICT dictionary: entries, the English reverse index, pinyin, HSK levels."""

from __future__ import annotations

from pathlib import Path

import pypinyin
import pytest

from index.settings import Settings
from qa.dictionary import Dictionary, english_key, name_key, open_dictionary, tone_marks


@pytest.fixture(scope="module")
def d() -> Dictionary:
    return open_dictionary(Settings().model_cache)


def test_entries_pinyin_and_hsk(d: Dictionary) -> None:
    (siping,) = d.lookup("四平")
    assert siping.proper and tone_marks(siping.pinyin) == "Sìpíng"
    assert tone_marks("Xin1 hua2 Shu1 dian4") == "Xīnhuá Shūdiàn"  # a name's words apart
    assert d.lookup("濟寧")[0].simplified == "济宁"  # traditional forms too
    assert d.hsk("爱") == "HSK 1" and d.hsk("工厂") == "HSK 5" and d.hsk("四平") == ""
    assert d.lookup("nothing-here") == ()


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("Yellow River", "黄河"), ("Chiang Kai-shek", "蒋介石"), ("People's Daily", "人民日报"),
     ("Siping", "四平"), ("Jining", "济宁"), ("Handan", "邯郸"), ("civil war", "内战"),
     ("land reform", "土地改革"), ("Henan", "河南"), ("Marshall", "马歇尔"),
     # accents folded on both sides: the question's "Temüjin", the dictionary's "Lüliang"
     ("Temüjin", "铁木真"), ("Temujin", "铁木真"), ("Luliang", "吕梁"), ("Lüliang", "吕梁"),
     ("Québec", "魁北克"), ("Zürich", "苏黎世")],
)  # fmt: skip
def test_reverse_index_names_and_phrases(d: Dictionary, english: str, chinese: str) -> None:
    found = [zh for key in {name_key(english), english_key(english)} for zh, _ in d.english(key)]
    assert chinese in found


def test_specific_senses_weigh_more_than_generic(d: Dictionary) -> None:
    factory = dict(d.english(english_key("factories")))
    assert factory["工厂"] == 1.0 and factory["厂"] < 0.5  # 厂: factory/yard/depot/...
    henan = dict(d.english(name_key("Henan")))
    assert henan["河南"] > henan["豫剧"]  # the place over "Henan opera"
    # a stemmer must not turn names into words: "Siping" is not "sipe", "Daye" is not "day"
    assert "大冶" not in dict(d.english(english_key("day")))


def test_a_word_or_phrase_alternative_keys_the_whole_phrase(d: Dictionary) -> None:
    # 白发 is "white or gray hair": "white hair" and "gray hair", not the colour white alone
    assert "白发" in dict(d.english(english_key("white hair")))
    assert "白发" in dict(d.english(english_key("gray hair")))
    assert dict(d.english(english_key("white"))).get("白发", 0) < 1.0


def test_pinyin_syllables(d: Dictionary) -> None:
    assert d.pinyin_syllables("Siping") == [["si", "ping"]]
    assert ["xi", "an"] in d.pinyin_syllables("xian") and ["xian"] in d.pinyin_syllables("xian")
    assert d.pinyin_syllables("factory") == []
    assert "四" in d.chars("si") and "平" in d.chars("ping")


def test_tone_marks_agree_with_pypinyin(d: Dictionary) -> None:
    """On words with a single reading in the dictionary, our tone marks equal pypinyin's."""
    words = ["四平", "人民日报", "邯郸", "工厂", "绿色", "女儿", "黄河", "解放区", "北京", "锦州"]
    for w in words:
        ours = tone_marks(d.lookup(w)[0].pinyin).lower().replace(" ", "")
        theirs = "".join(s[0] for s in pypinyin.pinyin(w, style=pypinyin.Style.TONE))
        assert ours == theirs, w


def test_built_once_atomically(tmp_path: Path) -> None:
    first = open_dictionary(tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 1 and files[0].startswith("cedict-") and files[0].endswith(".sqlite3")
    assert open_dictionary(tmp_path) is first  # one per process
