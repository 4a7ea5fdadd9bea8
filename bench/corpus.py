"""Generate a synthetic-but-real archive of about N passages for the scale benchmarks.

    .venv/bin/python bench/corpus.py 10000 data/bench/corpus-10k [--seed 1]
        [--chinese-only-share 0.3]

Every paragraph is real text: the seed articles, the raw untranslated People's Daily articles
(../shared/data/rmrb-zh) and XQuAD's 240 English+Chinese parallel paragraphs. They are
recombined into new article files in the archive's own formats: bilingual files in the two
seed layouts (blank-line or indented English, optional glossary, ``<hr />``, ``Original:``,
the Chinese original) and Chinese-only files in the raw rmrb layout. Varied: shuffled
paragraphs, dates 1946-2003, pages, titles, and some paragraphs cut to a run of their
(aligned) sentences. Articles have 2-30 paragraphs (log-normal, median ~6). Articles are
added until the project's own passage builder (index.reader + index.passages) yields N
passages. Deterministic by --seed. Output goes under data/ (gitignored), never committed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from _common import RMRB, SEEDS, XQUAD, percentile, setup

setup()

from index.align import align  # noqa: E402
from index.passages import make_passages  # noqa: E402
from index.reader import parse_article, read_article  # noqa: E402
from index.sentences import split_en, split_zh  # noqa: E402

MANIFEST = "corpus.json"
FIRST_DAY = date(1946, 5, 15)
LAST_DAY = date(2003, 12, 31)
ZH_CLOSERS = "。！？；…，、：,.;:!? "


@dataclass(frozen=True)
class Pair:
    """One bilingual paragraph as aligned sentence groups (so a cut keeps both sides equal)."""

    groups: tuple[tuple[str, str], ...]


@dataclass
class Sources:
    pairs: list[Pair]
    zh_only: list[tuple[str, ...]]  # Chinese paragraphs as sentences
    titles_en: list[str]
    titles_zh: list[str]
    glossary: list[str]  # "中文  English" lines, by kind
    signatures: list[str]


def _pair(en: str, zh: str) -> Pair:
    en_s, zh_s = split_en(en), split_zh(zh)
    if not en_s or not zh_s or len(en_s) * len(zh_s) > 10_000:
        return Pair(((en, zh),))
    groups = tuple(
        (" ".join(en_s[i] for i in gi), "".join(zh_s[j] for j in gj))
        for gi, gj in align(en_s, zh_s)
    )
    return Pair(groups)


def load_sources() -> Sources:
    pairs: list[Pair] = []
    zh_only: list[tuple[str, ...]] = []
    titles_en: list[str] = []
    titles_zh: list[str] = []
    glossary: list[str] = []
    signatures: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        art = read_article(path)
        for gi, gj in align(art.paragraphs_en, art.paragraphs_zh):
            if len(gi) == 1 and len(gj) == 1:
                pairs.append(_pair(art.paragraphs_en[gi[0]], art.paragraphs_zh[gj[0]]))
        zh_only.extend(tuple(split_zh(p)) for p in art.paragraphs_zh)
        titles_en.append(art.title_en)
        titles_zh.append(art.title_zh)
        glossary.extend(f"{g.kind}\t{g.zh}  {g.en}" for g in art.glossary)
    for path in sorted(RMRB.glob("*.md")):
        art = read_article(path)
        for p in art.paragraphs_zh:
            body, *sig = p.split("\n")
            zh_only.append(tuple(split_zh(body)))
            signatures.extend(sig)
        titles_zh.append(art.title_zh)
    en = json.loads((XQUAD / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    zh = json.loads((XQUAD / "xquad.zh.json").read_text(encoding="utf-8"))["data"]
    for a_en, a_zh in zip(en, zh, strict=True):
        titles_en.append(a_en["title"].replace("_", " "))
        for p_en, p_zh in zip(a_en["paragraphs"], a_zh["paragraphs"], strict=True):
            en_text, zh_text = (" ".join(p["context"].split()) for p in (p_en, p_zh))
            pairs.append(_pair(en_text, zh_text))
            zh_only.append(tuple(split_zh(zh_text)))
    return Sources(pairs, zh_only, titles_en, titles_zh, glossary, signatures)


def _window(rng: random.Random, n: int) -> tuple[int, int]:
    """A whole paragraph (65%) or a run of at least 40% of its sentences."""
    if n <= 1 or rng.random() < 0.65:
        return 0, n
    size = rng.randint(max(1, math.ceil(0.4 * n)), n - 1)
    start = rng.randint(0, n - size)
    return start, start + size


def _paragraph_count(rng: random.Random) -> int:
    return min(30, max(2, round(rng.lognormvariate(math.log(6), 0.65))))


def _day(rng: random.Random) -> str:
    span = (LAST_DAY - FIRST_DAY).days
    return (FIRST_DAY + timedelta(days=rng.randint(0, span))).isoformat()


def _title_en(rng: random.Random, src: Sources, first_en: str) -> str:
    if rng.random() < 0.5:
        title = rng.choice(src.titles_en)
    else:
        words = (split_en(first_en) or [first_en])[0].split()
        title = " ".join(words[: rng.randint(5, 12)])
    return title.rstrip(" .,;:!?")


def _title_zh(rng: random.Random, src: Sources, first_zh: str) -> str:
    pooled = rng.random() < 0.3
    title = rng.choice(src.titles_zh) if pooled else first_zh[: rng.randint(8, 22)]
    return title.strip().rstrip(ZH_CLOSERS).replace("\n", " ") or "无题"


def _zh_original(title: str, day: str, page: int, paras: list[str], author: str = "") -> str:
    lines = [f"### {title}", ""]
    if author:
        lines.append(author)
    lines += [day, f"第{page}版()", "专栏：", "", f"\u3000\u3000{title}"]
    lines += [f"    {p}" for p in paras]
    return "\n".join(lines) + "\n"


def bilingual(rng: random.Random, src: Sources) -> str:
    en: list[str] = []
    zh: list[str] = []
    for _ in range(_paragraph_count(rng)):
        pair = rng.choice(src.pairs)
        a, b = _window(rng, len(pair.groups))
        en.append(" ".join(g[0] for g in pair.groups[a:b]).strip())
        zh.append("".join(g[1] for g in pair.groups[a:b]).strip())
    keep = [i for i in range(len(en)) if en[i] and zh[i]]
    en, zh = [en[i] for i in keep], [zh[i] for i in keep]
    day, page = _day(rng), rng.randint(1, 8)
    title_en, title_zh = _title_en(rng, src, en[0]), _title_zh(rng, src, zh[0])
    page_key = "Edition" if rng.random() < 0.3 else "Page"
    head = f"Title: {title_en}\nAuthor:\nDate: {day}\n{page_key}: {page}\n\n"
    if rng.random() < 0.3:  # seed 001 layout: indented lines, the headline repeated first
        body = "".join(f"    {p}\n" for p in [title_en, *en])
    else:  # seed 000 layout: blank-line blocks
        body = "".join(f"{p}\n\n" for p in en)
    if src.glossary and rng.random() < 0.05:
        body += "\n**Named Entities**\n"
        chosen = sorted(rng.sample(src.glossary, min(len(src.glossary), rng.randint(2, 6))))
        for kind in dict.fromkeys(c.split("\t")[0] for c in chosen):
            body += f"\n{kind.capitalize()}:\n"
            body += "".join(f"{c.split(chr(9))[1]}\n" for c in chosen if c.startswith(kind))
    return f"{head}{body}\n<hr /> \n\nOriginal: \n\n{_zh_original(title_zh, day, page, zh)}"


def chinese_only(rng: random.Random, src: Sources) -> str:
    paras: list[str] = []
    for _ in range(_paragraph_count(rng)):
        sents = rng.choice(src.zh_only)
        a, b = _window(rng, len(sents))
        if text := "".join(sents[a:b]).strip():
            paras.append(text)
    if src.signatures and rng.random() < 0.2:  # a signature line indented far right
        paras[-1] += "\n" + " " * 24 + rng.choice(src.signatures).strip()
    day, page = _day(rng), rng.randint(1, 4)
    author = rng.choice(["", "", "", "本报记者", "新华社记者"])
    out = _zh_original(_title_zh(rng, src, paras[0]), day, page, [], author)
    for p in paras:  # signature lines stay on their own, deeply indented line
        out += "".join(f"{ln}\n" if ln.startswith(" ") else f"    {ln}\n" for ln in p.split("\n"))
    return out


def generate(n_passages: int, out: Path, seed: int, zh_share: float) -> dict[str, object]:
    rng = random.Random(seed)
    src = load_sources()
    if out.exists():
        if any(out.iterdir()) and not (out / MANIFEST).exists():
            sys.exit(f"error: {out} is not empty and holds no {MANIFEST}: refusing to clear it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    passages = 0
    kinds: Counter[str] = Counter()
    paras_per_article: list[float] = []
    en_chars: list[float] = []
    zh_chars: list[float] = []
    total_bytes = 0
    n = 0
    while passages < n_passages:
        zh_only = rng.random() < zh_share
        text = chinese_only(rng, src) if zh_only else bilingual(rng, src)
        article_id = f"{n:07d}_{rng.getrandbits(32):08x}"
        art = parse_article(text, article_id=article_id)
        made = make_passages(art)
        year = art.date[:4]
        (out / year).mkdir(exist_ok=True)
        data = text.encode("utf-8")
        (out / year / f"{article_id}.txt").write_bytes(data)
        total_bytes += len(data)
        kinds["chinese-only" if zh_only else "bilingual"] += 1
        paras_per_article.append(max(len(art.paragraphs_en), len(art.paragraphs_zh)))
        en_chars += [len(p.text_en) for p in made if p.text_en]
        zh_chars += [len(p.text_zh) for p in made if p.text_zh]
        passages += len(made)
        n += 1
    summary: dict[str, object] = {
        "seed": seed,
        "target_passages": n_passages,
        "articles": n,
        "articles_by_kind": dict(kinds),
        "passages": passages,
        "texts_to_embed": len(en_chars) + len(zh_chars),
        "bytes": total_bytes,
        "sources": {"bilingual_pairs": len(src.pairs), "chinese_paragraphs": len(src.zh_only)},
    }
    for name, vals in (
        ("paragraphs_per_article", paras_per_article),
        ("passage_chars_en", en_chars),
        ("passage_chars_zh", zh_chars),
    ):
        summary[name] = {
            "min": min(vals),
            "p10": percentile(vals, 0.1),
            "p50": percentile(vals, 0.5),
            "p90": percentile(vals, 0.9),
            "max": max(vals),
        }
    (out / MANIFEST).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Generate ~N passages of archive articles from real paragraphs.",
        epilog="Write under data/bench/ (gitignored); deterministic by --seed.",
    )
    ap.add_argument("n_passages", type=int, help="passages the project's builder should yield")
    ap.add_argument("out_dir", type=Path, help="output folder (cleared if it holds a corpus)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--chinese-only-share",
        type=float,
        default=0.3,
        help="share of articles in the raw Chinese-only layout (default 0.3)",
    )
    args = ap.parse_args()
    s = generate(args.n_passages, args.out_dir, args.seed, args.chinese_only_share)
    print(
        f"{args.out_dir}: {s['articles']} articles {s['articles_by_kind']}, "
        f"{s['passages']} passages ({s['texts_to_embed']} texts to embed), "
        f"{int(str(s['bytes'])) / 1e6:.1f} MB, seed {s['seed']}"
    )
    for key in ("paragraphs_per_article", "passage_chars_en", "passage_chars_zh"):
        d = s[key]
        assert isinstance(d, dict)
        print(f"  {key}: " + ", ".join(f"{k} {v:g}" for k, v in d.items()))


if __name__ == "__main__":
    main()
