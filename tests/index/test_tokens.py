"""Lexical tokens kept in the catalog: a rebuild after a change tokenizes only what changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import index.build
from index import lexical
from index.build import Indexer, load_lexical
from index.catalog import Catalog
from index.lexical import LexicalIndex, tokenize
from index.settings import Settings
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
QUERIES = [
    "Jinzhou electric furnace factory vacuum smelting",
    "锦州电炉厂 真空冶炼设备",
    "稀土金属",
    "济宁日报创刊",
    "rare earth metals 1965",
]


class CountingTokenize:
    def __init__(self) -> None:
        self.texts = 0

    def __call__(self, text: str, *, bigrams: bool = True) -> list[str]:
        self.texts += 1
        return tokenize(text, bigrams=bigrams)


def _token_table(catalog: Catalog) -> dict[str, tuple[str, str]]:
    db = sqlite3.connect(catalog.path)
    try:
        return {
            pid: (en, zh) for pid, en, zh in db.execute("SELECT passage_id, en, zh FROM tokens")
        }
    finally:
        db.close()


def test_stored_tokens_are_the_tokenizers_and_give_the_same_index(
    tmp_path: Path, corpus: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    catalog = indexer.catalog
    table = _token_table(catalog)
    passages = list(catalog.iter_passages())
    assert set(table) == {p.id for p in passages}
    for p in passages:
        assert table[p.id] == (" ".join(tokenize(p.text_en)), " ".join(tokenize(p.text_zh)))
    # The index assembled from stored tokens ranks exactly like one tokenized from the texts.
    from_store = LexicalIndex.from_tokens(
        (pid, en, zh) for pid, _, en, zh in index.build.passage_tokens(catalog)
    )
    from_texts = LexicalIndex.build((p.id, p.text_en, p.text_zh) for p in passages)
    for q in QUERIES:
        assert from_store.search(q, 10) == from_texts.search(q, 10), q
        assert from_store.search(q, 10)["zh"] or from_store.search(q, 10)["en"]


def test_a_change_tokenizes_only_the_new_passages(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    counting = CountingTokenize()
    monkeypatch.setattr(index.build, "tokenize", counting)
    # A real article (the GBK fixture) with a sentence no other article has.
    text = (FIXTURES / "gbk_article.md").read_bytes().decode("gb18030")
    extra = corpus / "extra_article.md"
    extra.write_text(text.replace("月内即可开工", "月内即可开工，并试制琉璃瓦"), encoding="utf-8")
    indexer = Indexer(settings, HashEmbedder())
    report = indexer.run([corpus], progress=False)
    assert report.added == 1
    new = indexer.catalog.passages_of(extra.stem)
    assert new and counting.texts == sum(bool(p.text_en) + bool(p.text_zh) for p in new)
    # ...and the rebuilt index finds the new article.
    lex = load_lexical(settings, indexer.catalog)
    assert lex.search("琉璃瓦", 3)["zh"][0][0].startswith(extra.stem)
    # Removing the file removes its stored tokens with its passages.
    extra.unlink()
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    assert not [pid for pid in _token_table(indexer.catalog) if pid.startswith(extra.stem)]


def test_another_tokenizer_version_redoes_every_passage(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    counting = CountingTokenize()
    monkeypatch.setattr(index.build, "tokenize", counting)
    list(index.build.passage_tokens(indexer.catalog))
    assert counting.texts == 0  # all stored
    monkeypatch.setattr(index.build, "tokenizer_version", lambda: lexical.tokenizer_version() + "x")
    list(index.build.passage_tokens(indexer.catalog))
    sides = sum(bool(p.text_en) + bool(p.text_zh) for p in indexer.catalog.iter_passages())
    assert counting.texts == sides


def test_worker_processes_tokenize_while_the_build_embeds(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big build (here: forced) tokenizes in a process pool; the BM25 build at the end then
    tokenizes nothing in the main process, and the stored tokens are the tokenizer's."""
    counting = CountingTokenize()
    monkeypatch.setattr(index.build, "tokenize", counting)  # the main process only
    indexer = Indexer(Settings(data_dir=tmp_path / "data"), HashEmbedder())
    indexer.token_pool_min = 0
    indexer.run([corpus], progress=False)
    assert counting.texts == 0
    table = _token_table(indexer.catalog)
    passages = list(indexer.catalog.iter_passages())
    assert len(table) == len(passages) > 20
    for p in passages:
        assert table[p.id] == (" ".join(tokenize(p.text_en)), " ".join(tokenize(p.text_zh)))


def test_a_failed_worker_costs_only_time(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import Future

    from index.tokenpool import Job, TokenPool

    def broken(self: TokenPool, rows: object) -> Job:
        failed: Future[list[tuple[str, str, str, str]]] = Future()
        failed.set_exception(RuntimeError("worker died"))
        return Job([failed])

    monkeypatch.setattr(TokenPool, "submit", broken)
    counting = CountingTokenize()
    monkeypatch.setattr(index.build, "tokenize", counting)
    indexer = Indexer(Settings(data_dir=tmp_path / "data"), HashEmbedder())
    indexer.token_pool_min = 0
    report = indexer.run([corpus], progress=False)
    assert report.skipped == [] and report.passages > 20
    sides = sum(bool(p.text_en) + bool(p.text_zh) for p in indexer.catalog.iter_passages())
    assert counting.texts == sides  # tokenized at the BM25 build instead
    lex = load_lexical(indexer.settings, indexer.catalog)
    assert lex.search("锦州电炉厂", 3)["zh"]
