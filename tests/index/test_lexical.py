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
