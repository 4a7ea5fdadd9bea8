"""What the bilingual dictionary costs: build, start-up, memory, and per question.

    .venv/bin/python bench/dictionary.py [--data-dir DIR]

Builds CC-CEDICT into a fresh temporary cache (what a first run pays once), then opens it as
the assistant does and measures the resident memory it adds, and the time to translate each
question of the dev sets (qa/crosslang.py) and to gloss each sentence of the month's first
200 passages (qa/gloss.py). With --data-dir (a seeds + month index) the translations run
against that index's vocabulary, as in the assistant.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data")
    args = ap.parse_args()

    from index import sentences
    from index.build import load_lexical
    from index.lexical import tokenize
    from index.settings import Settings
    from index.store import open_catalog
    from qa.crosslang import Translator
    from qa.dictionary import database_path, open_dictionary
    from qa.gloss import gloss

    tokenize("预热 jieba warm-up")  # jieba's own dictionary is the index's cost, not ours
    settings = Settings(data_dir=args.data_dir)
    catalog = open_catalog(settings)
    lexical = load_lexical(settings, catalog)
    passages = list(catalog.iter_passages())
    with tempfile.TemporaryDirectory() as tmp:
        # In another process, so that its memory does not blur this one's figures.
        import subprocess

        code = (
            f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            "from qa.dictionary import build, database_path; t = time.perf_counter(); "
            f"build(database_path(Path({tmp!r}))); print(time.perf_counter() - t)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        built = float(out.stdout.strip().splitlines()[-1])
        size = database_path(Path(tmp)).stat().st_size / 1e6
    before = rss_mb()
    started = time.perf_counter()
    dictionary = open_dictionary(settings.model_cache)
    opened = time.perf_counter() - started
    translator = Translator(dictionary, lexical)
    questions = [
        json.loads(line)["question"]
        for name in ("dev_month.jsonl", "nearmiss.jsonl", "dev_seeds.jsonl")
        for line in (ROOT / "tests" / "qa" / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    from qa.answer import detect_language

    times = []
    for q in questions:
        t = time.perf_counter()
        translator.translate(q, detect_language(q))
        times.append(time.perf_counter() - t)
    zh = [s for p in passages[:200] for s in sentences.split(p.text_zh, "zh") if p.text_zh]
    gloss_times = []
    for s in zh:
        t = time.perf_counter()
        gloss(s, dictionary, ["question"])
        gloss_times.append(time.perf_counter() - t)
    after = rss_mb()

    def ms(xs: list[float], q: float) -> str:
        return f"{statistics.quantiles(xs, n=100)[int(q) - 1] * 1000:.2f}"

    print(f"index: {len(passages)} passages in {args.data_dir}")
    print(f"build once (fresh cache): {built:.1f} s, database {size:.1f} MB")
    print(f"open at start-up: {opened * 1000:.1f} ms")
    print(
        f"resident memory added (open + {len(questions)} translations + {len(zh)} glosses, "
        f"with their caches): {after - before:.1f} MB"
    )
    print(
        f"translate a question: p50 {ms(times, 50)} ms, p95 {ms(times, 95)} ms "
        f"({len(questions)} questions)"
    )
    print(
        f"gloss a sentence: p50 {ms(gloss_times, 50)} ms, p95 {ms(gloss_times, 95)} ms "
        f"({len(zh)} sentences)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
