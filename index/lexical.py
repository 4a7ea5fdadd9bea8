"""Lexical (BM25) index over both language sides: jieba words for Chinese, words for English.

The index is a list of segments (index/segments.py) that an index run adds to and marks
deleted rows in, so a change costs time in proportion to the change (index/build.py syncs it
with the catalog); scores are made at query time from all segments' statistics together."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.segments import SIDES, Segment, SideSegment, merge

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:['’][a-z]+)?")
_EN_STOP = frozenset(
    "a an and are as at be been but by did do does for from had has have he her his how i in "
    "into is it its of on or our she so than that the their them then there these they this "
    "to was were what when where which who whom whose why will with would you your".split()
)
_ZH_STOP = frozenset(
    "的 了 是 在 和 与 及 等 也 都 就 而 并 又 之 其 这 那 个 有 为 对 把 被 吗 呢 啊 "
    "什么 哪些 哪 谁 如何 怎么 多少".split()
)


@functools.cache  # setLogLevel resets logging's caches: once, not at every tokenize
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def known_word(word: str) -> bool:
    """Is ``word`` in jieba's own dictionary (a word it was taught, with a frequency)?"""
    jieba = _jieba()
    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word) or 0) > 0


@functools.cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str, *, bigrams: bool = True) -> list[str]:
    """Lower-cased, stemmed English words; Chinese jieba search-mode words plus (for ranking)
    character bigrams, robust where the question and the passage segment a phrase differently.
    Stop words are dropped."""
    out: list[str] = []
    stem = _stemmer().stemWord
    for m in _TOKEN.finditer(text.lower()):
        tok = m.group(0)
        if _CJK_RUN.fullmatch(tok):
            out.extend(w for w in _jieba().lcut_for_search(tok) if w not in _ZH_STOP)
            if bigrams:
                out.extend(tok[i : i + 2] for i in range(len(tok) - 1))
        elif tok not in _EN_STOP:
            out.append(stem(tok.replace("’", "'")))
    return out


def tokenizer_version() -> str:
    """Changes whenever :func:`tokenize` may give other tokens (stored tokens are then redone)."""
    from importlib.metadata import version

    return f"1/jieba-{_jieba().__version__}/pystemmer-{version('PyStemmer')}"


K1 = 1.5  # bm25s's defaults (Lucene BM25), as the index had when bm25s built it
B = 0.75
# Segments of about the same size (within a factor of MERGE_FACTOR) are merged once there
# are MERGE_FACTOR of them, so a passage is rewritten about log(N) / log(4) times in all.
MERGE_FACTOR = 4
# A merge inside an index run writes at most this many rows, or 10x what the run added:
# adding one article never rewrites the archive's big segments (docs/benchmarks.md, issue J).
MERGE_INLINE_ROWS = 100_000
# No merge writes more rows than this (its memory: ~40 bytes per posting, ~100 postings per
# row), and a build makes segments of at most BUILD_PASSAGES passages: a full build of a
# million passages in one segment took over 20 GB and was killed (docs/benchmarks.md).
MERGE_MAX_ROWS = 1_000_000
BUILD_PASSAGES = 100_000
MANIFEST = "manifest.json"


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest positive scores, best first (ties by row). A partial sort:
    a full one of 100k scores per side was ~4 ms per question."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:  # keep every row scoring at least the k-th best (ties included)
        kth = -np.partition(-scores[positive], k - 1)[k - 1]
        positive = positive[scores[positive] >= kth]
    order = np.lexsort((positive, -scores[positive]))
    return [int(i) for i in positive[order][:k]]


@dataclass
class _Part:
    side: SideSegment
    offset: int  # first row of this part in the side's concatenated rows
    live: np.ndarray | None  # bool per row, None when no row is deleted
    norm: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))


@dataclass
class _Side:
    parts: list[_Part]
    n_rows: int  # rows of all parts, concatenated
    dead: np.ndarray  # concatenated rows of deleted passages
    n_live: int
    avgdl: float
    _ids: list[str] | None = None

    @property
    def ids(self) -> list[str]:
        """Passage id per concatenated row (read from the segments at the first search)."""
        if self._ids is None:
            self._ids = [pid for part in self.parts for pid in part.side.ids]
        return self._ids


class LexicalIndex:
    """BM25 over both language sides of a list of segments (index/segments.py) minus the
    articles deleted since each was written. Scores are computed at query time from the
    segments' term frequencies and the statistics of all live passages together, so they
    equal those of one index built over the live passages (tested against bm25s)."""

    def __init__(
        self,
        segments: Sequence[Segment] = (),
        deleted: dict[str, set[int]] | None = None,
        stamp: str = "",
        tokenizer: str = "",
    ) -> None:
        self.segments = list(segments)
        self.deleted = {s.name: set((deleted or {}).get(s.name, ())) for s in self.segments}
        self.stamp = stamp
        self.tokenizer = tokenizer
        self._sides = {side: self._side(side) for side in SIDES}
        self._df: dict[tuple[str, str], int] = {}

    def _side(self, side: str) -> _Side:
        parts: list[_Part] = []
        rows = 0
        dead: list[np.ndarray] = []
        n_live = 0
        total = 0
        for seg in self.segments:
            s = seg.sides.get(side)
            if s is None:
                continue
            gone = self.deleted[seg.name]
            live = None
            if gone:
                live = ~np.isin(s.article, np.fromiter(gone, np.int32, len(gone)))
                if live.all():
                    live = None
                else:
                    dead.append(np.flatnonzero(~live) + rows)
            parts.append(_Part(s, rows, live))
            rows += s.n_rows
            n_live += s.n_rows if live is None else int(live.sum())
            total += int(s.lengths.sum() if live is None else s.lengths[live].sum())
        avgdl = total / n_live if n_live else 1.0
        for part in parts:
            part.norm = (K1 * ((1 - B) + B * part.side.lengths / avgdl)).astype(np.float32)
        empty = np.zeros(0, np.int64)
        return _Side(parts, rows, np.concatenate(dead) if dead else empty, n_live, avgdl)

    # building -----------------------------------------------------------------------------
    @classmethod
    def build(cls, docs: Iterable[tuple[str, str, str]], stamp: str = "") -> LexicalIndex:
        """``docs``: (passage id, English text, Chinese text)."""
        return cls.from_tokens(
            ((pid, tokenize(en) if en else [], tokenize(zh) if zh else []) for pid, en, zh in docs),
            stamp,
        )

    @classmethod
    def from_tokens(
        cls, docs: Iterable[tuple[str, list[str], list[str]]], stamp: str = ""
    ) -> LexicalIndex:
        """``docs``: (passage id, English tokens, Chinese tokens), as :func:`tokenize` made them
        (one article per passage id's part before '#')."""
        rows = [(pid, pid.split("#", 1)[0], en, zh) for pid, en, zh in docs]
        articles = list(dict.fromkeys(aid for _, aid, _, _ in rows))
        segment = Segment.build([(a, "") for a in articles], rows)
        return cls([segment], stamp=stamp)

    def articles(self) -> dict[str, str]:
        """Article id -> content hash of every live article."""
        out: dict[str, str] = {}
        for seg in self.segments:
            gone = self.deleted[seg.name]
            for i, (aid, sha) in enumerate(seg.articles):
                if i not in gone:
                    out[aid] = sha
        return out

    def changed(
        self,
        remove: Iterable[str],
        add: Segment | Sequence[Segment] | None,
        stamp: str,
        *,
        merge_rows: int = 0,
    ) -> LexicalIndex:
        """A new index: this one with the articles ``remove`` deleted and the segment(s)
        ``add`` appended, segments merged where due (:data:`MERGE_FACTOR`; no merge writes more
        than ``merge_rows`` rows, default :data:`MERGE_INLINE_ROWS`, and never more than
        :data:`MERGE_MAX_ROWS`). Cost: the change, and the merges, not the index."""
        remove = set(remove)
        deleted = {name: set(gone) for name, gone in self.deleted.items()}
        for seg in self.segments:
            for i, (aid, _) in enumerate(seg.articles):
                if aid in remove:
                    deleted[seg.name].add(i)
        segments = list(self.segments)
        for seg in [add] if isinstance(add, Segment) else add or []:
            segments.append(seg)
            deleted[seg.name] = set()
        cap = min(merge_rows or MERGE_INLINE_ROWS, MERGE_MAX_ROWS)
        segments, deleted = _merged(segments, deleted, cap)
        return LexicalIndex(segments, deleted, stamp, self.tokenizer)

    # searching ----------------------------------------------------------------------------
    def _scores(self, weights: dict[str, float], side: str) -> np.ndarray:
        st = self._sides[side]
        scores = np.zeros(st.n_rows, dtype=np.float32)
        for token, w in weights.items():
            df = self.df(token, side) if w > 0 else 0
            if not df:
                continue
            idf = np.float32(math.log(1 + (st.n_live - df + 0.5) / (df + 0.5)))
            weight = np.float32(w) * idf
            for part in st.parts:
                found = part.side.postings(token)
                if found is None:
                    continue
                rows, tf = found
                t = tf.astype(np.float32)
                scores[part.offset + rows] += weight * (t / (t + part.norm[rows]))
        scores[st.dead] = 0
        return scores

    def search(
        self, query: str | Sequence[str], k: int = 50, sides: Sequence[str] = SIDES
    ) -> dict[str, list[tuple[str, float]]]:
        """Top ``k`` (passage id, BM25 score) per side, best first; zero scores dropped. A
        token given twice counts twice (as in bm25s)."""
        tokens = tokenize(query) if isinstance(query, str) else list(query)
        counts = {t: float(c) for t, c in Counter(tokens).items()}
        return {side: self.search_weighted(counts, side, k) for side in sides}

    def search_weighted(
        self, weights: dict[str, float], side: str, k: int = 50
    ) -> list[tuple[str, float]]:
        """Top ``k`` (passage id, score) of one side for a weighted query: each token's BM25
        score times its weight (a query translated from another language: a term that is
        one of several translations weighs less than one that is the only one)."""
        if not self._sides[side].n_live or not weights:
            return []
        scores = self._scores(weights, side)
        ids = self._sides[side].ids
        return [(ids[i], float(scores[i])) for i in _top(scores, k)]

    def once_score(self, weights: dict[str, float], side: str) -> float:
        """The score a passage of average length holding each token once would get for the
        weighted query (a token no passage of the side holds counts at its highest IDF): what
        a full match scores, to say how much of a query a passage matches."""
        n = self.passages_count(side)
        if not n:
            return 0.0
        total = 0.0
        for token, w in weights.items():
            df = self.df(token, side)
            total += w * math.log(1 + (n - df + 0.5) / (df + 0.5)) / (1 + K1)
        return total

    def df(self, token: str, side: str) -> int:
        """In how many live passages of ``side`` the token occurs (0 when nowhere)."""
        key = (side, token)
        got = self._df.get(key)
        if got is not None:
            return got
        n = 0
        for part in self._sides[side].parts:
            found = part.side.postings(token)
            if found is not None:
                n += len(found[0]) if part.live is None else int(part.live[found[0]].sum())
        if len(self._df) > 200_000:
            self._df.clear()
        self._df[key] = n
        return n

    def passages_count(self, side: str) -> int:
        return self._sides[side].n_live

    def idf(self, token: str) -> float:
        """Inverse document frequency of ``token`` (highest over the sides).

        A token that occurs nowhere gets the IDF of a document frequency of zero: the rarest
        word there can be, so a question about something absent is not mistaken for covered.
        """
        best = 0.0
        for side in SIDES:
            n = self.passages_count(side)
            if not n:
                continue
            df = self.df(token, side)
            best = max(best, math.log(1 + (n - df + 0.5) / (df + 0.5)))
        return best

    def __bool__(self) -> bool:
        """Any live passage (without :meth:`__len__`, which counts them: ~1 s at 1M)."""
        return any(st.n_live for st in self._sides.values())

    def __len__(self) -> int:
        live: set[str] = set()
        for st in self._sides.values():
            dead = set(st.dead.tolist())
            live.update(pid for i, pid in enumerate(st.ids) if i not in dead)
        return len(live)

    # on disk ------------------------------------------------------------------------------
    def save(self, directory: Path) -> Path:
        """Write the segments not yet on disk, then the manifest (atomically, last), then
        remove what no manifest names any more. Callers hold :func:`locked` when several
        processes may save (index/build.py)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for seg in self.segments:
            seg.save(directory)
        manifest = {
            "stamp": self.stamp,
            "tokenizer": self.tokenizer,
            "k1": K1,
            "b": B,
            "segments": [
                {"name": s.name, "deleted": sorted(self.deleted[s.name])} for s in self.segments
            ],
        }
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        os.replace(tmp, directory / MANIFEST)
        keep = {f"seg-{s.name}" for s in self.segments} | {MANIFEST, ".lock"}
        for old in directory.iterdir():
            if old.name in keep or (
                old.name.startswith(".tmp-") and time.time() - old.stat().st_mtime < 3600
            ):
                continue  # in use, or another process's write in progress
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
        return directory / MANIFEST

    @classmethod
    def load(cls, directory: Path, reuse: LexicalIndex | None = None) -> LexicalIndex | None:
        """The index the manifest in ``directory`` names, or ``None`` when there is none or it
        cannot be read. Segments already in ``reuse`` are not read again."""
        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            if (manifest.get("k1"), manifest.get("b")) != (K1, B):
                return None
            known = {s.name: s for s in reuse.segments} if reuse is not None else {}
            segments: list[Segment] = []
            deleted: dict[str, set[int]] = {}
            for entry in manifest["segments"]:
                name = str(entry["name"])
                seg = known.get(name) or Segment.load(directory / f"seg-{name}")
                segments.append(seg)
                deleted[name] = {int(i) for i in entry["deleted"]}
            return cls(segments, deleted, str(manifest["stamp"]), str(manifest["tokenizer"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the lexical folder (a read-only one is not locked: nothing is
    saved there)."""
    import fcntl

    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / ".lock", "a+b")  # noqa: SIM115
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _merged(
    segments: list[Segment], deleted: dict[str, set[int]], max_rows: int
) -> tuple[list[Segment], dict[str, set[int]]]:
    """Merge segments of about the same size once :data:`MERGE_FACTOR` of them pile up, and
    rewrite a segment most of whose rows are deleted; no merge writes more than ``max_rows``."""

    def live_rows(seg: Segment) -> int:
        gone = deleted[seg.name]
        if not gone:
            return seg.rows()
        dead = np.fromiter(gone, np.int32, len(gone))
        return sum(int((~np.isin(s.article, dead)).sum()) for s in seg.sides.values())

    while True:
        sizes = {s.name: live_rows(s) for s in segments}
        group: list[Segment] = []
        for seg in segments:
            if seg.rows() and sizes[seg.name] * 2 < seg.rows() and sizes[seg.name] <= max_rows:
                group = [seg]  # mostly deleted: compact it
                break
        if not group:
            tiers: dict[int, list[Segment]] = {}
            for seg in segments:
                tier = int(math.log(max(sizes[seg.name], 1), MERGE_FACTOR))
                tiers.setdefault(tier, []).append(seg)
            for tier in sorted(tiers):
                members = tiers[tier][:MERGE_FACTOR]
                if len(members) == MERGE_FACTOR and sum(sizes[s.name] for s in members) <= max_rows:
                    group = members
                    break
        if not group:
            return segments, deleted
        merged = merge(group, [deleted[s.name] for s in group])
        at = segments.index(group[0])
        names = {s.name for s in group}
        segments = [s for s in segments if s.name not in names]
        segments.insert(min(at, len(segments)), merged)
        deleted = {n: d for n, d in deleted.items() if n not in names}
        deleted[merged.name] = set()
