"""The web app, launched for real (`archive-qa serve`), asked through gradio_client and HTTP."""

from __future__ import annotations

import base64
import html
import ipaddress
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from index.settings import Settings
from qa.answer import GLOSS_LABEL, Answer, Citation
from qa.dictionary import Dictionary, open_dictionary
from qa.gloss import Word
from tests.ui.conftest import AUTH, CHINESE_ONLY, CHINESE_ONLY_QUESTION, ROOT, _get, plain
from ui import render
from ui.web import answer_text, export_markdown

LABEL = GLOSS_LABEL["en"]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc/net)."""
    found: set[str] = set()
    for name, width in (("tcp", 8), ("tcp6", 32)):
        table = Path("/proc/net") / name
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            host_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port or len(host_hex) != width:
                continue
            raw = bytes.fromhex(host_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(words)))
    return found


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content)


def _ask(url: str, question: str) -> tuple[list[dict[str, Any]], str]:
    from gradio_client import Client

    history, cards, box, link, timeline = Client(url, verbose=False).predict(
        question, [], "", "", api_name="/ask"
    )
    assert box == ""
    if link:
        assert link == f"{url}/?q={urllib.parse.quote(question.strip(), safe='')}"
        # the answer's [n] link to its card in the sources panel; a timeline of the matches
        refs = re.findall(r'<a class="aqa-ref" href="#(aqa-t1-c\d+)"', _text(history[-1]))
        assert all(f'id="{r}"' in cards for r in refs)
        assert bool(refs) == ("[1]" in plain(_text(history[-1])))
        assert not refs or 'class="aqa-bar' in timeline  # a cited passage matches
    return history, cards


def test_english_and_chinese_questions_through_the_api(server: str) -> None:
    history, cards = _ask(
        server, "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
    )
    assert "electron bombardment furnace" in _text(history[-1]) and "[1]" in _text(history[-1])
    assert "<mark>In 1965, the electric furnace factory" in cards
    assert "电子轰击炉" in plain(cards) and "/passage/001_46162b52d6e248d1%23p9" in cards
    assert LABEL not in cards and LABEL not in _text(history[-1])  # bilingual: no gloss
    history, cards = _ask(server, "锦州电炉厂在1965年试制成功了什么？")
    assert "电子轰击炉" in _text(history[-1])
    assert "People&#x27;s Daily (人民日报), 1966-01-11, p. 1." in cards


def test_unanswerable_and_empty_questions(server: str) -> None:
    history, _ = _ask(server, "Who won the 1998 FIFA World Cup?")
    assert _text(history[-1]).startswith("The archive does not say")
    history, cards = _ask(server, "   ")
    assert "empty" in _text(history[-1]) and cards == ""
    from gradio_client import Client

    history, cards, *_ = Client(server, verbose=False).predict(
        "锦州电炉厂在1965年试制成功了什么？", [], "1965-13", "", api_name="/ask"
    )
    assert "'1965-13' is not a date" in _text(history[-1]) and cards == ""
    history, cards, *_ = Client(server, verbose=False).predict(
        "锦州电炉厂在1965年试制成功了什么？", [], "1966", "1966", api_name="/ask"
    )
    assert "电子轰击炉" in _text(history[-1]) and "1966-01-11" in cards


def test_browse_from_a_year_to_an_article_and_its_passages(server: str) -> None:
    status, page = _get(server + "/browse")
    assert status == 200
    years = re.findall(r'href="/browse/(\d{4})"', page)
    assert years == ["1946", "1960", "1966", "1970"]  # the seeds, the month's article, hostile
    _, page = _get(server + "/browse/1946")
    assert 'href="/browse/1946-05"' in page and "May 1946" in plain(page)
    _, page = _get(server + "/browse/1946-05")
    assert 'href="/browse/1946-05-15"' in page
    _, page = _get(server + "/browse/1946-05-15")
    link = re.search(r'href="(/browse/article/[^"]+)"', page)
    assert link and "新华书店将出三种期刊" in plain(page) and "Page / 版 2" in plain(page)
    status, page = _get(server + link.group(1))
    assert status == 200 and "华北新华书店" in plain(page)
    assert 'href="/passage/1946-05-15_' in page and "Article 1946-05-15_" in page
    assert 'class="aqa-hl"' not in page  # no passage is marked when the article is opened
    # the hostile article's title is text on the day's page
    _, page = _get(server + "/browse/1970-01-02")
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/browse/1946-13", "is not a period of the archive"),
        ("/browse/%3Cimg%20src%3Dx%3E", "is not a period of the archive"),
        ("/browse/article/no-such-article", "No article no-such-article"),
    ],
)
def test_browse_refuses_what_is_not_there_with_a_page_not_an_error(
    server: str, path: str, says: str
) -> None:
    status, page = _get(server + path)
    assert status == 404 and says in plain(page) and "Traceback" not in page
    assert "<img" not in page
    status, page = _get(server + "/browse/1946-05-15?page=abc")  # a bad page number: page 1
    assert status == 200 and "新华书店将出三种期刊" in plain(page)


HOSTILE_TITLE = "Week 3 <script>alert(1)</script>"
HOSTILE_NOTE = "Read <img src=x onerror=alert(2)> first.\n# not a heading [link](javascript:x)"


def _handout_link(served_data: Path, server: str, *ids: str, md: Path | None = None) -> str:
    out = subprocess.run(
        [
            sys.executable, "-m", "ui", "handout", *ids,
            "--title", HOSTILE_TITLE, "--note", HOSTILE_NOTE,
            "--question", "Which factory? <b>bold</b>", "--question", "哪些数字？",
            "--base-url", server, "--data-dir", str(served_data),
            *(["--md", str(md)] if md else []),
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-500:]
    return out.stdout.strip()


def test_a_handout_link_opens_both_languages_citations_and_questions_as_text(
    server: str, served_data: Path, tmp_path: Path
) -> None:
    md = tmp_path / "handout.md"
    url = _handout_link(served_data, server, CHINESE_ONLY + "#p1", "001_46162b52d6e248d1#p9", md=md)
    assert url.startswith(server + "/handout?h=") and len(url) < 2000
    status, page = _get(url)
    assert status == 200
    text = plain(page)
    assert text.index("华北新华书店") < text.index("electron bombardment furnace")  # list order
    assert "一九六五年，这家电炉厂又试制成功了" in text  # both sides of the bilingual passage
    assert GLOSS_LABEL["en"] in text  # the Chinese-only one glossed for English readers
    assert "Passage 001_46162b52d6e248d1#p9." in text and 'href="/browse/article/' in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert html.escape(HOSTILE_TITLE) in page and "哪些数字？" in text
    written = md.read_text(encoding="utf-8")
    assert written.startswith("# Week 3 \\<script\\>alert(1)\\</script\\>")
    assert "\\# not a heading \\[link\\](javascript:x)" in written
    status, downloaded = _get(url.replace("/handout?", "/handout.md?"))
    assert status == 200 and downloaded.replace(server, "") == written.replace(server, "")


def test_the_handout_pdf_holds_both_languages_citations_and_the_teachers_text(
    server: str, served_data: Path, tmp_path: Path
) -> None:
    """Read back with pdftotext (poppler-utils, installed by .ci/run)."""
    import shutil

    assert shutil.which("pdftotext"), "pdftotext missing: apt-get install poppler-utils"
    url = _handout_link(served_data, server, "001_46162b52d6e248d1#p9", CHINESE_ONLY + "#p1")
    req = urllib.request.Request(url.replace("/handout?", "/handout.pdf?"))
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.headers["Content-Type"] == "application/pdf"
        (tmp_path / "h.pdf").write_bytes(r.read())
    out = subprocess.run(
        ["pdftotext", str(tmp_path / "h.pdf"), "-"], capture_output=True, text=True, check=True
    )
    text = " ".join(out.stdout.split())
    assert HOSTILE_TITLE in text and "Read <img src=x onerror=alert(2)> first." in text
    assert "electron bombardment furnace" in text and "这家电炉厂又试制成功了" in text
    assert "华北新华书店" in text and GLOSS_LABEL["en"] in text
    assert "Passage 001_46162b52d6e248d1#p9." in text and "Passage 1946-05-15_" in text
    assert "Which factory? <b>bold</b>" in text and "哪些数字？" in text
    assert text.index("electron bombardment") < text.index("华北新华书店")  # the list's order


def test_a_handout_lists_what_the_archive_no_longer_has(server: str) -> None:
    from qa.handout import Handout, link

    url = link(server, Handout("T", "", (CHINESE_ONLY + "#p1", "gone-article#p1"), ()))
    status, page = _get(url)
    assert status == 200 and "华北新华书店" in plain(page)
    assert "1 passage(s) of this list are no longer in the archive" in plain(page)


@pytest.mark.parametrize("token", ["", "garbage!!", "A" * 7000])
def test_a_damaged_handout_link_gets_a_message_not_an_error(server: str, token: str) -> None:
    status, page = _get(f"{server}/handout?h={urllib.parse.quote(token)}")
    assert status == 400 and "cannot be opened" in plain(page) and "Traceback" not in page


def test_handout_cli_names_a_passage_it_does_not_have(served_data: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ui", "handout", "no-such#p1", "--title", "T",
         "--data-dir", str(served_data)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert out.returncode == 1 and "no passage 'no-such#p1'" in out.stderr


def test_passage_pages_and_friendly_404(server: str) -> None:
    status, page = _get(server + "/passage/001_46162b52d6e248d1%23p9")
    assert status == 200
    assert 'id="001_46162b52d6e248d1#p9" class="aqa-hl"' in page
    assert "一九六五年，这家电炉厂又试制成功了" in plain(page)
    assert "Passage 001_46162b52d6e248d1#p9." in page
    # Its Chinese words carry word cards (pinyin and senses).
    assert re.search(r'<span class="aqa-w" tabindex="0" data-p="hōngjī[^"]*" data-g="bombard', page)
    status, page = _get(server + "/passage/no-such%23p1")
    assert status == 404 and "Passage not found" in page and "Traceback" not in page


def test_hostile_article_text_is_escaped(server: str) -> None:
    status, page = _get(server + "/passage/hostile%23p1")
    assert status == 200
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page
    _, cards = _ask(server, "Which harvest doubled in the county?")
    assert "<img src=x" not in cards and "<script>alert" not in cards


def test_english_question_over_a_chinese_only_article_gets_the_gloss(server: str) -> None:
    history, cards = _ask(server, CHINESE_ONLY_QUESTION)
    chat = plain(_text(history[-1]))
    assert "(from the Chinese original) [1]" in chat
    gloss = chat.split(f"\n{LABEL}:\n[1] ", 1)[1]
    assert "Xinhua Bookstore" in gloss and "<" not in gloss
    assert f'<div class="aqa-gloss"><b>{LABEL}:</b> {html.escape(gloss)}</div>' in cards
    assert f"/passage/{urllib.parse.quote(CHINESE_ONLY, safe='')}%23p1" in cards
    # The quoted sentences are marked, and their words carry word cards, as do any around them.
    marked = re.search(r"<mark>(.*?)</mark>", cards, re.S)
    assert marked and '<span class="aqa-w"' in marked.group(1)
    assert "华北新华书店除编刊新大众外" in plain(marked.group(1))
    after = cards[marked.end() :].split("</p>", 1)[0]
    assert not re.search(r"[\u4e00-\u9fff]", plain(after)) or '<span class="aqa-w"' in after


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return open_dictionary(Settings().model_cache)


def _attrs(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of the markup with its attributes, as a browser parses them."""
    from html.parser import HTMLParser

    tags: list[tuple[str, dict[str, str | None]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, dict(attrs)))

    Parser().feed(markup)
    return tags


def test_word_card_escapes_pinyin_and_senses() -> None:
    hostile = Word(
        "四平",
        pinyin='Sì"><img src=x onerror=alert(1)>',
        senses=("<script>alert(1)</script>", "a & b", "c", "d", "e", "f"),
        hsk="HSK 3",
        gloss="Siping",
        kind="name",
    )
    span = render.word_span(hostile)
    assert "<img" not in span and "<script" not in span
    assert _attrs(span) == [
        (
            "span",
            {
                "class": "aqa-w",
                "tabindex": "0",
                "data-p": 'Sì"><img src=x onerror=alert(1)> · HSK 3',
                # a name's English first, then its senses: four in all
                "data-g": "Siping; <script>alert(1)</script>; a & b; c",
            },
        )
    ]
    assert plain(span) == "四平"
    assert render.word_card(Word("乙")) == ("", render.NOT_IN_DICTIONARY)


def test_annotated_text_stays_text(dictionary: Dictionary) -> None:
    text = "华北新华书店<script>alert('x')</script>四平街 & <img src=x>一九四六年。\n"
    out = render.annotate(text, dictionary)
    assert "<script" not in out and "<img" not in out
    assert plain(out) == text  # every character kept, in order
    tags = _attrs(out)
    assert {t for t, _ in tags} == {"span"}
    cards = {plain(m.group(2)): m.group(1) for m in re.finditer(r"(<span[^>]*>)(.*?)</span>", out)}
    assert set(cards) >= {"华北", "新华书店", "四平", "街", "一九四六年"}
    shop = _attrs(cards["新华书店"])[0][1]
    assert "Xīnhuá" in str(shop["data-p"]) and "Xinhua Bookstore" in str(shop["data-g"])
    assert "1946" in str(_attrs(cards["一九四六年"])[0][1]["data-g"])
    assert render.annotate(text, None) == html.escape(text)  # no dictionary: plain text


def _citation(gloss: str = "") -> Citation:
    text = "【本市消息】华北新华书店近拟再编辑发行三种期刊。前者为月刊。"
    return Citation(
        n=1,
        passage_id=f"{CHINESE_ONLY}#p1",
        article_id=CHINESE_ONLY,
        title={"en": "", "zh": "新华书店将出三种期刊"},
        date="1946-05-15",
        page="2",
        text={"en": "", "zh": text},
        quote={"en": "", "zh": "华北新华书店近拟再编辑发行三种期刊。"},
        score=1.0,
        gloss=gloss,
    )


def test_card_marks_the_quote_and_shows_the_gloss(dictionary: Dictionary) -> None:
    gloss = "North China Xinhua Bookstore <b>plan-to</b> publish Sanzhong periodical."
    card = render.card(_citation(gloss), "[1]", dictionary)
    marked = re.search(r"<mark>(.*?)</mark>", card)
    assert marked and plain(marked.group(1)) == "华北新华书店近拟再编辑发行三种期刊。"
    assert marked.group(1).count('class="aqa-w"') >= 5
    before, after = card.split(marked.group(0))
    assert before.count('class="aqa-w"') >= 2 and after.count('class="aqa-w"') >= 2
    assert f"<b>{LABEL}:</b> {html.escape(gloss)}</div>" in card and "<b>plan-to" not in card
    assert LABEL not in render.card(_citation(), "[1]", dictionary)
    assert 'class="aqa-w"' not in render.card(_citation(), "[1]")  # no dictionary


def test_gloss_in_the_chat_message_and_the_export() -> None:
    gloss = "North China Xinhua Bookstore plan-to publish Sanzhong periodical."
    answer = Answer(
        question=CHINESE_ONLY_QUESTION,
        language="en",
        answerable=True,
        answer="华北新华书店近拟再编辑发行三种期刊。 (from the Chinese original) [1]",
        citations=[_citation(gloss)],
    )
    text = answer_text(answer)
    assert text.endswith(f"\n\n{LABEL}:\n[1] {gloss}")
    md = export_markdown([answer.to_dict()], "http://127.0.0.1:7860")
    assert f"\n\n{LABEL}:\n\n- [1] {gloss}\n" in md
    plain = Answer(**{**answer.__dict__, "citations": [_citation()]})
    assert LABEL not in answer_text(plain)
    assert LABEL not in export_markdown([plain.to_dict()])


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
    assert "- [1] People's Daily (人民日报), 1966-01-11, p. 1. \u201cT.\u201d Passage a#p2." in md
    assert "<http://127.0.0.1:7860/passage/a%23p2>" in md


def test_listens_on_loopback_only_by_default(server_process: tuple[str, int]) -> None:
    url, _ = server_process
    port = int(url.rsplit(":", 1)[1])
    assert _listening_addresses(port) == {"127.0.0.1"}


def test_no_upload_no_file_access_only_two_public_endpoints(server: str) -> None:
    status, config = _get(server + "/config")
    assert status == 200
    cfg = json.loads(config)
    assert cfg["analytics_enabled"] is False
    kinds = {c["type"] for c in cfg["components"]}
    assert not kinds & {"uploadbutton", "image", "audio", "video", "multimodaltextbox"}
    files = [c for c in cfg["components"] if c["type"] == "file"]
    assert files and all(not c["props"].get("interactive") for c in files)
    chatbot = next(c for c in cfg["components"] if c["type"] == "chatbot")
    assert "share" not in chatbot["props"]["buttons"]  # it would post the chat to Hugging Face
    public = {d["api_name"] for d in cfg["dependencies"] if d.get("api_visibility") == "public"}
    assert public == {"ask", "export"}
    assert _get(server + "/gradio_api/file=/etc/passwd")[0] in (403, 404)
    upload = urllib.request.Request(
        server + "/gradio_api/upload",
        data=b"--x\r\nContent-Disposition: form-data; name=files; filename=a.txt\r\n\r\nhi"
        b"\r\n--x--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(upload, timeout=30)
    assert refused.value.code == 403


def test_export_through_the_api_has_absolute_passage_links(server: str) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    assert client.predict(api_name="/export") is None  # nothing asked yet: nothing to export
    question = "How many kinds of metals do rare earth metals include?"
    _, _, _, link, _ = client.predict(question, [], "", "", api_name="/ask")
    client.predict("锦州电炉厂在1965年试制成功了什么？", [], "", "", api_name="/ask")
    md = Path(client.predict(api_name="/export")).read_text(encoding="utf-8")
    assert md.count("\n## ") == 2 and f"## {question}" in md
    assert "seventeen kinds of metals" in md and "电子轰击炉" in md
    assert f"<{server}/passage/001_46162b52d6e248d1%23p" in md
    assert link.startswith(server + "/?q=How%20many")


def _basic(user_pass: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user_pass.encode()).decode()}


def test_auth_guards_every_route(auth_server: str) -> None:
    from gradio_client import Client

    for path in ("/", "/config", "/passage/hostile%23p1", "/gradio_api/info"):
        status, body = _get(auth_server + path)
        assert status == 401, path
        assert "hostile" not in body and "Traceback" not in body
    wrong = urllib.request.Request(auth_server + "/", headers=_basic("teacher:no"))
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(wrong, timeout=30)
    assert denied.value.code == 401
    right = _basic(":".join(AUTH))
    ok = urllib.request.Request(auth_server + "/passage/hostile%23p1", headers=right)
    with urllib.request.urlopen(ok, timeout=30) as r:
        assert r.status == 200
    client = Client(auth_server, verbose=False, headers=right)
    history, *_ = client.predict("锦州电炉厂在1965年试制成功了什么？", [], "", "", api_name="/ask")
    assert "电子轰击炉" in _text(history[-1])


def test_bad_auth_value_is_one_clear_line(served_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui", "serve", "--data-dir", str(served_data), "--auth", "nopass"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "archive-qa: --auth: expected USER:PASS with a non-empty user and password"
    )


def _ask_http(url: str, question: str) -> list[Any]:
    """One question through Gradio's REST API: POST, then read the event stream."""
    body = json.dumps({"data": [question, [], "", ""]}).encode()
    post = urllib.request.Request(
        url + "/gradio_api/call/ask", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(post, timeout=60) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{url}/gradio_api/call/ask/{event}", timeout=120) as r:
        lines = r.read().decode("utf-8").splitlines()
    assert "event: complete" in lines, lines[:4]
    return list(json.loads(lines[lines.index("event: complete") + 1].removeprefix("data: ")))


def test_students_asking_at_once_each_get_their_own_answer(server: str) -> None:
    """Questions asked at the same moment share model calls (qa/coalesce.py): each student
    must still get the answer to their own question, the same as when asked alone."""
    from concurrent.futures import ThreadPoolExecutor

    rows = [json.loads(x) for x in (ROOT / "tests/qa/dev_seeds.jsonl").read_text().splitlines()]
    questions = [r["question"] for r in rows][:24]
    alone = {q: _ask_http(server, q) for q in questions}
    with ThreadPoolExecutor(len(questions)) as pool:
        answers = list(pool.map(lambda q: _ask_http(server, q), questions))
    together = dict(zip(questions, answers, strict=True))
    for q in questions:
        chat, cards = together[q][0], together[q][1]
        assert chat[0]["content"] == alone[q][0][0]["content"]  # the question asked
        assert chat[-1]["content"] == alone[q][0][-1]["content"], q  # its answer
        assert cards == alone[q][1]
    answered = [q for q in questions if "[1]" in str(together[q][0][-1]["content"])]
    assert len(answered) >= 18


def test_the_chat_memory_is_rebuilt_from_the_history_and_a_new_topic_empties_it() -> None:
    from ui.web import NEW_TOPIC, memory_of, said

    first = "What did the Jinzhou Electric Furnace Factory trial-produce in 1965?"
    history = [said("user", first), said("assistant", "… [1]")]
    assert memory_of(history).subject == "the Jinzhou Electric Furnace Factory"
    assert not memory_of([*history, said("assistant", NEW_TOPIC)])
    # the article in focus is the last answer's, when that answer is the last question's
    log = [{"asked": first, "citations": [{"article_id": "a1"}], "related": []}]
    assert memory_of(history, log).articles == ("a1",)
    assert not memory_of([*history, said("user", "Who ran it?")], log).articles
    assert not memory_of([*history, said("assistant", NEW_TOPIC)], log)
    hostile = "What did <b>Xin Dazhong</b> & co print?"
    log = [{"asked": hostile, "citations": [], "related": [{"article_id": "a2"}]}]
    assert memory_of([said("user", hostile)], log).articles == ("a2",)
    # the person the last answer named, when the last question asked for one
    who = "谁被选为董事长？"
    cited = [{"article_id": "a3", "quote": {"en": "", "zh": "选出贾林放为董事长。"}}]
    log = [{"asked": who, "answerable": True, "citations": cited, "related": []}]
    assert memory_of([said("user", who)], log).person == "贾林放"
    assert not memory_of([said("user", who)], [{**log[0], "answerable": False}]).person
    # the memory the assistant kept after the last answer, when the log holds it: a follow-up
    # it did not answer stays on the conversation's article and person
    kept = [{**log[0], "answerable": False, "focus": ["a1"], "person": "Liu Yuchen"}]
    memory = memory_of([said("user", who)], kept)
    assert memory.articles == ("a1",) and memory.person == "Liu Yuchen"
    text = answer_text(Answer("q", "zh", True, "答 [1]", []), searched="锦州电炉厂还生产了什么？")
    assert text.startswith("检索：锦州电炉厂还生产了什么？")
