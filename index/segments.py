"""Immutable segments of the lexical index: term frequencies of some articles' passages.

A segment holds whole articles (so that replacing or removing an article marks rows of old
segments deleted, and never rewrites them). Per language side it keeps the passages' token
counts and, by token, a sorted posting list of (row, term frequency): BM25's raw inputs, not
scores. Scores need the statistics of every segment together (passages, average length,
document frequency), so they are made at query time (index/lexical.py) and always equal a
full rebuild's. Segments are written once, to ``seg-<name>/``, and merged when they pile up.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

SIDES = ("en", "zh")
_TF_MAX = np.iinfo(np.uint16).max


class _Vocabulary(dict[str, int]):
    """Token -> number, numbering a token the first time it is looked up."""

    def __missing__(self, token: str) -> int:
        self[token] = number = len(self)
        return number


class SideSegment:
    """One language side of a segment. Rows are passages; columns tokens (CSC by token).

    A saved segment's passage ids and tokens are read when first needed: adding or removing
    an article does not need them for the big segments (at a million passages they were ~1 s
    of JSON per run), a question does. Their files are opened at load, so a merge by another
    process that removes the folder meanwhile does not take them away (POSIX keeps an open
    file readable after it is unlinked)."""

    def __init__(
        self,
        ids: list[str] | None,  # passage id per row
        article: np.ndarray,  # int32 per row: index into the segment's articles
        lengths: np.ndarray,  # int32 per row: tokens in the passage side
        tokens: list[str] | None,  # column -> token
        indptr: np.ndarray,  # int64, len(tokens) + 1
        rows: np.ndarray,  # int32 per posting, ascending within a column
        tf: np.ndarray,  # uint16 per posting
        vocab: dict[str, int] | None = None,
        *,
        files: dict[str, BinaryIO] | None = None,  # ids.json / tokens.json opened, if not given
    ) -> None:
        files = files or {}
        if (ids is None and "ids.json" not in files) or (
            tokens is None and "tokens.json" not in files
        ):
            raise ValueError("a segment side needs its ids and tokens or their files")
        self._ids, self._tokens, self._vocab = ids, tokens, vocab or None
        self.article, self.lengths, self.indptr = article, lengths, indptr
        self.rows, self.tf = rows, tf
        self._files = files

    @property
    def n_rows(self) -> int:
        return len(self.article)

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = self._read("ids.json", self.n_rows)
        return self._ids

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = self._read("tokens.json", len(self.indptr) - 1)
        return self._tokens

    @property
    def vocab(self) -> dict[str, int]:
        if self._vocab is None:
            self._vocab = {t: i for i, t in enumerate(self.tokens)}
        return self._vocab

    def _read(self, name: str, length: int) -> list[str]:
        handle = self._files.pop(name)
        try:
            with handle:
                got = json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"unreadable lexical segment file {handle.name}: {exc}") from None
        if not isinstance(got, list) or len(got) != length:
            raise ValueError(f"inconsistent lexical segment file {handle.name}")
        return got

    @classmethod
    def from_docs(
        cls, ids: list[str], article: list[int], docs: Sequence[Sequence[int]], vocab: _Vocabulary
    ) -> SideSegment:
        """``docs``: each passage's tokens as numbers of ``vocab``."""
        n_docs = len(docs)
        lengths = np.fromiter(map(len, docs), np.int64, n_docs)
        n_vocab = len(vocab)
        # One key per token occurrence, token * n_docs + row: sorted, they run by token, then
        # row, as CSC wants; equal keys are one posting and their run length its frequency.
        keys = np.fromiter(itertools.chain.from_iterable(docs), np.int64, int(lengths.sum()))
        keys *= max(n_docs, 1)
        keys += np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys.sort()
        first = np.empty(len(keys), dtype=bool)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        del first
        pairs = keys[starts]
        tf = np.diff(starts, append=len(keys))
        del keys, starts
        cols, rows = np.divmod(pairs, max(n_docs, 1))
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(np.bincount(cols, minlength=n_vocab), out=indptr[1:])
        tokens = [""] * n_vocab
        for token, number in vocab.items():
            tokens[number] = token
        return cls(
            ids=ids,
            article=np.asarray(article, dtype=np.int32),
            lengths=lengths.astype(np.int32),
            tokens=tokens,
            indptr=indptr,
            rows=rows.astype(np.int32),
            tf=np.minimum(tf, _TF_MAX).astype(np.uint16),
            vocab=dict(vocab),
        )

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        col = self.vocab.get(token)
        if col is None:
            return None
        start, end = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.rows[start:end], self.tf[start:end]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        (folder / "tokens.json").write_text(json.dumps(self.tokens, ensure_ascii=False), "utf-8")
        for name in ("article", "lengths", "indptr", "rows", "tf"):
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> SideSegment:
        arrays = {}
        for name in ("article", "lengths", "indptr", "rows", "tf"):
            # The postings are paged in by the OS as queries touch them.
            path = folder / f"{name}.npy"
            big = name in ("rows", "tf")
            arrays[name] = np.load(path, mmap_mode="r" if big else None, allow_pickle=False)
        if not (
            len(arrays["article"]) == len(arrays["lengths"])
            and len(arrays["rows"]) == len(arrays["tf"]) == int(arrays["indptr"][-1])
        ):
            raise ValueError(f"inconsistent lexical segment {folder}")
        files: dict[str, BinaryIO] = {
            name: open(folder / name, "rb")  # noqa: SIM115 (read and closed at first use)
            for name in ("ids.json", "tokens.json")
        }
        return cls(None, tokens=None, files=files, **arrays)


@dataclass
class Segment:
    name: str
    articles: list[tuple[str, str]]  # (article id, content hash) per article index
    sides: dict[str, SideSegment]

    @classmethod
    def build(
        cls, articles: list[tuple[str, str]], docs: Iterable[tuple[str, str, list[str], list[str]]]
    ) -> Segment:
        """``articles``: (id, hash) of the articles whose passages ``docs`` are: (passage id,
        article id, English tokens, Chinese tokens). Passages without tokens are left out."""
        number = {aid: i for i, (aid, _) in enumerate(articles)}
        per_side: dict[str, tuple[list[str], list[int], list[list[int]], _Vocabulary]] = {
            s: ([], [], [], _Vocabulary()) for s in SIDES
        }
        for pid, aid, en, zh in docs:
            for side, toks in (("en", en), ("zh", zh)):
                if toks:
                    ids, arts, corpus, vocab = per_side[side]
                    ids.append(pid)
                    arts.append(number[aid])
                    corpus.append(list(map(vocab.__getitem__, toks)))
        sides = {
            side: SideSegment.from_docs(ids, arts, corpus, vocab)
            for side, (ids, arts, corpus, vocab) in per_side.items()
            if ids
        }
        return cls(uuid.uuid4().hex[:16], articles, sides)

    def rows(self) -> int:
        return sum(s.n_rows for s in self.sides.values())

    def save(self, directory: Path) -> Path:
        """Written to a private temp folder renamed into place: never half a segment."""
        final = directory / f"seg-{self.name}"
        if final.exists():
            return final
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory))
        try:
            meta = {"name": self.name, "articles": self.articles}
            (tmp / "segment.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
            for side, seg in self.sides.items():
                seg.save(tmp / side)
            tmp.rename(final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not final.exists():
                raise
        return final

    @classmethod
    def load(cls, folder: Path) -> Segment:
        meta = json.loads((folder / "segment.json").read_text(encoding="utf-8"))
        sides = {s: SideSegment.load(folder / s) for s in SIDES if (folder / s).is_dir()}
        return cls(meta["name"], [(a, h) for a, h in meta["articles"]], sides)


def merge(segments: Sequence[Segment], deleted: Sequence[set[int]]) -> Segment:
    """One segment holding the live articles of ``segments`` (``deleted``: each segment's
    deleted article indices), in their order. Costs time in proportion to their postings."""
    articles: list[tuple[str, str]] = []
    renumber: list[np.ndarray] = []
    for seg, dead in zip(segments, deleted, strict=True):
        new = np.full(len(seg.articles), -1, dtype=np.int64)
        for i, art in enumerate(seg.articles):
            if i not in dead:
                new[i] = len(articles)
                articles.append(art)
        renumber.append(new)
    sides: dict[str, SideSegment] = {}
    for side in SIDES:
        parts = [
            (s.sides[side], r) for s, r in zip(segments, renumber, strict=True) if side in s.sides
        ]
        merged = _merge_side(parts)
        if merged is not None:
            sides[side] = merged
    return Segment(uuid.uuid4().hex[:16], articles, sides)


def _merge_side(parts: list[tuple[SideSegment, np.ndarray]]) -> SideSegment | None:
    vocab = _Vocabulary()
    ids: list[str] = []
    arts: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    offset = 0
    for seg, renumber in parts:
        new_article = renumber[seg.article]
        live = new_article >= 0
        if not live.any():
            continue
        new_row = np.cumsum(live) - 1 + offset  # rows of deleted passages are dropped
        ids.extend(pid for pid, keep in zip(seg.ids, live.tolist(), strict=True) if keep)
        arts.append(new_article[live])
        lengths.append(seg.lengths[live])
        col_map = np.fromiter(map(vocab.__getitem__, seg.tokens), np.int64, len(seg.tokens))
        per_col = np.diff(seg.indptr)
        keep = live[seg.rows]
        cols.append(np.repeat(col_map, per_col)[keep])
        rows.append(new_row[np.asarray(seg.rows)[keep]])
        tfs.append(np.asarray(seg.tf)[keep])
        offset += int(live.sum())
    if not ids:
        return None
    col = np.concatenate(cols)
    row = np.concatenate(rows)
    order = np.lexsort((row, col))
    counts = np.bincount(col, minlength=len(vocab))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    tokens = [""] * len(vocab)
    for token, number in vocab.items():
        tokens[number] = token
    # Tokens left with no live posting keep an empty column (harmless; gone at the next merge
    # of a fresh build). Drop them now so that the vocabulary holds what the rows hold.
    used = counts > 0
    if not used.all():
        kept = np.flatnonzero(used)
        remap = np.full(len(vocab), -1, dtype=np.int64)
        remap[kept] = np.arange(len(kept))
        col = remap[col]
        tokens = [tokens[i] for i in kept.tolist()]
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(counts[kept], out=indptr[1:])
    return SideSegment(
        ids=ids,
        article=np.concatenate(arts).astype(np.int32),
        lengths=np.concatenate(lengths).astype(np.int32),
        tokens=tokens,
        indptr=indptr,
        rows=row[order].astype(np.int32),
        tf=np.concatenate(tfs)[order].astype(np.uint16),
    )
