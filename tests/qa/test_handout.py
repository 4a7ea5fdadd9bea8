"""Reading-list links: everything in the link, short enough to share, and refused with a clear
line when damaged (no model: a small catalog, and the month's real ids for the length)."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest

from index.catalog import Catalog, passage_key
from index.records import Article, Passage
from qa import handout
from qa.handout import Handout, HandoutError
from tests.conftest import MONTH


def _put(catalog: Catalog, aid: str, n: int) -> list[str]:
    article = Article(aid, f"{aid}.md", title_zh="标题", date="1946-05-15", page="1")
    passages = [
        Passage(f"{aid}#p{i}", aid, i, "", f"第{i}段", date="1946-05-15", page="1")
        for i in range(1, n + 1)
    ]
    catalog.put(article.path, "sha", article, passages)
    return [p.id for p in passages]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog.sqlite3")


def test_a_link_holds_the_whole_list_in_order_and_survives_reindexing(catalog: Catalog) -> None:
    ids = _put(catalog, "1946-05-15_甲", 3) + _put(catalog, "1946-05-16_乙", 2)
    order = [ids[4], ids[0], ids[2]]
    h = Handout("Week 3 / 第三周", "Read before class.\nMark numbers.", tuple(order), ("Q1?",))
    token = handout.encode(h)
    r = handout.resolve(catalog, token)
    assert [p.id for p in r.found] == order and r.missing == []
    assert (r.handout.title, r.handout.note, r.handout.questions) == (h.title, h.note, h.questions)
    # the same article indexed again (same ids): the link still opens it
    _put(catalog, "1946-05-16_乙", 2)
    assert [p.id for p in handout.resolve(catalog, token).found] == order
    # an article gone from the archive: its passage is listed as missing, the rest shown
    catalog.remove("1946-05-16_乙.md")
    r = handout.resolve(catalog, token)
    assert [p.id for p in r.found] == order[1:] and r.missing == [passage_key(ids[4])]


def test_twenty_real_passages_fit_in_a_link_of_under_2000_characters() -> None:
    """The month's 20 longest article ids, with a title, a note and three questions."""
    stems = sorted((f.stem for f in MONTH.glob("*.md")), key=len, reverse=True)[:20]
    h = Handout(
        "五月的解放区 / The Liberated Areas in May 1946",
        "Read all twenty before Thursday; mark every number and every place name.",
        tuple(f"{s}#p1" for s in stems),
        ("Which places are named?", "哪些数字和生产有关？", "What changed in May 1946?"),
    )
    url = handout.link("http://127.0.0.1:7860", h)
    assert len(url) < 2000, len(url)
    assert len(stems[0]) > 25  # long Chinese ids: 20 of them would not fit percent-encoded


def test_a_list_too_long_for_a_link_is_refused_before_it_is_shared() -> None:
    ids = tuple(f"article-{n}#p1" for n in range(40))
    with pytest.raises(HandoutError, match=r"the link would be \d+ characters long"):
        note = "".join(chr(0x4E00 + 7 * i) for i in range(1400))  # 1,400 different characters
        handout.link("http://127.0.0.1:7860", Handout("T", note, ids, ()))


@pytest.mark.parametrize(
    ("h", "says"),
    [
        (Handout("", "", ("a#p1",)), "needs a title"),
        (Handout("t" * 201, "", ("a#p1",)), "the title is 201 characters long"),
        (Handout("T", "n" * 1501, ("a#p1",)), "the note is 1501 characters long"),
        (Handout("T", "", ()), "no passages"),
        (Handout("T", "", ("a#p1",), ("q" * 301,)), "a question is 301 characters long"),
    ],
)
def test_what_is_too_long_or_missing_is_named(h: Handout, says: str) -> None:
    with pytest.raises(HandoutError, match=says):
        handout.encode(h)


def _token(data: object) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("", "holds no reading list"),
        ("%%%not-base64%%%", "damaged"),
        (base64.urlsafe_b64encode(b"plain bytes").decode(), "damaged"),
        ("A" * 7000, "too long"),
        (_token({"v": 2, "t": "T", "k": ["abc"]}), "this version can read"),
        (_token({"v": 1, "t": 5, "k": ["abc"]}), "malformed"),
        (_token({"v": 1, "t": "T", "k": ["x" * 40]}), "malformed"),
        (_token({"v": 1, "t": "T", "k": []}), "no passages"),
        (
            base64.urlsafe_b64encode(zlib.compress(b"[" * 1_000_000, 9)).decode(),
            "too large",
        ),  # a zip bomb is not inflated past 20 kB
    ],
)
def test_a_damaged_link_gets_one_clear_line(catalog: Catalog, token: str, says: str) -> None:
    with pytest.raises(HandoutError, match=says):
        handout.resolve(catalog, token)
