"""Fixtures of the index tests: a corpus folder of real article files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_seeds

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "rmrb-zh"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds, the raw untranslated articles and an English-only article, in a folder."""
    src = tmp_path / "corpus"
    src.mkdir()
    copy_seeds(src)
    for f in RAW.glob("*.md"):
        shutil.copy(f, src / f.name)
    shutil.copy(FIXTURES / "english_only.txt", src / "english_only.txt")
    return src
