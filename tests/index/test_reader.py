"""The article reader on real files (seeds, raw archive articles) and on broken ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.reader import ArticleError, read_article

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
RAW = ROOT.parent / "shared" / "data" / "rmrb-zh"
FIXTURES = ROOT / "tests" / "fixtures"
SEED0 = SEEDS / "000_b9ad766cd1670af9.txt"
SEED1 = SEEDS / "001_46162b52d6e248d1.txt"


def _body_lines(path: Path, start: str, stop: str | None) -> list[str]:
    """The file's own lines between two markers, read independently of the reader."""
    text = path.read_text(encoding="utf-8")
    part = text.split(start, 1)[1]
    if stop:
        part = part.split(stop, 1)[0]
    lines = [ln for ln in part.split("\n") if ln.strip()]
    return [re.sub(r"[ \t]+", " ", ln.strip(" \t\u3000")) for ln in lines]


def test_seed_000_every_field() -> None:
    a = read_article(SEED0)
    assert a.id == "000_b9ad766cd1670af9"
    assert a.title_en.startswith("Smash Superstition, Vigorously Run")
    assert a.title_en.endswith(
        "Jinzhou Uses Indigenous Methods to Produce a Large Number of New Products"
    )
    assert a.title_zh == "破除迷信大办“小土群”\u3000“物尽其用”综合利用资源 锦州用土法制成大批新产品"
    assert (a.author, a.date, a.page, a.column) == ("", "1960-06-04", "2", "")
    english = _body_lines(SEED0, "Page: 2\n", "<hr />")
    assert list(a.paragraphs_en) == english
    assert len(a.paragraphs_en) == 5 and a.headlines_en == ()
    zh_lines = _body_lines(SEED0, "专栏：\n", None)
    assert list(a.headlines_zh) == zh_lines[:2]
    assert list(a.paragraphs_zh) == zh_lines[2:]
    assert a.paragraphs_zh[0].startswith("本报沈阳3日电")
    assert a.glossary == ()


def test_seed_001_every_field() -> None:
    a = read_article(SEED1)
    assert a.id == "001_46162b52d6e248d1"
    # The English title carries a Chinese fragment in the file; the record keeps English only.
    assert a.title_en == (
        "Hold High the Red Banner of Mao Zedong Thought, Strive to Reach the Peak of Science "
        "and Technology, Jinzhou Built into a Daqing-Style Emerging Industrial Zone."
    )
    assert not re.search(r"[\u4e00-\u9fff]", a.title_en)
    assert a.title_zh.startswith("高举毛泽东思想红旗")
    assert (a.date, a.page, a.author) == ("1966-01-11", "1", "")
    english = _body_lines(SEED1, "Edition: 1\n", "**Named Entities**")
    assert list(a.headlines_en) == english[:4]
    assert list(a.paragraphs_en) == english[4:]
    assert len(a.paragraphs_en) == 22
    zh = _body_lines(SEED1, "专栏：\n", None)
    assert list(a.headlines_zh) == zh[:4] and list(a.paragraphs_zh) == zh[4:]
    assert len(a.paragraphs_zh) == 22
    # Glossary: every entry line of the file, by kind; never body text.
    assert len(a.glossary) == 28
    kinds = {g.kind for g in a.glossary}
    assert kinds == {"people", "places", "organizations", "events", "slogans"}
    pairs = {(g.kind, g.zh, g.en) for g in a.glossary}
    assert ("places", "大庆", "Daqing") in pairs
    assert ("events", "第三个五年计划", "The Third Five-Year Plan") in pairs  # one-space separator
    assert not any(p == "Mao Zedong Thought" for p in a.paragraphs_en)


@pytest.mark.parametrize("path", sorted(RAW.glob("*.md")), ids=lambda p: p.stem[:16])
def test_raw_untranslated_articles(path: Path) -> None:
    a = read_article(path)
    text = path.read_text(encoding="utf-8")
    assert a.id == path.stem
    assert a.title_zh == " ".join(text.split("\n", 1)[0].lstrip("# ").split())
    assert a.date == path.stem[:10]
    assert a.page == re.search(r"第(\d+)版", text).group(1)  # type: ignore[union-attr]
    assert a.paragraphs_en == () and a.title_en == ""
    assert a.paragraphs_zh and a.headlines_zh
    body = "".join(a.paragraphs_zh)
    for h in a.headlines_zh:
        assert h not in body.split("\n")[0]
    # every dispatch 【新华社…】 starts its own paragraph
    assert sum(p.startswith("【") for p in a.paragraphs_zh) == text.count("    【")


def test_raw_signature_lines_stay_with_their_paragraph() -> None:
    a = read_article(RAW / "1946-05-15_新闻界的祝贺.md")
    assert a.column == "新闻界的祝贺"
    assert a.headlines_zh == ("新闻界的祝贺", "庆祝人民日报创刊")
    assert a.paragraphs_zh[0].endswith("冀南日报社新华社冀南分社全体职工同贺")


def test_english_only_article() -> None:
    a = read_article(FIXTURES / "english_only.txt")
    assert a.title_en == "A Village School Opens in Yan'an"
    assert (a.author, a.date, a.page) == ("Staff Reporter", "1950-09-01", "3")
    assert len(a.paragraphs_en) == 2 and a.paragraphs_zh == ()
    assert a.languages == ("en",)


def test_gbk_file_is_detected_and_read() -> None:
    a = read_article(FIXTURES / "gbk_article.md")
    assert a.title_zh == "建设边区新工业 化学工厂即将开工"
    assert "刘雨辰" in a.paragraphs_zh[0]


def test_nfc_normalisation(tmp_path: Path) -> None:
    f = tmp_path / "nfc.txt"
    f.write_text(
        "Title: Cafe\u0301 news\nAuthor:\nDate: 1950-01-01\nPage: 1\n\nA cafe\u0301 opened.\n",
        encoding="utf-8",
    )
    a = read_article(f)
    assert a.title_en == "Caf\u00e9 news" and a.paragraphs_en == ("A caf\u00e9 opened.",)


BROKEN = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"\n\n   \n", "empty file"),
    "binary.txt": (bytes(range(256)) * 4, "binary"),
    "truncated.txt": (
        SEED0.read_bytes().split(b"Original:")[0],
        "truncated: '<hr />' is not followed by an 'Original:' section",
    ),
    "nodate.txt": (
        SEED0.read_bytes().replace(b"Date: 1960-06-04\n", b"").replace(b"1960-06-04\n", b""),
        "missing date",
    ),
    "baddate.txt": (b"Title: x\nDate: 1960-13-45\n\nText.\n", "invalid Date '1960-13-45'"),
    "noheader.txt": (b"just some words\n", "unknown format"),
    "emptyoriginal.txt": (
        b"Title: x\nDate: 1960-01-01\n\nSome text.\n\n<hr />\n\nOriginal:\n\n",
        "no Chinese text",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_give_one_line_reasons(tmp_path: Path, name: str) -> None:
    data, reason = BROKEN[name]
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(ArticleError) as err:
        read_article(f)
    message = str(err.value)
    assert reason in message
    assert "\n" not in message


def test_five_megabytes_of_one_paragraph(tmp_path: Path) -> None:
    sentence = "The county built a new reservoir and the harvest doubled in the following year. "
    text = sentence * (5 * 1024 * 1024 // len(sentence))
    f = tmp_path / "huge.txt"
    f.write_text(f"Title: Huge\nDate: 1960-01-01\nPage: 1\n\n{text}\n", encoding="utf-8")
    a = read_article(f)
    assert len(a.paragraphs_en) == 1 and len(a.paragraphs_en[0]) > 5_000_000


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.reader

    monkeypatch.setattr(index.reader, "MAX_FILE_BYTES", 1000)
    f = tmp_path / "big.txt"
    f.write_text("Title: x\nDate: 1960-01-01\n\n" + "word " * 500, encoding="utf-8")
    with pytest.raises(ArticleError, match="file too large"):
        read_article(f)


def test_hostile_text_is_kept_verbatim_as_text() -> None:
    a = read_article(FIXTURES / "hostile.txt")
    assert "<script>alert('xss')</script>" in a.paragraphs_en[0]
    assert "[here](javascript:alert(2))" in a.paragraphs_en[1]
    assert a.title_zh == "<b>敌意</b>文章"


def test_control_characters_are_unicodes_cc_but_breaks_and_tab() -> None:
    """The regex against its oracle: every code point's Unicode category."""
    import sys
    import unicodedata

    from index.reader import CONTROL_CHARS

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        expected = unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f"
        assert bool(CONTROL_CHARS.fullmatch(ch)) == expected, hex(cp)
