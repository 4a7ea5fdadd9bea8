"""The web chat in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.answer import GLOSS_LABEL
from tests.ui.conftest import AUTH, CHINESE_ONLY_QUESTION

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BOX_LABEL = "Question / 问题 (Enter sends / 回车发送)"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Skipped only outside CI: .ci/run installs chromium, so CI always runs these.
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Debian chromium is not installed (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


# Records every text the chat shows, so the short-lived "working" line is seen however fast
# the answer comes.
WATCH_CHAT = """
window.__chatTexts = [];
new MutationObserver(() => {
  const chat = document.querySelector('[aria-label="chatbot conversation"]')
    || document.querySelector('.chatbot') || document.body;
  if (chat) window.__chatTexts.push(chat.innerText);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A desktop page that fails the test if anything is fetched from outside the app."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg = context.new_page()
    pg.add_init_script(WATCH_CHAT)
    yield pg
    context.close()
    outside = [u for u in requests if not u.startswith((server + "/", "data:", "blob:"))]
    assert requests and outside == []


def _ask_in_chat(page: Any, url: str, question: str) -> list[str]:
    """Open the chat, type the question, press Enter; returns the dialogs any script opens."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url + "/")
    box = page.get_by_label(BOX_LABEL)
    box.fill(question)
    box.press("Enter")
    return dialogs


def test_type_enter_answer_cards_and_passage_link(page: Any, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    question = "锦州电炉厂在1965年试制成功了什么？"
    dialogs = _ask_in_chat(page, server, question)
    page.get_by_text("电子轰击炉。[1]").first.wait_for(timeout=60_000)
    card = page.locator(".aqa-card").first
    card.wait_for(timeout=30_000)
    assert "electron bombardment furnace" in card.inner_text()
    assert "电子轰击炉" in card.inner_text()
    # While the answer was prepared the chat said so; the answer then replaced that line.
    seen = page.evaluate("window.__chatTexts")
    assert any("Working… / 正在查找…" in t for t in seen)
    assert "正在查找" not in page.locator("body").inner_text()
    # The link of this question, copied by its button, opens the same question.
    link = f"{server}/?q={urllib.parse.quote(question, safe='')}"
    share = page.locator("#aqa-share textarea").first
    assert share.input_value() == link
    page.locator("#aqa-share button").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.screenshot(path=str(ARTIFACTS / "chat-desktop.png"), full_page=True)
    href = card.locator("a").first.get_attribute("href")
    assert href == "/passage/001_46162b52d6e248d1%23p9"
    page.goto(server + href)
    highlighted = page.locator(".aqa-hl")
    assert "一九六五年" in highlighted.inner_text()
    assert dialogs == []


LABEL = GLOSS_LABEL["en"]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _word(scope: Any, text: str) -> Any:
    """The word card span of exactly ``text`` within ``scope``."""
    return scope.locator(".aqa-w").filter(has_text=re.compile(f"^{re.escape(text)}$")).first


def _shown(word: Any) -> str:
    """The text of the word's card as the browser draws it ("none" while it is closed)."""
    return str(word.evaluate("el => getComputedStyle(el, '::after').content"))


def _shows_card(word: Any) -> bool:
    shown = _shown(word)
    return str(word.get_attribute("data-p")) in shown and str(word.get_attribute("data-g")) in shown


def _focused(word: Any) -> bool:
    return bool(word.evaluate("el => el === document.activeElement"))


def test_chinese_only_answer_glosses_and_word_cards_on_desktop(page: Any, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    dialogs = _ask_in_chat(page, server, CHINESE_ONLY_QUESTION)
    card = page.locator(".aqa-card").first
    card.wait_for(timeout=60_000)
    # The chat message: the Chinese answer, then the labelled word-by-word gloss.
    chat = page.locator('[aria-label="chatbot conversation"]').inner_text()
    assert "(from the Chinese original) [1]" in chat
    gloss = card.locator(".aqa-gloss").inner_text()
    assert gloss.startswith(f"{LABEL}: ") and "Xinhua Bookstore" in gloss
    assert f"{LABEL}:\n[1] {gloss.removeprefix(f'{LABEL}: ')}" in chat
    # The card: the quote marked, every Chinese word in and around it a word card.
    zh = card.locator("p[lang=zh]")
    assert "华北新华书店除编刊新大众外" in zh.locator("mark").inner_text()
    assert zh.locator("mark .aqa-w").count() > 10
    # words outside the quote (when it does not cover the whole passage) are cards too
    outside = zh.evaluate(
        "p => [...p.childNodes].filter(n => n.nodeType === 3 && /[\\u4e00-\\u9fff]/.test(n.data))"
        ".length"
    )
    assert outside == 0
    # Hovering a word shows its pinyin and senses.
    page.mouse.move(1, 1)
    shop = _word(card, "新华书店")
    assert _shown(shop) == "none"
    shop.hover()
    assert "Xīnhuá" in str(shop.get_attribute("data-p")) and _shows_card(shop)
    assert "Xinhua Bookstore" in _shown(shop)
    page.screenshot(path=str(ARTIFACTS / "word-card-desktop.png"))
    page.mouse.move(1, 1)
    assert _shown(shop) == "none"
    # The keyboard reaches the words too: Tab from the card's date line focuses the first.
    first, second = zh.locator(".aqa-w").nth(0), zh.locator(".aqa-w").nth(1)
    card.get_by_text("1946-05-15 · page").click()
    page.keyboard.press("Tab")
    assert _focused(first) and _shows_card(first)
    page.keyboard.press("Tab")
    assert _focused(second) and _shows_card(second) and _shown(first) == "none"
    # The passage page carries the same word cards.
    page.goto(server + str(card.locator("a").first.get_attribute("href")))
    passage = page.locator(".aqa-hl")
    assert "华北新华书店除编刊新大众外" in passage.inner_text()
    shop = _word(passage, "新华书店")
    shop.hover()
    assert _shows_card(shop) and "Xinhua Bookstore" in _shown(shop)
    assert dialogs == []


def test_word_cards_open_on_a_tap_on_a_phone(browser: Any, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{server}/?q={urllib.parse.quote(CHINESE_ONLY_QUESTION)}")
    card = page.locator(".aqa-card").first
    card.wait_for(timeout=60_000)
    assert card.locator(".aqa-gloss").inner_text().startswith(f"{LABEL}: ")
    shop = _word(card, "新华书店")
    shop.tap()
    assert _focused(shop) and _shows_card(shop)
    assert page.evaluate(OVERFLOW) <= 1
    page.screenshot(path=str(ARTIFACTS / "word-card-phone.png"))
    # The word that ends furthest right: its card still stays within the screen.
    words = card.locator("p[lang=zh] .aqa-w")
    boxes = [words.nth(i).bounding_box() for i in range(words.count())]
    right = max(range(len(boxes)), key=lambda i: boxes[i]["x"] + boxes[i]["width"])
    words.nth(right).tap()
    assert _shows_card(words.nth(right)) and _shown(shop) == "none"
    assert page.evaluate(OVERFLOW) <= 1
    card.get_by_text("1946-05-15 · page").tap()  # a tap elsewhere closes it
    assert _shown(words.nth(right)) == "none"
    page.goto(server + str(card.locator("a").first.get_attribute("href")))
    shop = _word(page.locator(".aqa-hl"), "新华书店")
    shop.tap()
    assert _shows_card(shop) and page.evaluate(OVERFLOW) <= 1
    context.close()


def test_hostile_question_is_shown_as_text(page: Any, server: str) -> None:
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(2)) <script>alert(3)</script>"
    dialogs = _ask_in_chat(page, server, hostile)
    # It matches the hostile article, so the answer and its card carry hostile text too.
    page.locator(".aqa-card").first.wait_for(timeout=60_000)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0
    text = page.locator("body").inner_text()
    assert hostile in text and "carries <script>alert('xss')</script> a script tag" in text
    # The Chinese side of the hostile passage has word cards, and its markup is still text.
    hostile_card = page.locator(".aqa-card", has_text="这一段带有").first
    assert "这一段带有<script>alert('xss')</script>脚本标签" in hostile_card.inner_text()
    word = _word(hostile_card, "脚本")
    word.hover()
    assert _shows_card(word) and dialogs == []


def test_shared_question_link_is_answered(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    q = urllib.parse.quote("How many kinds of metals do rare earth metals include?")
    page.goto(f"{server}/?q={q}")
    page.get_by_text("seventeen kinds of metals").first.wait_for(timeout=60_000)
    page.locator(".aqa-card").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


def test_hostile_passage_runs_no_script(browser: Any, server: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/passage/hostile%23p1")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img").count() == 0
    assert "<script>alert('xss')</script>" in page.locator(".aqa-hl").inner_text()
    zh = page.locator(".aqa-hl p[lang=zh]")
    assert "这一段带有<script>alert('xss')</script>脚本标签和图片<img src=x" in zh.inner_text()
    assert zh.locator(".aqa-w").count() > 5 and zh.locator("script, img").count() == 0
    word = _word(zh, "脚本")
    word.focus()
    assert _shows_card(word) and dialogs == []


def test_password_guarded_chat_answers_in_the_browser(browser: Any, auth_server: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    denied = browser.new_context()  # no password: headless chromium cannot prompt, so it fails
    with pytest.raises(PlaywrightError, match="ERR_INVALID_AUTH_CREDENTIALS"):
        denied.new_page().goto(auth_server + "/")
    denied.close()
    context = browser.new_context(http_credentials={"username": AUTH[0], "password": AUTH[1]})
    page = context.new_page()
    question = "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
    _ask_in_chat(page, auth_server, question)
    page.locator(".aqa-card").first.wait_for(timeout=60_000)
    href = page.locator(".aqa-card a").first.get_attribute("href")
    page.goto(auth_server + href)
    assert "1965" in page.locator(".aqa-hl").inner_text()
    context.close()


def test_a_follow_up_is_searched_with_the_conversation_and_new_topic_ends_it(
    page: Any, server: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    _ask_in_chat(
        page, server, "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
    )
    page.get_by_text("electron bombardment furnace").first.wait_for(timeout=60_000)
    box = page.get_by_label(BOX_LABEL)
    box.fill("What did it make in 1961?")
    box.press("Enter")
    searched = "Searching: What did the Jinzhou Electric Furnace Factory make in 1961?"
    page.get_by_text(searched).first.wait_for(timeout=60_000)
    page.get_by_text("vacuum induction furnace").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "follow-up-desktop.png"), full_page=True)
    page.get_by_role("button", name="New topic / 新话题").click()
    page.get_by_text("— New topic / 新话题 —").first.wait_for(timeout=30_000)
    line = page.locator(".message-row", has_text="— New topic / 新话题 —").last
    assert "vacuum induction" not in line.inner_text()  # a message of its own
    box.fill("What did it make in 1961?")
    box.press("Enter")
    page.wait_for_function(
        """() => {
            const after = document.body.innerText.split('— New topic / 新话题 —')[1] || '';
            return !after.includes('Working… / 正在查找…')
                && (after.includes('[1]') || after.includes('The archive does not say'));
        }""",
        timeout=60_000,
    )
    after = page.locator("body").inner_text().split("— New topic / 新话题 —")[1]
    assert "Searching:" not in after  # read on its own after a new topic


FIRST_ZH = "锦州电炉厂在1965年试制成功了什么？"
IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.top >= -1 && r.top < window.innerHeight && r.bottom > 0; }"""


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def _answers(page: Any) -> int:
    return int(page.evaluate("document.querySelectorAll('.aqa-group').length"))


def test_chinese_conversation_beside_its_sources_ref_links_and_timeline(
    page: Any, server: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    _ask_in_chat(page, server, FIRST_ZH)
    page.get_by_text("电子轰击炉。[1]").first.wait_for(timeout=60_000)
    page.locator("#aqa-t1-c2").wait_for(timeout=30_000)
    # On a desktop the sources sit beside the chat, not under it.
    chat, sources = _box(page, "#aqa-chat-col"), _box(page, "#aqa-sources-col")
    assert sources["x"] >= chat["x"] + chat["width"] - 1
    assert abs(sources["y"] - chat["y"]) < 50
    # [2] in the answer brings card 2 into view and marks it.
    page.locator("a.aqa-ref", has_text="[2]").first.click()
    card = page.locator("#aqa-t1-c2")
    page.wait_for_function(
        "() => document.getElementById('aqa-t1-c2').classList.contains('aqa-marked')",
        timeout=10_000,
    )
    page.wait_for_timeout(800)  # the smooth scroll
    assert card.evaluate(IN_VIEW)
    assert page.locator(".aqa-card.aqa-marked").count() == 1
    # The second turn is read with the first and answered from the 1961 sentence.
    box = page.get_by_label(BOX_LABEL)
    box.fill("那一九六一年呢？")
    box.press("Enter")
    page.get_by_text("检索：锦州电炉厂").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.aqa-group').length >= 2")
    latest = page.locator("#aqa-sources .aqa-group").first
    assert "真空感应电炉" in " ".join(latest.locator("mark").all_inner_texts())
    assert page.locator("details.aqa-earlier").count() == 1  # the first answer's, folded
    page.screenshot(path=str(ARTIFACTS / "conversation-zh-desktop.png"))
    # The timeline marks the cited passages' period; choosing that bar asks again for it.
    bar = page.locator("#aqa-timeline button.aqa-bar.aqa-cited").first
    bar.wait_for(timeout=10_000)
    period = (bar.get_attribute("data-from"), bar.get_attribute("data-to"))
    before = _answers(page)
    bar.focus()
    page.keyboard.press("Enter")  # a bar is a button: the keyboard chooses it too
    page.wait_for_function(f"() => document.querySelectorAll('.aqa-group').length > {before}")
    assert page.get_by_label("From / 起 (YYYY-MM-DD)").input_value() == period[0]
    assert page.get_by_label("To / 止 (YYYY-MM-DD)").input_value() == period[1]
    page.locator('#aqa-timeline button.aqa-bar[aria-pressed="true"]').wait_for(timeout=30_000)
    dates = re.findall(r"(\d{4}-\d{2}-\d{2}) · page", page.locator(".aqa-group").first.inner_text())
    assert dates and all(period[0] <= d <= period[1] for d in dates)
    assert page.get_by_role("button", name="All dates / 全部日期").count() == 1


def test_phone_stacks_sources_under_the_chat_without_overflow(browser: Any, server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        _ask_in_chat(page, server, FIRST_ZH)
        page.locator("#aqa-t1-c1").wait_for(timeout=60_000)
        chat, sources = _box(page, "#aqa-chat-col"), _box(page, "#aqa-sources-col")
        assert sources["y"] >= chat["y"] + chat["height"] - 1
        assert page.evaluate(OVERFLOW) == 0
        page.locator("a.aqa-ref", has_text="[1]").first.tap()
        page.wait_for_timeout(800)
        assert page.locator("#aqa-t1-c1").evaluate(IN_VIEW)
        page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)
    finally:
        context.close()


def _serious(page: Any) -> list[str]:
    """axe-core's serious and critical violations, once the page's transitions are over (a
    card still fading in has the contrast of its half-way opacity)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect?.getComputedTiming().iterations === Infinity)",
        timeout=10_000,
    )
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['nodes'][0]['target']}"
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violations(page: Any, server: str) -> None:
    _ask_in_chat(page, server, CHINESE_ONLY_QUESTION)
    page.locator("#aqa-timeline button.aqa-bar").first.wait_for(timeout=60_000)
    page.locator("#aqa-t1-c1").wait_for(timeout=30_000)
    assert _serious(page) == []
    href = page.locator("#aqa-t1-c1 a[href^='/passage/']").first.get_attribute("href")
    page.goto(server + href)
    assert _serious(page) == []
    page.goto(server + "/passage/no-such-passage")
    assert _serious(page) == []


def test_browse_from_the_chat_to_a_year_an_article_and_a_passage_on_a_phone(
    browser: Any, server: str
) -> None:
    """By keyboard-free taps at phone width: the chat's browse link, a year, a month, a day,
    an article, one of its passages; no page wider than the screen, axe-core clean."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.get_by_role("link", name="Browse the archive by date / 按日期浏览档案").tap()
        page.wait_for_url("**/browse")
        for name in ("1946", "May 1946 / 1946年5月", "15 May / 5月15日"):
            assert page.evaluate(OVERFLOW) == 0
            assert _serious(page) == []
            with page.expect_navigation():
                page.get_by_role("link", name=name).first.tap()
        page.screenshot(path=str(ARTIFACTS / "browse-day-phone.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("link", name="新华书店将出三种期刊").tap()
        assert "/browse/article/" in page.url and page.evaluate(OVERFLOW) == 0
        assert _serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "browse-article-phone.png"), full_page=True)
        with page.expect_navigation():
            page.locator("a[href^='/passage/']").first.tap()
        assert page.locator(".aqa-hl").inner_text().startswith("【本市消息】华北新华书店")
    finally:
        context.close()


def test_a_reading_list_from_two_answers_becomes_a_handout_in_a_fresh_browser(
    browser: Any, server: str
) -> None:
    """Three passages added from two answers' cards, reordered, titled with hostile text, made
    into a link; the link opened in a new context (no storage shared) at phone width."""
    ARTIFACTS.mkdir(exist_ok=True)
    teacher = browser.new_context(viewport={"width": 1366, "height": 900})
    dialogs: list[str] = []
    page = teacher.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _ask_in_chat(
            page, server, "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
        )
        page.locator("#aqa-t1-c2 button.aqa-add").wait_for(timeout=60_000)
        page.locator("#aqa-t1-c1 button.aqa-add").click()
        page.locator("#aqa-t1-c2 button.aqa-add").click()
        box = page.get_by_label(BOX_LABEL)
        box.fill(CHINESE_ONLY_QUESTION)
        box.press("Enter")
        page.locator("#aqa-t2-c1 button.aqa-add").wait_for(timeout=60_000)
        page.locator("#aqa-t2-c1 button.aqa-add").click()
        assert page.locator(".aqa-rl-count").first.inner_text() == " (3)"
        page.goto(server + "/reading-list")
        items = page.locator("#aqa-rl-items li")
        assert items.count() == 3
        last = items.nth(2).locator("span").inner_text()
        page.get_by_role("button", name="Move up / 上移:").nth(2).click()  # third -> second
        assert items.nth(1).locator("span").inner_text()[3:] == last[3:]
        assert _serious(page) == []
        page.get_by_label("Title / 标题").fill("Week 3 <script>alert(1)</script>")
        page.get_by_label("Note for the class / 给学生的说明").fill(
            "Read <img src=x onerror=alert(2)>"
        )
        page.get_by_label("Questions, one per line / 问题（每行一个）").fill(
            "Which factory?\n哪些期刊？"
        )
        page.get_by_role("button", name="Make the handout link / 生成讲义链接").click()
        page.locator("#aqa-rl-open").wait_for(timeout=30_000)
        url = page.locator("#aqa-rl-link").input_value()
        assert url.startswith(server + "/handout?h=") and len(url) < 2000
    finally:
        teacher.close()
    student = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = student.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(url)
        assert page.locator("h1").inner_text() == "Week 3 <script>alert(1)</script>"
        assert page.locator(".aqa-h-note").inner_text() == "Read <img src=x onerror=alert(2)>"
        titles = page.locator(".aqa-h-passage h2").all_inner_texts()
        assert len(titles) == 3 and "新华书店将出三种期刊" in titles[1]  # the order chosen
        assert page.locator(".aqa-h-questions li").all_inner_texts() == [
            "Which factory?",
            "哪些期刊？",
        ]
        assert page.evaluate(OVERFLOW) == 0 and _serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "handout-phone.png"), full_page=True)
        # chromium's own print (A4, print CSS): both languages and the citations, no controls
        pdf = ARTIFACTS / "handout-print.pdf"
        page.pdf(path=str(pdf), format="A4")
        printed = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        printed = " ".join(printed.split())
        assert "electron bombardment furnace" in printed and "华北新华书店" in printed
        assert "People's Daily (人民日报), 1946-05-15, p. 2." in printed
        assert "Markdown" not in printed and "Ctrl-P" not in printed
    finally:
        student.close()
    assert dialogs == []  # nothing the teacher typed ran
