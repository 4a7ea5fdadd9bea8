"""The same index and query against a real `chroma run` server (client/server mode)."""

from __future__ import annotations

from pathlib import Path

from index.build import Indexer
from index.embedder import Embedder
from index.settings import Settings
from index.store import open_index
from qa.service import Assistant
from tests.conftest import SEED_FILES

ROOT = Path(__file__).resolve().parents[2]


def test_index_and_ask_through_a_chroma_server(
    tmp_path: Path, chroma_server: tuple[str, int], real_embedder: Embedder
) -> None:
    host, port = chroma_server
    settings = Settings(data_dir=tmp_path / "data", chroma_host=host, chroma_port=port)
    report = Indexer(settings, real_embedder).run(list(SEED_FILES), progress=False)
    assert (report.articles, report.passages, report.skipped) == (2, 27, [])
    # the vectors live in the server, not in the local data directory
    assert not (tmp_path / "data" / "chroma").exists()
    assert any((tmp_path / "srv").iterdir())
    idx = open_index(settings, real_embedder)
    assert idx.vectors.count() == 27 * 2
    again = Indexer(settings, real_embedder).run(list(SEED_FILES), progress=False)
    assert again.unchanged == 2 and again.added == 0
    answer = Assistant.open(settings, real_embedder).ask("锦州电炉厂在1965年试制成功了什么？")
    assert answer.answerable
    assert answer.citations[0].passage_id == "001_46162b52d6e248d1#p9"
    assert "电子轰击炉" in answer.answer
