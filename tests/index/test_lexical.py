"""The lexical index: segments added, deleted and merged score exactly as bm25s over the live
passages (the oracle); the saved index is a manifest of segments, safe for several processes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.lexical import SIDES, LexicalIndex, tokenize
from index.segments import Segment

DOCS = [("a#p1", "The school opened with forty pupils.", "学校开学，有四十名学生。")]

Tokens = tuple[str, list[str], list[str]]  # passage id, English tokens, Chinese tokens


def _paragraphs(corpus: Path) -> list[str]:
    return [
        paragraph
        for path in sorted(corpus.iterdir())
        for paragraph in path.read_text(encoding="utf-8").split("\n\n")
        if paragraph.strip()
    ]


def _oracle_scores(live: dict[str, list[Tokens]], side: str, query: list[str]) -> dict[str, float]:
    """bm25s, indexing the live passages' token strings from scratch: passage id -> score."""
    import bm25s

    docs = [(pid, en if side == "en" else zh) for rows in live.values() for pid, en, zh in rows]
    docs = [(pid, toks) for pid, toks in docs if toks]
    if not docs:
        return {}
    model = bm25s.BM25()
    model.index([toks for _, toks in docs], show_progress=False)
    known = [t for t in query if t in model.vocab_dict]
    if not known:
        return {}
    scores = model.get_scores(known)
    return {pid: float(s) for (pid, _), s in zip(docs, scores, strict=True) if s > 0}


def _ours(lex: LexicalIndex, side: str, query: list[str]) -> dict[str, float]:
    return dict(lex.search(query, 10_000, (side,))[side])


def _assert_same(lex: LexicalIndex, live: dict[str, list[Tokens]], rng: random.Random) -> None:
    for side in SIDES:
        rows = [r for rs in live.values() for r in rs if (r[1] if side == "en" else r[2])]
        assert lex.passages_count(side) == len(rows)
        vocab = sorted({t for r in rows for t in (r[1] if side == "en" else r[2])})
        queries = [[t] for t in rng.sample(vocab, min(25, len(vocab)))]
        queries += [rng.sample(vocab, 4) * 2 for _ in range(5) if len(vocab) >= 4]  # repeats
        for q in queries:
            ours, theirs = _ours(lex, side, q), _oracle_scores(live, side, q)
            assert ours.keys() == theirs.keys(), q
            for pid, s in theirs.items():
                assert ours[pid] == pytest.approx(s, rel=1e-5), (q, pid)
            if len(q) == 1:
                holding = sum(q[0] in (r[1] if side == "en" else r[2]) for r in rows)
                assert lex.df(q[0], side) == holding


def test_segments_added_deleted_and_merged_score_as_one_bm25s_index(corpus: Path) -> None:
    """A random run of adds, removals and updates of articles (segments pile up and merge);
    after each step every score equals bm25s's over the live passages built from scratch."""
    rng = random.Random(7)
    texts = _paragraphs(corpus)
    toks = [tokenize(t) for t in texts]

    def article(aid: str) -> list[Tokens]:
        rows = []
        for j in range(rng.randint(1, 4)):
            a, b = rng.choice(toks), rng.choice(toks)
            en = a if texts[toks.index(a)].isascii() else []
            zh = b if not texts[toks.index(b)].isascii() else []
            rows.append((f"{aid}#p{j}", en, zh))
        return rows

    live: dict[str, list[Tokens]] = {}
    lex = LexicalIndex()
    merges = 0
    for step in range(14):
        add = {f"a{step}_{i}": article(f"a{step}_{i}") for i in range(rng.randint(1, 6))}
        remove = rng.sample(sorted(live), min(len(live), rng.randint(0, 2)))
        update = rng.sample(sorted(set(live) - set(remove)), min(len(live) - len(remove), 1))
        add |= {aid: article(aid) for aid in update}
        for aid in remove:
            del live[aid]
        live |= add
        seg = Segment.build(
            [(aid, f"h{step}") for aid in add],
            [(pid, aid, en, zh) for aid, rows in add.items() for pid, en, zh in rows],
        )
        before = len(lex.segments) + 1
        lex = lex.changed([*remove, *update], seg, str(step))
        merges += len(lex.segments) < before
        assert lex.articles().keys() == live.keys()
        _assert_same(lex, live, rng)
    assert merges >= 2  # the run did merge (MERGE_FACTOR segments of one size)
    assert any(lex.deleted.values())  # and has rows marked deleted


def test_saved_segments_load_as_the_same_index(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "lexical"
    folder.mkdir()
    (folder / "g3").mkdir()  # an older layout's generation folder
    texts = _paragraphs(corpus)
    first = LexicalIndex.build(
        [(f"x{i}#p0", t, "") if t.isascii() else (f"x{i}#p0", "", t) for i, t in enumerate(texts)]
    )
    seg = Segment.build([("new", "h")], [("new#p0", "new", [], tokenize("新华社电讯"))])
    lex = first.changed(["x1", "x2"], seg, "5")
    lex.save(folder)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        ["manifest.json", *(f"seg-{s.name}" for s in lex.segments)]
    )
    loaded = LexicalIndex.load(folder)
    assert loaded is not None and loaded.stamp == "5"
    for q in ("锦州 电炉", "Jinzhou quartz glass", "新华社"):
        assert loaded.search(q, 20) == lex.search(q, 20)
    # Reloading reuses the segments it already holds: nothing is read again.
    again = LexicalIndex.load(folder, reuse=loaded)
    assert again is not None and all(
        a is b for a, b in zip(again.segments, loaded.segments, strict=True)
    )
    # A second change writes one new segment and keeps the others' files as they are.
    before = {str(p): p.stat().st_mtime_ns for p in folder.glob("seg-*/*/*.npy")}
    seg2 = Segment.build([("two", "h")], [("two#p0", "two", tokenize("a new school"), [])])
    lex.changed([], seg2, "6").save(folder)
    after = {str(p): p.stat().st_mtime_ns for p in folder.glob("seg-*/*/*.npy")}
    assert all(after.get(name) == t for name, t in before.items())
    assert len(list(folder.glob("seg-*"))) == len(lex.segments) + 1


def test_a_loaded_index_reads_ids_and_tokens_when_first_needed_even_after_a_merge(
    tmp_path: Path, corpus: Path
) -> None:
    """Loading reads only the arrays; passage ids and tokens are read at the first search
    (adding an article at 1M passages spent ~1 s reading them). An index loaded before another
    writer merged and removed its segment folders still searches, from its open files."""
    texts = _paragraphs(corpus)
    docs = [
        (f"x{i}#p0", t, "") if t.isascii() else (f"x{i}#p0", "", t) for i, t in enumerate(texts)
    ]
    lex = LexicalIndex.build(docs[: len(docs) // 2], stamp="1")
    seg = Segment.build(
        [(f"x{i}", "") for i in range(len(docs) // 2, len(docs))],
        [
            (pid, pid.split("#")[0], tokenize(en) if en else [], tokenize(zh) if zh else [])
            for pid, en, zh in docs[len(docs) // 2 :]
        ],
    )
    lex = lex.changed([], seg, "2")
    lex.save(tmp_path)
    assert len(lex.segments) == 2
    early = LexicalIndex.load(tmp_path)
    assert early is not None
    sides = [s for seg in early.segments for s in seg.sides.values()]
    assert all(s._ids is None and s._tokens is None for s in sides)  # not read yet
    # Another writer merges everything into one segment; the old folders are removed.
    merged = LexicalIndex.load(tmp_path)
    assert merged is not None
    merged = merged.changed(["x0"], [], "3", merge_rows=10**6)
    merged.segments, merged.deleted = _merged_all(merged)
    merged.save(tmp_path)
    assert not any((tmp_path / f"seg-{s.name}").exists() for s in early.segments)
    for q in ("锦州 电炉", "Jinzhou quartz glass", "新华社"):
        assert early.search(q, 20) == lex.search(q, 20)


def _merged_all(lex: LexicalIndex) -> tuple[list[Segment], dict[str, set[int]]]:
    from index.segments import merge

    one = merge(lex.segments, [lex.deleted[s.name] for s in lex.segments])
    return [one], {one.name: set()}


def test_a_damaged_segment_loads_as_none(tmp_path: Path) -> None:
    lex = LexicalIndex.build(DOCS, stamp="1")
    lex.save(tmp_path)
    assert LexicalIndex.load(tmp_path) is not None
    next(tmp_path.glob("seg-*/en/rows.npy")).write_bytes(b"\x00not an array")
    assert LexicalIndex.load(tmp_path) is None  # the caller rebuilds from the catalog
    assert LexicalIndex.load(tmp_path / "nowhere") is None


def test_top_k_matches_a_full_sort() -> None:
    """The partial sort against an independent oracle (Python's sorted), ties included."""
    from index.lexical import _top

    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        scores = rng.integers(0, 6, n) * rng.choice([1.0, 0.5], n)
        scores[rng.random(n) < 0.4] = 0
        k = int(rng.integers(1, 80))
        oracle = [i for i in sorted(range(n), key=lambda i: (-scores[i], i)) if scores[i] > 0][:k]
        assert _top(scores, k) == oracle


def _articles(corpus: Path) -> Iterator[tuple[str, str, str]]:
    for i, t in enumerate(_paragraphs(corpus)):
        yield (f"d{i}#p0", t, "") if t.isascii() else (f"z{i}#p0", "", t)


def test_every_token_scores_as_bm25s_scores_the_strings(corpus: Path) -> None:
    """One index built at once: every token's score for every passage is bm25s's."""
    docs = list(_articles(corpus))
    ours = LexicalIndex.build(docs)
    live = {
        pid: [(pid, tokenize(en) if en else [], tokenize(zh) if zh else [])] for pid, en, zh in docs
    }
    for side in SIDES:
        vocab = sorted({t for (_, en, zh) in (r[0] for r in live.values()) for t in (en or zh)})
        vocab = [t for t in vocab if ours.df(t, side)]
        assert len(vocab) > 100
        for token in vocab:
            theirs = _oracle_scores(live, side, [token])
            ours_side = _ours(ours, side, [token])
            assert ours_side.keys() == theirs.keys()
            assert np.allclose([ours_side[k] for k in theirs], list(theirs.values()), rtol=1e-5)


def test_an_index_run_adds_a_segment_and_scores_as_a_rebuild(tmp_path: Path, corpus: Path) -> None:
    """Through the Indexer: adding an article writes one small segment and leaves the others'
    files alone, removing one only marks it deleted; either way every query scores as a
    lexical index rebuilt from the catalog from scratch."""
    import shutil

    from index.build import Indexer, lexical_dir, load_lexical
    from index.settings import Settings
    from tests.fakes import HashEmbedder

    settings = Settings(data_dir=tmp_path / "data")
    Indexer(settings, HashEmbedder()).run([corpus], progress=False)
    folder = lexical_dir(settings)
    segments = set(folder.glob("seg-*"))
    assert len(segments) == 1
    mtimes = {p: p.stat().st_mtime_ns for p in folder.rglob("*.npy")}
    extra = corpus / "extra.md"
    extra.write_text(
        "### 琉璃瓦厂开工\r\n\r\n1946-05-20\r\n第2版()\r\n\u3000\u3000本市琉璃瓦厂今日开工。\n",
        encoding="utf-8",
    )
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    assert len(set(folder.glob("seg-*")) - segments) == 1
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())
    lex = load_lexical(settings, indexer.catalog)
    assert lex.search("琉璃瓦", 3)["zh"][0][0].startswith("extra")
    (corpus / "000_b9ad766cd1670af9.txt").unlink()
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    lex = load_lexical(settings, indexer.catalog)
    assert any(lex.deleted.values())
    shutil.rmtree(folder)
    rebuilt = load_lexical(settings, indexer.catalog)
    assert len(rebuilt.segments) == 1 and not any(rebuilt.deleted.values())
    for q in ("锦州 电炉 石英玻璃", "Jinzhou factory quartz", "琉璃瓦 开工", "学校 school"):
        ours, fresh = lex.search(q, 50), rebuilt.search(q, 50)
        for side in SIDES:
            assert dict(ours[side]).keys() == dict(fresh[side]).keys()
            for pid, s in fresh[side]:
                assert dict(ours[side])[pid] == pytest.approx(s, rel=1e-5)
    hits = [pid for found in lex.search("锦州").values() for pid, _ in found]
    assert hits and not any(pid.startswith("000_") for pid in hits)


def test_a_big_addition_is_built_in_bounded_segments(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passages added at once go into segments of at most BUILD_PASSAGES (here 6) passages,
    whole articles each (memory stays bounded), and score as one segment of them all."""
    import index.build
    from index.build import Indexer, lexical_dir, load_lexical
    from index.settings import Settings
    from tests.fakes import HashEmbedder

    monkeypatch.setattr(index.build, "BUILD_PASSAGES", 6)
    settings = Settings(data_dir=tmp_path / "data")
    indexer = Indexer(settings, HashEmbedder())
    indexer.run([corpus], progress=False)
    lex = load_lexical(settings, indexer.catalog)
    assert len(lex.segments) >= 3
    for seg in lex.segments:
        ids = {pid for s in seg.sides.values() for pid in s.ids}
        assert {pid.split("#")[0] for pid in ids} <= {aid for aid, _ in seg.articles}
    assert lex.articles().keys() == {aid for aid, _ in indexer.catalog.files().values()}
    monkeypatch.setattr(index.build, "BUILD_PASSAGES", 10**9)
    import shutil

    shutil.rmtree(lexical_dir(settings))
    whole = load_lexical(settings, indexer.catalog)
    assert len(whole.segments) == 1
    hits = 0
    for q in ("锦州 电炉 石英玻璃", "Jinzhou factory quartz", "学校 school 人民"):
        for side in SIDES:
            ours, theirs = dict(lex.search(q, 50)[side]), dict(whole.search(q, 50)[side])
            assert ours.keys() == theirs.keys()
            hits += len(ours)
            for pid, s in theirs.items():
                assert ours[pid] == pytest.approx(s, rel=1e-5)
    assert hits > 20
