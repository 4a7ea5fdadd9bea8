"""The bundled CC-CEDICT dictionary: entries, the English reverse index, pinyin, HSK levels."""

from __future__ import annotations

from pathlib import Path

import pypinyin
import pytest

from index.settings import Settings
from qa import dictionary
from qa.dictionary import (
    PERIOD_TERMS,
    Dictionary,
    database_path,
    english_key,
    name_key,
    open_dictionary,
    parse_cedict,
    tone_marks,
)


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
     ("Québec", "魁北克"), ("Zürich", "苏黎世"),
     # the period terms (qa/period_terms.u8): the 1940s paper's words CC-CEDICT lacks
     ("UNRRA", "联总"), ("liberated areas", "解放区"), ("Democratic Allied Army", "民主联军"),
     ("mutual aid team", "互助组"), ("rent reduction", "减租"), ("Truman", "杜鲁门"),
     ("Hebei-Shandong-Henan", "冀鲁豫"), ("border region", "边区"),
     ("Heze", "荷泽")],  # the paper writes 荷泽 for today's 菏泽
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


def _period_entries() -> list[dictionary.Entry]:
    return list(parse_cedict(PERIOD_TERMS.read_text(encoding="utf-8").splitlines()))


def test_period_terms_parse_and_come_first(d: Dictionary) -> None:
    lines = [
        x for x in PERIOD_TERMS.read_text(encoding="utf-8").splitlines() if not x.startswith("#")
    ]
    entries = _period_entries()
    assert len(entries) == len(lines) >= 100  # every line is a CC-CEDICT line
    assert len({e.simplified for e in entries}) == len(entries)  # no word twice
    assert d.lookup("联总")[0].senses[0] == "UNRRA"
    # CC-CEDICT's 解放区 is a district of Jiaozuo; the paper's sense comes first
    senses = [e.senses[0] for e in d.lookup("解放区")]
    assert senses[0].startswith("liberated area") and "Liberation city district" in senses


# pypinyin reads these otherwise: 太行山 is Tàiháng, 调 in 军调部 (mediation) is tiáo, 种 in
# 种棉 (to plant cotton) is zhòng
PINYIN_EXCEPTIONS = {"太行": "tàiháng", "军调部": "jūntiáobù", "种棉": "zhòngmián"}


def test_period_terms_pinyin_agrees_with_pypinyin() -> None:
    for e in _period_entries():
        ours = tone_marks(e.pinyin).lower().replace(" ", "")
        theirs = "".join(s[0] for s in pypinyin.pinyin(e.simplified, style=pypinyin.Style.TONE))
        assert ours == PINYIN_EXCEPTIONS.get(e.simplified, theirs), e.simplified


def test_a_changed_period_file_builds_a_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terms = tmp_path / "period_terms.u8"
    terms.write_text(PERIOD_TERMS.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(dictionary, "PERIOD_TERMS", terms)
    before = database_path(tmp_path / "cache")
    with terms.open("a", encoding="utf-8") as f:
        f.write("冀钞票 冀钞票 [ji4 chao1 piao4] /test banknote/\n")
    after = database_path(tmp_path / "cache")
    assert after != before and after.parent == before.parent
    built = open_dictionary(tmp_path / "cache")
    assert built.path == after and built.lookup("冀钞票")[0].senses == ("test banknote",)
