"""The launched web app shared by the API and browser tests: one `archive-qa serve` each for
the open app and the password-guarded one, for the whole tests/ui package."""

from __future__ import annotations

import contextlib
import html
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.build import Indexer
from index.embedder import Embedder
from index.settings import Settings
from tests.conftest import MONTH, copy_seeds, free_port

ROOT = Path(__file__).resolve().parents[2]
AUTH = ("teacher", "s3cret:x")
# A short Chinese-only article (no English translation): an English question about it is
# answered from the Chinese, with a word-by-word gloss and word cards.
CHINESE_ONLY = "1946-05-15_新华书店将出三种期刊"
CHINESE_ONLY_QUESTION = "What new magazines is the North China Xinhua Bookstore going to publish?"


def plain(markup: str) -> str:
    """What a browser shows of the markup, as text (tags dropped, entities read): the Chinese
    words of cards and passage pages are each wrapped in a word card span."""
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@contextlib.contextmanager
def launched(data: Path, *extra: str, ready_status: int = 200) -> Iterator[tuple[str, int]]:
    """`archive-qa serve` over ``data`` on a free port (default host); yields (url, pid)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui", "serve", "--data-dir", str(data), "--port", str(port), *extra],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, "serve exited"
            try:
                if _get(url + "/")[0] == ready_status:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("serve did not answer within 120 s")
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="package")
def served_data(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    copy_seeds(corpus)
    shutil.copy(ROOT / "tests" / "fixtures" / "hostile.txt", corpus)
    shutil.copy(MONTH / f"{CHINESE_ONLY}.md", corpus)
    data = tmp_path_factory.mktemp("data")
    Indexer(Settings(data_dir=data), real_embedder).run([corpus], progress=False)
    return data


@pytest.fixture(scope="package")
def server_process(served_data: Path) -> Iterator[tuple[str, int]]:
    with launched(served_data) as launched_server:
        yield launched_server


@pytest.fixture(scope="package")
def server(server_process: tuple[str, int]) -> str:
    return server_process[0]


@pytest.fixture(scope="package")
def auth_server(served_data: Path) -> Iterator[str]:
    with launched(served_data, "--auth", ":".join(AUTH), ready_status=401) as (url, _):
        yield url
