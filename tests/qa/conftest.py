"""Fixtures of the answer tests: one index of seeds/ as `make run` builds it, shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import Indexer
from index.embedder import Embedder
from index.settings import Settings
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def month_data(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Path:
    """seeds/ indexed with the real model: the two bilingual seeds and all 447 articles of May
    1946 (about three minutes on two cores), once for every test that needs the month."""
    data = tmp_path_factory.mktemp("month-data")
    report = Indexer(Settings(data_dir=data), real_embedder).run([ROOT / "seeds"], progress=False)
    assert report.skipped == [] and report.articles == 449
    return data
