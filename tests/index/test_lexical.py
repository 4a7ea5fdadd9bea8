"""The saved lexical index: one directory per catalog generation, safe for several processes."""

from __future__ import annotations

from pathlib import Path

from index.lexical import LexicalIndex

DOCS = [("a#p1", "The school opened with forty pupils.", "学校开学，有四十名学生。")]


def test_generations_replace_each_other_and_concurrent_saves_agree(tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    folder.mkdir()
    (folder / "stamp.json").write_text('{"stamp": "0"}')  # an older layout's leftovers
    (folder / "en").mkdir()
    first = LexicalIndex.build(DOCS, stamp="1")
    assert first.save(folder) == folder / "g1"
    # A second process saving the same generation finds it there and keeps that copy.
    LexicalIndex.build(DOCS, stamp="1").save(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["g1"]
    loaded = LexicalIndex.load(folder, "1")
    assert loaded is not None and loaded.stamp == "1"
    assert loaded.search("forty pupils", 5)["en"][0][0] == "a#p1"
    assert LexicalIndex.load(folder, "2") is None  # not built yet: the caller rebuilds
    LexicalIndex.build([*DOCS, ("b#p1", "Another text.", "")], stamp="2").save(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["g2"]
    assert LexicalIndex.load(folder, "1") is None


def test_top_k_matches_a_full_sort() -> None:
    """The partial sort against an independent oracle (Python's sorted), ties included."""
    import numpy as np

    from index.lexical import _top

    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        scores = rng.integers(0, 6, n) * rng.choice([1.0, 0.5], n)
        scores[rng.random(n) < 0.4] = 0
        k = int(rng.integers(1, 80))
        oracle = [i for i in sorted(range(n), key=lambda i: (-scores[i], i)) if scores[i] > 0][:k]
        assert _top(scores, k) == oracle


def test_numbered_tokens_score_as_bm25s_scores_the_strings(corpus: Path) -> None:
    """from_tokens numbers the tokens itself; bm25s indexing the token strings is the oracle:
    every query token's score for every document is the same."""
    import bm25s
    import numpy as np

    from index.lexical import tokenize

    texts = [
        paragraph
        for path in sorted(corpus.iterdir())
        for paragraph in path.read_text(encoding="utf-8").split("\n\n")
        if paragraph.strip()
    ]
    en = [tokenize(t) for t in texts if t.isascii()]
    zh = [tokenize(t) for t in texts if not t.isascii()]
    docs = [(f"d{i}", t, []) for i, t in enumerate(en)] + [
        (f"z{i}", [], t) for i, t in enumerate(zh)
    ]
    ours = LexicalIndex.from_tokens(docs)
    for side, side_docs in (("en", en), ("zh", zh)):
        oracle = bm25s.BM25()
        oracle.index(side_docs, show_progress=False)
        model = ours._sides[side].model
        assert set(model.vocab_dict) == set(oracle.vocab_dict)
        vocab = sorted(t for t in oracle.vocab_dict if t)
        assert len(vocab) > 100
        for token in vocab:
            assert np.allclose(model.get_scores([token]), oracle.get_scores([token]), atol=1e-6)
