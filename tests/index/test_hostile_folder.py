"""One folder of hostile inputs indexed at once: each bad file is skipped with its path and a
one-line reason, every good one is indexed, and a second run changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from index.build import Indexer
from index.settings import Settings
from qa.service import Assistant
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
XQUAD = ROOT.parent / "shared" / "data" / "xquad"
HEADER = "Title: {t}\nAuthor:\nDate: 1970-01-0{d}\nPage: 1\n\n"


def _hostile_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    shutil.copy(ROOT / "tests" / "fixtures" / "gbk_article.md", folder)
    shutil.copy(ROOT / "tests" / "fixtures" / "hostile.txt", folder)
    (folder / "no_date.txt").write_text("Title: Undated\n\nSome text.\n", encoding="utf-8")
    (folder / "no_original.txt").write_text(
        HEADER.format(t="Cut", d=3) + "English text.\n\n<hr />\n\nOriginal:\n\n", encoding="utf-8"
    )
    nested = "\n".join(
        [
            "> " * 2000 + "a quote two thousand levels deep",
            "".join(f"{'  ' * i}- level {i}\n" for i in range(300)),
            "[" * 5000 + "brackets" + "]" * 5000 + "(javascript:alert(1))",
            "#" * 300 + " heading " + "*" * 4000,
        ]
    )
    (folder / "nested.md").write_text(HEADER.format(t="Nested", d=4) + nested, encoding="utf-8")
    # Over 5 MB of real prose: XQuAD's English paragraphs, each repeated, plus one of ours.
    xquad = json.loads((XQUAD / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    real = [" ".join(p["context"].split()) for a in xquad for p in a["paragraphs"]]
    reservoir = "The commune built a reservoir that holds water for the dry season."
    big = HEADER.format(t="Big", d=5) + "\n\n".join([*real * 28, reservoir])
    (folder / "big.txt").write_text(big, encoding="utf-8")


def test_a_folder_of_hostile_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    _hostile_folder(folder)
    assert (folder / "big.txt").stat().st_size > 5_000_000
    settings = Settings(data_dir=tmp_path / "data")
    report = Indexer(settings, HashEmbedder()).run([folder], progress=False)
    reasons = {Path(s["path"]).name: s["error"] for s in report.skipped}
    assert reasons == {
        "empty.txt": "empty file",
        "binary.txt": "binary file (contains NUL bytes), not an article",
        "no_date.txt": reasons["no_date.txt"],
        "no_original.txt": reasons["no_original.txt"],
    }
    assert "date" in reasons["no_date.txt"].lower()
    assert "Original" in reasons["no_original.txt"]
    assert all("\n" not in r for r in reasons.values())
    assert report.articles == 4  # gbk, hostile, nested, big
    assert report.passages > 240 * 28
    again = Indexer(settings, HashEmbedder()).run([folder], progress=False)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)
    retriever = Assistant.open(settings, HashEmbedder()).retriever
    assert retriever.search("a quote two thousand levels deep", 1)[0].passage.article_id == (
        "nested"
    )
    assert retriever.search("reservoir for the dry season", 1)[0].passage.article_id == "big"
