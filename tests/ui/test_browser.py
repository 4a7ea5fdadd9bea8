"""The web chat in a real browser: Debian's chromium driven by Playwright (never downloaded)."""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.test_web import server  # noqa: F401  (the launched app, shared fixture)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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


def test_type_enter_answer_cards_and_passage_link(browser: Any, server: str) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/")
    box = page.get_by_label("Question / 问题 (Enter sends / 回车发送)")
    box.fill("锦州电炉厂在1965年试制成功了什么？")
    box.press("Enter")
    page.get_by_text("电子轰击炉。[1]").first.wait_for(timeout=60_000)
    card = page.locator(".aqa-card").first
    card.wait_for(timeout=30_000)
    assert "electron bombardment furnace" in card.inner_text()
    assert "电子轰击炉" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-desktop.png"), full_page=True)
    href = card.locator("a").first.get_attribute("href")
    assert href == "/passage/001_46162b52d6e248d1%23p9"
    page.goto(server + href)
    highlighted = page.locator(".aqa-hl")
    assert "一九六五年" in highlighted.inner_text()
    assert dialogs == []


def test_shared_question_link_is_answered(browser: Any, server: str) -> None:  # noqa: F811
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


def test_hostile_passage_runs_no_script(browser: Any, server: str) -> None:  # noqa: F811
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/passage/hostile%23p1")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img").count() == 0
    assert "<script>alert('xss')</script>" in page.locator(".aqa-hl").inner_text()
