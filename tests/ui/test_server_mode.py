"""Scale-out: two `archive-qa serve` processes sharing one real `chroma run` server and one data
directory; a re-index while they serve; the Chroma server going away and coming back."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from index.build import Indexer, lexical_dir
from index.catalog import Catalog
from index.embedder import Embedder
from index.settings import Settings
from tests.conftest import copy_seeds, free_port, start_chroma, stop
from tests.ui.conftest import ROOT, _get, launched, plain
from ui.web import UNAVAILABLE

NEW_QUESTION = "How many pupils did the first village school in the district open with?"


def _ask(url: str, question: str) -> tuple[str, str, str]:
    from gradio_client import Client

    history, cards, box, *_ = Client(url, verbose=False).predict(
        question, [], "", "", api_name="/ask"
    )
    content = history[-1]["content"]
    text = content if isinstance(content, str) else "".join(b.get("text", "") for b in content)
    return text, cards, box


def test_two_serve_processes_share_a_chroma_server(tmp_path: Path, real_embedder: Embedder) -> None:
    port = free_port()
    chroma: Any = start_chroma(tmp_path / "srv", port)
    corpus = tmp_path / "corpus"
    copy_seeds(corpus)
    data = tmp_path / "data"
    settings = Settings(data_dir=data, chroma_host="127.0.0.1", chroma_port=port)
    server_args = ("--chroma-host", "127.0.0.1", "--chroma-port", str(port))
    try:
        Indexer(settings, real_embedder).run([corpus], progress=False)
        assert not (data / "chroma").exists()  # the vectors live in the server
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(launched(data, *server_args))[0] for _ in range(2)]
            for url in urls:
                text, cards, _ = _ask(url, "锦州电炉厂在1965年试制成功了什么？")
                assert "电子轰击炉" in text and "001_46162b52d6e248d1%23p9" in cards
                assert "The archive does not say" in _ask(url, NEW_QUESTION)[0]

            # A new article indexed while both serve: each picks it up at its next question,
            # lexical index included (one shared copy of the new generation on disk).
            shutil.copy(ROOT / "tests" / "fixtures" / "english_only.txt", corpus)
            Indexer(settings, real_embedder).run([corpus], progress=False)
            for url in urls:
                text, cards, _ = _ask(url, NEW_QUESTION)
                assert "forty pupils" in text and "english_only%23p1" in cards
                # links handed out before the re-index still open the same passage
                status, page = _get(url + "/passage/001_46162b52d6e248d1%23p9")
                assert status == 200 and "一九六五年，这家电炉厂又试制成功了" in plain(page)
            # One manifest of the new generation, naming every segment on disk (the old one
            # and the new article's), which every process read rather than rebuilt.
            stamp = Catalog(data / "catalog.sqlite3").stamp()
            folder = lexical_dir(settings)
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["stamp"] == stamp
            named = {f"seg-{s['name']}" for s in manifest["segments"]}
            assert named == {p.name for p in folder.glob("seg-*")} and len(named) == 2

            # The Chroma server goes away: a clear message in the chat, the question kept.
            stop(chroma)
            text, cards, box = _ask(urls[0], NEW_QUESTION)
            assert UNAVAILABLE in text and "127.0.0.1:" + str(port) in text
            assert cards == "" and box == NEW_QUESTION and "Traceback" not in text
            # ... and comes back on the same data: both processes answer again.
            chroma = start_chroma(tmp_path / "srv", port)
            for url in urls:
                assert "forty pupils" in _ask(url, NEW_QUESTION)[0]
    finally:
        stop(chroma)
