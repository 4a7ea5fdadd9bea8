"""How texts are grouped into model calls: fixed batches vs token budgets (index/embedding.py).

    .venv/bin/python bench/batching.py [--texts 1668] [--variants bs32 bs8 tok1024 tok2048 ...]

Texts: the passage sides of the 1k bench corpus (bench/corpus.py; what the Indexer embeds),
whitespace-normalised, with the "passage: " prompt. Each variant runs in a fresh process:
``bsN`` is one sentence-transformers ``encode`` call with ``batch_size=N`` (it sorts by length
itself); ``tokN`` is calls of at most N padded tokens, longest texts first (what
``SentenceTransformerEmbedder.embed_passages`` does with its budget set to N). Prints texts/s
and the cosine of each variant's vectors to the batch-32 ones (the same model: they should be
identical up to float rounding).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import BENCH_DATA, load_note, machine, setup

DEFAULT_VARIANTS = ["bs32", "bs8", "tok1024", "tok1536", "tok2048", "tok3072", "tok4096"]


def corpus_texts(limit: int) -> list[str]:
    setup()
    from index.passages import make_passages
    from index.reader import read_article
    from index.sources import discover

    folder = BENCH_DATA / "corpus-1k"
    if not folder.exists():
        sys.exit("error: run `bench/corpus.py 1000 data/bench/corpus-1k` first")
    texts: list[str] = []
    for f in discover([folder])[0]:  # the files, in the order, the Indexer reads
        for p in make_passages(read_article(f)):
            texts += [t for t in (p.text_en, p.text_zh) if t]
    return texts[:limit]


def child(variant: str, limit: int, out: Path) -> dict[str, float]:
    setup()
    from index import embedding
    from index.embedding import load_embedder, normalize_whitespace
    from index.settings import Settings

    texts = corpus_texts(limit)
    emb = load_embedder(Settings.from_env())
    model = emb._model  # type: ignore[attr-defined]
    model.encode(["warm up"], prompt_name="passage")
    start = time.perf_counter()
    if variant.startswith("bs"):
        clean = [normalize_whitespace(t) for t in texts]
        vecs = model.encode(
            clean, prompt_name="passage", batch_size=int(variant[2:]), normalize_embeddings=True
        )
    else:
        embedding.CPU_TOKEN_BUDGET = int(variant[3:])
        vecs = emb.embed_passages(texts)
    seconds = time.perf_counter() - start
    np.save(out, np.asarray(vecs, dtype=np.float32))
    return {"seconds": seconds, "texts": len(texts)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=1668, help="first N texts of the 1k corpus")
    ap.add_argument("--variants", nargs="+", default=DEFAULT_VARIANTS)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        variant, limit, out = args.child
        print(json.dumps(child(variant, int(limit), Path(out))))
        return
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for v in args.variants:
            out = Path(tmp) / f"{v}.npy"
            cmd = [sys.executable, __file__, "--child", v, str(args.texts), str(out)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{v} failed:\n{done.stderr[-2000:]}")
            res = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((v, res, np.load(out)))
            print(f"{v}: {res['texts'] / res['seconds']:.1f} texts/s", file=sys.stderr, flush=True)
    ref = next((vecs for v, _, vecs in rows if v == "bs32"), rows[0][2])
    base = next((r["texts"] / r["seconds"] for v, r, _ in rows if v == "bs32"), None)
    print(f"{rows[0][1]['texts']} texts of the 1k bench corpus")
    print("| variant | seconds | texts/s | x batch 32 | min cosine to batch 32 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for v, r, vecs in rows:
        rate = r["texts"] / r["seconds"]
        ratio = f"{rate / base:.2f}" if base else "-"
        cos = float((vecs * ref).sum(1).min())
        print(f"| {v} | {r['seconds']:.1f} | {rate:.1f} | {ratio} | {cos:.7f} |")
    print(load_note())


if __name__ == "__main__":
    main()
