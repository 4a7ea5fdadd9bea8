"""Lexical (BM25) index over both language sides: jieba words for Chinese, words for English."""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SIDES = ("en", "zh")

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


def lucene_scores(
    docs: Sequence[Sequence[int]], n_vocab: int, k1: float, b: float
) -> dict[str, Any]:
    """bm25s's score matrix (Lucene BM25, CSC by token: data, indices, indptr, num_docs) of
    numbered documents, computed with whole-array NumPy instead of a Python loop per document
    (at 100k passages ~2x faster than bm25s's own build). Tested against bm25s."""
    n_docs = len(docs)
    lengths = np.fromiter(map(len, docs), np.int64, n_docs)
    # One key per token occurrence: token * n_docs + document, so sorted keys run as CSC
    # wants (by token, then document). Sorted in place: at 100k passages that is 25 M keys.
    keys = np.fromiter(itertools.chain.from_iterable(docs), np.int64, int(lengths.sum()))
    keys *= n_docs
    keys += np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    pairs = keys[starts]
    tf = np.diff(starts, append=len(keys))
    del keys, starts
    cols, rows = np.divmod(pairs, n_docs)
    del pairs
    df = np.bincount(cols, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    tfc = tf / (k1 * ((1 - b) + b * lengths[rows] / lengths.mean()) + tf)
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return {
        "data": (idf[cols] * tfc).astype(np.float32),
        "indices": rows.astype(np.int32),
        "indptr": indptr,
        "num_docs": n_docs,
    }


@functools.cache
def _bm25_class() -> Any:
    """bm25s.BM25 with :func:`lucene_scores` as its index build (the hook bm25s documents for
    building the index another way); saved indexes are plain bm25s ones."""
    import bm25s

    class BM25(bm25s.BM25):
        def build_index_from_ids(
            self,
            unique_token_ids: list[int],
            corpus_token_ids: Sequence[Sequence[int]],
            show_progress: bool = True,
            leave_progress: bool = False,
        ) -> dict[str, Any]:
            if self.method != "lucene" or self.dtype != "float32" or self.int_dtype != "int32":
                return super().build_index_from_ids(
                    unique_token_ids, corpus_token_ids, show_progress, leave_progress
                )
            self.nonoccurrence_array = None
            return lucene_scores(corpus_token_ids, len(unique_token_ids), self.k1, self.b)

    return BM25


class _Vocabulary(dict[str, int]):
    """Token -> number, numbering a token the first time it is looked up."""

    def __missing__(self, token: str) -> int:
        self[token] = number = len(self)
        return number


@dataclass
class _SideIndex:
    ids: list[str]
    model: Any  # bm25s.BM25


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest positive scores, best first (ties by row). A partial sort:
    a full one of 100k scores per side was ~4 ms per question."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:  # keep every row scoring at least the k-th best (ties included)
        kth = -np.partition(-scores[positive], k - 1)[k - 1]
        positive = positive[scores[positive] >= kth]
    order = np.lexsort((positive, -scores[positive]))
    return [int(i) for i in positive[order][:k]]


class LexicalIndex:
    """One BM25 index per language side; each maps document rows back to passage ids."""

    def __init__(self, sides: dict[str, _SideIndex], stamp: str = "") -> None:
        self._sides = sides
        self.stamp = stamp

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
        """``docs``: (passage id, English tokens, Chinese tokens), as :func:`tokenize` made them."""

        # Each token becomes its vocabulary number as it arrives, so the build never holds the
        # token strings (25 M at 100k passages) and bm25s skips its own vocabulary pass.
        per_side: dict[str, tuple[list[str], list[list[int]], _Vocabulary]] = {
            s: ([], [], _Vocabulary()) for s in SIDES
        }
        for pid, en, zh in docs:
            for side, toks in (("en", en), ("zh", zh)):
                if toks:
                    ids, corpus, vocab = per_side[side]
                    ids.append(pid)
                    corpus.append(list(map(vocab.__getitem__, toks)))
        sides: dict[str, _SideIndex] = {}
        for side, (ids, corpus, vocab) in per_side.items():
            if not ids:
                continue
            model = _bm25_class()()
            model.index((corpus, dict(vocab)), show_progress=False)
            sides[side] = _SideIndex(ids=ids, model=model)
        return cls(sides, stamp)

    def search(
        self, query: str | Sequence[str], k: int = 50, sides: Sequence[str] = SIDES
    ) -> dict[str, list[tuple[str, float]]]:
        """Top ``k`` (passage id, BM25 score) per side, best first; zero scores dropped."""
        tokens = tokenize(query) if isinstance(query, str) else list(query)
        results: dict[str, list[tuple[str, float]]] = {}
        for side in sides:
            idx = self._sides.get(side)
            if idx is None or not tokens:
                results[side] = []
                continue
            known = [t for t in tokens if t in idx.model.vocab_dict]
            if not known:
                results[side] = []
                continue
            scores = idx.model.get_scores(known)
            results[side] = [(idx.ids[i], float(scores[i])) for i in _top(scores, k)]
        return results

    def search_weighted(
        self, weights: dict[str, float], side: str, k: int = 50
    ) -> list[tuple[str, float]]:
        """Top ``k`` (passage id, score) of one side for a weighted query: each token's BM25
        column times its weight (a query translated from another language: a term that is
        one of several translations weighs less than one that is the only one)."""
        idx = self._sides.get(side)
        if idx is None:
            return []
        vocab = idx.model.vocab_dict
        m = idx.model.scores
        data, indices, indptr = m["data"], m["indices"], m["indptr"]
        scores = np.zeros(int(m["num_docs"]), dtype=np.float32)
        for token, w in weights.items():
            tid = vocab.get(token)
            if tid is None or w <= 0:
                continue
            start, end = int(indptr[tid]), int(indptr[tid + 1])
            scores[indices[start:end]] += np.float32(w) * data[start:end]
        return [(idx.ids[i], float(scores[i])) for i in _top(scores, k)]

    def once_score(self, weights: dict[str, float], side: str) -> float:
        """The score a passage of average length holding each token once would get for the
        weighted query (a token no passage of the side holds counts at its highest IDF): what
        a full match scores, to say how much of a query a passage matches."""
        idx = self._sides.get(side)
        n = self.passages_count(side)
        if idx is None or not n:
            return 0.0
        k1 = float(idx.model.k1)
        total = 0.0
        for token, w in weights.items():
            df = self.df(token, side)
            total += w * math.log(1 + (n - df + 0.5) / (df + 0.5)) / (1 + k1)
        return total

    def df(self, token: str, side: str) -> int:
        """In how many passages of ``side`` the token occurs (0 when nowhere)."""
        idx = self._sides.get(side)
        if idx is None:
            return 0
        tid = idx.model.vocab_dict.get(token)
        if tid is None:
            return 0
        indptr = idx.model.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid])

    def passages_count(self, side: str) -> int:
        idx = self._sides.get(side)
        return 0 if idx is None else int(idx.model.scores["num_docs"])

    def idf(self, token: str) -> float:
        """Inverse document frequency of ``token`` (highest over the sides).

        A token that occurs nowhere gets the IDF of a document frequency of zero: the rarest
        word there can be, so a question about something absent is not mistaken for covered.
        """
        best = 0.0
        for idx in self._sides.values():
            n = int(idx.model.scores["num_docs"])
            tid = idx.model.vocab_dict.get(token)
            df = 0
            if tid is not None:
                indptr = idx.model.scores["indptr"]
                df = int(indptr[tid + 1] - indptr[tid])
            best = max(best, math.log(1 + (n - df + 0.5) / (df + 0.5)))
        return best

    def __len__(self) -> int:
        return len({pid for s in self._sides.values() for pid in s.ids})

    def save(self, directory: Path) -> Path:
        """Write to ``directory/g<stamp>`` through a private temp dir renamed into place, so
        a crash never leaves half an index and several processes (serve processes sharing a
        data directory) may save the same generation at once: the first rename wins and the
        others' copies are dropped. Older generations are then removed."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        final = directory / f"g{self.stamp}"
        if not (final / "stamp.json").exists():
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory))
            for side, idx in self._sides.items():
                idx.model.save(tmp / side, show_progress=False)
                (tmp / side / "ids.json").write_text(json.dumps(idx.ids), encoding="utf-8")
            (tmp / "stamp.json").write_text(json.dumps({"stamp": self.stamp}), encoding="utf-8")
            try:
                tmp.rename(final)
            except OSError:  # another process saved this generation first
                shutil.rmtree(tmp, ignore_errors=True)
        for old in directory.iterdir():
            if old.name == final.name or (
                old.name.startswith(".tmp-") and time.time() - old.stat().st_mtime < 3600
            ):
                continue  # the current generation, or another process's save in progress
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
        return final

    @classmethod
    def load(cls, directory: Path, stamp: str) -> LexicalIndex | None:
        """The saved index of generation ``stamp``, or ``None`` if there is none (or it is
        unreadable)."""
        import bm25s

        directory = Path(directory) / f"g{stamp}"
        stamp_file = directory / "stamp.json"
        if not stamp_file.exists():
            return None
        try:
            stamp = json.loads(stamp_file.read_text(encoding="utf-8"))["stamp"]
            sides: dict[str, _SideIndex] = {}
            for side in SIDES:
                if (directory / side / "ids.json").exists():
                    ids = json.loads((directory / side / "ids.json").read_text(encoding="utf-8"))
                    model = bm25s.BM25.load(directory / side, show_progress=False, verbosity=0)
                    sides[side] = _SideIndex(ids=ids, model=model)
        except (OSError, ValueError, KeyError):
            return None
        return cls(sides, stamp)
