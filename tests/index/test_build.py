"""Incremental indexing on real Chroma (embedded) with a small deterministic embedder."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from index.build import Indexer
from index.catalog import Catalog
from index.embedder import Vectors
from index.sentence_vectors import sentence_texts
from index.settings import Settings
from index.store import open_index
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "rmrb-zh"
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED_SEED_PASSAGES = 5 + 22


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
    ) -> Vectors:
        self.embedded += len(texts)
        return super().embed_passages(texts, batch_size=batch_size, progress=progress)


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _records(settings: Settings) -> tuple[int, set[str]]:
    """(vector records in Chroma, record ids the catalog says should exist)."""
    idx = open_index(settings, HashEmbedder())
    expected = {
        f"{p.id}|{side}"
        for p in idx.catalog.iter_passages()
        for side in ("en", "zh")
        if p.text(side)
    }
    assert idx.vectors.all_ids() == expected
    return idx.vectors.count(), expected


def test_add_unchanged_change_delete(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path)
    emb = CountingEmbedder()
    first = Indexer(settings, emb).run([corpus], progress=False)
    assert (first.added, first.updated, first.removed, first.unchanged) == (8, 0, 0, 0)
    assert first.articles == 8 and first.skipped == []
    assert first.passages == EXPECTED_SEED_PASSAGES + 6 + 2 + 2 + 1 + 1 + 2
    count, expected = _records(settings)
    assert count == len(expected) == 27 * 2 + 12 + 2
    ids_before = [p.id for p in Catalog(tmp_path / "data" / "catalog.sqlite3").iter_passages()]

    # unchanged corpus: nothing embedded
    emb2 = CountingEmbedder()
    again = Indexer(settings, emb2).run([corpus], progress=False)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 8)
    assert emb2.embedded == 0

    # change one file: only it is re-embedded, ids of the others unchanged
    f = corpus / "english_only.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\nA third paragraph about the harvest.\n")
    emb3 = CountingEmbedder()
    changed = Indexer(settings, emb3).run([corpus], progress=False)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 7)
    new_passages = Catalog(tmp_path / "data" / "catalog.sqlite3").passages_of("english_only")
    sentences = sum(len(sentence_texts(p, "en")) for p in new_passages)
    assert len(new_passages) == 3 and sentences >= 3
    assert emb3.embedded == 3 + sentences  # its passages, then their sentences
    assert changed.passages == first.passages + 1
    catalog = Catalog(tmp_path / "data" / "catalog.sqlite3")
    ids_after = [p.id for p in catalog.iter_passages()]
    assert set(ids_before) <= set(ids_after)
    assert catalog.passage("english_only#p3").text_en == "A third paragraph about the harvest."  # type: ignore[union-attr]

    # delete one file: its passages leave the catalog, Chroma and the lexical index
    (corpus / "001_46162b52d6e248d1.txt").unlink()
    removed = Indexer(settings, CountingEmbedder()).run([corpus], progress=False)
    assert (removed.removed, removed.articles) == (1, 7)
    assert removed.passages == changed.passages - 22
    count, expected = _records(settings)
    assert not any(r.startswith("001_") for r in expected)
    lex = open_index(settings, HashEmbedder()).lexical
    assert not any(
        pid.startswith("001_") for hits in lex.search("Jinzhou 锦州").values() for pid, _ in hits
    )


def test_indexing_another_folder_keeps_the_first(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus / "000_b9ad766cd1670af9.txt"], progress=False)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(FIXTURES / "english_only.txt", other / "school.txt")
    report = Indexer(settings, HashEmbedder()).run([other], progress=False)
    assert (report.added, report.removed, report.articles) == (1, 0, 2)


def test_bad_files_are_skipped_and_nothing_indexed_is_lost(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    before = Catalog(tmp_path / "data" / "catalog.sqlite3").counts()
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    shutil.copy(FIXTURES / "gbk_article.md", corpus / "gbk_article.md")
    # a file that was indexed turns bad: its old passages stay
    (corpus / "english_only.txt").write_bytes(b"\x00\x01garbage")
    report = Indexer(settings, HashEmbedder()).run([corpus, tmp_path / "nope"], progress=False)
    skipped = {Path(s["path"]).name: s["error"] for s in report.skipped}
    assert set(skipped) == {"empty.txt", "binary.txt", "english_only.txt", "nope"}
    assert skipped["empty.txt"] == "empty file"
    assert "binary" in skipped["binary.txt"]
    assert report.added == 1  # the GBK file
    assert report.articles == before[0] + 1
    assert report.passages == before[1] + 1
    assert Catalog(tmp_path / "data" / "catalog.sqlite3").passage("english_only#p1") is not None


def test_duplicate_article_ids_are_reported(tmp_path: Path, corpus: Path) -> None:
    """Two files with one name and different text are reported; an identical copy (a month
    as a folder and as its 7z) is the same article, indexed once and not reported."""
    (corpus / "sub").mkdir()
    (corpus / "copy").mkdir()
    original = (corpus / "english_only.txt").read_text(encoding="utf-8")
    (corpus / "sub" / "english_only.txt").write_text(original + "\nMore.\n", encoding="utf-8")
    shutil.copy(corpus / "english_only.txt", corpus / "copy" / "english_only.txt")
    report = Indexer(_settings(tmp_path), HashEmbedder()).run([corpus], progress=False)
    assert len(report.skipped) == 1
    assert report.skipped[0]["path"].endswith("sub/english_only.txt")
    assert "already used by" in report.skipped[0]["error"]
    assert report.unchanged == 1  # the identical copy


_SLOW_BUILD = """
import sys, time
sys.path.insert(0, {root!r})
import index.build
from index.build import Indexer
from index.settings import Settings
from pathlib import Path
from tests.fakes import HashEmbedder

class Slow(HashEmbedder):
    def embed_passages(self, texts, **kw):
        time.sleep(0.15)
        return super().embed_passages(texts, **kw)

index.build.EMBED_BATCH_PASSAGES = 2
Indexer(Settings(data_dir=Path({data!r})), Slow()).run([Path({corpus!r})], progress=False)
"""


def _make_many(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    template = (FIXTURES / "english_only.txt").read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"gen_{i:03d}.txt").write_text(
            template.replace("forty pupils", f"{i + 10} pupils"), encoding="utf-8"
        )


def test_kill_9_midway_then_rerun_equals_a_clean_build(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    _make_many(corpus, 60)
    data = tmp_path / "data"
    script = _SLOW_BUILD.format(root=str(ROOT), data=str(data), corpus=str(corpus))
    proc = subprocess.Popen([sys.executable, "-c", script])
    db = data / "catalog.sqlite3"
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and done < 10:
        time.sleep(0.1)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    done = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    settings = Settings(data_dir=data)
    # the interrupted index is usable: catalog and vectors agree
    partial_count, _ = _records(settings)
    partial_articles = Catalog(db).counts()[0]
    assert 10 <= partial_articles < 60 and partial_count >= partial_articles * 2
    # the next run completes it
    report = Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    assert report.unchanged == partial_articles and report.added == 60 - partial_articles
    count, expected = _records(settings)
    clean = tmp_path / "clean"
    Indexer(Settings(data_dir=clean), HashEmbedder()).run([corpus], progress=False)
    clean_count, clean_expected = _records(Settings(data_dir=clean))
    assert (count, expected) == (clean_count, clean_expected)
    assert report.passages == Catalog(clean / "catalog.sqlite3").counts()[1]


def test_orphan_vectors_from_a_killed_build_are_removed(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path)
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    # simulate: a run starts (it clears the catalog's clean mark before writing anything),
    # writes vectors for a new file, then is killed before its catalog row
    indexer.catalog.set_meta("clean_vectors", "")
    vec = HashEmbedder().embed_passages(["stray"])
    indexer.vectors.add(
        ["ghost#p1|en"],
        vec,
        [{"passage_id": "ghost#p1", "article_id": "ghost", "side": "en", "date": 0, "order": 1}],
    )
    # and vectors lost for an indexed article
    indexer.vectors.delete_article("000_b9ad766cd1670af9")
    report = Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    assert report.updated == 1
    _records(settings)


def test_cli_index_json_and_exit_codes(tmp_path: Path, corpus: Path) -> None:
    """The command line with the real embedding model: JSON summary, skip exit code."""
    (corpus / "empty.txt").write_bytes(b"")
    for f in corpus.glob("1946-*"):
        f.unlink()
    cmd = [
        sys.executable,
        "-m",
        "ui",
        "index",
        str(corpus),
        "--data-dir",
        str(tmp_path / "d"),
        "--json",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 1, out.stderr
    summary = json.loads(out.stdout)
    assert set(summary) == {
        "articles",
        "passages",
        "added",
        "updated",
        "removed",
        "unchanged",
        "skipped",
        "seconds",
        "sources",
    }
    assert summary["articles"] == 3 and summary["passages"] == 27 + 2
    assert summary["skipped"] == [
        {"path": str((corpus / "empty.txt").resolve()), "error": "empty file"}
    ]
    (corpus / "empty.txt").unlink()
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert again.returncode == 0 and json.loads(again.stdout)["unchanged"] == 3
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui",
            "passages",
            "001_46162b52d6e248d1",
            "--data-dir",
            str(tmp_path / "d"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert shown.returncode == 0
    assert shown.stdout.count("[001_46162b52d6e248d1#p") == 22
    assert "EN: In 1965, the electric furnace factory" in shown.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "ui", "passages", "nope", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert missing.returncode == 1 and "no article 'nope'" in missing.stderr


def test_sentence_vectors_missing_are_filled_in_alone(tmp_path: Path, corpus: Path) -> None:
    """An index built before sentence vectors (or killed between a group's passages and its
    sentences) gets them at the next run; nothing else is embedded again."""
    import sqlite3

    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    db = sqlite3.connect(tmp_path / "data" / "catalog.sqlite3")
    with db:
        db.execute("DELETE FROM sentence_vectors WHERE article_id LIKE '00%'")
        db.execute("DELETE FROM meta WHERE key = 'sentence_vectors'")  # as an older index
    db.close()
    emb = CountingEmbedder()
    report = Indexer(settings, emb).run([corpus], progress=False)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 8)
    catalog = Catalog(tmp_path / "data" / "catalog.sqlite3")
    seeds = [
        p
        for aid in ("000_b9ad766cd1670af9", "001_46162b52d6e248d1")
        for p in catalog.passages_of(aid)
    ]
    assert emb.embedded == sum(len(sentence_texts(p, s)) for p in seeds for s in ("en", "zh"))
    assert catalog.passages_without_sentence_vectors(HashEmbedder().model_id) == []
    again = CountingEmbedder()
    Indexer(settings, again).run([corpus], progress=False)
    assert again.embedded == 0


def test_sentence_vectors_are_filled_page_by_page(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fill reads the passages to do a few at a time (memory bounded at 1M passages) and
    writes exactly what one pass over all of them writes: every side, each once."""
    import index.build as build

    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    path = tmp_path / "data" / "catalog.sqlite3"

    def rows() -> list[tuple[str, str, bytes]]:
        db = sqlite3.connect(path)
        out = db.execute(
            "SELECT passage_id, side, vectors FROM sentence_vectors ORDER BY passage_id, side"
        ).fetchall()
        db.close()
        return out

    whole = rows()
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM sentence_vectors")
        db.execute("DELETE FROM meta WHERE key = 'sentence_vectors'")  # as an older index
    db.close()
    monkeypatch.setattr(build, "SENTENCE_PAGE", 2)
    monkeypatch.setattr(build, "SENTENCE_BATCH", 3)
    emb = CountingEmbedder()
    Indexer(settings, emb).run([corpus], progress=False)
    assert rows() == whole and len(whole) > 4
    catalog = Catalog(path)
    everything = list(catalog.iter_passages())
    assert emb.embedded == sum(len(sentence_texts(p, s)) for p in everything for s in ("en", "zh"))


def test_a_run_fills_sentence_vectors_of_its_own_articles_only(
    tmp_path: Path, corpus: Path
) -> None:
    """Once every passage has sentence vectors, a run looks only at the articles it wrote (a
    scan of the whole catalog took 14 s at 1M passages); the new one gets all of its own."""
    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    extra = tmp_path / "extra"
    extra.mkdir()
    seed = next(corpus.glob("*46162b52d6e248d1*"))
    (extra / "zz_copy.md").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    emb = CountingEmbedder()
    report = Indexer(settings, emb).run([extra], progress=False)
    assert report.added == 1
    catalog = Catalog(tmp_path / "data" / "catalog.sqlite3")
    mine = catalog.passages_of("zz_copy")
    texts = sum(bool(p.text(s)) for p in mine for s in ("en", "zh"))  # the passage vectors
    assert texts and emb.embedded == texts + sum(
        len(sentence_texts(p, s)) for p in mine for s in ("en", "zh")
    )
    assert catalog.passages_without_sentence_vectors(HashEmbedder().model_id) == []


def test_a_finished_run_lets_the_next_skip_the_full_vector_check(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog and Chroma carry the same mark after a finished run: the next run does not
    read every id (nor call Chroma's count(), ~1 s per collection at 1M), but a run that was
    killed, or Chroma's folder lost, is checked in full and re-embedded."""
    from index.vectors import VectorStore

    settings = _settings(tmp_path)
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    calls: list[str] = []
    real_all_ids = VectorStore.all_ids

    def all_ids(self: VectorStore) -> set[str]:
        calls.append("all_ids")
        return real_all_ids(self)

    def count(self: VectorStore) -> int:
        raise AssertionError("count() is not needed")

    monkeypatch.setattr(VectorStore, "all_ids", all_ids)
    monkeypatch.setattr(VectorStore, "count", count)
    embedder = CountingEmbedder()
    report = Indexer(settings, embedder).run([corpus], progress=False)
    assert report.unchanged == 8 and embedder.embedded == 0 and calls == []
    mark = Catalog(Path(settings.data_dir) / "catalog.sqlite3").get_meta("clean_vectors")
    assert mark and open_index(settings, HashEmbedder()).vectors.clean_mark() == mark

    # A run that dies after it began: the next one checks every id (nothing was lost here).
    class Dying(HashEmbedder):
        def embed_passages(self, texts: Sequence[str], **kw: object) -> Vectors:
            raise KeyboardInterrupt

    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(next(corpus.glob("*.txt")), extra / "copy_of_one.txt")
    with pytest.raises(KeyboardInterrupt):
        Indexer(settings, Dying()).run([extra], progress=False)
    report = Indexer(settings, CountingEmbedder()).run([corpus], progress=False)
    assert calls == ["all_ids"] and report.unchanged == 8

    # Chroma's folder lost (no rebuild asked): its new collections carry no mark, so every
    # article is found missing and embedded again from its file.
    calls.clear()
    monkeypatch.undo()
    from index.vectors import forget_clients

    shutil.rmtree(Path(settings.data_dir) / "chroma")
    forget_clients()
    embedder = CountingEmbedder()
    report = Indexer(settings, embedder).run([corpus], progress=False)
    assert report.updated == 8 and embedder.embedded > 0
    count, expected = _records(settings)
    assert count == len(expected)
