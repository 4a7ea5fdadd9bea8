"""A missing or damaged data directory: one line naming the part and the command that rebuilds
it; `index --rebuild` moves the damaged part aside and loses no indexed article."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import Indexer, lexical_dir
from index.settings import Settings
from index.store import open_index
from qa.service import Assistant
from tests.conftest import copy_seeds
from tests.fakes import HashEmbedder
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Settings, Path, Path]:
    """Seeds in one folder, an English-only article in another, both indexed."""
    seeds, other = tmp_path / "seeds", tmp_path / "other"
    copy_seeds(seeds)
    other.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "english_only.txt", other)
    settings = Settings(data_dir=tmp_path / "data")
    for folder in (seeds, other):
        indexer = Indexer(settings, HashEmbedder())
        indexer.run([folder], progress=False)
        # Closed now: a connection closed later (when collected) checkpoints its WAL into the
        # file a test has just damaged, and repairs it behind the test's back.
        indexer.catalog.close()
    return settings, seeds, other


def _error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_missing_data_dir_names_the_command_that_builds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error_line(capsys, ["ask", "hello", "--data-dir", str(tmp_path / "none")])
    assert err == (
        f"error: no index in {tmp_path / 'none'}: run `archive-qa index seeds/ --data-dir "
        f"{tmp_path / 'none'}` first"
    )


def test_damaged_catalog_one_line_then_rebuild(
    indexed: tuple[Settings, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, seeds, other = indexed
    data = Path(settings.data_dir)
    (data / "catalog.sqlite3").write_bytes(b"\x00garbage" * 500)
    for companion in ("catalog.sqlite3-wal", "catalog.sqlite3-shm"):
        (data / companion).unlink(missing_ok=True)
    err = _error_line(capsys, ["passages", "x", "--data-dir", str(data)])
    assert "catalog.sqlite3: unreadable catalog" in err
    assert f"`archive-qa index --rebuild --data-dir {data} [PATH ...]`" in err
    indexer = Indexer(settings, HashEmbedder(), rebuild=True)
    assert [p.name for p, _ in indexer.set_aside] == ["catalog.sqlite3"]
    report = indexer.run([seeds, other], progress=False)
    assert (report.articles, report.passages, report.skipped) == (3, 29, [])
    assert any(p.name.startswith("catalog.sqlite3.broken-") for p in data.iterdir())
    idx = open_index(settings, HashEmbedder())
    assert idx.vectors.count() == 27 * 2 + 2  # no vector left over from the old catalog


def test_damaged_chroma_one_line_then_rebuild_keeps_other_folders(
    indexed: tuple[Settings, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    settings, seeds, _ = indexed
    data = Path(settings.data_dir)
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"\x00garbage" * 20_000)
    err = _error_line(capsys, ["ask", "hello", "--data-dir", str(data)])
    assert err.startswith(f"error: cannot open the Chroma data in {data / 'chroma'}: ")
    assert err.endswith(
        f"rebuild the index with `archive-qa index --rebuild --data-dir {data} [PATH ...]`"
    )
    # Rebuilt from the seeds folder only: the article from the other folder is re-embedded
    # from the catalog rather than lost.
    indexer = Indexer(settings, HashEmbedder(), rebuild=True)
    assert [p.name for p, _ in indexer.set_aside] == ["chroma"]
    report = indexer.run([seeds], progress=False)
    assert (report.articles, report.passages) == (3, 29)
    assert open_index(settings, HashEmbedder()).vectors.count() == 27 * 2 + 2
    answer = Assistant.open(settings, HashEmbedder()).ask("forty pupils village school")
    assert answer.citations and answer.citations[0].article_id == "english_only"


def test_damaged_lexical_index_is_rebuilt_silently(indexed: tuple[Settings, Path, Path]) -> None:
    settings, _, _ = indexed
    for f in lexical_dir(settings).rglob("*"):
        if f.is_file():
            f.write_bytes(b"\x00not an index")
    answer = Assistant.open(settings, HashEmbedder()).ask("forty pupils village school")
    assert answer.citations and answer.citations[0].article_id == "english_only"
