"""The web app, launched for real (`archive-qa serve`), asked through gradio_client and HTTP."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.build import Indexer
from index.embedder import Embedder
from index.settings import Settings
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Iterator[str]:
    corpus = tmp_path_factory.mktemp("corpus")
    for f in (ROOT / "seeds").iterdir():
        shutil.copy(f, corpus / f.name)
    shutil.copy(ROOT / "tests" / "fixtures" / "hostile.txt", corpus)
    data = tmp_path_factory.mktemp("data")
    Indexer(Settings(data_dir=data), real_embedder).run([corpus], progress=False)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa", "serve", "--data-dir", str(data), "--port", str(port)],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, "serve exited"
            try:
                if _get(url + "/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("serve did not answer within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content)


def _ask(url: str, question: str) -> tuple[list[dict[str, Any]], str]:
    from gradio_client import Client

    history, cards, box = Client(url, verbose=False).predict(question, [], "", "", api_name="/ask")
    assert box == ""
    return history, cards


def test_english_and_chinese_questions_through_the_api(server: str) -> None:
    history, cards = _ask(
        server, "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
    )
    assert "electron bombardment furnace" in _text(history[-1]) and "[1]" in _text(history[-1])
    assert "<mark>In 1965, the electric furnace factory" in cards
    assert "电子轰击炉" in cards and "/passage/001_46162b52d6e248d1%23p9" in cards
    history, cards = _ask(server, "锦州电炉厂在1965年试制成功了什么？")
    assert "电子轰击炉" in _text(history[-1])
    assert "People&#x27;s Daily (人民日报), 1966-01-11, p. 1." in cards


def test_unanswerable_and_empty_questions(server: str) -> None:
    history, _ = _ask(server, "Who won the 1998 FIFA World Cup?")
    assert _text(history[-1]).startswith("The archive does not say")
    history, cards = _ask(server, "   ")
    assert "empty" in _text(history[-1]) and cards == ""


def test_passage_pages_and_friendly_404(server: str) -> None:
    status, page = _get(server + "/passage/001_46162b52d6e248d1%23p9")
    assert status == 200
    assert 'id="001_46162b52d6e248d1#p9" class="aqa-hl"' in page
    assert (
        "一九六五年，这家电炉厂又试制成功了" in page and "Passage 001_46162b52d6e248d1#p9." in page
    )
    status, page = _get(server + "/passage/no-such%23p1")
    assert status == 404 and "Passage not found" in page and "Traceback" not in page


def test_hostile_article_text_is_escaped(server: str) -> None:
    status, page = _get(server + "/passage/hostile%23p1")
    assert status == 200
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page
    _, cards = _ask(server, "Which harvest doubled in the county?")
    assert "<img src=x" not in cards and "<script>alert" not in cards


def test_markdown_export_lists_every_citation_with_its_link() -> None:
    from ui.web import export_markdown

    cite = {
        "n": 1,
        "passage_id": "a#p2",
        "title": {"en": "T", "zh": "标题"},
        "date": "1966-01-11",
        "page": "1",
    }
    md = export_markdown(
        [{"question": "Q?", "answer": "A. [1]", "citations": [cite]}], "http://127.0.0.1:7860"
    )
    assert "## Q?" in md and "A. [1]" in md
    assert "- [1] People's Daily (人民日报), 1966-01-11, p. 1. \u201cT\u201d. Passage a#p2." in md
    assert "<http://127.0.0.1:7860/passage/a%23p2>" in md
