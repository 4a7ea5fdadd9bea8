"""The article reader on real files (seeds, raw archive articles) and on broken ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.passages import MAX_ZH_CHARS, make_passages
from index.reader import ArticleError, parse_article, read_article

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


# --- The real May 1946 month (seeds/rmrb-1946-05/: 447 articles as published by fangj/rmrb) ---

MAY46 = SEEDS / "rmrb-1946-05"
MAY46_FILES = sorted(MAY46.glob("*.md"))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title_segments(path: Path) -> list[str]:
    """The file's ``### `` line cut at its runs of spaces: one piece per headline line."""
    first = path.read_bytes().decode("utf-8").split("\n", 1)[0].rstrip("\r")
    return [s for s in re.split(r"\s{2,}", first.lstrip("#").strip()) if s]


def _may46(name: str) -> Path:
    (path,) = MAY46.glob(f"*{name}*.md")
    return path


def test_may_1946_every_article_parses_with_its_date_and_clean_fields() -> None:
    assert len(MAY46_FILES) == 447
    passages = 0
    for path in MAY46_FILES:
        a = read_article(path)
        raw = path.read_bytes().decode("utf-8")
        assert a.date == path.stem[:10], path.name
        assert a.title_zh == " ".join(_title_segments(path)), path.name
        assert a.page == re.search(r"^第(\d+)版", raw, re.M).group(1), path.name  # type: ignore[union-attr]
        assert a.paragraphs_zh and a.paragraphs_en == (), path.name
        fields = [a.title_zh, a.author, a.date, a.page, *a.headlines_zh, *a.paragraphs_zh]
        assert not any("\r" in f for f in fields), path.name
        assert not re.fullmatch(r"\d{4}-\d\d-\d\d|第\d+版.*", a.author), path.name
        # headline lines are never body text: no body line is a piece of the ### title
        body_lines = {_compact(ln) for p in a.paragraphs_zh for ln in p.split("\n")}
        assert not body_lines & {_compact(s) for s in _title_segments(path)}, path.name
        assert not body_lines & {_compact(h) for h in a.headlines_zh}, path.name
        # every dispatch 【新华社…】 starts its own paragraph
        assert sum(p.startswith("【") for p in a.paragraphs_zh) == raw.count("\n    【"), path.name
        # a signature such as （林） or ——编者 is never a paragraph of its own
        assert not any(re.fullmatch(r"（[^（）]+）|——\S{1,8}", p) for p in a.paragraphs_zh)
        made = make_passages(a)
        assert all(p.text_zh.strip() and "\r" not in p.text_zh for p in made), path.name
        passages += len(made)
    assert passages > 1300


def test_may_1946_crlf_header_lines_give_a_clean_title_author_and_date() -> None:
    path = _may46("为七百万人民请命")
    raw = path.read_bytes()
    assert raw.startswith("### 为七百万人民请命\r\n李庄\r\n1946-05-15\r\n第2版()\n".encode())
    for a in (read_article(path), parse_article(raw.decode("utf-8"), article_id=path.stem)):
        assert (a.title_zh, a.author, a.date, a.page) == (
            "为七百万人民请命",
            "李庄",
            "1946-05-15",
            "2",
        )
        assert a.headlines_zh[:2] == ("为七百万人民请命", "李庄")  # the byline repeated
        assert a.paragraphs_zh[0].startswith("四月九日，五辆吉普车")
        # sub-headings indented a little way right start the paragraph they head
        assert "二、天灾？人祸？\n抗战胜利之后" in "\n".join(a.paragraphs_zh)
        assert not any(p.endswith("二、天灾？人祸？") for p in a.paragraphs_zh)


PRICE_TABLES = {
    # file -> (headline lines, the items of its rows in order)
    "本市物价表（五月廿日）": (
        (),
        "白面 小米 玉米 黄豆 大米 净棉 土布 白洋布 毛巾 海盐 火柴 煮青 猪肉 煤".split(),
    ),
    "本市物价表（五月廿六日）": (
        ("本市物价表（五月廿六日）",),
        "小米 小麦 黄豆 大米 土布 白洋布 海盐 煮青".split(),
    ),
}


@pytest.mark.parametrize("name", sorted(PRICE_TABLES))
def test_may_1946_price_tables_keep_their_rows_and_columns(name: str) -> None:
    path = _may46(name)
    headlines, items = PRICE_TABLES[name]
    a = read_article(path)
    assert a.headlines_zh == headlines
    assert len(a.paragraphs_zh) == 1
    rows = a.paragraphs_zh[0].split("\n")
    cells = [row.split(" | ") for row in rows]
    assert [c[0] for c in cells] == items
    assert all(len(c) == 3 and re.fullmatch(r"一[斤尺匹条包厘匣]", c[1]) for c in cells)
    assert all(
        re.fullmatch(r"[〇○一二三四五六七八九]+[．·][〇○一二三四五六七八九]{2}", c[2])
        for c in cells
    )
    # nothing lost or reordered: the rows run together are the file's table line
    table_line = path.read_text(encoding="utf-8").split("专栏：", 1)[1]
    assert _compact("".join(headlines) + "".join(rows).replace("|", "")) == _compact(table_line)
    (passage,) = make_passages(a)
    assert passage.text_zh.split("\n") == rows


def test_a_table_longer_than_a_passage_is_cut_between_rows() -> None:
    """The real table line four times over (56 rows): passages cut between rows, never inside."""
    table_line = _may46("本市物价表（五月廿日）").read_text(encoding="utf-8").split("\n")[6]
    body = "    " + (" " * 20).join([table_line.strip(" \u3000")] * 4)
    text = f"### 长表\n\n1946-05-21\n第2版()\n专栏：\n\n{body}\n"
    a = parse_article(text, article_id="long-table")
    (table,) = a.paragraphs_zh
    rows = table.split("\n")
    assert len(rows) == 4 * 14 and len(table) > MAX_ZH_CHARS
    passages = make_passages(a)
    assert len(passages) > 1
    assert all(len(p.text_zh) <= MAX_ZH_CHARS for p in passages)
    assert [r for p in passages for r in p.text_zh.split("\n")] == rows


HEADLINE_FIGURES = [
    # file, headline line with its figure, the body's own figure
    ("贪婪！残暴！", "西康国民党军与民争烟发生激战民众死伤廿万", "即达二十余万"),
    ("冀南银行在邢市", "发放贷款三千万", "共发放贷款总数三千七百零八万七千六百元"),
    ("苏皖边区兴修淮宝水利", "可增产稻百八十万石", "估计可增产稻一百八十二万石"),
]


@pytest.mark.parametrize(
    "name,headline,body", HEADLINE_FIGURES, ids=[h[0] for h in HEADLINE_FIGURES]
)
def test_may_1946_a_headline_figure_stays_out_of_the_body(
    name: str, headline: str, body: str
) -> None:
    a = read_article(_may46(name))
    assert headline in a.headlines_zh
    assert not any(headline in p for p in a.paragraphs_zh)
    assert any(body in p for p in a.paragraphs_zh)
    passages = make_passages(a)
    assert not any(headline in p.text_zh for p in passages)
    assert any(body in p.text_zh for p in passages)


def test_may_1946_headlines_that_end_like_sentences_are_still_headlines() -> None:
    """The ### title lists the headline lines; ``抗议！！`` or a deck ending in 。 is one."""
    a = read_article(_may46("贪婪！残暴！"))
    assert a.headlines_zh == ("贪婪！残暴！", "西康国民党军与民争烟发生激战民众死伤廿万")
    assert [p[:11] for p in a.paragraphs_zh] == ["【新华社延安十八日电】"] * 2
    a = read_article(_may46("为和平民主坚决奋斗"))
    assert [_compact(h) for h in a.headlines_zh] == [
        _compact(s) for s in _title_segments(_may46("为和平民主坚决奋斗"))
    ]
    assert len(a.headlines_zh) == 5 and a.headlines_zh[2].endswith("参加政府。")
    assert len(a.paragraphs_zh) == 1 and a.paragraphs_zh[0].startswith("【新华社延安十六日电】")
    # past the title, a line ending in a comma is body text (a couplet), not a headline
    a = read_article(_may46("1946-05-28_祝人民日报创刊"))
    assert a.headlines_zh == ("祝人民日报创刊",)
    assert a.paragraphs_zh[0] == "无限的热爱人民利益，"
    # an editor's note (with a full stop inside) is body text, not a headline
    a = read_article(_may46("石塘人们的新生"))
    assert a.headlines_zh == ("石塘人们的新生——新华社淮安通讯",)
    assert a.paragraphs_zh[0].endswith("如何加紧生产的情形。——编者")
    assert a.paragraphs_zh[1].startswith("天大的喜事\n在石塘区这次减租惩奸运动中")


def test_may_1946_sub_headings_start_the_paragraph_they_head() -> None:
    a = read_article(_may46("论美国大罢工"))
    assert a.headlines_zh == ("论美国大罢工", "刘尊棋", "一 美国社会的原子弹")
    heads = [p.split("\n")[0] for p in a.paragraphs_zh if "\n" in p]
    assert heads[:4] == ["二 劳资悬殊过甚", "三 大罢工经过", "四 几个特点", "五 结语"]
    assert a.paragraphs_zh[-1].endswith(
        "\n一九四六年二月五日\n（此文系转载北平《世界知识》××卷××期）"
    )
    a = read_article(_may46("各地物价纷纷回跌"))
    assert a.paragraphs_zh[1:] == (
        "夏津\n十八日棉花回跌至每斤一百八十元。",
        a.paragraphs_zh[2],
    ) and a.paragraphs_zh[2].startswith("荷泽\n十日后，各货物价均回跌")
    # a centred heading after a signature heads the next greeting, not the one before
    a = read_article(RAW / "1946-05-15_新闻界的祝贺.md")
    assert a.paragraphs_zh[3].endswith("\n冀南书店五月九日")
    assert a.paragraphs_zh[4] == "祝人民日报创刊\n你代表边区三千万人民的斗志和呼声。"


def test_may_1946_signatures_end_the_paragraph_they_sign() -> None:
    a = read_article(_may46("恒利汽车公司"))
    assert a.author == "林" and len(a.paragraphs_zh) == 1
    assert a.paragraphs_zh[0].endswith("\n（林）")
    a = read_article(_may46("1946-05-28_祝人民日报创刊"))  # signers from the author line
    assert a.paragraphs_zh[1] == "无情的诛伐人民敌人。\n太行行署"
    assert a.paragraphs_zh[3].endswith("\n新教育社谨贺")
    a = read_article(_may46("文化界的祝贺"))
    assert a.paragraphs_zh[-1] == (
        "为人民服务，替人民说话，是我们大家的责任。\n"
        "新华书店 北方杂志社 韬奋书店 大众科学社 新大众社 儿童杂志社同贺"
    )
    # a short greeting with its own signature is a paragraph, not a sub-heading
    a = read_article(_may46("致本报贺电一束"))
    assert a.paragraphs_zh[-1] == "全心全意为人民服务\n中共冀鲁豫区党委敬贺"
    assert a.paragraphs_zh[-2].endswith("特电致贺。\n冀南区党委 五月九日")
