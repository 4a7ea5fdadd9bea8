"""Fixtures of the answer tests: one index of seeds/ as `make run` builds it, shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def run_eval(data: Path, name: str) -> dict[str, Any]:
    """`archive-qa eval tests/qa/NAME --json` over the index in ``data``: its figures."""
    out = subprocess.run(
        [sys.executable, "-m", "ui", "eval", f"tests/qa/{name}", "--json", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-500:]
    return dict(json.loads(out.stdout))
