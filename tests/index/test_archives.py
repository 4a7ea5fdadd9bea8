"""The archive as published: monthly .7z files (packed here from the May 1946 files with
py7zr) and monthly folders, skipped when unchanged, damaged ones skipped with one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import py7zr
import pytest

from index.build import Indexer
from index.settings import Settings
from tests.fakes import HashEmbedder

MONTH = Path(__file__).resolve().parents[2] / "seeds" / "rmrb-1946-05"


def _pack(target: Path, files: list[Path], folder: str = "1946年05月") -> Path:
    """A 7z laid out as fangj/rmrb's: the month's folder holding its article files."""
    with py7zr.SevenZipFile(target, "w") as z:
        for f in files:
            z.write(f, f"{folder}/{f.name}")
    return target


@pytest.fixture(scope="module")
def month_7z(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("7z") / "1946年05月.7z"
    return _pack(out, sorted(MONTH.glob("*.md")))


def test_a_month_indexes_from_its_7z_and_is_skipped_when_unchanged(
    tmp_path: Path, month_7z: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archives = tmp_path / "7z"
    archives.mkdir()
    shutil.copy(month_7z, archives / month_7z.name)
    settings = Settings(data_dir=tmp_path / "data")
    report = Indexer(settings, HashEmbedder()).run([archives], progress=False)
    files = sorted(MONTH.glob("*.md"))
    assert len(files) == 447
    assert (report.added, report.articles, report.skipped) == (447, 447, [])
    key = str((archives / month_7z.name).resolve())
    assert report.sources == {key: {"added": 447, "updated": 0, "unchanged": 0, "skipped": 0}}
    catalog = Indexer(settings, HashEmbedder()).catalog
    first = files[0]
    assert catalog.path_of(first.stem) == f"{key}/1946年05月/{first.name}"
    # The same passages as indexing the folder of the month gives.
    folder_settings = Settings(data_dir=tmp_path / "folder-data")
    Indexer(folder_settings, HashEmbedder()).run([MONTH], progress=False)
    other = Indexer(folder_settings, HashEmbedder()).catalog
    assert [p.to_dict() for p in catalog.passages_of(first.stem)] == [
        p.to_dict() for p in other.passages_of(first.stem)
    ]

    # Unchanged: the archive is not even opened.
    def never(path: Path) -> None:
        raise AssertionError("an unchanged archive was opened")

    monkeypatch.setattr("index.build.archive_members", never)
    again = Indexer(settings, HashEmbedder()).run([archives], progress=False)
    assert (again.unchanged, again.added, again.removed, again.skipped) == (447, 0, 0, [])


def test_a_damaged_7z_is_skipped_in_one_line_and_nothing_is_lost(
    tmp_path: Path, month_7z: Path
) -> None:
    archives = tmp_path / "7z"
    archives.mkdir()
    target = archives / month_7z.name
    shutil.copy(month_7z, target)
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([archives], progress=False)
    data = month_7z.read_bytes()
    for damaged in (data[: len(data) // 2], data[:100] + b"\x00" * 5000 + data[5100:], b"7z"):
        target.write_bytes(damaged)
        report = Indexer(settings, HashEmbedder()).run([archives], progress=False)
        assert [s["path"] for s in report.skipped] == [str(target.resolve())]
        error = report.skipped[0]["error"]
        assert error.startswith("cannot read 7z archive") and "\n" not in error
        assert (report.articles, report.removed) == (447, 0)
    # Repaired: found again as it was, nothing re-embedded.
    shutil.copy(month_7z, target)
    report = Indexer(settings, HashEmbedder()).run([archives], progress=False)
    assert (report.unchanged, report.added, report.updated, report.skipped) == (447, 0, 0, [])


def test_a_newer_copy_of_an_archive_changes_only_what_changed(
    tmp_path: Path, month_7z: Path
) -> None:
    files = sorted(MONTH.glob("*.md"))[:6]
    archive = _pack(tmp_path / "1946年05月.7z", files)
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([archive], progress=False)
    edited = tmp_path / files[1].name
    edited.write_text(files[1].read_text(encoding="utf-8") + "\n\u3000\u3000补记一句。\n", "utf-8")
    bad = tmp_path / "0000-broken.md"
    bad.write_bytes(b"\x00\x01binary")
    archive.unlink()
    _pack(archive, [files[0], edited, *files[3:], bad])
    report = Indexer(settings, HashEmbedder()).run([archive], progress=False)
    assert (report.unchanged, report.updated, report.removed) == (4, 1, 1)
    assert [s["path"].rsplit("/", 1)[1] for s in report.skipped] == [bad.name]
    assert report.articles == 5


def test_the_same_month_as_folder_and_as_7z_is_indexed_once(tmp_path: Path, month_7z: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([MONTH], progress=False)
    report = Indexer(settings, HashEmbedder()).run([MONTH, month_7z], progress=False)
    assert (report.articles, report.added, report.skipped) == (447, 0, [])
    assert report.unchanged == 2 * 447


def test_cli_reports_each_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui import cli

    files = sorted(MONTH.glob("*.md"))
    months = tmp_path / "months"
    (months / "1946年06月").mkdir(parents=True)
    shutil.copy(files[0], months / "1946年06月" / files[0].name)  # a copy of a 7z member
    shutil.copy(files[9], months / "1946年06月" / files[9].name)
    _pack(months / "1946年05月.7z", files[:5])
    (months / "1946年07月.7z").write_bytes(b"not a 7z at all")
    monkeypatch.setattr(cli, "_embedder", lambda settings: HashEmbedder())
    code = cli.main(["index", str(months), "--data-dir", str(tmp_path / "d")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "indexed 6 articles" in out
    # files[0] came first from the folder; its copy in the 7z counts as unchanged.
    assert "  1946年05月.7z: added 4, updated 0, unchanged 1, skipped 0" in out
    assert "  1946年06月: added 2, updated 0, unchanged 0, skipped 0" in out
    assert "  1946年07月.7z: added 0, updated 0, unchanged 0, skipped 1" in out
    errors = err.strip().splitlines()
    assert len(errors) == 1 and "1946年07月.7z: cannot read 7z archive" in errors[0], err
